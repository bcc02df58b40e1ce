"""Sentence boundaries: the one definition of where a sentence ends in our documents and in contracts.

`split_spans` cuts a stretch of text into sentence spans (character offsets), skipping a boundary after a
known abbreviation ("Art. 50", "e.g. a scan"). `blocks` cuts text into blocks at blank lines, list items
and headings, so a sentence never runs across two list items. Callers that need sentences of a passage
(answers, verification) or of a contract (review) build on these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def boundary(ends: str = ".!?", starts: str = "A-Z\"“(\\[") -> str:
    """A sentence boundary: one of `ends`, an optional closing quote or bracket, whitespace, and then a
    character that can start a sentence (`starts`, a regex character class body)."""
    return rf"(?<=[{ends}])[\"'”’)]?\s+(?=[{starts}])"


#: Sentences of our documents: a sentence may start with "[" (a reference such as "[[eu-gdpr]]: …").
SENTENCE_END_RE = re.compile(boundary())
#: Sentences of a contract, as the review reads them: a blank line also ends one.
CONTRACT_SENTENCE_RE = re.compile(boundary(starts="A-Z(\"“") + r"|\n\s*\n")
#: Parts of a long clause, as the segmenter groups them: a semicolon also ends a part.
CLAUSE_PART_END_RE = re.compile(boundary(ends=".;!?", starts="A-Z(\"“"))
#: A new block: a blank line, or a line that starts a list item, a quote, a table row or a heading.
BLOCK_BREAK_RE = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*+>|#]\s|\d{1,3}[.)]\s|\([a-z0-9]{1,3}\)\s))")
#: A list mark at the start of a line: "- ", "2. ", "(a) ".
LIST_MARK_RE = re.compile(r"^\s*(?:[-*+>]\s+|\d{1,3}[.)]\s+|\([a-z0-9]{1,3}\)\s+)")
ABBREVIATIONS = ("e.g.", "i.e.", "art.", "arts.", "s.", "ss.", "sec.", "u.s.", "u.k.", "v.", "vs.", "etc.",
                 "inc.", "ltd.", "co.", "corp.", "para.", "p.", "pp.", "cf.", "st.", "mr.", "ms.", "dr.")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int            # offsets within the document text
    end: int


def blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each block of `text`."""
    spans, start = [], 0
    for match in BLOCK_BREAK_RE.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def ends_with_abbreviation(text: str) -> bool:
    """Does `text` end in an abbreviation ("see Art.") rather than a full stop?"""
    head = text.rsplit(None, 1)
    return bool(head) and head[-1].lower().rstrip("\"'”’)") in ABBREVIATIONS


def split_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence in text[start:end]; boundaries after abbreviations are skipped."""
    end = len(text) if end is None else end
    out, cursor = [], start
    for match in SENTENCE_END_RE.finditer(text, start, end):
        if ends_with_abbreviation(text[cursor:match.start()]):
            continue
        out.append((cursor, match.start()))
        cursor = match.end()
    out.append((cursor, end))
    return out
