"""Plain requests: "12-month e-commerce licence, EUR 500 per use, EU" read into RiderParams."""

from __future__ import annotations

import re

from assistant.domain.jurisdictions import territory_patterns
from assistant.draft.rider import RiderParams
from assistant.errors import DraftError

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
WORLDWIDE = re.compile(r"\b(?:worldwide|global(?:ly)?|world)\b")
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
    places = [(code, name) for pattern, code, name in territory_patterns() if pattern.search(text)]
    places += [("", "worldwide")] if WORLDWIDE.search(text) else []
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
