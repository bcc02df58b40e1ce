"""Citing: a quoted sentence becomes a numbered `Citation`, a section reference is quoted from its
passage, and `[n]` markers go before the closing full stop. One definition for answers, review and riders.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from assistant.domain.schema import REF_RE
from assistant.protocols import SectionSource
from assistant.text.sentences import Sentence
from assistant.types import Citation, Hit

#: Picks the best sentence of some hits for a query: answer.extractive.pick_sentences.
Picker = Callable[[str, Sequence[Hit], int], list[tuple[Hit, Sentence]]]


def make_citation(n: int, hit: Hit, sentence: Sentence) -> Citation:
    chunk = hit.chunk
    meta = hit.meta
    return Citation(
        n=n, doc_id=chunk.doc_id, title=meta.get("title", chunk.doc_id),
        section=chunk.label or chunk.section, page=chunk.page, url=meta.get("source_url", ""),
        quote=sentence.text, start=sentence.start, end=sentence.end, status=meta.get("status", ""),
        as_of=meta.get("as_of", ""), jurisdiction=meta.get("jurisdiction", ""), kind=meta.get("kind", ""),
        passage=chunk.text, passage_start=chunk.start, checked=meta.get("checked", ""),
    )


def append_markers(text: str, numbers: Sequence[int], sep: str = " ") -> str:
    """"Consent is needed." + [1, 2] -> "Consent is needed [1][2]." (markers before the final . ! or ?)."""
    if not numbers:
        return text
    markers = "".join(f"[{n}]" for n in numbers)
    return f"{text[:-1]}{sep}{markers}{text[-1]}" if text[-1:] in ".!?" else f"{text}{sep}{markers}"


def quote_section(sections: SectionSource | None, doc_id: str, label: str | None, hint: str,
                  pick: Picker) -> tuple[Hit, Sentence] | None:
    """The passage of a section and its sentence that best matches `hint`, or None when not found."""
    hit = sections.section_hit(doc_id, label) if sections is not None else None
    if hit is None:
        return None
    picks = pick(hint, [hit], 1)
    return picks[0] if picks else None


class Citer:
    """Numbers quoted sentences in order of first use; the same quoted span keeps its number."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self._numbers: dict[tuple[str, int, int], int] = {}

    def cite(self, hit: Hit, sentence: Sentence) -> int:
        key = (hit.chunk.doc_id, sentence.start, sentence.end)
        if key not in self._numbers:
            self._numbers[key] = len(self.citations) + 1
            self.citations.append(make_citation(self._numbers[key], hit, sentence))
        return self._numbers[key]


def ref_words(match: re.Match, titles: dict[str, str]) -> str:
    """A [[doc-id#Section]] reference (a REF_RE match) in words: "(EU AI Act, Article 50(4))"."""
    title = titles.get(match.group(1), match.group(1))
    return f"({title}, {match.group(2)})" if match.group(2) else f"({title})"


def readable(text: str, titles: dict[str, str]) -> str:
    """Turn [[doc-id#Section]] references into words a reader understands."""
    text = " ".join(REF_RE.sub(lambda m: ref_words(m, titles), text).split())
    return re.sub(r"[*_`]{1,2}([^*_`]+)[*_`]{1,2}", r"\1", text)
