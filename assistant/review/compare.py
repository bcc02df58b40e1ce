"""Compare a contract with our template (or an earlier version of itself): only what changed, each change
judged against the playbook.

    comparison = compare(base_review, edited_review, "our digital replica rider")
    for change in comparison.changes:
        change.kind        # changed | added | removed
        change.judgement   # unacceptable | weaker | fallback | standard | neutral
        change.reason      # plain language, with the positions it touches

Clauses are aligned by their text (difflib over normalised clauses), then paired inside each replaced block
by clause number or similarity. A change is judged from the review of the edited version (findings on the
clause, the outcome of the positions it speaks to) beside the base version's outcome for those positions.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from assistant.review.findings import Review
from assistant.review.outcomes import PositionResult
from assistant.review.playbook import Playbook
from assistant.review.segmenter import Clause

FRONT_MATTER_RE = re.compile(r"\A---\n.*?\n---\n", re.S)
NOTE_RE = re.compile(r"^\s*(?:\*(?:Why|Note)\b|What this is:).*$", re.M)
HEADING_RE = re.compile(r"^#{1,6}\s+", re.M)
SIMILAR = 0.45            # below this a removed and an added clause are not "the same clause, changed"
JUDGEMENTS = ("unacceptable", "weaker", "fallback", "standard", "neutral")
RANK = {"met": 0, "fallback": 1, "missing": 2, "unacceptable": 3, "n/a": -1}


@dataclass(frozen=True)
class Side:
    ref: str
    text: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"ref": self.ref, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Change:
    kind: str                      # changed | added | removed
    before: Side | None
    after: Side | None
    judgement: str                 # one of JUDGEMENTS
    reason: str
    positions: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"kind": self.kind, "judgement": self.judgement, "reason": self.reason,
                "positions": list(self.positions), "checks": list(self.checks),
                "before": self.before.to_dict() if self.before else None,
                "after": self.after.to_dict() if self.after else None}


@dataclass(frozen=True)
class Comparison:
    base_title: str
    changes: tuple[Change, ...]
    unchanged: int
    review: Review                 # the edited version's full review
    base_review: Review

    def to_dict(self) -> dict:
        counts = {j: sum(1 for c in self.changes if c.judgement == j) for j in JUDGEMENTS}
        return {"base": self.base_title, "unchanged_clauses": self.unchanged, "counts": counts,
                "changes": [c.to_dict() for c in self.changes]}


def template_contract(markdown: str) -> str:
    """A corpus template as contract text: no front matter, no "*Why:*" notes, headings as plain lines."""
    body = FRONT_MATTER_RE.sub("", markdown)
    body = NOTE_RE.sub("", body)
    body = HEADING_RE.sub("", body)
    return re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _side(c: Clause) -> Side:
    return Side(c.ref, c.text, c.start, c.end)


def _pairs(old: list[Clause], new: list[Clause]) -> list[tuple[Clause | None, Clause | None]]:
    """Pair the clauses of a replaced block: same number first, then the most similar, else unpaired."""
    out: list[tuple[Clause | None, Clause | None]] = []
    free = list(new)
    for o in old:
        same = next((n for n in free if o.ref and n.ref == o.ref), None)
        if same is None and free:
            scored = max(free, key=lambda n: difflib.SequenceMatcher(None, _norm(o.text), _norm(n.text)).ratio())
            if difflib.SequenceMatcher(None, _norm(o.text), _norm(scored.text)).ratio() >= SIMILAR:
                same = scored
        if same is not None:
            free.remove(same)
        out.append((o, same))
    return out + [(None, n) for n in free]


def align(old: tuple[Clause, ...], new: tuple[Clause, ...]) -> tuple[list[tuple[Clause | None, Clause | None]], int]:
    """(changed, added and removed pairs in document order, how many clauses are unchanged)."""
    a, b = [_norm(c.text) for c in old], [_norm(c.text) for c in new]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out, same = [], 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            same += i2 - i1
        else:
            out += _pairs(list(old[i1:i2]), list(new[j1:j2]))
    return [p for p in out if not (p[0] and p[1] and _norm(p[0].text) == _norm(p[1].text))], same


def _touching(review: Review, clause: Clause | None, playbook: Playbook | None = None) -> list[PositionResult]:
    """The positions that rest on `clause`, and (with a playbook) those whose subject it speaks to."""
    if clause is None:
        return []
    speaks = set()
    if playbook is not None:
        speaks = {c.id for c in playbook.checks if c.position and any(p.search(clause.text) for p in c.position.addressed_by)}
    return [p for p in review.positions if p.outcome != "n/a" and (
        p.check_id in speaks or any(c.start < clause.end and clause.start < c.end for c in p.clauses))]


def judge(before: Clause | None, after: Clause | None, base: Review, edited: Review,
          playbook: Playbook | None = None) -> Change:
    """How a change moves the contract against the playbook."""
    kind = "removed" if after is None else "added" if before is None else "changed"
    findings = [f for f in edited.findings if after and f.scope == "clause" and f.start < after.end
                and after.start < f.end]
    now = _touching(edited, after)
    was = _touching(base, before, playbook if after is None else None)
    names = tuple(dict.fromkeys([p.position for p in now + was]))
    checks = tuple(dict.fromkeys(f.check_id for f in findings))
    if findings:
        titles = "; ".join(dict.fromkeys(f.title for f in findings))
        return Change(kind, before and _side(before), after and _side(after), "unacceptable",
                      f"The {'new' if kind == 'added' else 'edited'} wording raises: {titles}.", names, checks)
    outcome_now = {p.position: p for p in edited.positions}
    worse = [p for p in was if RANK.get(outcome_now.get(p.position, p).outcome, 0) > RANK.get(p.outcome, 0)]
    if worse:
        moved = "; ".join(f"{p.position}: {p.label.lower()} before, "
                          f"{outcome_now[p.position].label.lower()} now" for p in worse)
        return Change(kind, before and _side(before), after and _side(after), "weaker",
                      f"Weaker than our standard position — {moved}.", names, checks)
    fallback = [p for p in now if p.outcome == "fallback"]
    if fallback:
        which = "; ".join(f"{p.position}: {p.fallback}" for p in fallback)
        return Change(kind, before and _side(before), after and _side(after), "fallback",
                      f"Acceptable as a fallback, not our standard position ({which}).", names, checks)
    if now and all(p.outcome == "met" for p in now):
        return Change(kind, before and _side(before), after and _side(after), "standard",
                      "Still meets our standard position (" + ", ".join(p.position for p in now) + ").", names, checks)
    what = "Removed" if kind == "removed" else "Changed" if kind == "changed" else "Added"
    if was:
        kept = "; ".join(f"{p.position} is still {outcome_now.get(p.position, p).label.lower()}" for p in was)
        return Change(kind, before and _side(before), after and _side(after), "neutral",
                      f"{what}; other clauses still cover it: {kept}.", names, checks)
    return Change(kind, before and _side(before), after and _side(after), "neutral",
                  f"{what}; no playbook position turns on this clause. Read it anyway.", names, checks)


def compare(base: Review, edited: Review, base_title: str, playbook: Playbook | None = None) -> Comparison:
    """Only what changed between two reviewed versions, each change judged (see the module docstring)."""
    pairs, same = align(base.clauses, edited.clauses)
    changes = tuple(judge(b, a, base, edited, playbook) for b, a in pairs)
    order = {j: i for i, j in enumerate(JUDGEMENTS)}
    changes = tuple(sorted(changes, key=lambda c: (order[c.judgement], (c.after or c.before).start)))
    return Comparison(base_title, changes, same, edited, base)
