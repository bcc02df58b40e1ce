"""Follow-up questions: turn "and in California?" into a question that stands on its own."""

from __future__ import annotations

import re
from typing import Sequence

from assistant.domain.jurisdictions import place_in, place_pattern

FOLLOW_UP_RE = re.compile(r"^\s*(?:and|what about|how about|also|same|but|ok(?:ay)?,?|and what about)\b", re.I)
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
    places = place_pattern()
    base = re.sub(r"\b(?:in|under|for|of)\s+(?:the\s+)?" + places, "", previous, flags=re.I) if place else previous
    base = re.sub(places, "", base, flags=re.I) if place else base
    base = re.sub(r"\s+([?.!,])", r"\1", " ".join(base.split()))
    extra = re.sub(r"^(?:in|under|for)\s+", "", FOLLOW_UP_RE.sub("", question).strip(" ?.!,"), flags=re.I)
    merged = f"{base.rstrip('?. ')} — {extra}?" if extra else base
    return merged, place
