"""The rider: what a drafted digital-replica rider is made of, and the parameters it is drafted from.

`RiderParams` validates its own values (jurisdiction codes, term, deletion period, fees, start date), so
a bad value fails with a DraftError naming it, wherever the parameters come from (form, CLI, request).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from assistant.domain import jurisdictions
from assistant.domain.wording import DISCLAIMER
from assistant.errors import DraftError
from assistant.types import Citation

PLACEHOLDER_RE = re.compile(r"\[([A-Z][A-Z0-9 /'&.-]*?)(?:,\s*([^\]\[]+))?\]")


@dataclass(frozen=True)
class RiderParams:
    """What the rider says. Every field has a default; unset values stay visible as [PLACEHOLDERS]."""

    model_name: str = ""
    company_name: str = ""
    permitted_uses: tuple[str, ...] = ()
    media: tuple[str, ...] = ()
    territory: str = ""
    term_months: int = 12
    fee_per_use: float | None = None
    fee_per_period: float | None = None
    currency: str = "EUR"
    approval: bool = True
    deletion_days: int = 30
    jurisdiction: str = ""                   # EU, US-NY, US-CA, US-IL, UK, ... ("" = none chosen)
    union: str = ""
    minor: bool = False
    period: str = "month"                    # what fee_per_period is paid for
    start_date: str = ""                     # ISO date; the end date is computed from it
    agency_name: str = ""                    # adds the no-power-of-attorney clause
    placeholders: tuple[tuple[str, str], ...] = ()   # explicit fills, e.g. (("APPROVAL DAYS", "5"),)

    def __post_init__(self):
        place = jurisdictions.resolve(self.jurisdiction)
        if place is None:
            raise DraftError(f"Unknown jurisdiction '{self.jurisdiction}'; use one of {', '.join(jurisdictions.CODES)}.")
        if place not in ("", *jurisdictions.CODES):
            raise DraftError(f"TwinGuard has no digest of the law of {jurisdictions.named(place)} yet "
                             f"('{self.jurisdiction}'); use one of {', '.join(jurisdictions.CODES)}.")
        object.__setattr__(self, "jurisdiction", place)
        for name, top, what in (("term_months", 600, "The term (months)"),
                                ("deletion_days", 3650, "The deletion period (days)")):
            value = getattr(self, name)
            if isinstance(value, bool) or not str(value).strip().isdigit() or not 1 <= int(value) <= top:
                raise DraftError(f"{what} must be a whole number from 1 to {top}, not {value!r}.")
            object.__setattr__(self, name, int(value))
        for name in ("fee_per_use", "fee_per_period"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise DraftError(f"{name.replace('_', ' ').capitalize()} cannot be negative ({value}).")
        if self.start_date:
            try:
                _dt.date.fromisoformat(self.start_date)
            except ValueError:
                raise DraftError(f"The start date must be YYYY-MM-DD, not '{self.start_date}'.") from None


@dataclass(frozen=True)
class RiderClause:
    number: int
    heading: str
    text: str
    entry_id: str                            # "" for a clause of our own (jurisdiction additions)
    sources: tuple[Citation, ...]
    fallbacks: tuple[str, ...] = ()          # other positions, filled, with what the model gives up
    position: str = "Standard position"


@dataclass(frozen=True)
class Rider:
    title: str
    clauses: tuple[RiderClause, ...]
    notes: tuple[str, ...] = ()
    model: str = ""
    company: str = ""
    short_titles: tuple[tuple[str, str], ...] = ()      # (doc id, short title) for compact source lines

    @property
    def citations(self) -> tuple[Citation, ...]:
        seen: dict[int, Citation] = {}
        for clause in self.clauses:
            for c in clause.sources:
                seen.setdefault(c.n, c)
        return tuple(seen[n] for n in sorted(seen))

    @property
    def unfilled(self) -> tuple[str, ...]:
        found = {m.group(0) for c in self.clauses for m in PLACEHOLDER_RE.finditer(c.text)}
        return tuple(sorted(found))

    def to_dict(self) -> dict:
        return {"title": self.title, "notes": list(self.notes), "unfilled": list(self.unfilled),
                "clauses": [{"number": c.number, "heading": c.heading, "text": c.text, "entry_id": c.entry_id,
                             "position": c.position, "fallbacks": list(c.fallbacks),
                             "sources": [s.to_dict() for s in c.sources]} for c in self.clauses],
                "disclaimer": DISCLAIMER}
