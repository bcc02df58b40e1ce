"""Plain data: documents, chunks, search hits, citations and answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from assistant.plan.planner import QuestionPlan


@dataclass(frozen=True)
class Page:
    """One page of a paginated source: its 1-based number and where it starts in the document text."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """A loaded source: stable id, full text, flat metadata and (for PDFs) page offsets."""

    id: str
    text: str
    meta: dict[str, str]
    path: str = ""
    sha256: str = ""
    pages: tuple[Page, ...] = ()

    @property
    def title(self) -> str:
        return self.meta.get("title") or self.id

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding character `offset`, or None for unpaginated documents."""
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        return self.pages[-1].number if self.pages and offset >= self.pages[-1].end else None


@dataclass(frozen=True)
class Chunk:
    """A passage of a document. Invariant: document.text[start:end] == text."""

    id: str
    doc_id: str
    text: str
    start: int
    end: int
    section: str = ""          # heading path, e.g. "EU AI Act › Article 50 › Article 50(4)"
    label: str = ""            # the innermost section label, e.g. "Article 50(4)"
    page: int | None = None
    ordinal: int = 0           # position of the chunk within its document


@dataclass(frozen=True)
class Filters:
    """Metadata filters; an empty tuple means no constraint."""

    jurisdiction: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()

    def fields(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(metadata field, allowed values) for each constraint that is set."""
        return tuple((name, values) for name, values in (("jurisdiction", self.jurisdiction), ("kind", self.kind),
                                                          ("status", self.status), ("doc_id", self.doc_ids)) if values)

    def allows(self, doc_id: str, meta: dict) -> bool:
        return ((not self.jurisdiction or meta.get("jurisdiction") in self.jurisdiction)
                and (not self.kind or meta.get("kind") in self.kind)
                and (not self.status or meta.get("status") in self.status)
                and (not self.doc_ids or doc_id in self.doc_ids))


Via = Literal["dense", "keyword", "fused"]


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk, its score and how it was found. `dense` is its cosine similarity with the query
    (rounded to 4 places; None when the hit was not scored against a query)."""

    chunk: Chunk
    score: float
    via: Via = "fused"
    meta: dict[str, str] = field(default_factory=dict)
    dense: float | None = None


@dataclass(frozen=True)
class Citation:
    """A numbered source in an answer: which passage, and the exact quoted span inside it."""

    n: int
    doc_id: str
    title: str
    section: str
    page: int | None
    url: str
    quote: str
    start: int                 # offsets of `quote` in the document's text
    end: int
    status: str = ""
    as_of: str = ""
    jurisdiction: str = ""
    kind: str = ""
    passage: str = ""          # the whole chunk the quote came from
    passage_start: int = 0
    checked: str = ""          # ISO date the source was last checked against its official text

    def to_dict(self) -> dict:
        return {
            "n": self.n, "doc_id": self.doc_id, "title": self.title, "section": self.section,
            "page": self.page, "url": self.url, "quote": self.quote, "start": self.start,
            "end": self.end, "status": self.status, "as_of": self.as_of,
            "jurisdiction": self.jurisdiction, "kind": self.kind, "checked": self.checked,
        }


@dataclass(frozen=True)
class Answer:
    """A grounded answer: text with [n] markers and the citations they point to."""

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    refused: bool = False
    mode: str = "extractive"
    hits: tuple[Hit, ...] = ()
    notice: str = ""
    plan: "QuestionPlan | None" = None     # what the answer was planned to be about (places, intent, scope)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "mode": self.mode,
            "notice": self.notice,
            "plan": self.plan.to_dict() if self.plan is not None else None,
            "citations": [c.to_dict() for c in self.citations],
        }
