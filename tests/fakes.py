"""Test doubles behind the real protocols (`assistant/protocols.py`): small, deterministic, no model, no
network, no disk.

    HashEmbedder   an `Embedder`: a hashed bag of words (texts sharing words are similar)
    FakeGenerator  a `Generator`: scripted replies (or exceptions), records what it was sent
    InMemoryStore  a `VectorStore` that behaves like `ChromaStore` for its callers
                   (tests/test_store_contract.py runs the same assertions against both)
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from typing import Iterator, Sequence

import numpy as np

from assistant.index.store import flat_meta
from assistant.protocols import Message, VectorMatch
from assistant.types import Chunk, Filters

WORD_RE = re.compile(r"\w+")


class HashEmbedder:
    """An `Embedder`: lower-case word tokens hashed (SHA-256, seeded, the same in every process) to a bucket
    and a sign, counted, then scaled to unit length. An empty text (no words) gives a fixed unit vector.

    Similarity is word overlap, nothing semantic: use it where a test's assertions do not depend on
    meaning-based ranking."""

    def __init__(self, dim: int = 384, seed: str = "twinguard-tests"):
        if dim < 2:
            raise ValueError(f"dim must be >= 2, got {dim}")
        self.dim = dim
        self._seed = seed.encode("utf-8")
        self._slots: dict[str, tuple[int, float]] = {}
        self.calls = 0                      # how many times encode() ran (for tests that count model calls)

    def _slot(self, token: str) -> tuple[int, float]:
        slot = self._slots.get(token)
        if slot is None:
            digest = hashlib.sha256(self._seed + b"\x00" + token.encode("utf-8")).digest()
            slot = (int.from_bytes(digest[:8], "big") % self.dim, 1.0 if digest[8] & 1 else -1.0)
            self._slots[token] = slot
        return slot

    def vector(self, text: str) -> np.ndarray:
        row = np.zeros(self.dim, dtype=np.float64)
        for token in WORD_RE.findall(text.lower()):
            bucket, sign = self._slot(token)
            row[bucket] += sign
        norm = float(np.linalg.norm(row))
        if norm == 0.0:                     # no words (or words that cancel out): a fixed unit vector
            row = np.zeros(self.dim, dtype=np.float64)
            row[0] = 1.0
            norm = 1.0
        return (row / norm).astype(np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self.vector(t) for t in texts]).astype(np.float32)


class FakeGenerator:
    """A `Generator` with scripted replies, taken in order by `complete` and `stream`.

    A reply is a string, an exception instance (raised instead of replying, e.g. `GenerationError(...,
    kind="timeout")`), or a callable `messages -> str` (to build the reply from the prompt, e.g. with
    `tests.llm_server.fill`). `calls` holds the messages of every request. `stream` yields the reply in
    `pieces` pieces (a queued exception is raised before the first piece). When no reply is left, a request
    fails with an AssertionError that says so.
    """

    def __init__(self, *replies, name: str = "fake", pieces: int = 3):
        self.name = name
        self.pieces = max(1, pieces)
        self.calls: list[list[Message]] = []
        self._replies: deque = deque()
        self.enqueue(*replies)

    def enqueue(self, *replies) -> "FakeGenerator":
        for reply in replies:
            if not isinstance(reply, (str, BaseException)) and not callable(reply):
                raise TypeError(f"a reply is a str, an exception instance or a callable, got {reply!r}")
        self._replies.extend(replies)
        return self

    @property
    def pending(self) -> int:
        """Replies not used yet (a property, not __len__: an empty generator must stay truthy)."""
        return len(self._replies)

    def _next(self, messages: Sequence[Message]) -> str:
        messages = [tuple(m) for m in messages]
        self.calls.append(messages)
        if not self._replies:
            raise AssertionError(f"FakeGenerator {self.name!r} got request #{len(self.calls)} but no reply is "
                                 "queued; call enqueue(...) with one reply per expected request.")
        reply = self._replies.popleft()
        if isinstance(reply, BaseException):
            raise reply
        if callable(reply):
            reply = reply(messages)
        return reply

    def complete(self, messages: Sequence[Message]) -> str:
        return self._next(messages)

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        text = self._next(messages)
        size = max(1, -(-len(text) // self.pieces))
        for i in range(0, len(text), size):
            yield text[i:i + size]


class InMemoryStore:
    """A `VectorStore` in a dict, with `ChromaStore`'s behaviour as its callers see it:

    - `add` upserts by chunk id; an id repeated within one call keeps its first occurrence; metadata is
      flattened as Chroma stores it (None dropped, other non-scalars as str);
    - `delete_doc`, `ids_for_doc` and the `doc_ids` filter use the stored `doc_id` metadata field;
    - `query` returns cosine similarities best first, at most k, [] on an empty store, and like Chroma
      refuses k <= 0 (TypeError) when the store is not empty; filters match stored metadata values;
    - `embeddings` returns each stored vector (float32 precision, as a float64 numpy row like Chroma).
    """

    def __init__(self):
        self._rows: dict[str, tuple[np.ndarray, dict, str]] = {}     # id -> (vector, metadata, text)

    # -- writes -------------------------------------------------------------------------------

    def add(self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]], metas: Sequence[dict]) -> None:
        seen: set[str] = set()
        for chunk, vector, meta in zip(chunks, embeddings, metas):
            if chunk.id in seen:
                continue
            seen.add(chunk.id)
            self._rows[chunk.id] = (np.asarray([float(x) for x in vector], dtype=np.float32), flat_meta(meta),
                                    chunk.text)

    def delete_doc(self, doc_id: str) -> None:
        self.delete_ids(self.ids_for_doc(doc_id))

    def delete_ids(self, ids: Sequence[str]) -> None:
        for chunk_id in ids:
            self._rows.pop(chunk_id, None)

    def reset(self) -> None:
        self._rows.clear()

    # -- reads --------------------------------------------------------------------------------

    def query(self, embedding: Sequence[float], k: int, filters: Filters | None = None) -> list[VectorMatch]:
        if not self._rows:
            return []
        if k <= 0:
            raise TypeError(f"Number of requested results {k}, cannot be negative, or zero. in query.")
        q = np.asarray([float(x) for x in embedding], dtype=np.float32)
        q_norm = float(np.linalg.norm(q))
        matches = []
        for chunk_id, (vector, meta, _) in self._rows.items():
            if not _allowed(filters, meta):
                continue
            denom = q_norm * float(np.linalg.norm(vector))
            cosine = float(np.dot(q, vector)) / denom if denom else 0.0
            distance = np.float32(1.0) - np.float32(cosine)          # Chroma keeps distances in float32
            matches.append(VectorMatch(chunk_id, 1.0 - float(distance)))
        matches.sort(key=lambda m: -m.similarity)
        return matches[:k]

    def embeddings(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by chunk id (ids not in the store are absent)."""
        return {i: self._rows[i][0].astype(np.float64) for i in ids if i in self._rows}

    def ids_for_doc(self, doc_id: str) -> list[str]:
        return [i for i, (_, meta, _) in self._rows.items() if meta.get("doc_id") == doc_id]

    def count(self) -> int:
        return len(self._rows)


def _allowed(filters: Filters | None, meta: dict) -> bool:
    """Chroma's `where` from `chroma_where`: every set field's stored value is one of the allowed values."""
    return all(name in meta and meta[name] in values for name, values in (filters.fields() if filters else ()))
