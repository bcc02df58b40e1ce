"""Four outcomes per playbook position for a whole contract, and the one-page summary that leads a review.

Each position (licence term, scope of use, deletion, …) is graded once for the contract:

- **unacceptable** — a clause raises the position's check (or a term runs past the last fallback);
- **fallback** — a clause meets one of the clause library's fallbacks (which one is named);
- **met** — a clause meets the standard position;
- **missing** — no clause speaks to the position at all;
- **n/a** — the position does not apply (an agency term in a brand licence; no minor in the contract).

Each result names the clause(s) it rests on, its citations and what the model gives up. Grading rules
are data (`position:` in playbook.yaml); this module only applies them.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Callable, Sequence

from assistant.review.context import ContractContext
from assistant.review.duration import Term, months_text, term_of
from assistant.review.playbook import Check, Playbook
from assistant.review.segmenter import Clause, Segmentation
from assistant.types import Citation

OUTCOMES = ("unacceptable", "missing", "fallback", "met", "n/a")
OUTCOME_LABEL = {"met": "Meets our standard position", "fallback": "Meets a fallback",
                 "unacceptable": "Unacceptable", "missing": "Missing", "n/a": "Does not apply"}
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
FIX_FIRST = 3
MAX_TERM_CLAUSES = 60     # a term is stated early and in few places; long contracts are not read for it twice


@dataclass(frozen=True)
class ClauseRef:
    ref: str
    start: int
    end: int
    page: int | None

    def to_dict(self) -> dict:
        return {"ref": self.ref, "start": self.start, "end": self.end, "page": self.page}


@dataclass(frozen=True)
class PositionResult:
    check_id: str
    position: str                  # "Licence term"
    outcome: str                   # one of OUTCOMES
    severity: str
    reason: str                    # plain language: why this outcome
    clauses: tuple[ClauseRef, ...] = ()
    fallback: str = ""             # "Fallback 1" when outcome is "fallback"
    gives_up: str = ""             # what the model gives up under this outcome
    citations: tuple[Citation, ...] = ()
    clause_library_id: str = ""

    @property
    def label(self) -> str:
        label = OUTCOME_LABEL[self.outcome]
        return f"{label} ({self.fallback})" if self.outcome == "fallback" and self.fallback else label

    def to_dict(self) -> dict:
        return {"check_id": self.check_id, "position": self.position, "outcome": self.outcome, "label": self.label,
                "fallback": self.fallback, "severity": self.severity, "reason": self.reason,
                "clauses": [c.to_dict() for c in self.clauses], "gives_up": self.gives_up,
                "citations": [c.to_dict() for c in self.citations], "clause_library_id": self.clause_library_id}


@dataclass(frozen=True)
class StatuteResult:
    """A jurisdiction test (the NY, California and Illinois three-part tests) and how it came out."""

    title: str
    applies: bool
    result: str

    def to_dict(self) -> dict:
        return {"title": self.title, "applies": self.applies, "result": self.result}


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    fix_first: tuple[PositionResult, ...]
    tests: tuple[StatuteResult, ...]
    read_as: str

    def to_dict(self) -> dict:
        return {"counts": self.counts, "read_as": self.read_as,
                "fix_first": [{"check_id": p.check_id, "position": p.position, "outcome": p.outcome,
                               "reason": p.reason} for p in self.fix_first],
                "tests": [t.to_dict() for t in self.tests]}


@dataclass(frozen=True)
class Grading:
    """What grading needs from the review: the clauses, the checks that fired, the context."""

    seg: Segmentation
    flagged: dict[str, list[Clause]]          # check id -> clauses that raised it
    missing: set[str]                         # checks raised as protections missing from the whole contract
    replica: set[int]
    talent: bool
    ctx: ContractContext
    today: _dt.date


def applies(check: Check, g: Grading) -> bool:
    rule = check.position
    if rule.applies_when and not any(any(p.search(c.text) for p in rule.applies_when) for c in g.seg.clauses[:400]):
        return False
    if check.context == "talent":
        return g.talent
    if check.context == "contract":   # a minor: only when the contract mentions one
        return bool(g.replica) and bool(_addressing(check, g))
    return bool(g.replica)


def _refs(clauses: Sequence[Clause]) -> tuple[ClauseRef, ...]:
    seen, out = set(), []
    for c in clauses:
        if c.ordinal not in seen:
            seen.add(c.ordinal)
            out.append(ClauseRef(c.ref, c.start, c.block_end or c.end, c.page))
    return tuple(out)


def _addressing(check: Check, g: Grading) -> list[Clause]:
    rule = check.position
    pool = [c for c in g.seg.clauses if check.context != "replica" or c.ordinal in g.replica]
    return [c for c in pool if any(p.search(_text(c)) for p in rule.addressed_by)]


def _text(clause: Clause) -> str:
    return (clause.lead.rstrip(" :—-\n") + " " + clause.text) if clause.lead else clause.text


def _by_duration(check: Check, clauses: list[Clause], g: Grading) -> tuple[str, str, str, list[Clause]] | None:
    """(outcome, fallback label, reason, clauses) from the longest fixed term the clauses give."""
    rule = check.position
    terms: list[tuple[Term, Clause]] = []
    for c in clauses[:MAX_TERM_CLAUSES]:
        term = term_of(_text(c), g.ctx.defined_terms, today=g.today)
        if term.kind == "fixed":
            terms.append((term, c))
    if not terms and g.ctx.term.kind == "fixed":
        terms = [(g.ctx.term, c) for c in clauses[:1]] or []
    if not terms:
        return None
    known = [(t, c) for t, c in terms if t.months is not None]
    if not known:
        return "met", "", f"The licence has a fixed end date ({terms[0][0].phrase}).", [terms[0][1]]
    term, clause = max(known, key=lambda x: x[0].months)
    length = months_text(term.months)
    if term.months <= rule.standard_months + 0.01:
        return "met", "", f"A fixed term of {length}, within our standard of {months_text(rule.standard_months)}.", [clause]
    for i, limit in enumerate(rule.fallback_months, 1):
        if term.months <= limit + 0.01:
            return "fallback", f"Fallback {i}", f"A fixed term of {length}: longer than our standard " \
                f"({months_text(rule.standard_months)}) but within Fallback {i} ({months_text(limit)}).", [clause]
    last = rule.fallback_months[-1] if rule.fallback_months else rule.standard_months
    return "unacceptable", "", f"A fixed term of {length}: longer than our last fallback ({months_text(last)}).", [clause]


def grade(check: Check, g: Grading) -> tuple[str, str, str, list[Clause]]:
    """(outcome, fallback label, reason, clauses it rests on) for one position."""
    rule = check.position
    if not applies(check, g):
        what = {"talent": "this is not a model or agency contract", "contract": "no model under 18 is mentioned"}
        if rule.applies_when:
            what["talent"] = "this is not an agency or management contract"
        return "n/a", "", f"Does not apply: {what.get(check.context, 'the contract has no likeness or replica clauses')}.", []
    if check.id in g.flagged:
        clauses = g.flagged[check.id]
        return "unacceptable", "", f"{check.title}: {_where(clauses)}.", clauses
    if check.id in g.missing:
        return "missing", "", "No clause in the contract provides this protection.", []
    clauses = _addressing(check, g)
    if rule.standard_months is not None:
        graded = _by_duration(check, clauses, g)
        if graded is not None:
            return graded
        if not clauses:
            return "missing", "", "The contract states no term for this.", []
    if not clauses:
        return "missing", "", f"No clause deals with {rule.name.lower()}.", []
    for pattern in rule.standard_by:
        hits = [c for c in clauses if pattern.search(_text(c))]
        if hits:
            return "met", "", f"{_where(hits).capitalize()} meets our standard position.", hits
    for fallback in rule.fallbacks:
        hits = [c for c in clauses if any(p.search(_text(c)) for p in fallback.by)]
        if hits:
            return "fallback", fallback.label, f"{_where(hits).capitalize()} matches {fallback.label}.", hits
    return ("fallback", "other wording",
            f"{_where(clauses).capitalize()} deals with this without raising the check, but not in the terms of our "
            "standard position or a listed fallback: read it against the clause library.", clauses[:3])


def _where(clauses: Sequence[Clause]) -> str:
    refs = [c.ref for c in clauses if c.ref]
    if not refs:
        return "a clause" if len(clauses) == 1 else f"{len(clauses)} clauses"
    refs = list(dict.fromkeys(refs))
    return ("clause " if len(refs) == 1 else "clauses ") + ", ".join(refs[:4]) + (" …" if len(refs) > 4 else "")


def assess(playbook: Playbook, g: Grading, gives_up: Callable[[Check, str, str], str],
           cite: Callable[[Check], Sequence[Citation]]) -> list[PositionResult]:
    """Every position with a grading rule, graded for the whole contract. `gives_up(check, outcome,
    fallback)` and `cite(check)` come from the caller (the clause library and the corpus)."""
    out = []
    for check in playbook.checks:
        if check.position is None:
            continue
        outcome, fallback, reason, clauses = grade(check, g)
        out.append(PositionResult(
            check_id=check.id, position=check.position.name, outcome=outcome, severity=check.severity,
            reason=reason, clauses=_refs(clauses), fallback=fallback,
            gives_up=gives_up(check, outcome, fallback) if outcome != "n/a" else "",
            citations=tuple(cite(check)) if outcome != "n/a" else (), clause_library_id=check.fix))
    return out


def summarize(positions: Sequence[PositionResult], tests: Sequence[StatuteResult], read_as: str) -> Summary:
    counts = {o: sum(1 for p in positions if p.outcome == o) for o in OUTCOMES}
    urgent = sorted((p for p in positions if p.outcome in ("unacceptable", "missing")),
                    key=lambda p: (p.outcome != "unacceptable", SEVERITY_RANK.get(p.severity, 9)))
    return Summary(counts, tuple(urgent[:FIX_FIRST]), tuple(tests), read_as)
