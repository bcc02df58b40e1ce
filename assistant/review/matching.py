"""Matching one check's patterns against a clause: negation before and after a trigger, quoted example words,
the sentence around a match, numeric limits and safe phrases. Pure functions over the compiled playbook.

A `Flag` is a check that fired on a clause; `via` says how (a pattern, the semantic stage, the parsed
duration, a survival clause, a defined term read into the clause, a cross-reference, or an `anywhere` pattern).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.review.playbook import Check, Playbook
from assistant.review.segmenter import Clause
from assistant.text.sentences import CONTRACT_SENTENCE_RE as SENTENCE_RE

GRANT_RE = re.compile(r"\b(?:[Gg]rants?|[Ll]icen[cs]es?|may use|right to use|create|exploit|[Cc]onsents?)\b")
WINDOW = 600        # how far back a negation or a sentence start is looked for


@dataclass(frozen=True)
class Flag:
    """A check that fired on a clause: where, and how it was found."""

    check: Check
    clause: Clause
    via: str          # pattern | semantic | duration | survival | anywhere | cross-reference | definition of …
    matched: str


def any_match(patterns, text: str) -> bool:
    return any(p.search(text) for p in patterns)


def negated(playbook: Playbook, text: str, start: int, end: int) -> bool:
    """Is the phrase text[start:end] negated ("shall not sublicense", "sublicensing is not permitted")?"""
    seg_start = max(0, start - WINDOW)
    for brk in playbook.breaks.finditer(text, seg_start, start):
        seg_start = brk.end()
    prefix = text[seg_start:start]
    if any(p.search(prefix) for p in playbook.negation_before):
        return True
    return any(p.search(text[end:end + 80]) for p in playbook.negation_after)


QUOTE_REACH = 80


def quoted(text: str, start: int, end: int) -> bool:
    """Is text[start:end] inside a quoted phrase cited as an example ("words such as "in perpetuity" do not
    …"), not used? An unclosed double quote shortly before it, and the closing one shortly after."""
    before = text[max(0, start - QUOTE_REACH):start]
    after = text[end:end + QUOTE_REACH]
    straight = before.count('"') % 2 == 1 and '"' in after
    curly = before.count("“") > before.count("”") and "”" in after
    return straight or curly


def sentence_around(text: str, start: int, end: int) -> str:
    s = max(0, start - WINDOW)
    for m in SENTENCE_RE.finditer(text, s, start):
        s = m.end()
    e = SENTENCE_RE.search(text, end, end + WINDOW)
    return text[s:e.start() if e else min(len(text), end + WINDOW)]


def positive(playbook: Playbook, patterns, text: str) -> re.Match | None:
    """The first match of any pattern in text that is not negated."""
    for pattern in patterns:
        for m in pattern.finditer(text):
            if not negated(playbook, text, m.start(), m.end()):
                return m
    return None


def pattern_fires(playbook: Playbook, check: Check, text: str, local=None) -> str | None:
    """The triggering phrase when one of the check's patterns fires in `text` — not negated, within
    its numeric limit, not satisfied by a safe phrase in the same sentence, and (when `local` is given,
    for long clauses) in a sentence that itself concerns the replica — else None."""
    if not check.may_fire(text.lower()):
        return None
    if check.context_patterns and not any_match(check.context_patterns, text):
        return None
    for pattern in check.patterns:
        for m in pattern.finditer(text):
            if not check.passes_numeric(m) or negated(playbook, text, m.start(), m.end()) or quoted(text, m.start(), m.end()):
                continue
            sentence = sentence_around(text, m.start(), m.end())
            if local is not None and not local(sentence):
                continue
            scope = text if check.satisfied_scope == "clause" else sentence
            if check.satisfied_by and positive(playbook, check.satisfied_by, scope):
                continue
            return m.group(0)
    return None


def context_text(clause: Clause) -> str:
    """What the checks read: the parent's lead-in ("The Company may:") then the clause."""
    if clause.lead:
        return clause.lead.rstrip(" :—-\n") + " " + clause.text
    return clause.text
