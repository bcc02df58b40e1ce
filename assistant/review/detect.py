"""Detection: which clauses of a contract touch a model's digital replica, and which playbook checks fire.

Each clause is read with its contract (`context.py`: what the agreement is about, linked clauses, the defined
Term) and matched against the playbook's checks — regex triggers first (`matching.py`: negation, carve-outs,
quoted words), then the contract-level readings (`reading.py`: defined terms, durations, survival, switched-off
protections), then semantic exemplars for replica clauses the patterns missed. Also here: the governing-law
clause, protections missing everywhere, and the three-part tests of New York, California and Illinois.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from assistant.protocols import Embedder
from assistant.review.context import ContractContext, read_context
from assistant.review.duration import term_of
from assistant.review.matching import (  # noqa: F401 - Flag is part of this module's interface
    GRANT_RE,
    Flag,
    any_match,
    context_text,
    pattern_fires,
    positive,
)
from assistant.review.playbook import Check, Playbook, load_playbook
from assistant.review.reading import (
    disapplied,
    meanings,
    open_ended,
    survival,
    through_definitions,
)
from assistant.review.segmenter import Clause, Segmentation, expand_terms, segment
from assistant.text.sentences import CONTRACT_SENTENCE_RE as SENTENCE_RE

GOVERNING_RE = re.compile(r"\b(?:governed by|constru\w+ (?:in accordance with|under|by)|subject to)\b"
                          r"[^.;]{0,80}?\blaws? of\b([^.;]{0,100})", re.I)
TABLE_OF_CONTENTS_RE = re.compile(r"\s*(?:table of contents|contents|index)\b", re.I)
SEMANTIC_MARGIN = 0.05


@lru_cache(maxsize=1)
def default_playbook() -> Playbook:
    return load_playbook()


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
    hits, replica, digital, _ = detect_in_context(seg, playbook, embedder)
    return hits, replica, digital


def detect_in_context(seg: Segmentation, playbook: Playbook, embedder: Embedder | None = None
                      ) -> tuple[list[Flag], set[int], set[int], ContractContext]:
    """`detect`, plus how the contract frames its clauses. A clause that speaks of "the rights granted"
    or "the consent given in this Section", or cites a replica clause, is a replica clause in a replica or
    likeness agreement; a pasted clause is read as part of a digital-replica agreement."""
    patterns = playbook.replica + playbook.likeness
    digital_terms = expand_terms(seg.definitions, lambda t: any_match(playbook.replica, t))
    replica_terms = expand_terms(seg.definitions, lambda t: any_match(patterns, t))
    replica = {c.ordinal for c in seg.clauses if is_replica_clause(playbook, patterns, c, replica_terms)}
    digital = {c.ordinal for c in seg.clauses if c.ordinal in replica
               and is_replica_clause(playbook, playbook.replica, c, digital_terms)}
    ctx = read_context(seg, playbook, replica, digital)
    replica |= ctx.linked
    if ctx.assumed:
        digital |= ctx.linked
    contract_replica = bool(replica)
    term_re = _term_re(replica_terms)

    framed = ctx.about in ("digital-replica", "likeness")

    def local(sentence: str) -> bool:
        return (playbook.may_concern_replica(sentence) and any_match(patterns, sentence)) or bool(
            term_re and term_re.search(sentence)) or (framed and any_match(playbook.rights_references, sentence))
    talent = ctx.pasted or framed or any(any_match(playbook.talent, c.text) for c in seg.clauses[:400])
    hits: list[Flag] = []
    pending: list[tuple[Clause, str]] = []
    through_term: set[tuple[str, str]] = set()      # (check, defined term): flagged once, where first used
    for clause in seg.clauses:
        text = context_text(clause)
        if TABLE_OF_CONTENTS_RE.match(text):
            continue
        fired = set()
        low = text.lower()
        defined = meanings(seg, clause)
        heading = " ".join(clause.path[:-1])
        headed = playbook.may_concern_replica(heading) and any_match(patterns, heading)
        for check in playbook.checks:
            if not _allowed(check, clause.ordinal in replica, contract_replica, talent):
                if contract_replica and check.anywhere and check.may_fire(low):
                    phrase = positive(playbook, check.anywhere, text)
                    if phrase is not None:
                        hits.append(Flag(check, clause, "anywhere", phrase.group(0)))
                        fired.add(check.id)
                continue
            needs_local = check.context == "replica" and len(text) > LOCAL_MIN and not headed
            phrase = pattern_fires(playbook, check, text, local if needs_local else None)
            if phrase is not None and check.id == playbook.duration_check:
                phrase = open_ended(text, phrase, ctx)
            via = "pattern"
            if phrase is None and check.anywhere and check.may_fire(low):
                found = positive(playbook, check.anywhere, text)
                phrase, via = (found.group(0), "anywhere") if found else (None, via)
            if phrase is None and defined and clause.kind != "definition":
                phrase, term = through_definitions(playbook, check, text, defined, ctx, through_term)
                via = f"definition of {term}" if phrase else via
            if phrase is not None:
                hits.append(Flag(check, clause, via, phrase))
                fired.add(check.id)
        if (playbook.duration_check and playbook.duration_check not in fired and clause.ordinal in replica
                and GRANT_RE.search(text)):
            term = term_of(text, ctx.defined_terms)
            if term.open_ended:
                hits.append(Flag(playbook.check(playbook.duration_check), clause, "duration", term.phrase))
                fired.add(playbook.duration_check)
        if clause.ordinal in replica and embedder is not None and not fired:
            long_clause = len(text) > LOCAL_MIN and not headed
            for sentence in _sentences(clause.text):
                if any(p.search(sentence) for p in playbook.negation_before[:3]):
                    continue
                if not long_clause or local(sentence):
                    pending.append((clause, sentence))
    hits.extend(f for f in _semantic(pending, playbook, embedder, talent)
                if f.check.id != playbook.duration_check or term_of(f.matched, ctx.defined_terms).kind != "fixed")
    hits.extend(survival(playbook, ctx, replica, {(h.clause.ordinal, h.check.id) for h in hits}))
    hits.extend(disapplied(seg, playbook, replica, {(h.clause.ordinal, h.check.id) for h in hits}))
    return _dedupe(hits), replica, digital, ctx


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
