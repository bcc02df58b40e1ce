"""Rider drafting: a digital-replica rider assembled from the clause library's standard positions.

    params = parse_request("12-month e-commerce licence, EUR 500 per use, EU")   # draft/request.py
    rider = draft_rider(params, load_library(corpus), sections)   # sections: a protocols.SectionSource
    rider_markdown(rider); rider_docx(rider)                   # draft/export.py

Each clause is an entry's standard position with its [PLACEHOLDERS] filled from the parameters
(unfilled ones stay visible), annotated with the entry's sources as citations, with the entry's
fallbacks offered as notes. A fallback replaces the standard position only when the parameters break a
bound of the standard ("[TERM MONTHS, at most 12]" with an 18-month term) or the standard needs a fee
that was not given; a request no position allows is refused with a DraftError. Jurisdiction additions
(New York § 1037 consent, the NY/CA/IL description-and-representation test, EU AI labelling and GDPR)
and the minor-model clause are added when they apply.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from typing import Mapping

from assistant.answer.citations import make_citation, quote_section
from assistant.answer.extractive import pick_sentences
from assistant.domain.jurisdictions import within
from assistant.draft.clauselib import Entry, Position
from assistant.draft.rider import PLACEHOLDER_RE, Rider, RiderClause, RiderParams
from assistant.errors import DraftError
from assistant.protocols import SectionSource
from assistant.types import Citation

REQUIRED_KEYS = ("FEE PER USE", "FEE PER PERIOD")     # a position needing an unset fee is passed over
MINOR_MAX_TERM = 12


# --- placeholders -------------------------------------------------------------------------------

def money(amount: float, currency: str) -> str:
    return f"{currency} {amount:,.0f}" if float(amount).is_integer() else f"{currency} {amount:,.2f}"


def _add_months(start: _dt.date, months: int) -> _dt.date:
    """The last day of a period of `months` months starting on `start`."""
    year, month = divmod(start.month - 1 + months, 12)
    day = min(start.day, calendar.monthrange(start.year + year, month + 1)[1])
    return _dt.date(start.year + year, month + 1, day) - _dt.timedelta(days=1)


def values(params: RiderParams) -> dict[str, str]:
    """Placeholder name -> text, for every placeholder the parameters fill."""
    term = min(params.term_months, MINOR_MAX_TERM) if params.minor else params.term_months
    found = {
        "MODEL NAME": params.model_name, "COMPANY NAME": params.company_name, "CLIENT NAME": params.company_name,
        "AGENCY NAME": params.agency_name, "TERM MONTHS": str(term), "MINOR TERM MONTHS": str(term),
        "CAMPAIGN": "; ".join(params.permitted_uses), "MEDIA": ", ".join(params.media),
        "TERRITORY": params.territory, "DELETION DAYS": str(params.deletion_days), "UNION NAME": params.union,
        "START DATE": params.start_date, "PERIOD": params.period if params.fee_per_period is not None else "",
        "FEE PER USE": money(params.fee_per_use, params.currency) if params.fee_per_use is not None else "",
        "FEE PER PERIOD": money(params.fee_per_period, params.currency) if params.fee_per_period is not None else "",
    }
    if params.start_date:
        found["END DATE"] = _add_months(_dt.date.fromisoformat(params.start_date), term).isoformat()
    found.update({k.strip().upper(): v for k, v in params.placeholders})
    return {k: v.strip() for k, v in found.items() if v and v.strip()}


def bounds(constraint: str | None) -> tuple[int | None, int | None, int | None]:
    """(minimum, maximum, suggested) from "at least 48", "at most 12", "suggested 12 to 24, never more than 36"."""
    text = (constraint or "").lower()
    low = re.search(r"at least (\d+)", text)
    high = re.search(r"(?:at most|never more than|no more than) (\d+)", text)
    hint = re.search(r"suggested (\d+)", text)
    return tuple(int(m.group(1)) if m else None for m in (low, high, hint))  # type: ignore[return-value]


def fill(text: str, found: Mapping[str, str], *, keep_bounded: bool = False) -> tuple[str, list[str]]:
    """Fill placeholders; a bounded number with no value takes its model-friendly bound. Returns the
    text and the bound violations (e.g. "TERM MONTHS is 18; this position allows at most 12").
    `keep_bounded` leaves bounded placeholders as they are (a fallback shows its limits)."""
    problems: list[str] = []

    def swap(match: re.Match) -> str:
        key, constraint = match.group(1).strip(), match.group(2)
        low, high, hint = bounds(constraint)
        if keep_bounded and constraint:
            return match.group(0)
        value = found.get(key)
        if value is None:
            default = low if low is not None else hint if hint is not None else high
            return str(default) if default is not None else match.group(0)
        number = re.fullmatch(r"\d+", value)
        if number and high is not None and int(value) > high:
            problems.append(f"{key} is {value}; this position allows at most {high}")
        if number and low is not None and int(value) < low:
            problems.append(f"{key} is {value}; this position needs at least {low}")
        return value

    return PLACEHOLDER_RE.sub(swap, text), problems


def choose(entry: Entry, found: Mapping[str, str]) -> tuple[Position, str, list[str]]:
    """The first position the parameters fit (standard first); its filled text and why others failed."""
    reasons: list[str] = []
    fitting: list[tuple[Position, str]] = []
    for position in entry.positions:
        text, problems = fill(position.text, found)
        needs = [k for k in REQUIRED_KEYS if f"[{k}]" in position.text and k not in found]
        if problems:
            reasons.append(f"{position.label}: {'; '.join(problems)}")
            continue
        fitting.append((position, text))
        if not needs:
            return position, text, reasons
    if fitting:
        return fitting[0][0], fitting[0][1], reasons
    raise DraftError(f"No position of '{entry.short_title}' allows these terms ({' | '.join(reasons)}). "
                     "Change the value or negotiate this clause by hand.")


# --- the rider ----------------------------------------------------------------------------------

#: (entry id, heading) in rider order; conditional entries are skipped when they do not apply.
PLAN = (
    ("cl-bundled-consent", "Separate consent"), ("cl-vague-scope", "Permitted uses"),
    ("cl-perpetual-term", "Term"), ("cl-no-per-use-pay", "Pay"),
    ("cl-transfer-sublicense", "No transfer or sublicence"), ("cl-ai-training", "No AI training"),
    ("cl-no-approval", "Approval"), ("cl-no-disclosure", "AI labelling"),
    ("cl-harmful-uses", "Uses never allowed"), ("cl-no-revocation", "Withdrawal of consent"),
    ("cl-no-deletion", "Deletion"), ("cl-post-mortem", "After death"), ("cl-minor-model", "Minor model"),
    ("cl-power-of-attorney", "No power of attorney"), ("cl-no-representation", "Advice before signing"),
)
PARTIES = ("This Rider forms part of the agreement between [COMPANY NAME] (the \"Company\") and [MODEL NAME] "
           "(the \"Model\") and governs every Digital Replica of the Model. \"Digital Replica\" means any "
           "computer-generated, AI-generated or AI-altered likeness of the Model's face, body, voice or "
           "movement that a person could take for the Model, including scans, avatars and voice models. "
           "\"Source Data\" means every scan, photograph, recording and measurement of the Model collected to "
           "build a Digital Replica, with all copies and trained files. Where this Rider and any other term "
           "differ, this Rider prevails.")
NY_CONSENT = ("Before it creates or uses a Digital Replica of [MODEL NAME], the Company obtains the Model's "
              "prior written consent, clear, conspicuous and separate from any agreement between the Model and "
              "a model management company, stating the scope and purpose of the use, the rate of pay and the "
              "duration. A consent form lacking any of these four items is not consent under this Rider.")
TEST_LAW = {"US-NY": ("New York General Obligations Law § 5-302", (("us-ny-gol-5-302", "§ 5-302(1)"),
                                                                 ("us-ny-gol-5-302", "§ 5-302(1)(c)"))),
            "US-CA": ("California Labor Code § 927", (("us-ca-labor-code-927", "§ 927"),)),
            "US-IL": ("the Illinois Digital Voice and Likeness Protection Act",
                      (("us-il-hb-4762", "The three-part test"),))}
EU_LABEL = ("Where content made with the Digital Replica is shown to the public in the European Union, the "
            "Company, as deployer, discloses that it was artificially generated or manipulated, as Article 50(4) "
            "of the EU AI Act requires from 2 August 2026, and keeps machine-readable marking in place where "
            "Article 50(2) applies. The consent of [MODEL NAME] does not replace this disclosure. Source Data "
            "that can identify [MODEL NAME] is processed only with the Model's explicit consent, which the "
            "Model may withdraw at any time, and is erased on request.")


def _representation(params: RiderParams, law: str) -> str:
    adviser = (f"by {params.union}, whose collective agreement expressly covers digital replicas" if params.union
               else "by [LAWYER NAME], a lawyer who negotiated these digital replica terms for the Model")
    return (f"The parties intend the Permitted uses clause to be a reasonably specific description of every "
            f"intended use of the Digital Replica, in the sense of {law}; a use it does not describe is not licensed. "
            f"[MODEL NAME] was represented in negotiating the digital replica terms {adviser}, and initials "
            f"this Rider's digital replica terms separately.")


def _extras(params: RiderParams) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    """Jurisdiction additions: (heading, text, sources)."""
    place = params.jurisdiction
    out = []
    if place == "US-NY":
        out.append(("New York client consent", NY_CONSENT, (("us-ny-fashion-workers-act", "§ 1037"),
                                                            ("us-ny-fashion-workers-act", "§ 1035(10)"))))
    if place in TEST_LAW:
        law, sources = TEST_LAW[place]
        out.append(("Description of uses and representation", _representation(params, law), sources))
    if within(place, "EU"):
        out.append(("EU AI labelling and data protection", EU_LABEL,
                    (("eu-ai-act", "Article 50(4)"), ("eu-ai-act", "Article 50(2)"),
                     ("eu-gdpr", "Article 9(2)(a)"), ("eu-gdpr", "Article 7(3)"), ("eu-gdpr", "Article 17"))))
    return out


class _Citer:
    """Numbers sources once per rider; quotes the best sentence of each section when a lookup is given."""

    def __init__(self, lookup: SectionSource | None):
        self.lookup, self.made, self.short = lookup, {}, {}

    def cite(self, doc_id: str, section: str, hint: str) -> Citation:
        key = (doc_id, section)
        if key not in self.made:
            n = len(self.made) + 1
            picked = quote_section(self.lookup, doc_id, section, hint, pick_sentences)
            if picked and picked[0].meta.get("short_title"):
                self.short[doc_id] = picked[0].meta["short_title"]
            self.made[key] = (make_citation(n, *picked) if picked else
                              Citation(n=n, doc_id=doc_id, title=doc_id, section=section, page=None, url="",
                                       quote="", start=0, end=0))
        return self.made[key]


def _applies(entry_id: str, params: RiderParams) -> bool:
    return {"cl-no-approval": params.approval, "cl-minor-model": params.minor,
            "cl-power-of-attorney": bool(params.agency_name)}.get(entry_id, True)


def draft_rider(params: RiderParams, library: Mapping[str, Entry], sections: SectionSource | None = None) -> Rider:
    """Assemble a rider. `sections` (the facade, or index.sections.FileSections) turns sources into quoted
    citations."""
    found = values(params)
    citer = _Citer(sections)
    notes: list[str] = []
    clauses: list[RiderClause] = []

    def add(heading: str, text: str, entry_id: str, sources, hint: str, fallbacks=(), position="Standard position"):
        cites = tuple(citer.cite(doc, sec, note or hint) for doc, sec, note in sources)
        clauses.append(RiderClause(len(clauses) + 1, heading, text, entry_id, cites, tuple(fallbacks), position))

    add("Parties and definitions", fill(PARTIES, found)[0], "",
        [("us-ny-fashion-workers-act", "§ 1031", "")], "digital replica definition likeness face body voice")
    if params.minor and params.term_months > MINOR_MAX_TERM:
        notes.append(f"The model is a minor, so the term is cut from {params.term_months} to {MINOR_MAX_TERM} months.")
    for entry_id, heading in PLAN:
        if not _applies(entry_id, params):
            if entry_id == "cl-no-approval":
                notes.append("No approval clause: the model gives up the right to approve content before "
                             f"publication. See {library[entry_id].short_title} if that changes.")
            continue
        if entry_id not in library:
            raise DraftError(f"The clause library has no entry '{entry_id}'; the rider needs it.")
        entry = library[entry_id]
        position, text, reasons = choose(entry, found)
        if position is not entry.standard:
            notes.append(f"{heading}: {position.label} of '{entry.short_title}' is used instead of the standard "
                         f"position ({'; '.join(reasons) or 'the standard needs a fee that was not given'}). "
                         f"What the model gives up: {position.gives_up}")
        others = [f"{p.label}: {fill(p.text, found, keep_bounded=True)[0]} (What the model gives up: {p.gives_up})"
                  for p in entry.positions if p is not position]
        add(heading, text, entry.id, [(d, s, note) for (d, s), note in
                                      zip(entry.sources, entry.source_notes or [""] * len(entry.sources))],
            text, others, position.label)
    for heading, text, sources in _extras(params):
        add(heading, fill(text, found)[0], "", [(d, s, "") for d, s in sources], text)
    if not params.jurisdiction:
        notes.append("No jurisdiction given: New York, California, Illinois and EU additions are left out.")
    rider = Rider(f"Digital replica rider — {params.model_name or '[MODEL NAME]'} and "
                  f"{params.company_name or '[COMPANY NAME]'}", tuple(clauses), tuple(notes))
    if rider.unfilled:
        notes.append("Still to fill in: " + ", ".join(rider.unfilled) + ".")
    notes.append("Agency terms (commission, agency contract length) belong in the agency contract; see the "
                 "clause library entries on excessive commission and long agency terms.")
    return Rider(rider.title, rider.clauses, tuple(notes), params.model_name, params.company_name,
                 tuple(sorted(citer.short.items())))
