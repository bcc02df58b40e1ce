"""Reading a clause with its contract (`context.py` says how the contract frames it): defined terms read into
the clause that uses them, duration triggers checked against the parsed term, survival clauses that keep a
grant alive, and clauses that switch another clause's protection off. Each returns flags for `detect`.
"""

from __future__ import annotations

import re

from assistant.review.context import (
    ContractContext,
    clauses_by_ref,
    outlives_death,
    references,
)
from assistant.review.duration import SURVIVE_RE, term_of
from assistant.review.matching import (
    GRANT_RE,
    Flag,
    pattern_fires,
    positive,
    sentence_around,
)
from assistant.review.playbook import Check, Playbook
from assistant.review.segmenter import Clause, Segmentation


def meanings(seg: Segmentation, clause: Clause) -> list[tuple[str, str]]:
    """(term, definition) for the defined terms a clause uses, defined outside it."""
    out = []
    for term in clause.terms:
        definition = seg.definitions.get(term)
        if definition is not None and not (clause.start <= definition.start < clause.end):
            out.append((term, definition.text))
    return out


def through_definitions(playbook: Playbook, check: Check, text: str, meanings: list[tuple[str, str]],
                         ctx: ContractContext, done: set[tuple[str, str]]) -> tuple[str | None, str]:
    """A check that fires only once the clause's defined terms are read into it ("during the Licence
    Period", where the Licence Period is the life of copyright). Each (check, term) is raised once, on the
    first clause that uses the term."""
    for term, meaning in meanings:
        if (check.id, term) in done or not fires_alone(playbook, check, term, meaning, ctx):
            continue
        combined = text + "\n" + meaning
        phrase = pattern_fires(playbook, check, combined)
        if phrase is not None and check.id == playbook.duration_check:
            phrase = open_ended(combined, phrase, ctx)
        if phrase is not None and combined.find(phrase) >= len(text):
            done.add((check.id, term))
            return phrase, term
    return None, ""


def fires_alone(playbook: Playbook, check: Check, term: str, meaning: str, ctx: ContractContext) -> bool:
    """Does the check fire on the definition by itself? Computed once per (check, term) and contract: a
    definition that raises nothing alone cannot make a clause raise it (the fast path for long contracts)."""
    key = (check.id, term)
    if key not in ctx.memo:
        ctx.memo[key] = pattern_fires(playbook, check, meaning) is not None
    return ctx.memo[key]


def open_ended(text: str, phrase: str, ctx: ContractContext) -> str | None:
    """A duration trigger stands unless the sentence gives a fixed term and the trigger is not a survival
    ("lasts twelve months … not renewed automatically" is fixed; "survives termination" still fires)."""
    if SURVIVE_RE.search(phrase):
        return phrase
    start = text.find(phrase)
    sentence = sentence_around(text, start, start + len(phrase)) if start >= 0 else text
    return None if term_of(sentence, ctx.defined_terms).kind == "fixed" else phrase


DISAPPLY_RE = re.compile(r"\b(?:shall|will|does|do) not apply\b|\bdisappl\w*\b|\b(?:is|are|shall be) (?:hereby )?"
                         r"(?:waived|suspended|disapplied)\b|\bnotwithstanding\b", re.I)


def disapplied(seg: Segmentation, playbook: Playbook, replica: set[int], seen: set[tuple[int, str]]) -> list[Flag]:
    """A clause that switches off another clause which gives a protection ("Clause 7.1 shall not apply to
    social media", where 7.1 requires AI labels) takes that protection away."""
    out = []
    by_ref = clauses_by_ref(seg)
    for clause in seg.clauses:
        if not DISAPPLY_RE.search(clause.text):
            continue
        cited = [c for r in references(clause.text) for c in by_ref.get(r, ()) if c is not clause]
        for check in playbook.checks:
            if not check.document_level or (clause.ordinal, check.id) in seen:
                continue
            if any(positive(playbook, check.provided_by, c.text) for c in cited) and (
                    clause.ordinal in replica or any(c.ordinal in replica for c in cited)):
                out.append(Flag(check, clause, "cross-reference", "switches off " + ", ".join(
                    dict.fromkeys(c.ref for c in cited if c.ref))))
                seen.add((clause.ordinal, check.id))
    return out


def survival(playbook: Playbook, ctx: ContractContext, replica: set[int], seen: set[tuple[int, str]]) -> list[Flag]:
    """A survival clause that keeps a replica grant alive after the contract ends (with no outer date of its
    own) is an open-ended licence; one that keeps it alive past death is a post-mortem use."""
    out = []
    for clause, kept in ctx.survival:
        if not positive(playbook, (SURVIVE_RE,), clause.text):
            continue
        grants = [c for c in kept if c.ordinal in replica and GRANT_RE.search(c.text)]
        if not grants and not (clause.ordinal in replica and not kept):
            continue
        where = ", ".join(dict.fromkeys(c.ref for c in grants if c.ref)) or "the grant"
        if playbook.death_check and outlives_death(clause.text):
            if (clause.ordinal, playbook.death_check) not in seen:
                out.append(Flag(playbook.check(playbook.death_check), clause, "survival",
                                f"keeps {where} alive after death"))
        elif (grants and playbook.duration_check and (clause.ordinal, playbook.duration_check) not in seen
              and term_of(clause.text, ctx.defined_terms).kind != "fixed"):
            out.append(Flag(playbook.check(playbook.duration_check), clause, "survival",
                            f"keeps {where} alive after the contract ends"))
    return out
