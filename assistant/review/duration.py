"""How long a licence lasts, read from contract wording: fixed, open-ended, self-renewing, or not said.

    term_of("The licence lasts twelve (12) months from the Shoot Date.")      # Term('fixed', 12.0, ...)
    term_of("…may use the Materials for as long as the Company wishes.")      # Term('open', None, ...)
    term_of("…renews automatically for successive one-year periods…")         # Term('renewing', 12.0, ...)
    term_of("…during the Term.", defined={"Term": term_of("…two (2) years…")})  # the defined Term

Pure functions; the review uses them so that a short fixed term is never called perpetual and an
open-ended one always is.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Mapping

WORDS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
         "fifteen": 15, "sixteen": 16, "eighteen": 18, "twenty": 20, "twenty-four": 24, "thirty": 30,
         "thirty-six": 36, "forty-eight": 48, "sixty": 60, "ninety": 90, "half": 0.5}
UNIT_MONTHS = {"day": 1 / 30.44, "week": 7 / 30.44, "month": 1.0, "year": 12.0}
NUMBER = r"(?P<n>\d+(?:\.\d+)?|" + "|".join(sorted((re.escape(w) for w in WORDS), key=len, reverse=True)) + r")"
UNIT = r"(?P<unit>day|week|month|year)s?"
#: "twelve (12) months", "12-month", "a period of two years", "18 calendar months"
PERIOD_RE = re.compile(NUMBER + r"(?:\s*\(\d+\))?[\s-]+(?:calendar\s+|full\s+|consecutive\s+)?" + UNIT + r"\b", re.I)
UNIT_HINT_RE = re.compile(r"(?:day|week|month|year)s?\b", re.I)
MONTHS = ("january february march april may june july august september october november december").split()
DATE_RE = re.compile(
    r"\b(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m1>" + "|".join(MONTHS) + r")\s+(?P<y1>20\d\d)"
    r"|(?P<m2>" + "|".join(MONTHS) + r")\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>20\d\d)"
    r"|(?P<y3>20\d\d)-(?P<mo3>\d\d)-(?P<d3>\d\d))\b", re.I)
#: A fixed end: a period the grant lasts for, or a date it ends on.
FIXED_LEAD_RE = re.compile(
    r"\b(?:for|of|lasts?|lasting|runs?|running|during|within|expir\w*|ends?|ending|terminat\w*|until|till|"
    r"through|up to|not (?:more|longer) than|no (?:more|longer) than|at most|maximum of|period of|term of|means|"
    r"is|shall be|will be)\b", re.I)
#: Open-ended wording that attaches to a grant (not "delete forever", "end permanently").
OPEN_RE = re.compile(
    r"\bin perpetuity\b|\bperpetual(?:ly)?\b|\bfor ever\b|\bforever\b|\bin eternity\b|\beternal(?:ly)?\b"
    r"|\b(?:full|entire|whole) (?:term|duration|period|life) of (?:the )?(?:copyright|any copyright|all copyright)"
    r"|\b(?:full|entire|whole) (?:term|duration|period|life) of (?:legal )?protection\b"
    r"|\bfor the life of (?:the )?(?:copyright|rights)\b"
    r"|\b(?:without|with no) (?:any )?(?:limit(?:ation)?|restriction|end) (?:of|as to|in|on) (?:time|duration|period|term)\b"
    r"|\b(?:unlimited|indefinite|unrestricted) (?:period|duration|term|time)\b|\bindefinitely\b"
    r"|\b(?:no|without (?:an?|any)) (?:expiry|expiration|end|termination) date\b"
    r"|\bfor (?:so|as) long as (?:the |its |their )?(?:company|client|brand|licensee|agency|producer|studio|"
    r"purchaser|buyer|sponsor|employer|it|they|we)\b[^.;]{0,40}?\b(?:wish|wishes|chooses?|sees? fit|desires?|"
    r"requires?|deems?|needs?|continues?|exists?|uses?|trades?|operates?|considers?)\b"
    r"|\buntil (?:terminated|ended|revoked) by (?:the )?(?:company|client|brand|licensee|producer|studio|agency)\b"
    r"|\b(?:start\w*|begin\w*|commenc\w*|run\w*) (?:on|from|at|with) (?:the )?(?:date of )?first (?:use|publication)\b"
    r"(?![^.;]{0,60}\b(?:for|until|ending|lasts?)\b)",
    re.I)
#: "forever deleted", "ends permanently": open words that close something rather than grant it.
CLOSING_RE = re.compile(r"\b(?:delet|destroy|eras|remov|end|stop|ceas|cancel|barred|prohibit|revok|withdraw)\w*\s*$",
                        re.I)
RENEW_RE = re.compile(
    r"\b(?:automatically|auto-?)\s*renew\w*|\brenew\w*\s+(?:itself\s+)?automatically\b"
    r"|\b(?:renew\w*|extend\w*|continue\w*)\s+for\s+(?:further|successive|additional|consecutive)\s+(?:periods?|terms?)\b"
    r"[^.;]{0,80}\bunless\b|\bsuccessive\s+(?:\w+\s+){0,3}(?:periods?|terms?)\b[^.;]{0,60}\bunless\b"
    r"|\bevergreen\b|\btacit(?:ly)? renew\w*", re.I)
CONSENT_RENEWAL_RE = re.compile(
    r"\brenew\w*\b[^.;]{0,80}\b(?:only|solely)\b[^.;]{0,60}\b(?:written|signed|new|fresh|express)\b[^.;]{0,30}\b"
    r"(?:consent|agreement|approval)\b|\bnew (?:written|signed) consent\b|\bno automatic renewal\b", re.I)
TERM_REF_RE = re.compile(r"(?-i:\b(?:the|this|such) (?:Term|Licen[cs]e Period|Licen[cs]e Term|Usage Period|"
                         r"Term of Use|Contract Period|Period of Use)\b)")
NOT_BEFORE_RE = re.compile(r"\b(?:not|no|never|without)\s+(?:be\s+|been\s+)?$", re.I)
SURVIVE_RE = re.compile(r"\bsurviv\w*\b|\bremains? in (?:full )?(?:force|effect) after\b"
                        r"|\bcontinues? (?:in (?:full )?(?:force|effect) )?after (?:the )?(?:end|expiry|expiration|termination)\b", re.I)


@dataclass(frozen=True)
class Term:
    """What the wording says about duration: `kind` is fixed | open | renewing | unstated;
    `months` the fixed (or renewal) period when one is given; `phrase` the words it rests on."""

    kind: str
    months: float | None = None
    phrase: str = ""

    @property
    def open_ended(self) -> bool:
        return self.kind in ("open", "renewing")

    def describe(self) -> str:
        if self.kind == "fixed" and self.months is not None:
            return f"a fixed term of {months_text(self.months)}"
        if self.kind == "fixed":
            return "a fixed end date"
        if self.kind == "renewing":
            return "a term that renews itself"
        if self.kind == "open":
            return "no real end date"
        return "no term stated"


def months_text(months: float) -> str:
    if months >= 12 and abs(months / 12 - round(months / 12)) < 0.01:
        years = round(months / 12)
        return f"{years} year" + ("s" if years != 1 else "")
    if months < 1:
        days = round(months * 30.44)
        return f"{days} day" + ("s" if days != 1 else "")
    value = round(months, 1)
    return f"{value:g} month" + ("s" if value != 1 else "")


def _number(raw: str) -> float | None:
    raw = raw.lower()
    if raw in WORDS:
        return float(WORDS[raw])
    try:
        return float(raw)
    except ValueError:
        return None


def periods(text: str) -> list[tuple[float, re.Match]]:
    """Every "N units" period in `text`, in months, with its match."""
    out = []
    if not UNIT_HINT_RE.search(text):
        return out
    for m in PERIOD_RE.finditer(text):
        n = _number(m.group("n"))
        if n is not None:
            out.append((n * UNIT_MONTHS[m.group("unit").lower()], m))
    return out


def dates(text: str) -> list[tuple[_dt.date, re.Match]]:
    out = []
    for m in DATE_RE.finditer(text):
        try:
            if m.group("y1"):
                day, month, year = int(m.group("d1")), MONTHS.index(m.group("m1").lower()) + 1, int(m.group("y1"))
            elif m.group("y2"):
                day, month, year = int(m.group("d2")), MONTHS.index(m.group("m2").lower()) + 1, int(m.group("y2"))
            else:
                day, month, year = int(m.group("d3")), int(m.group("mo3")), int(m.group("y3"))
            out.append((_dt.date(year, month, day), m))
        except ValueError:
            continue
    return out


def open_phrases(text: str) -> list[re.Match]:
    """Open-ended wording that grants (not "deleted forever" or "ends permanently"), and not negated
    just before ("is not perpetual", "non-perpetual")."""
    out = []
    for m in OPEN_RE.finditer(text):
        before = text[max(0, m.start() - 40):m.start()]
        if CLOSING_RE.search(before) or re.search(r"\b(?:not|non-?|never|nor)\s*(?:be\s+)?$", before, re.I):
            continue
        out.append(m)
    return out


def _fixed_period(text: str) -> tuple[float, str] | None:
    """The longest period that reads as how long something lasts ("for 12 months", "a 2-year term"),
    not a notice period or a payment deadline."""
    best = None
    for months, m in periods(text):
        before = text[max(0, m.start() - 60):m.start()]
        after = text[m.end():m.end() + 40]
        if re.search(r"\b(?:notice|paid|pay|payment|invoice|within|prior|before|after|following|of receipt)\b[^.;]{0,25}$",
                     before, re.I) and not re.search(r"\b(?:for|lasts?|term of|period of)\s+(?:a\s+)?$", before, re.I):
            continue
        if re.match(r"\s*(?:'s|’s)?\s*(?:written\s+)?notice\b", after, re.I):
            continue
        if not (FIXED_LEAD_RE.search(before[-40:]) or re.match(r"\s*(?:term|period|licen[cs]e)\b", after, re.I)
                or re.search(r"\b(?:a|an|the|initial)\s*$", before, re.I)):
            continue
        if best is None or months > best[0]:
            best = (months, m.group(0))
    return best


def term_of(text: str, defined: Mapping[str, Term] | None = None, *, today: _dt.date | None = None) -> Term:
    """The duration `text` gives a grant. Open-ended or self-renewing wording wins over a fixed period
    ("twelve months, renewing automatically" renews), unless renewal needs the model's new consent."""
    opened = open_phrases(text)
    if opened:
        return Term("open", None, opened[0].group(0))
    renewal = next((m for m in RENEW_RE.finditer(text) if not NOT_BEFORE_RE.search(text[max(0, m.start() - 30):m.start()])),
                   None)
    fixed = _fixed_period(text)
    if renewal and not CONSENT_RENEWAL_RE.search(text):
        return Term("renewing", fixed[0] if fixed else None, renewal.group(0))
    if fixed:
        return Term("fixed", fixed[0], fixed[1])
    end_dates = [(d, m) for d, m in dates(text)
                 if re.search(r"\b(?:until|till|through|ending|ends?|expir\w*|terminat\w*|to|on)\s+(?:and including\s+)?$",
                              text[max(0, m.start() - 30):m.start()], re.I)]
    if end_dates:
        date, m = max(end_dates, key=lambda x: x[0])
        start = today or _dt.date(2026, 1, 1)
        months = max(0.0, (date - start).days / 30.44) if today else None
        return Term("fixed", months, m.group(0))
    ref = TERM_REF_RE.search(text)
    if ref and defined:
        for name, term in defined.items():
            if name.lower() in ref.group(0).lower() and term.kind != "unstated":
                return Term(term.kind, term.months, ref.group(0))
    return Term("unstated")


def survives(text: str) -> bool:
    return bool(SURVIVE_RE.search(text))
