"""Rider drafting: a digital-replica rider assembled from the clause library's standard positions.

    params = parse_request("12-month e-commerce licence, EUR 500 per use, EU")
    rider = draft_rider(params, load_library(corpus), tg)      # tg: anything with section_hit()
    rider_markdown(rider); rider_docx(rider)

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
import io
import re
from dataclasses import dataclass
from typing import Mapping, Protocol

from .answer import DISCLAIMER, make_citation, pick_sentences, readable
from .clauselib import Entry, Position
from .errors import AssistantError
from .schema import JURISDICTIONS
from .types import Citation, Hit

PLACEHOLDER_RE = re.compile(r"\[([A-Z][A-Z0-9 /'&.-]*?)(?:,\s*([^\]\[]+))?\]")
REQUIRED_KEYS = ("FEE PER USE", "FEE PER PERIOD")     # a position needing an unset fee is passed over
MINOR_MAX_TERM = 12
JURISDICTION_ALIASES = {"NY": "US-NY", "NEW YORK": "US-NY", "CA": "US-CA", "CALIFORNIA": "US-CA", "IL": "US-IL",
                        "ILLINOIS": "US-IL", "TN": "US-TN", "TENNESSEE": "US-TN", "EUROPE": "EU", "GB": "UK",
                        "SPAIN": "ES", "DENMARK": "DK", "USA": "US", "NONE": "", "ALL": ""}


class DraftError(AssistantError, ValueError):
    """The parameters cannot make a rider (the message says which value and why)."""


class SectionLookup(Protocol):
    def section_hit(self, doc_id: str, label: str | None) -> Hit | None: ...


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
        place = JURISDICTION_ALIASES.get(self.jurisdiction.strip().upper(), self.jurisdiction.strip().upper())
        if place and place not in JURISDICTIONS:
            raise DraftError(f"Unknown jurisdiction '{self.jurisdiction}'; use one of {', '.join(JURISDICTIONS)}.")
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
    if place in ("EU", "ES", "DK"):
        out.append(("EU AI labelling and data protection", EU_LABEL,
                    (("eu-ai-act", "Article 50(4)"), ("eu-ai-act", "Article 50(2)"),
                     ("eu-gdpr", "Article 9(2)(a)"), ("eu-gdpr", "Article 7(3)"), ("eu-gdpr", "Article 17"))))
    return out


class _Citer:
    """Numbers sources once per rider; quotes the best sentence of each section when a lookup is given."""

    def __init__(self, lookup: SectionLookup | None):
        self.lookup, self.made, self.short = lookup, {}, {}

    def cite(self, doc_id: str, section: str, hint: str) -> Citation:
        key = (doc_id, section)
        if key not in self.made:
            n = len(self.made) + 1
            hit = self.lookup.section_hit(doc_id, section) if self.lookup is not None else None
            picks = pick_sentences(hint, [hit], 1) if hit is not None else []
            if hit is not None and hit.meta.get("short_title"):
                self.short[doc_id] = hit.meta["short_title"]
            self.made[key] = (make_citation(n, *picks[0]) if picks else
                              Citation(n=n, doc_id=doc_id, title=doc_id, section=section, page=None, url="",
                                       quote="", start=0, end=0))
        return self.made[key]


def _applies(entry_id: str, params: RiderParams) -> bool:
    return {"cl-no-approval": params.approval, "cl-minor-model": params.minor,
            "cl-power-of-attorney": bool(params.agency_name)}.get(entry_id, True)


def draft_rider(params: RiderParams, library: Mapping[str, Entry], tg: SectionLookup | None = None) -> Rider:
    """Assemble a rider. `tg` (a TwinGuard, or clauselib.CorpusSections) turns sources into quoted citations."""
    found = values(params)
    citer = _Citer(tg)
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


# --- output -------------------------------------------------------------------------------------

def _source_line(rider: Rider, sources: tuple[Citation, ...]) -> str:
    short = dict(rider.short_titles)
    return "; ".join(f"[{c.n}] {short.get(c.doc_id, c.title)}{', ' + c.section if c.section else ''}" for c in sources)


def rider_text(rider: Rider) -> str:
    """The contract wording alone (numbered clauses), as it would be signed: what a review should read."""
    lines = [rider.title, ""]
    for c in rider.clauses:
        lines += [f"{c.number}. {c.heading}", "", c.text, ""]
    return "\n".join(lines).rstrip() + "\n"


def rider_markdown(rider: Rider) -> str:
    """The rider with a sources line per clause, the fallbacks to offer, notes and the source list."""
    out = [f"# {rider.title}", "", f"_Drafted by TwinGuard from the clause library. {DISCLAIMER}_", ""]
    for c in rider.clauses:
        out += [f"## {c.number}. {c.heading}", "", c.text, "", f"_Sources: {_source_line(rider, c.sources)}_", ""]
        out += [f"> **If the client pushes back** — {f}" for f in c.fallbacks] + ([""] if c.fallbacks else [])
    if rider.notes:
        out += ["## Notes", ""] + [f"- {n}" for n in rider.notes] + [""]
    out += ["## Sources", ""]
    for c in rider.citations:
        quote = f": “{readable(c.quote, {})}”" if c.quote else ""
        out.append(f"[{c.n}] {c.title}{', ' + c.section if c.section else ''}{quote}")
    return "\n".join(out + ["", f"_{DISCLAIMER}_", ""])


def rider_docx(rider: Rider) -> bytes:
    """A DOCX: title, numbered clause headings, the clause text, a sources line per clause, and a footer."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = rider.title
    document.add_heading(rider.title, level=0)
    document.add_paragraph("Drafted by TwinGuard from the clause library. " + DISCLAIMER).runs[0].italic = True
    for c in rider.clauses:
        document.add_heading(f"{c.number}. {c.heading}", level=1)
        document.add_paragraph(c.text)
        line = document.add_paragraph().add_run(f"Sources: {_source_line(rider, c.sources)}")
        line.italic, line.font.size = True, Pt(8)
    document.add_heading("Signatures", level=1)
    for party in (rider.model or "[MODEL NAME]", rider.company or "[COMPANY NAME]"):
        document.add_paragraph(f"Signed: ____________________  for {party}   Date: __________")
    document.sections[0].footer.paragraphs[0].text = DISCLAIMER
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()




# --- plain requests -----------------------------------------------------------------------------
# Regular expressions over a short request. Recognised: term ("12-month", "two years", "annual"),
# fees ("EUR 500 per use", "€1,200 a month", "$2k per post", "3000 USD annually"; no basis = per period
# of the whole term), uses and media (e-commerce, campaign, lookbook, social media, print, TV, ...),
# places (EU, New York, California, Illinois, UK, Spain, Denmark, US, worldwide), the model ("model Jane
# Doe", "for Jane Doe"), the client ("brand Acme", "client Acme", "with Acme"), approval ("no approval"),
# deletion ("delete within 14 days"), unions (SAG-AFTRA, Equity) and minors ("minor", "16-year-old").

MAX_REQUEST_CHARS = 1000
NUMBER_WORDS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "nine": 9,
                "twelve": 12, "eighteen": 18, "twenty-four": 24, "thirty-six": 36}
TERM_RE = re.compile(r"\b(\d{1,3}|one|two|three|four|five|six|nine|twelve|eighteen|twenty-four|thirty-six|an?)"
                     r"[\s-]*(months?|mos?|years?|yrs?)\b", re.I)
CURRENCIES = {"eur": "EUR", "€": "EUR", "euro": "EUR", "euros": "EUR", "usd": "USD", "$": "USD", "dollars": "USD",
              "gbp": "GBP", "£": "GBP", "pounds": "GBP", "dkk": "DKK", "chf": "CHF"}
_CUR = r"EUR|USD|GBP|DKK|CHF|€|\$|£"
_AMT = r"\d{1,3}(?:[,.\s]\d{3})+(?!\d)|\d+(?:\.\d+)?"
MONEY_RE = re.compile(rf"(?:(?P<c1>{_CUR})\s*(?P<a1>{_AMT})\s*(?P<k1>k|thousand)?"
                      rf"|(?<![\d.,])(?P<a2>{_AMT})\s*(?P<k2>k|thousand)?\s*"
                      rf"(?P<c2>{_CUR}|euros?|dollars|pounds)(?![a-z]))"
                      r"(?P<basis>\s*(?:/|per|a|an|each|for each|every)?\s*"
                      r"(?:uses?|posts?|images?|items?|photos?|videos?|assets?|publications?|month|year|week|"
                      r"quarter|annum|monthly|annually|yearly|weekly|quarterly))?", re.I)
PERIODS = {"month": "month", "monthly": "month", "year": "year", "annum": "year", "annually": "year",
           "yearly": "year", "week": "week", "weekly": "week", "quarter": "quarter", "quarterly": "quarter"}
USES = ((r"e-?commerce|online (?:shop|store)|web ?shop|product pages?", "e-commerce product images"),
        (r"\b(?:ad(?:vert(?:ising)?)?s?|campaigns?)\b", "advertising campaign"), (r"\blook ?books?\b", "lookbook"),
        (r"\bcatalog(?:ue)?s?\b", "catalogue"), (r"\beditorial\b", "editorial"),
        (r"\b(?:virtual )?try-?on\b", "virtual try-on"))
MEDIA = ((r"\bsocial(?: media)?\b|instagram|tiktok|facebook", "social media"),
         (r"\bprint\b|magazines?|posters?", "print"), (r"billboards?|out-of-home|\bOOH\b", "out-of-home"),
         (r"\bTV\b|television|broadcast", "TV"),
         (r"e-?commerce|online (?:shop|store)|web ?shop", "the Company's online shop"),
         (r"\bwebsite\b", "the Company's website"))
PLACES = ((r"\b(?:EU|E\.U\.|European Union|Europe(?:an)?|EEA)\b", "EU", "the European Union"),
          (r"\b(?:New York|NYC|NY)\b", "US-NY", "New York"), (r"\bCalifornia\b|\bCA\b", "US-CA", "California"),
          (r"\bIllinois\b|\bIL\b", "US-IL", "Illinois"), (r"\bTennessee\b|\bTN\b", "US-TN", "Tennessee"),
          (r"\b(?:UK|United Kingdom|Britain|England)\b", "UK", "the United Kingdom"),
          (r"\b(?:Spain|Spanish)\b", "ES", "Spain"), (r"\b(?:Denmark|Danish)\b", "DK", "Denmark"),
          (r"\b(?:US|USA|U\.S\.|United States)\b", "US", "the United States"),
          (r"\b(?:worldwide|global(?:ly)?|world)\b", "", "worldwide"))
NAME = r"([A-Z][a-zà-ÿ'’-]+(?:\s+[A-Z][a-zà-ÿ'’-]+){1,3})"
MODEL_RE = re.compile(rf"\b(?:[Mm]odel|for)\s+(?:named\s+)?{NAME}")
NO_APPROVAL = r"\bno approval\b|\bwithout (?:the model'?s? )?approval\b|approval not (?:needed|required)"
DELETION = r"\bdelet\w*\s+(?:within|after|in)?\s*(\d{1,4})\s*days?|\b(\d{1,4})[- ]days?\s+deletion"
MINOR = r"\bminor\b|\bunder[- ]?18\b|\b(?:1[0-7]|[4-9])[- ]years?[- ]old\b|\baged (?:1[0-7]|[4-9])\b"
CLIENT_RE = re.compile(r"\b(?:[Bb]rand|[Cc]lient|[Cc]ompany|with)\s+([A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,3})")


def _amount(text: str, thousands: str | None) -> float:
    digits = re.sub(r"[,.\s](?=\d{3}(?!\d))", "", text)
    return float(digits) * (1000 if thousands else 1)


def parse_request(text: str) -> RiderParams:
    """Read a short plain-language request into RiderParams; raise DraftError when nothing is recognised."""
    text = " ".join((text or "").split())
    if len(text) > MAX_REQUEST_CHARS:
        raise DraftError(f"The request is {len(text):,} characters long; the limit is {MAX_REQUEST_CHARS:,}. "
                         "Describe the deal in a sentence or two, or use the options.")
    if not text:
        raise DraftError("The request is empty. Example: \"12-month e-commerce licence, EUR 500 per use, EU\".")
    got: dict = {}
    for match in MONEY_RE.finditer(text):
        currency = CURRENCIES[(match.group("c1") or match.group("c2")).lower()]
        amount = _amount(match.group("a1") or match.group("a2"), match.group("k1") or match.group("k2"))
        basis = (match.group("basis") or "").strip().lower().split()
        word = basis[-1] if basis else ""
        got["currency"] = currency
        if word.rstrip("s") in ("use", "post", "image", "item", "photo", "video", "asset", "publication"):
            got["fee_per_use"] = amount
        else:
            got["fee_per_period"] = amount
            got["period"] = PERIODS.get(word, "licence term")
    rest = MONEY_RE.sub(" ", text)            # "EUR 1,200 a month" is a fee, not a one-month term
    if term := TERM_RE.search(rest):
        count = term.group(1).lower()
        n = int(count) if count.isdigit() else NUMBER_WORDS[count]
        got["term_months"] = n * (12 if term.group(2).lower().startswith("y") else 1)
    elif re.search(r"\b(?:annual|one-year|yearly) licen[cs]e\b", rest, re.I):
        got["term_months"] = 12
    uses = [name for pattern, name in USES if re.search(pattern, text, re.I)]
    media = [name for pattern, name in MEDIA if re.search(pattern, text, re.I)]
    if uses:
        got["permitted_uses"] = tuple(uses)
    if media:
        got["media"] = tuple(dict.fromkeys(media))
    places = [(code, name) for pattern, code, name in PLACES if re.search(pattern, text)]
    if places:
        got["territory"] = " and ".join(name for _, name in places)
        codes = [code for code, _ in places if code]
        if codes:
            got["jurisdiction"] = next((c for c in codes if c != "US"), codes[0])
    place_words = {w for _, name in places for w in name.split()}
    if (model := MODEL_RE.search(text)) and not set(model.group(1).split()) & place_words:
        got["model_name"] = model.group(1)
    union = re.search(r"\b(SAG-AFTRA|Equity|Model Alliance)\b", text)
    if union:
        got["union"] = union.group(1)
    for client in CLIENT_RE.finditer(text):
        name = client.group(1).rstrip(".,")
        if not set(name.split()) & place_words and not (union and union.group(1) in name):
            got["company_name"] = name
            break
    if re.search(NO_APPROVAL, text, re.I):
        got["approval"] = False
    elif re.search(r"\bapprov", text, re.I):
        got["approval"] = True
    if deletion := re.search(DELETION, text, re.I):
        got["deletion_days"] = int(deletion.group(1) or deletion.group(2))
    if re.search(MINOR, text, re.I):
        got["minor"] = True
    if not got:
        raise DraftError(f"Could not read any terms from \"{text[:200]}\". Try for example: \"12-month "
                         "e-commerce licence, EUR 500 per use, EU\".")
    return RiderParams(**got)
