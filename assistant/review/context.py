"""A clause read with its contract: what the agreement is about, which clauses speak of the rights or
consent it grants, what the defined Term is, and which sections survive termination or death.

    ctx = read_context(seg, playbook, replica)
    ctx.about          # "digital-replica" | "likeness" | "talent" | "other"
    ctx.assumed        # a pasted clause, read as part of a digital-replica agreement
    ctx.linked         # ordinals of clauses that concern the replica through the contract, not their words

Pure functions over a `Segmentation`; `detect` uses the result to widen the replica clauses and to read
durations, and the review reports `ctx.read_as`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.review.duration import Term, survives, term_of
from assistant.review.playbook import Playbook
from assistant.review.segmenter import Clause, Segmentation

#: "Section 4", "Clauses 3.2 and 7", "Sections 2(a), 5 and 9": the numbers a clause points to.
REF_LIST_RE = re.compile(r"\b(?:sections?|clauses?|articles?|paragraphs?|§§?)\s+((?:\d{1,3}(?:\.\d{1,3})*(?:\([a-z0-9]{1,4}\))*"
                         r"(?:\s*(?:,|and|or|&|to|through|-|–)\s*)?)+)", re.I)
REF_RE = re.compile(r"\d{1,3}(?:\.\d{1,3})*(?:\([a-z0-9]{1,4}\))*", re.I)
LEADING_REF_RE = re.compile(r"\s*(?:section|clause|article|paragraph|§)\s+(\d{1,3}(?:\.\d{1,3})*[A-Za-z]?)\s*[:.\-–—]\s", re.I)
DEATH_RE = re.compile(r"\b(?:death|decease|demise|passing|post-?mortem|posthumous\w*)\b", re.I)
OPENING = 2500         # characters of the opening that say what the agreement is about
SUBJECT_RE = re.compile(r"\b(?:endorse\w*|sponsor\w*|spokes\w*|likeness|publicity|image rights|talent|models?|modell?ing|"
                        r"influencer|ambassador|celebrity|personality|appearances?|personal services|promotion|"
                        r"digital (?:replica|twin|double)|avatar|performer|athlete|artist)\b", re.I)
PASTED_MAX = 3000      # characters: text this short with at most two clauses is a pasted clause


@dataclass(frozen=True)
class ContractContext:
    about: str
    assumed: bool = False          # a pasted clause with no definitions: read as a digital-replica agreement
    pasted: bool = False           # at most three short clauses: a clause or two, not a whole contract
    term: Term = Term("unstated")
    defined_terms: dict[str, Term] = field(default_factory=dict)
    linked: frozenset[int] = frozenset()
    survival: tuple[tuple[Clause, tuple[Clause, ...]], ...] = ()
    memo: dict = field(default_factory=dict, compare=False, repr=False)   # per-contract cache for detection

    @property
    def read_as(self) -> str:
        if self.assumed:
            return "a clause of a digital-replica agreement (pasted on its own)"
        return {"digital-replica": "a digital-replica agreement", "likeness": "a likeness or endorsement agreement",
                "talent": "a model or talent agreement"}.get(self.about, "a contract with no likeness terms")


def references(text: str) -> list[str]:
    """The clause numbers `text` cites ("Sections 4.1 and 7" -> ["4.1", "7"])."""
    out: list[str] = []
    for m in REF_LIST_RE.finditer(text):
        out += [r.group(0) for r in REF_RE.finditer(m.group(1))]
    return out


def clauses_by_ref(seg: Segmentation) -> dict[str, list[Clause]]:
    """Each clause under its full number and, for numbered sections, every sub-clause under its parent's."""
    out: dict[str, list[Clause]] = {}
    for clause in seg.clauses:
        ref = clause.ref
        if not ref:
            label = LEADING_REF_RE.match(clause.text)
            if not label:
                continue
            ref = label.group(1)
        out.setdefault(ref, []).append(clause)
        head = ref.split("(")[0]
        parts = head.split(".")
        for i in range(1, len(parts)):
            out.setdefault(".".join(parts[:i]), []).append(clause)
        if head != ref:
            out.setdefault(head, []).append(clause)
    return out


def unrelated(playbook: Playbook, text: str) -> bool:
    """The clause is plainly about something other than a person (software, goods, trademarks)."""
    return any(p.search(text) for p in playbook.unrelated_objects) and not (
        any(p.search(text) for p in playbook.replica) or any(p.search(text) for p in playbook.likeness))


def _about(seg: Segmentation, playbook: Playbook, replica: set[int], digital: bool) -> str:
    """What the agreement is about, from its opening (title, parties, recitals): a contract that only
    mentions an image somewhere (a collaboration or supply agreement) is not a likeness agreement."""
    opening = " ".join(c.text for c in seg.clauses[:6])[:OPENING]
    subject = SUBJECT_RE.search(opening) or any(p.search(opening) for p in playbook.replica + playbook.likeness)
    if digital and subject:
        return "digital-replica"
    if replica and subject:
        return "likeness"
    if any(any(p.search(c.text) for p in playbook.talent) for c in seg.clauses[:400]):
        return "talent"
    return "other"


def read_context(seg: Segmentation, playbook: Playbook, replica: set[int], digital: set[int]) -> ContractContext:
    """How the contract frames each clause (see the module docstring)."""
    text_length = sum(len(c.text) for c in seg.clauses)
    pasted = len(seg.clauses) <= 3 and text_length <= PASTED_MAX
    assumed = pasted and len(seg.clauses) <= 2 and not digital and not seg.definitions
    about = "digital-replica" if assumed else _about(seg, playbook, replica, bool(digital))
    defined = {name: term_of(d.text) for name, d in seg.definitions.items()}
    defined = {k: v for k, v in defined.items() if v.kind != "unstated"}
    term = next((t for name, t in defined.items() if name.lower() in ("term", "licence period", "license period",
                                                                       "licence term", "license term")), Term("unstated"))
    linked: set[int] = set()
    if about in ("digital-replica", "likeness"):
        by_ref = clauses_by_ref(seg)
        for clause in seg.clauses:
            if clause.ordinal in replica or unrelated(playbook, clause.text):
                continue
            body = clause.text + " " + clause.lead
            if (any(p.search(body) for p in playbook.rights_references) or assumed or DEATH_RE.search(clause.text)):
                linked.add(clause.ordinal)
                continue
            cited = [c for r in references(clause.text) for c in by_ref.get(r, ())]
            if any(c.ordinal in replica for c in cited):
                linked.add(clause.ordinal)
    survival = []
    by_ref = clauses_by_ref(seg)
    for clause in seg.clauses:
        if survives(clause.text):
            kept = tuple(c for r in references(clause.text) for c in by_ref.get(r, ()) if c is not clause)
            survival.append((clause, kept))
    return ContractContext(about, assumed, pasted, term, defined, frozenset(linked), tuple(survival))


def outlives_death(text: str) -> bool:
    return bool(DEATH_RE.search(text))
