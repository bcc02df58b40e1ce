"""Answer shapes that follow the question's intent: a yes/no verdict, a status line with its date, a
numbered checklist, a comparison table. Pure functions over text and metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from assistant.domain.wording import STATUS_LABELS
from assistant.plan.planner import QuestionPlan

NEGATIVE_RE = re.compile(r"\b(?:may not|cannot|can't|can ?not|must not|mustn't|not allowed|no one may|nobody may|"
                         r"prohibit\w*|bans?|banned|bars?|barred|unlawful|illegal|void|unenforceable|"
                         r"not (?:without|unless)|only (?:with|if|after)|needs? (?:your|the person's|their|a) "
                         r"(?:\w+ ){0,2}consent|requires? (?:your|the person's|their|a|the model's) (?:\w+ ){0,3}"
                         r"consent|without (?:your|their|the person's) (?:\w+ ){0,2}consent is)\b", re.I)
DUTY_RE = re.compile(r"\b(?:must|has to|have to|is required|are required|requires?|obliged|shall)\b", re.I)
NO_DUTY_RE = re.compile(r"\b(?:does not (?:require|have to)|do not (?:require|have to)|no (?:general )?(?:duty|"
                        r"obligation|requirement)|not required|need not|is not (?:required|obliged))\b", re.I)
RIGHT_RE = re.compile(r"\b(?:can|may|has the right|have the right|is entitled|are entitled|at any time|"
                      r"can be (?:revoked|withdrawn)|may be (?:revoked|withdrawn))\b", re.I)
OTHER_PARTY_RE = re.compile(r"^(?:can|could|may|is it (?:legal|allowed|ok|okay) for)\s+(?:they|my|a|an|the|"
                            r"brands?|agenc\w+|clients?|someone|anyone|companies|he|she)\b|"
                            r"[,;:]\s*can (?:they|my|a|the|brands?|agenc\w+|someone)\b", re.I)
SELF_RE = re.compile(r"^(?:can|may|do|am)\s+i\b|[,;:]\s*can i\b", re.I)
DUTY_QUESTION_RE = re.compile(r"\b(?:have to|has to|must|need to|required to|require|obliged)\b", re.I)
DIRECT_RE = re.compile(r"^(?:Yes|No|Not|It depends)\b")


def verdict(plan: QuestionPlan, lead: str) -> str:
    """"Yes." / "No." for a yes/no question when the lead sentence says so plainly, else ""."""
    if plan.intent != "yes-no" or DIRECT_RE.match(lead):
        return ""
    q = " ".join(plan.question.split())
    tail = re.split(r"(?<=[.!?])\s+", q)[-1]
    if DUTY_QUESTION_RE.search(tail):
        if NO_DUTY_RE.search(lead):
            return "No."
        if DUTY_RE.search(lead) and not NEGATIVE_RE.search(lead):
            return "Yes."
        return ""
    if OTHER_PARTY_RE.search(tail) and NEGATIVE_RE.search(lead):
        return "No, not without your consent." if "consent" in lead.lower() else "No."
    if SELF_RE.search(tail) and RIGHT_RE.search(lead) and not NEGATIVE_RE.search(lead):
        return "Yes."
    return ""


def status_line(meta: Mapping[str, str]) -> str:
    """"**Status:** NO FAKES Act — bill (not law), as of 2026-11-29." from a document's own metadata."""
    status = meta.get("status", "")
    if status not in STATUS_LABELS or status == "guidance":
        return ""
    title = meta.get("short_title") or meta.get("title", "")
    as_of = meta.get("as_of", "")
    return f"**Status:** {title} — {STATUS_LABELS[status]}" + (f", as of {as_of}." if as_of else ".")


def status_cell(meta: Mapping[str, str]) -> str:
    """A comparison row's status: "NY Fashion Workers Act: in force (as of 2026-01-01)"."""
    label = STATUS_LABELS.get(meta.get("status", ""), meta.get("status", ""))
    title = meta.get("short_title") or meta.get("title", "")
    as_of = meta.get("as_of", "")
    return f"{title}: {label}" + (f" (as of {as_of})" if as_of else "")


def checklist(lines: Sequence[str]) -> list[str]:
    return ["What you can do:", *(f"{n}. {line}" for n, line in enumerate(lines, 1))]


@dataclass(frozen=True)
class Row:
    place: str
    says: str
    status: str


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def table(rows: Sequence[Row]) -> str:
    """A Markdown comparison table: one row per place, the same columns in the same order."""
    out = ["| Place | What its sources say | Status |", "|---|---|---|"]
    out += [f"| {_cell(r.place)} | {_cell(r.says)} | {_cell(r.status)} |" for r in rows]
    return "\n".join(out)
