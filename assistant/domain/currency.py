"""How current the corpus is: when each document must be re-checked against its sources, and which bills
and drafts may have changed status. Pure functions of front matter and a `today` date.

Every corpus document records `checked` (the date it was last checked against its sources) beside
`as_of` (the date its status statements are true as of). A document is due for a re-check
`interval_days` after `checked`. The intervals follow how fast each kind of text goes stale:

- **bill, draft: 30 days.** A bill moves with committee votes, readings and consultations, often
  within weeks; the corpus must never present an old stage (or an abandoned text) as current.
- **adopted, not yet applicable: 60 days.** The text is settled but application dates get moved (the
  EU AI Act's omnibus changed dates months before they applied) and guidance appears before application.
- **guidance, company statement: 120 days.** Union agreements, industry positions and company
  statements are revised or replaced, but on a scale of months.
- **faq: 90 days.** The FAQ restates the statuses and dates of many instruments at once (including
  bills), so it goes stale whenever any of them does; it is checked more often than settled law.
- **law, regulation in force: 180 days.** Amendments to laws in force are rare and announced well in
  advance; twice a year catches them.
- **template, clause library: 180 days.** Our own contract positions; they change when the laws they
  rely on change, which the law checks catch.
- **contract, other: 365 days.** Examples and background, rarely time-sensitive.

A document's interval is the shortest of its kind's and its status's (a `law` whose status is
`adopted-not-yet-applicable` gets 60 days). A document without `checked` (before the field existed, or an
upload) counts from `as_of`; one with neither has no due date.

"Status may have changed" flags a document when a dated step has passed that had not happened when its
facts were written: a date whose label says it is planned (`planned_entry_into_force`,
`consultation_deadline`, ...) or any date later than `as_of`, now before today. Bills and drafts are
also flagged when `as_of` is older than their interval: a check that finds a bill unchanged moves its
`as_of` ("still in committee as of ...") as well as `checked`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assistant.domain.schema import as_date

#: Re-check interval in days by document kind (every kind in schema.KINDS).
BY_KIND = {"bill": 30, "draft": 30, "faq": 90, "guidance": 120, "company-statement": 120,
           "law": 180, "regulation": 180, "template": 180, "clause-library": 180,
           "contract": 365, "other": 365}
#: Statuses that need a shorter interval than their kind's.
BY_STATUS = {"bill": 30, "draft": 30, "adopted-not-yet-applicable": 60}
DEFAULT_DAYS = 365
#: Kinds and statuses of texts that are not (yet) law and can change stage at any time.
PENDING = ("bill", "draft")
#: Words in a date label that mark a step as planned rather than done.
PLANNED_WORDS = ("planned", "expected", "scheduled", "deadline", "target")


@dataclass(frozen=True)
class StatusRow:
    """One document in the currency report."""

    doc_id: str
    kind: str
    status: str
    checked: _dt.date | None       # None: the document records no `checked` date (as_of was used)
    due: _dt.date | None           # None: neither checked nor as_of
    days_overdue: int              # > 0 overdue, 0 due today, < 0 days left (0 when there is no due date)
    source_url: str
    source_note: str = ""
    may_have_changed: bool = False
    reasons: tuple[str, ...] = ()  # why the status may have changed
    title: str = ""

    @property
    def is_due(self) -> bool:
        return self.due is not None and self.days_overdue >= 0

    @property
    def needs_attention(self) -> bool:
        return self.is_due or self.may_have_changed

    def to_dict(self) -> dict:
        return {"doc_id": self.doc_id, "title": self.title, "kind": self.kind, "status": self.status,
                "checked": self.checked.isoformat() if self.checked else "",
                "due": self.due.isoformat() if self.due else "", "days_overdue": self.days_overdue,
                "is_due": self.is_due, "may_have_changed": self.may_have_changed, "reasons": list(self.reasons),
                "source_url": self.source_url, "source_note": self.source_note}


def interval_days(meta: Mapping[str, Any]) -> int:
    """Days between checks: the shortest of the kind's and the status's interval."""
    kind, status = str(meta.get("kind") or ""), str(meta.get("status") or "")
    return min(BY_KIND.get(kind, DEFAULT_DAYS), BY_STATUS.get(status, DEFAULT_DAYS))


def last_checked(meta: Mapping[str, Any]) -> _dt.date | None:
    """`checked`, or `as_of` when the document records no check; None when it has neither."""
    return as_date(meta.get("checked")) or as_date(meta.get("as_of"))


def next_check(meta: Mapping[str, Any]) -> _dt.date | None:
    """The date the document is due for a re-check (None when it records neither checked nor as_of)."""
    last = last_checked(meta)
    return None if last is None else last + _dt.timedelta(days=interval_days(meta))


def overdue(meta: Mapping[str, Any], today: _dt.date) -> bool:
    """True when the re-check date has passed. Works on front matter and on the flat string metadata of
    the index, a `Citation.to_dict()` or a library `SourceRow` as a dict (they carry kind, status, checked)."""
    due = next_check(meta)
    return due is not None and today > due


def is_pending(meta: Mapping[str, Any]) -> bool:
    return meta.get("kind") in PENDING or meta.get("status") in PENDING


def dated_steps(meta: Mapping[str, Any]) -> dict[str, _dt.date]:
    """The `dates` mapping as label -> date; also reads the flattened "label: date; ..." form of the index."""
    dates = meta.get("dates")
    if isinstance(dates, str):
        pairs = (part.partition(":")[::2] for part in dates.split(";"))
        dates = {label.strip(): value.strip() for label, value in pairs}
    if not isinstance(dates, Mapping):
        return {}
    steps = {str(label): as_date(value) for label, value in dates.items()}
    return {label: day for label, day in steps.items() if day is not None}


def change_reasons(meta: Mapping[str, Any], today: _dt.date) -> list[str]:
    """Why the document's status may have changed since it was written (empty when there is no sign)."""
    as_of = as_date(meta.get("as_of"))
    reasons = []
    for label, day in sorted(dated_steps(meta).items(), key=lambda item: item[1]):
        planned = any(word in label.lower() for word in PLANNED_WORDS)
        after_as_of = as_of is not None and day > as_of
        if day < today and (planned or after_as_of):
            reasons.append(f"{label} {day.isoformat()} has passed"
                           + (f" (after as_of {as_of.isoformat()})" if after_as_of else ""))
    if is_pending(meta) and as_of is not None and (today - as_of).days > interval_days(meta):
        reasons.append(f"as_of {as_of.isoformat()} is more than {interval_days(meta)} days old")
    return reasons


def status_row(meta: Mapping[str, Any], today: _dt.date) -> StatusRow:
    due = next_check(meta)
    reasons = tuple(change_reasons(meta, today))
    return StatusRow(
        doc_id=str(meta.get("id") or ""), kind=str(meta.get("kind") or ""), status=str(meta.get("status") or ""),
        checked=as_date(meta.get("checked")), due=due, days_overdue=(today - due).days if due else 0,
        source_url=str(meta.get("source_url") or ""), source_note=str(meta.get("source_note") or ""),
        may_have_changed=bool(reasons), reasons=reasons, title=str(meta.get("short_title") or meta.get("title") or ""))


def status_report(docs: Iterable[Mapping[str, Any]], today: _dt.date) -> list[StatusRow]:
    """One row per document's front matter, most overdue first (then flagged ones, then by id)."""
    rows = [status_row(meta, today) for meta in docs]
    return sorted(rows, key=lambda r: (r.due is None, -r.days_overdue, not r.may_have_changed, r.doc_id))


def summary(rows: Iterable[StatusRow]) -> dict[str, int]:
    """Counts for the report's summary line."""
    rows = list(rows)
    return {"documents": len(rows), "due": sum(r.is_due for r in rows),
            "overdue": sum(r.is_due and r.days_overdue > 0 for r in rows),
            "may_have_changed": sum(r.may_have_changed for r in rows),
            "without_checked": sum(r.checked is None for r in rows)}
