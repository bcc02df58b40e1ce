"""Follow-up questions: turn "and in California?" into a question that stands on its own."""

from __future__ import annotations

import re
from typing import Sequence

#: Words people use for a place -> jurisdiction code.
PLACES = {
    "european union": "EU", "eu": "EU", "europe": "EU", "spain": "ES", "spanish": "ES", "denmark": "DK",
    "danish": "DK", "united kingdom": "UK", "uk": "UK", "britain": "UK", "england": "UK",
    "new york": "US-NY", "ny": "US-NY", "california": "US-CA", "ca": "US-CA", "tennessee": "US-TN",
    "illinois": "US-IL", "china": "CN", "chinese": "CN", "south korea": "KR", "korea": "KR",
    "federal": "US", "united states": "US", "usa": "US", "us": "US",
    # cities people name instead of the place whose law applies
    "madrid": "ES", "barcelona": "ES", "copenhagen": "DK", "london": "UK", "manchester": "UK",
    "new york city": "US-NY", "nyc": "US-NY", "manhattan": "US-NY", "brooklyn": "US-NY",
    "los angeles": "US-CA", "san francisco": "US-CA", "hollywood": "US-CA", "nashville": "US-TN",
    "chicago": "US-IL", "beijing": "CN", "shanghai": "CN", "seoul": "KR",
    "paris": "EU", "milan": "EU", "berlin": "EU", "amsterdam": "EU", "brussels": "EU",
}
AMBIGUOUS = {"us", "ca", "eu", "uk", "ny"}  # only as capitals: "us" is also a pronoun
FOLLOW_UP_RE = re.compile(r"^\s*(?:and|what about|how about|also|same|but|ok(?:ay)?,?|and what about)\b", re.I)
PLACE_RE = re.compile(r"\b(" + "|".join(sorted((re.escape(p) for p in PLACES), key=len, reverse=True)) + r")\b", re.I)


def place_in(text: str) -> str | None:
    """The jurisdiction a text names, if it names exactly one."""
    found = {PLACES[m.group(1).lower()] for m in PLACE_RE.finditer(text)
             if m.group(1).lower() not in AMBIGUOUS or m.group(1).isupper()}
    return found.pop() if len(found) == 1 else None


PRONOUN_RE = re.compile(r"\b(?:that|this|it|they|them|there|those|these)\b", re.I)


def is_follow_up(question: str) -> bool:
    """"and in California?", "what about Spain", or a short question leaning on a pronoun ("is that law?")."""
    words = re.findall(r"\w+", question)
    return (bool(FOLLOW_UP_RE.match(question)) or (len(words) <= 4 and place_in(question) is not None)
            or (len(words) <= 7 and bool(PRONOUN_RE.search(question))))


def contextualize(question: str, history: Sequence[str]) -> tuple[str, str | None]:
    """(standalone question, jurisdiction it asks about or None).

    A follow-up ("and in California?", "what about Spain") is merged with the last question that stood on
    its own: the place it names replaces the places of that question.
    """
    place = place_in(question)
    if not history or not is_follow_up(question):
        return question, place
    previous = history[-1]
    base = re.sub(r"\b(?:in|under|for|of)\s+(?:the\s+)?" + PLACE_RE.pattern[2:-2] + r"\b", "", previous,
                  flags=re.I) if place else previous
    base = PLACE_RE.sub("", base) if place else base
    base = re.sub(r"\s+([?.!,])", r"\1", " ".join(base.split()))
    extra = re.sub(r"^(?:in|under|for)\s+", "", FOLLOW_UP_RE.sub("", question).strip(" ?.!,"), flags=re.I)
    merged = f"{base.rstrip('?. ')} — {extra}?" if extra else base
    return merged, place
