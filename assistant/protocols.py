"""The seams: what each swappable part must offer, exactly as its callers use it.

Each protocol has a real implementation (named below) and, for tests, a fake behind the same protocol
(`tests/fakes.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Protocol, Sequence

import numpy as np

from assistant.types import Chunk, Filters, Hit

Message = tuple[str, str]            # (role, content): "system" | "human" | "ai"


class Embedder(Protocol):
    """Turns texts into unit-length vectors. Real: `index.embeddings.MiniLMEmbedder`."""

    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, each row of unit length."""
        ...


@dataclass(frozen=True)
class VectorMatch:
    chunk_id: str
    similarity: float          # cosine similarity, 1 = identical


class VectorStore(Protocol):
    """Where chunk vectors live. Real: `index.store.ChromaStore` (embedded or a Chroma server)."""

    def add(self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]],
            metas: Sequence[dict]) -> None: ...

    def delete_doc(self, doc_id: str) -> None: ...

    def delete_ids(self, ids: Sequence[str]) -> None: ...

    def ids_for_doc(self, doc_id: str) -> list[str]: ...

    def query(self, embedding: Sequence[float], k: int, filters: Filters | None = None) -> list[VectorMatch]: ...

    def count(self) -> int: ...

    def embeddings(self, ids: Sequence[str]) -> dict[str, Sequence[float]]: ...

    def reset(self) -> None: ...


class SectionSource(Protocol):
    """The passage a `[[doc#section]]` reference or a playbook source points to. Real: the facade (from the
    index) and `index.sections.FileSections` (from corpus files, without an index)."""

    def section_hit(self, doc_id: str, label: str | None) -> Hit | None: ...


class Generator(Protocol):
    """Anything that answers chat messages. Real: `llm.generation.LangChainGenerator`."""

    name: str

    def complete(self, messages: Sequence[Message]) -> str: ...

    def stream(self, messages: Sequence[Message]) -> Iterator[str]: ...


class Retriever(Protocol):
    """Ranked passages for a query. Real: `retrieve.retriever.HybridRetriever`."""

    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]: ...
