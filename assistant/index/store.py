"""The vector store: Chroma, embedded (PersistentClient) or a server (HttpClient).

This is the only module that imports chromadb. We use chromadb directly rather than the
langchain-chroma wrapper: we supply our own ids (content hashes), our own embeddings (computed once,
batched, by the bundled model), flat metadata for filters, and delete by document id; the wrapper would
re-embed through its own Embeddings interface and hide the batch limits we need for large corpora.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from assistant.config import Settings
from assistant.errors import StoreError
from assistant.protocols import VectorMatch
from assistant.types import Chunk, Filters


def quiet_telemetry() -> None:
    """Chroma and its dependencies must not phone home."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("CHROMA_TELEMETRY", "False")


class ChromaStore:
    """Chroma collection with cosine distance; embeddings are always supplied by us. Embedded (a folder,
    `path`) unless `host` names a Chroma server."""

    def __init__(self, collection: str, *, path: Path | None = None, host: str = "", port: int = 8000):
        if not host and path is None:
            raise ValueError("ChromaStore needs a folder (embedded) or a server host.")
        self.collection, self.path, self.host, self.port = collection, path, host, port
        self._client = None
        self._collection = None

    @classmethod
    def from_settings(cls, settings: Settings) -> "ChromaStore":
        return cls(settings.collection, path=settings.chroma_dir, host=settings.chroma_host, port=settings.chroma_port)

    def describe(self) -> str:
        return f"chroma server {self.host}:{self.port}" if self.host else f"embedded chroma {self.path}"

    # -- connection ---------------------------------------------------------------------------

    def _connect(self):
        if self._collection is not None:
            return self._collection
        quiet_telemetry()
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
        try:
            if self.host:
                self._client = chromadb.HttpClient(host=self.host, port=self.port, settings=chroma_settings)
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(self.path), settings=chroma_settings)
            self._collection = self._client.get_or_create_collection(
                self.collection, metadata={"hnsw:space": "cosine"}, embedding_function=None)
        except Exception as exc:  # chromadb raises many types; callers need one
            raise StoreError(f"Could not open {self._where()}: {exc}") from exc
        return self._collection

    def _where(self) -> str:
        return f"the Chroma server at {self.host}:{self.port}" if self.host else f"the local index in {self.path}"

    def open_collection(self, name: str):
        """Another collection on the same client (the shared catalog's records), created if absent; we
        supply its embeddings too."""
        self._connect()
        try:
            return self._client.get_or_create_collection(name, embedding_function=None)
        except Exception as exc:  # chromadb raises many types; callers need one
            raise StoreError(f"Could not open collection {name} on {self._where()}: {exc}") from exc

    @property
    def batch_size(self) -> int:
        self._connect()
        try:
            return max(1, min(5000, int(self._client.get_max_batch_size())))
        except Exception:
            return 1000

    # -- writes -------------------------------------------------------------------------------

    def add(self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]],
            metas: Sequence[dict]) -> None:
        collection = self._connect()
        first = {c.id: i for i, c in reversed(list(enumerate(chunks)))}   # an id twice: Chroma refuses the batch
        if len(first) < len(chunks):
            keep = sorted(first.values())
            chunks, embeddings, metas = ([seq[i] for i in keep] for seq in (chunks, embeddings, metas))
        step = self.batch_size
        for i in range(0, len(chunks), step):
            part = chunks[i:i + step]
            collection.upsert(
                ids=[c.id for c in part],
                embeddings=[list(map(float, e)) for e in embeddings[i:i + step]],
                metadatas=[flat_meta(m) for m in metas[i:i + step]],
                documents=[c.text for c in part],
            )

    def delete_doc(self, doc_id: str) -> None:
        self._connect().delete(where={"doc_id": doc_id})

    def delete_ids(self, ids: Sequence[str]) -> None:
        collection = self._connect()
        for i in range(0, len(ids), self.batch_size):
            collection.delete(ids=list(ids[i:i + self.batch_size]))

    def reset(self) -> None:
        """Drop every chunk. On a server the collection itself stays: other processes hold handles to it."""
        collection = self._connect()
        if self.host:
            while ids := collection.get(include=[], limit=self.batch_size)["ids"]:
                collection.delete(ids=ids)
            return
        if self.collection in {c if isinstance(c, str) else c.name for c in self._client.list_collections()}:
            self._client.delete_collection(self.collection)
        self._collection = None
        self._connect()

    # -- reads --------------------------------------------------------------------------------

    def query(self, embedding: Sequence[float], k: int, filters: Filters | None = None) -> list[VectorMatch]:
        collection = self._connect()
        total = collection.count()
        if total == 0:
            return []
        result = collection.query(query_embeddings=[list(map(float, embedding))], n_results=min(k, total),
                                  where=chroma_where(filters), include=["distances"])
        ids = result["ids"][0]
        distances = result["distances"][0]
        return [VectorMatch(i, 1.0 - float(d)) for i, d in zip(ids, distances)]

    def embeddings(self, ids: Sequence[str]) -> dict[str, Sequence[float]]:
        """Stored vectors by chunk id (ids not in the store are absent)."""
        if not ids:
            return {}
        result = self._connect().get(ids=list(ids), include=["embeddings"])
        return {i: e for i, e in zip(result["ids"], result["embeddings"])}

    def texts(self, ids: Sequence[str]) -> dict[str, str]:
        """Stored chunk texts by id (ids not in the store are absent)."""
        collection, out = self._connect(), {}
        for i in range(0, len(ids), self.batch_size):
            result = collection.get(ids=list(ids[i:i + self.batch_size]), include=["documents"])
            out.update(zip(result["ids"], result["documents"]))
        return out

    def all_ids(self) -> set[str]:
        collection, out, step = self._connect(), set(), self.batch_size
        while part := collection.get(include=[], limit=step, offset=len(out))["ids"]:
            out.update(part)
            if len(part) < step:
                break
        return out

    def ids_for_doc(self, doc_id: str) -> list[str]:
        return list(self._connect().get(where={"doc_id": doc_id}, include=[])["ids"])

    def count(self) -> int:
        return self._connect().count()


def chroma_where(filters: Filters | None) -> dict | None:
    """Filters in Chroma's `where` syntax (None when nothing is constrained)."""
    clauses = [{name: {"$in": list(values)}} for name, values in (filters.fields() if filters else ())]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def flat_meta(meta: dict) -> dict:
    """Chroma metadata holds str, int, float and bool only; None becomes absent."""
    out = {}
    for key, value in meta.items():
        if value is None:
            continue
        out[key] = value if isinstance(value, (str, int, float, bool)) else str(value)
    return out
