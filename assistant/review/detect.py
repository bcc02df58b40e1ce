"""Detection: which clauses of a contract touch a model's digital replica, and which playbook checks fire.

Each clause is matched against the playbook's checks — regex triggers first (with negation and carve-out
handling), then semantic exemplars for replica clauses the patterns missed. Also here: the governing-law
clause, protections missing everywhere, and the three-part tests of New York, California and Illinois.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.protocols import Embedder
from assistant.review.playbook import Check, Playbook, load_playbook
from assistant.review.segmenter import Clause, Segmentation, expand_terms, segment
from assistant.text.sentences import CONTRACT_SENTENCE_RE as SENTENCE_RE

GOVERNING_RE = re.compile(r"\b(?:governed by|constru\w+ (?:in accordance with|under|by)|subject to)\b"
                          r"[^.;]{0,80}?\blaws? of\b([^.;]{0,100})", re.I)
GRANT_RE = re.compile(r"\b(?:[Gg]rants?|[Ll]icen[cs]es?|may use|right to use|create|exploit|[Cc]onsents?)\b")
WINDOW = 600        # how far back a negation or a sentence start is looked for
SEMANTIC_MARGIN = 0.05


@dataclass(frozen=True)
class Flag:
    """A check that fired on a clause: where, and how it was found."""

    check: Check
    clause: Clause
    via: str          # pattern | semantic
    matched: str


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


def detect(seg: Segmentation, playbook: Playbook, embedder: Embedder | None = None) -> tuple[list[Flag], set[int], set[int]]:
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


def _semantic(pending, playbook: Playbook, embedder: Embedder, talent: bool) -> list[Flag]:
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


def detect_checks(text: str, playbook: Playbook | None = None, embedder: Embedder | None = None) -> set[str]:
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
