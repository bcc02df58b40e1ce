"""What kind of answer a question asks for: yes/no, a number or date, a status, steps, a comparison, a
definition, contract wording, or an explanation."""

from __future__ import annotations

import re

#: Every intent, in the order they are tested; "explain" is the default.
INTENTS: tuple[str, ...] = ("compare", "wording", "status", "action", "amount", "define", "yes-no", "explain")

_PATTERNS: dict[str, re.Pattern] = {
    "compare": re.compile(
        r"\b(?:compare[sd]?|comparison|difference|differs?|different from|versus|vs\.?|in contrast|"
        r"(?:same|similar) (?:as|to|in)|in the same way|"
        r"which (?:one )?(?:is|are|has|have|gives?|protects?|sets?|goes) (?:\w+ )?"
        r"(?:more|better|stronger|weaker|higher|lower|bigger|smaller|stricter|longer|shorter|further|faster)|"
        r"stronger|weaker|more protective)\b|\bbetween\b.+\band\b|\bboth\b.+\band\b", re.I),
    "wording": re.compile(
        r"\b(?:wording|word(?:ed)? it|clause (?:text|language)|sample (?:clause|language|wording)|"
        r"(?:draft|write|give me|suggest|propose) (?:a |an |the |me a |me an )?(?:clause|rider|letter|"
        r"email|form|text|language|sentence)|what (?:should|can|could) i (?:write|say|add|put)|"
        r"how (?:do|should|can|could) i (?:word|phrase|write)|template (?:clause|wording|language)|model clause|"
        r"language (?:i can|to) (?:use|add|propose)|(?:form|letter|notice) (?:\w+ ){0,3}(?:can|to) (?:send|use|sign)|"
        r"(?:our|the|a) (?:standard|model|fallback) (?:\w+ )?"
        r"(?:clause|position|rider|wording))\b", re.I),
    "status": re.compile(
        r"\b(?:is (?:it|this|that|the \w+(?: \w+){0,4}) (?:already |now |yet )?(?:law|in force|passed|adopted|"
        r"enacted|final|binding|applicable)|(?:law|in force|passed|adopted|enacted) yet|"
        r"(?:still )?(?:a bill|a draft|pending)|status|has .{0,60}\b(?:passed|been adopted|been enacted|"
        r"come into force|taken effect)|did .{0,60}\b(?:pass|become law|take effect)|"
        r"when (?:does|did|will) .{0,60}\b(?:apply|take effect|come into force|start|enter into force|"
        r"become law|begin)|from when|since when|in force)\b", re.I),
    "action": re.compile(
        r"\b(?:what (?:can|should|do) i do|what are my options|how (?:do|can|should) i "
        r"(?:get|stop|make|report|remove|protect|withdraw|ask|request|complain|negotiate|check|find)|"
        r"what steps|steps (?:to|i)|checklist|where (?:do|can) i (?:report|complain|go)|"
        r"what (?:should|must) i (?:ask|check|look for|insist|negotiate)|who (?:can|do) i (?:contact|ask|call)|"
        r"can i (?:stop|get .{0,30} (?:removed|deleted|taken down)|make them|force))\b", re.I),
    "amount": re.compile(
        r"\b(?:how (?:much|long|many|old|soon|quickly)|what (?:is|are) the (?:fines?|penalt\w+|maximum|"
        r"minimum|cap|limit|rate|deadline|age)|up to how|what (?:fine|penalty|age|percentage|date)|"
        r"how high|within how|by when|what year|which year|per ?cent|percentage)\b", re.I),
    "define": re.compile(
        r"^(?:what (?:is|are|does|do) (?:an? |the )?(?:\"|')?[\w\s'’-]{2,40}(?:\"|')?"
        r"(?: mean| count as)?\??$|define|definition of|what counts as|what does .{2,40} mean)", re.I),
    "yes-no": re.compile(
        r"^(?:can|could|may|must|do|does|did|is|are|am|will|would|should|has|have|was|were|shall)\b|"
        r"[,;:]\s*(?:can|could|may|must|do|does|is|are|will|should)\s+(?:i|they|we|he|she|it|you|my|the|an?|"
        r"this|that|brands?|agenc\w+|someone|anyone)\b", re.I),
}

#: "when does it apply" asks for a date, not a status, when it names no bill or law.
_DATE_RE = re.compile(r"^\s*(?:when|by when|from when|since when|what date)\b", re.I)


_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+")


def intent_of(question: str) -> str:
    """The intent of a question: the first pattern of `INTENTS` that matches any of its sentences ("I work
    in Milan. Can a brand …?" asks yes or no), else "explain"."""
    text = " ".join(question.split())
    parts = [text, *_SENTENCE_RE.split(text)[1:]]
    for name in INTENTS[:-1]:
        for part in parts:
            if _PATTERNS[name].search(part):
                if name == "status" and _DATE_RE.match(part):
                    return "amount"
                return name
    return "explain"


#: For "how much / how long / when" questions: the kind of figure that answers them.
_FIGURES = (
    ("money", re.compile(r"\b(?:fines?|penalt\w*|pay|paid|cost|much|compensation|damages|commission|fee|rate|"
                         r"percent\w*|sanction\w*)\b", re.I),
     re.compile(r"(?:EUR|USD|GBP|BRL|INR|JPY|AUD|KRW|CNY|€|\$|£)\s?\d|\d\s?(?:%|per ?cent|million|billion|"
                r"thousand|euros?|dollars?|pounds?)", re.I)),
    ("duration", re.compile(r"\b(?:how long|how many (?:years|months|days|hours)|duration|last|within how|"
                            r"deadline|prison|jail)\b", re.I),
     re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|ten|twelve|fifty|seventy)[- ](?:years?|months?|"
                r"weeks?|days?|hours?)\b", re.I)),
    ("date", re.compile(r"^\s*(?:when|since when|from when|by when)\b|\b(?:what|which) (?:date|year)\b|"
                        r"\b(?:take effect|in force|apply)\b", re.I),
     re.compile(r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|"
                r"December) \d{4}\b|\b(?:19|20)\d{2}\b")),
    ("age", re.compile(r"\bhow old|\bage\b|\bminors?\b|\bunder \d+", re.I),
     re.compile(r"\b(?:under|aged?|over) \d+|\b\d+ (?:years? old|or older|or younger)\b", re.I)),
)
_ANY_NUMBER = re.compile(r"\d")


def figure_pattern(question: str) -> re.Pattern:
    """What a sentence must contain to answer a how-much / how-long / when question with a figure: money for
    fines, a period for durations, a date for "when", any number otherwise."""
    for _, asks, figure in _FIGURES:
        if asks.search(question):
            return figure
    return _ANY_NUMBER
