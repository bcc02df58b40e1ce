"""Contract review: which clauses touch a model's digital replica, what is risky, why, and what to ask for.

    review(text_or_document, tg, jurisdiction=None) -> Review

`tg` is a TwinGuard (or a playbook.CorpusSections): anything with `.embedder`, `.settings` and
`.section_hit(doc_id, label)`. Each clause is matched against the playbook's checks — regex triggers
first (with negation and carve-out handling), then semantic exemplars for replica clauses the patterns
missed — and the whole contract is checked for protections missing everywhere and for the three-part
tests of New York, California and Illinois. Findings carry the clause, offsets, page, a plain-language
"why" with [n] citations to corpus sections, and the clause library's standard position as suggestion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .answer import JURISDICTION_NAMES, pick_sentences, make_citation
from .playbook import Check, Playbook, Source, load_playbook, standard_positions
from .segmenter import Clause, Segmentation, as_document, expand_terms, segment
from .types import Citation, Document

SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
GOVERNING_RE = re.compile(r"\b(?:governed by|constru\w+ (?:in accordance with|under|by)|subject to)\b"
                          r"[^.;]{0,80}?\blaws? of\b([^.;]{0,100})", re.I)
SENTENCE_RE = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[A-Z(\"“])|\n\s*\n")
GRANT_RE = re.compile(r"\b(?:[Gg]rants?|[Ll]icen[cs]es?|may use|right to use|create|exploit|[Cc]onsents?)\b")
MAX_CITATIONS = 3
WINDOW = 600        # how far back a negation or a sentence start is looked for
SEMANTIC_MARGIN = 0.05


@dataclass(frozen=True)
class Finding:
    check_id: str
    title: str
    severity: str
    clause: str
    start: int
    end: int
    page: int | None
    why: str
    citations: tuple[Citation, ...]
    suggestion: str
    clause_library_id: str
    clause_id: str = ""
    scope: str = "clause"          # clause | contract (a protection missing everywhere)

    def to_dict(self) -> dict:
        return {"check_id": self.check_id, "title": self.title, "severity": self.severity,
                "clause": self.clause, "start": self.start, "end": self.end, "page": self.page,
                "why": self.why, "citations": [c.to_dict() for c in self.citations],
                "suggestion": self.suggestion, "clause_library_id": self.clause_library_id,
                "clause_id": self.clause_id, "scope": self.scope}


@dataclass(frozen=True)
class Review:
    findings: tuple[Finding, ...]
    clauses: tuple[Clause, ...]
    jurisdiction: str | None
    replica_clauses_found: bool
    jurisdiction_from: str = ""    # "user", "governing-law clause" or ""
    text: str = ""

    def to_dict(self) -> dict:
        return {"jurisdiction": self.jurisdiction, "replica_clauses_found": self.replica_clauses_found,
                "findings": [f.to_dict() for f in self.findings]}


@dataclass(frozen=True)
class Flag:
    """A check that fired on a clause: where, and how it was found."""

    check: Check
    clause: Clause
    via: str          # pattern | semantic
    matched: str


@lru_cache(maxsize=4)
def _positions(corpus: str) -> dict[str, str]:
    return standard_positions(Path(corpus))


@lru_cache(maxsize=1)
def default_playbook() -> Playbook:
    return load_playbook()


# --- matching ------------------------------------------------------------------------------------


def any_match(patterns, text: str) -> bool:
    return any(p.search(text) for p in patterns)


def negated(playbook: Playbook, text: str, start: int, end: int) -> bool:
    """Is the phrase text[start:end] negated ("shall not sublicense", "sublicensing is not permitted")?"""
    seg_start = max(0, start - WINDOW)
    for brk in playbook.breaks.finditer(text, seg_start, start):
        seg_start = brk.end()
    prefix = text[seg_start:start]
    if any(p.search(prefix) for p in playbook.negation_before):
        return True
    return any(p.search(text[end:end + 80]) for p in playbook.negation_after)


def sentence_around(text: str, start: int, end: int) -> str:
    s = max(0, start - WINDOW)
    for m in SENTENCE_RE.finditer(text, s, start):
        s = m.end()
    e = SENTENCE_RE.search(text, end, end + WINDOW)
    return text[s:e.start() if e else min(len(text), end + WINDOW)]


def positive(playbook: Playbook, patterns, text: str) -> re.Match | None:
    """The first match of any pattern in text that is not negated."""
    for pattern in patterns:
        for m in pattern.finditer(text):
            if not negated(playbook, text, m.start(), m.end()):
                return m
    return None


def pattern_fires(playbook: Playbook, check: Check, text: str, local=None) -> str | None:
    """The triggering phrase when one of the check's patterns fires in `text` — not negated, within
    its numeric limit, not satisfied by a safe phrase in the same sentence, and (when `local` is given,
    for long clauses) in a sentence that itself concerns the replica — else None."""
    if not check.may_fire(text.lower()):
        return None
    if check.context_patterns and not any_match(check.context_patterns, text):
        return None
    for pattern in check.patterns:
        for m in pattern.finditer(text):
            if not check.passes_numeric(m) or negated(playbook, text, m.start(), m.end()):
                continue
            sentence = sentence_around(text, m.start(), m.end())
            if local is not None and not local(sentence):
                continue
            scope = text if check.satisfied_scope == "clause" else sentence
            if check.satisfied_by and positive(playbook, check.satisfied_by, scope):
                continue
            return m.group(0)
    return None


def context_text(clause: Clause) -> str:
    """What the checks read: the parent's lead-in ("The Company may:") then the clause."""
    if clause.lead:
        return clause.lead.rstrip(" :—-\n") + " " + clause.text
    return clause.text


def is_replica_clause(playbook: Playbook, patterns, clause: Clause, replica_terms: set[str]) -> bool:
    if replica_terms.intersection(clause.terms):
        return True
    text = context_text(clause) + "\n" + " ".join(clause.path[:-1])
    return playbook.may_concern_replica(text) and any_match(patterns, text)


def _term_re(terms: set[str]) -> re.Pattern | None:
    if not terms:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
                      + r")(?![\w])")


LOCAL_MIN = 400   # in clauses longer than this, a replica check needs the replica in the trigger's sentence


def _allowed(check: Check, replica: bool, contract_replica: bool, talent: bool) -> bool:
    return {"replica": replica, "contract": replica or contract_replica,
            "talent": talent, "any": True}[check.context]


def detect(seg: Segmentation, playbook: Playbook, embedder=None) -> tuple[list[Flag], set[int], set[int]]:
    """Clause-level hits of every check; the ordinals of clauses that concern the model's likeness or
    replica; and of those that concern a digital replica (scans, AI, avatars)."""
    patterns = playbook.replica + playbook.likeness
    digital_terms = expand_terms(seg.definitions, lambda t: any_match(playbook.replica, t))
    replica_terms = expand_terms(seg.definitions, lambda t: any_match(patterns, t))
    replica = {c.ordinal for c in seg.clauses if is_replica_clause(playbook, patterns, c, replica_terms)}
    digital = {c.ordinal for c in seg.clauses if c.ordinal in replica
               and is_replica_clause(playbook, playbook.replica, c, digital_terms)}
    contract_replica = bool(replica)
    term_re = _term_re(replica_terms)

    def local(sentence: str) -> bool:
        return (playbook.may_concern_replica(sentence) and any_match(patterns, sentence)) or bool(
            term_re and term_re.search(sentence))
    talent = any(any_match(playbook.talent, c.text) for c in seg.clauses[:400])
    hits: list[Flag] = []
    pending: list[tuple[Clause, str]] = []
    for clause in seg.clauses:
        text = context_text(clause)
        fired = set()
        heading = " ".join(clause.path[:-1])
        headed = playbook.may_concern_replica(heading) and any_match(patterns, heading)
        for check in playbook.checks:
            if not _allowed(check, clause.ordinal in replica, contract_replica, talent):
                continue
            needs_local = check.context == "replica" and len(text) > LOCAL_MIN and not headed
            phrase = pattern_fires(playbook, check, text, local if needs_local else None)
            if phrase is not None:
                hits.append(Flag(check, clause, "pattern", phrase))
                fired.add(check.id)
        if clause.ordinal in replica and embedder is not None and not fired:
            long_clause = len(text) > LOCAL_MIN and not headed
            for sentence in _sentences(clause.text):
                if any(p.search(sentence) for p in playbook.negation_before[:3]):
                    continue
                if not long_clause or local(sentence):
                    pending.append((clause, sentence))
    hits.extend(_semantic(pending, playbook, embedder, talent))
    return _dedupe(hits), replica, digital


def _sentences(text: str) -> list[str]:
    parts, cursor = [], 0
    for m in SENTENCE_RE.finditer(text):
        parts.append(text[cursor:m.start()])
        cursor = m.end()
    parts.append(text[cursor:])
    return [p.strip()[:600] for p in parts if len(p.split()) >= 6]


def _semantic(pending, playbook: Playbook, embedder, talent: bool) -> list[Flag]:
    """Exemplar matches for replica clauses no pattern flagged: all candidate sentences of the contract
    embedded in one batch; a sentence raises only the check whose risky exemplars it is closest to, when
    that similarity clears the check's threshold and beats every safe exemplar (of any check) by a margin."""
    if not pending:
        return []
    unique = list(dict.fromkeys(s for _, s in pending))
    vectors = dict(zip(unique, embedder.encode(unique)))
    exemplars = playbook.exemplar_vectors(embedder)
    checks = [c for c in playbook.checks if c.exemplars and _allowed(c, True, True, talent)]
    safe_pool = np.concatenate([exemplars[c.id][1] for c in playbook.checks if len(exemplars[c.id][1])])
    out, seen = [], set()
    for clause, sentence in pending:
        vec = vectors[sentence]
        scored = [(float(np.max(exemplars[c.id][0] @ vec)), c) for c in checks]
        best, check = max(scored, key=lambda x: x[0])
        best_safe = float(np.max(safe_pool @ vec)) if len(safe_pool) else 0.0
        if (clause.ordinal, check.id) in seen or best < check.threshold or best < best_safe + SEMANTIC_MARGIN:
            continue
        if check.satisfied_by and positive(playbook, check.satisfied_by, sentence):
            continue
        seen.add((clause.ordinal, check.id))
        out.append(Flag(check, clause, "semantic", sentence))
    return out


def _dedupe(hits: list[Flag]) -> list[Flag]:
    """A sub-clause does not repeat a finding its lead-in clause already has."""
    by_text = {(h.clause.text, h.check.id) for h in hits if not h.clause.lead}
    return [h for h in hits if not (h.clause.lead and (h.clause.lead, h.check.id) in by_text)]


def detect_checks(text: str, playbook: Playbook | None = None, embedder=None) -> set[str]:
    """The check ids that fire on a piece of text (clause-level only) — for the labelled benchmark."""
    hits, _, _ = detect(segment(text), playbook or default_playbook(), embedder)
    return {h.check.id for h in hits}


# --- whole contract ------------------------------------------------------------------------------


def governing_jurisdiction(playbook: Playbook, text: str) -> str | None:
    for match in GOVERNING_RE.finditer(text):
        place = match.group(1)
        for pattern, code in playbook.governing_law:
            if pattern.search(place):
                return code
    return None


def _anchor(seg: Segmentation, replica: set[int]) -> Clause | None:
    candidates = [c for c in seg.clauses if c.ordinal in replica]
    granting = [c for c in candidates if GRANT_RE.search(c.text) and c.kind in ("clause", "schedule")]
    return (granting or candidates or [None])[0]


def missing_protections(seg: Segmentation, playbook: Playbook, replica: set[int],
                        flagged: set[str]) -> list[tuple[Check, Clause]]:
    """Protections (deletion, disclosure, withdrawal) no clause of the contract provides."""
    anchor = _anchor(seg, replica)
    if anchor is None:
        return []
    out = []
    for check in playbook.checks:
        if not check.document_level or check.id in flagged:
            continue
        if not any(positive(playbook, check.provided_by, c.text) for c in seg.clauses):
            out.append((check, anchor))
    return out


def three_part_test(seg: Segmentation, playbook: Playbook, replica: set[int], vague: list[Clause]):
    """(a) replica in place of in-person work, (b) no reasonably specific description, (c) no lawyer
    or union: the replica clause that meets all three, with the parts as plain text; else None."""
    replica_clauses = [c for c in seg.clauses if c.ordinal in replica]
    in_place = [c for c in replica_clauses if positive(playbook, playbook.in_place_of_work, context_text(c))]
    if not in_place:
        return None
    specific = any(positive(playbook, playbook.specific_description, c.text) for c in replica_clauses)
    if specific and not vague:
        return None
    if any(positive(playbook, playbook.representation, c.text) for c in seg.clauses):
        return None
    target = next((c for c in in_place if c in vague), vague[0] if vague else in_place[0])
    return target


# --- findings ------------------------------------------------------------------------------------


def cite(tg, sources: list[Source], query: str) -> list[Citation]:
    citations: list[Citation] = []
    seen = set()
    for source in sources:
        if len(citations) >= MAX_CITATIONS or (source.doc, source.section) in seen:
            continue
        seen.add((source.doc, source.section))
        hit = tg.section_hit(source.doc, source.section)
        if hit is None:
            continue
        picks = pick_sentences(query, [hit], 1)
        if picks:
            citations.append(make_citation(len(citations) + 1, *picks[0]))
    return citations


def _with_markers(text: str, citations: list[Citation]) -> str:
    if not citations:
        return text
    markers = "".join(f"[{c.n}]" for c in citations)
    return f"{text[:-1]} {markers}{text[-1]}" if text[-1:] in ".!?" else f"{text} {markers}"


def make_finding(tg, doc: Document, check: Check, clause: Clause, jurisdiction: str | None,
                 suggestions: dict[str, str], *, why: str | None = None, scope: str = "clause",
                 title: str | None = None, severity: str | None = None,
                 sources: list[Source] | None = None) -> Finding:
    decisive = check.jurisdictions.get(jurisdiction or "")
    sources = sources or ([decisive] if decisive else []) + list(check.sources)
    severity = severity or ("high" if decisive and check.severity == "medium" else check.severity)
    text = why or check.why
    if decisive and why is None:
        text += f" The law of {JURISDICTION_NAMES.get(jurisdiction, jurisdiction)} applies here."
    citations = cite(tg, sources, f"{check.title}. {text}")
    end = clause.block_end or clause.end
    return Finding(
        check_id=check.id if title is None else title[0], title=check.title if title is None else title[1],
        severity=severity, clause=doc.text[clause.start:end], start=clause.start, end=end, page=clause.page,
        why=_with_markers(text, citations), citations=tuple(citations),
        suggestion=suggestions.get(check.fix, ""), clause_library_id=check.fix, clause_id=clause.ref,
        scope=scope)


def review(source: str | Document, tg, jurisdiction: str | None = None, *, playbook: Playbook | None = None,
           whole_contract: bool | None = None) -> Review:
    """Review a contract (or one pasted clause). `whole_contract` (default: three clauses or more)
    turns on the checks for protections missing everywhere."""
    playbook = playbook or default_playbook()
    doc = as_document(source)
    seg = segment(doc)
    hits, replica, digital = detect(seg, playbook, getattr(tg, "embedder", None))
    whole = len(seg.clauses) >= 3 if whole_contract is None else whole_contract
    found_from = "user" if jurisdiction else ""
    if not jurisdiction:
        jurisdiction = governing_jurisdiction(playbook, doc.text)
        found_from = "governing-law clause" if jurisdiction else ""
    suggestions = _positions(str(tg.settings.corpus)) or _positions(str(_builtin()))
    findings = [make_finding(tg, doc, h.check, h.clause, jurisdiction, suggestions) for h in hits]
    flagged = {h.check.id for h in hits}
    if whole and digital:
        for check, anchor in missing_protections(seg, playbook, digital, flagged):
            findings.append(_missing(tg, doc, check, anchor, jurisdiction, suggestions))
    if digital:
        findings.extend(_statutes(tg, doc, seg, playbook, digital, hits, jurisdiction, suggestions))
    findings.sort(key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.start, f.check_id))
    return Review(tuple(findings), seg.clauses, jurisdiction, bool(replica), found_from, doc.text)


def _builtin() -> Path:
    from .config import builtin_corpus

    return builtin_corpus()


def _missing(tg, doc, check: Check, anchor: Clause, jurisdiction, suggestions) -> Finding:
    why = check.missing_why or f"No clause in this contract provides this protection. {check.why}"
    return make_finding(tg, doc, check, anchor, jurisdiction, suggestions, why=why, scope="contract")


def _statutes(tg, doc, seg, playbook: Playbook, replica, hits, jurisdiction, suggestions) -> list[Finding]:
    out = []
    for test in playbook.statutes:
        if test.jurisdiction != jurisdiction:
            continue
        vague = [h.clause for h in hits if h.check.id == "vague-scope"]
        target = three_part_test(seg, playbook, replica, vague)
        if target is None:
            continue
        check = playbook.check("vague-scope")
        why = (f"Under {test.title}, a digital-replica clause in a services contract is void when it "
               "(a) lets a replica replace work you would have done in person, (b) has no reasonably "
               "specific description of the uses, and (c) you had no lawyer or union negotiating it. "
               "This clause appears to meet all three: it allows replica content, does not describe the "
               "uses specifically, and nothing in the contract says a lawyer or union negotiated it.")
        sources = [test.source, Source(test.source.doc, test.source.section)] + list(check.sources)
        out.append(make_finding(tg, doc, check, target, jurisdiction, suggestions, why=why, scope="contract",
                                title=("three-part-test", f"Replica clause likely void under {test.title}"),
                                severity="high", sources=sources))
    return out
