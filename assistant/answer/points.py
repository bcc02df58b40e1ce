"""Which sentences may be quoted in an answer, and with what context: small pure gates.

A sentence is quoted only when it stands on its own (a leading "It …"/"This …" brings its previous
sentence along), is not document furniture (the "What this is" opening, links, source lists), is not a
template or form sentence unless wording was asked for, does not come from a passage that warns against
it, and names no place the plan does not allow.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from assistant.domain import jurisdictions as J
from assistant.domain.schema import REF_RE
from assistant.plan.planner import QuestionPlan
from assistant.text.sentences import Sentence
from assistant.types import Hit

#: A sentence opening with one of these leans on the one before it.
DEPENDENT_RE = re.compile(r"^(?:It|Its|This|These|That|Those|They|Their|Them|Such|Both|Here|"
                          r"There(?! is| are)|Also|However|But|Instead|Otherwise|Still|Then|So|Thus|Therefore|"
                          r"In addition|In that case|In this case|First|Second|Third|Finally|Next|Likewise|"
                          r"Similarly|Separately|Meanwhile|Again|The same|Same)\b[ ,]|"
                          r"^The (?:principle|rule|idea|point|result|effect|"
                          r"exception|change|difference|catch|risk|same)\b|"
                          r"^(?:In \w+(?: \w+)? terms|In practice|In short|In other words|"
                          r"For (?:them|these|those|this)),? (?:this|that|it|these|they)\b|"
                          r"^(?:According to [^,.]{1,60}|As (?:reported|described|summarised) [^,.]{0,40}|Note that|"
                          r"In (?:practice|short|other words)),? (?:it|this|these|they|that)\b|"
                          r"^(?:\S+\s){0,5}?(?:this|these|those|such|that) (?:law|laws|rule|rules|duty|duties|act|bill|"
                          r"section|right|rights|protection|exception|case|clause|provision|requirement|one|ones|"
                          r"way|figure|date|period|option|offence|ban)\b(?! (?:of|on|for|in|under|about) )", re.I)
URL_RE = re.compile(r"(?:https?://|\bwww\.)\S+")
FURNITURE_RE = re.compile(r"\b(?:this entry|this digest|this page|this file|this summary|every rule below|"
                          r"listed below|see below|as follows)\b|^(?:See|Read more|Sources?)\b|not the official text|"
                          r"summary in plain language|plain-language summary|"
                          r"Legal information, not legal advice|^What this is\b|^Status as of\b|^Source(?:s)?:|"
                          r"^Last checked|^Official text", re.I)
FURNITURE_SECTIONS = frozenset({"Sources", "Source", "References", "Further reading"})
CAUTION_SECTION_RE = re.compile(r"\b(?:caution|myths?|misread\w*|misreport\w*|not the fine|warning|"
                                r"common mistakes?|what it does not)\b", re.I)
REPORTED_CLAIM_RE = re.compile(r"[\"“”]|\b(?:reports?|reported|news|headlines?|said|claimed)\b", re.I)
CLAUSE_TEXT_RE = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?(?:The (?:Client|Company|Brand|Agency|Licensee|Model|"
                            r"Licensor|Parties|Performer)\b|I (?:withdraw|consent|agree|confirm|request|ask)\b|"
                            r"\[[A-Z])")
NUMBERED_CLAUSE_RE = re.compile(r"^\d+(?:\.\d+)+\s")
#: Clause-library sections that are positions to negotiate (wording), not statements about the law.
POSITION_SECTIONS = frozenset({"Standard position", "Fallback 1", "Fallback 2", "Fallback 3", "Unacceptable"})
#: Sections quoting the wording a model must refuse: never quoted as an answer, wording or not (the "Risk"
#: section explains the risk in prose, which may be quoted, and lists risky phrasings in quotes, which not).
REFUSE_SECTIONS = frozenset({"Unacceptable"})
RISK_SECTIONS = frozenset({"Risk"})
QUOTED_RE = re.compile(r"^[\"“'‘]")


def with_context(hit: Hit, candidates: Sequence[Sentence], i: int) -> Sentence | None:
    """The sentence, with the sentence before it when it opens by leaning on it ("It also …"); None when
    it leans on nothing quotable (the first sentence of a passage)."""
    sentence = candidates[i]
    if not DEPENDENT_RE.match(sentence.text):
        return sentence
    if i == 0:
        return None
    prev = candidates[i - 1]
    if DEPENDENT_RE.match(prev.text) or not 0 <= sentence.start - prev.end <= 3:
        return None
    offset = hit.chunk.start
    return Sentence(hit.chunk.text[prev.start - offset:sentence.end - offset], prev.start, sentence.end)


def is_furniture(text: str, hit: Hit) -> bool:
    """Opening paragraphs, links, source lists: about the document, not about the question."""
    label = hit.chunk.label or hit.chunk.section
    if URL_RE.search(text) and sum(ch.isalpha() for ch in URL_RE.sub("", text)) < 60:
        return True                       # "NY Department of Labor FAQ: https://…"
    return bool(FURNITURE_RE.search(text)) or label in FURNITURE_SECTIONS


def is_wording(text: str, hit: Hit) -> bool:
    """Contract or form text: a template's sentences, a clause library's model clauses."""
    kind = hit.meta.get("kind", "")
    label = hit.chunk.label or hit.chunk.section
    if kind == "template" or (kind == "clause-library" and label in POSITION_SECTIONS):
        return True
    return bool(CLAUSE_TEXT_RE.match(text) or NUMBERED_CLAUSE_RE.match(text)) or (
        kind == "clause-library" and text.lstrip().startswith(('"', "“", ">")))


def is_clause_text(text: str, hit: Hit) -> bool:
    """Wording to put in a contract: a clause library's standard or fallback position, or a template's
    clause (not the notes around them)."""
    kind, label = hit.meta.get("kind", ""), hit.chunk.label or hit.chunk.section
    if text.startswith(("What the model gives up", "Why", "*Why", "_Why")):
        return False
    if kind == "clause-library":
        return label in POSITION_SECTIONS - REFUSE_SECTIONS
    return kind == "template" and bool(CLAUSE_TEXT_RE.match(text) or NUMBERED_CLAUSE_RE.match(text))


def warned_against(text: str, hit: Hit) -> bool:
    """A reported claim inside a passage written to correct it (the "EUR 35 million" caution), or wording
    the clause library lists as unacceptable (quoted alone it would read as wording to use)."""
    label = hit.chunk.label or hit.chunk.section
    if hit.meta.get("kind") == "clause-library" and (
            label in REFUSE_SECTIONS or (label in RISK_SECTIONS and QUOTED_RE.match(text.lstrip()))):
        return True
    return bool(CAUTION_SECTION_RE.search(label)) and bool(REPORTED_CLAIM_RE.search(text))


def places_of(text: str, hit: Hit, doc_places: Mapping[str, str]) -> set[str]:
    """The places a quoted sentence speaks for: its source's place (unless place-neutral), the places it
    names, and the places of the documents it references."""
    own = hit.meta.get("jurisdiction", "")
    found = {own} if own and own != J.NEUTRAL else set()
    found |= set(J.places_in(REF_RE.sub(" ", text)))
    found |= {doc_places.get(m.group(1), "") for m in REF_RE.finditer(text)} - {"", J.NEUTRAL}
    return found


def place_allowed(plan: QuestionPlan, places: set[str]) -> bool:
    """A sentence may speak only for places the plan allows (any place when the question names none)."""
    return not plan.places or all(plan.allows(p) for p in places)
