"""Retrieval: dense (the vector store) and keyword (BM25) search, fused, filtered, document-aware
(retrieve/docfinder.py), de-duplicated. `HybridRetriever` is the real `protocols.Retriever`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Literal, Sequence, get_args

import numpy as np

from assistant.config import Settings
from assistant.errors import IndexNotBuiltError
from assistant.index.catalog import CatalogStore
from assistant.index.keyword import KeywordIndex
from assistant.ingest.chunking import embedding_text
from assistant.protocols import Embedder, VectorStore
from assistant.retrieve.docfinder import DocFinder, NamedDocs
from assistant.retrieve.fusion import cap_per_doc, drop_overlapping, fuse
from assistant.types import Chunk, Filters, Hit

Mode = Literal["dense", "keyword", "rrf", "hybrid"]
MODES: tuple[str, ...] = get_args(Mode)


@dataclass(frozen=True)
class IndexView:
    """One consistent snapshot of what is indexed; replaced whole when the index changes, so a search
    running in another thread never sees a keyword index that does not match its chunks."""

    generation: str | None = None
    chunks: dict = field(default_factory=dict)            # chunk id -> Chunk
    docs: dict = field(default_factory=dict)              # doc id -> metadata
    keyword: KeywordIndex | None = None
    kw_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    finder: DocFinder | None = None


#: Query vectors kept (an answer searches its places, named sources and own law with the same query).
QUERY_CACHE = 16


class HybridRetriever:
    """Hybrid retriever over the catalog's chunks. Reloads when the index generation changes: looked up on
    every search in embedded mode, at most every `settings.refresh_seconds` over a shared Chroma server
    (where the look is a request, and another process may be the one that indexes)."""

    def __init__(self, settings: Settings, embedder: Embedder, store: VectorStore, catalog: CatalogStore):
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.catalog = catalog
        self._lock = threading.Lock()
        self._view = IndexView()
        self._poll = settings.refresh_seconds if settings.server_mode else 0.0
        self._looked = float("-inf")          # monotonic time of the last look at the shared generation
        self._vectors: dict[str, np.ndarray] = {}

    # -- state --------------------------------------------------------------------------------

    @property
    def chunks(self) -> dict[str, Chunk]:
        return self._view.chunks

    @property
    def docs(self) -> dict[str, dict]:
        return self._view.docs

    @property
    def finder(self) -> DocFinder | None:
        return self._view.finder

    def refresh(self, force: bool = False) -> IndexView:
        if not force and self._view.generation is not None and time.monotonic() - self._looked < self._poll:
            return self._view
        self._looked = time.monotonic()
        generation = self.catalog.get_state("generation", "0")
        if not force and generation == self._view.generation:
            return self._view
        with self._lock:
            if not force and generation == self._view.generation:
                return self._view
            records = self.catalog.documents()
            chunks = {c.id: c for c in self.catalog.iter_chunks()}
            keyword = KeywordIndex.load(self.settings.keyword_dir)
            if keyword is None or set(keyword.ids) != set(chunks):
                keyword = KeywordIndex.build(list(chunks), [embedding_text(c) for c in chunks.values()])
            docs = {doc_id: rec.meta for doc_id, rec in records.items()}
            openings: dict[str, str] = {}
            for chunk in sorted(chunks.values(), key=lambda c: (c.doc_id, c.ordinal)):
                if len(openings.get(chunk.doc_id, "")) < 2000:
                    openings[chunk.doc_id] = openings.get(chunk.doc_id, "") + "\n" + chunk.text
            kw_doc = np.array([chunks[c].doc_id for c in keyword.ids], dtype=object)
            self._view = IndexView(generation, chunks, docs, keyword, kw_doc, DocFinder(docs, openings))
            return self._view

    @property
    def ready(self) -> bool:
        return bool(self.refresh().chunks)

    # -- search -------------------------------------------------------------------------------

    def search(self, query: str, k: int | None = None, filters: Filters | None = None,
               mode: Mode = "hybrid", doc_aware: bool | None = None, per_doc: int | None = None) -> list[Hit]:
        """The k best passages for the query, best first; `per_doc` caps passages from one document
        (so one long FAQ cannot crowd out the laws it summarises)."""
        view = self.refresh()
        if not view.chunks:
            raise IndexNotBuiltError("Nothing is indexed yet; run `twinguard index` first.")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        k = k or self.settings.k
        query, filters, named = self._resolve_names(view, query, filters or Filters(), doc_aware)
        dense, qvec = self._dense(view, query, filters, k) if mode != "keyword" else ({}, None)
        keyword = self._keyword(view, query, filters, k) if mode != "dense" else {}
        boost = ({cid: 0.1 for cid in set(dense) | set(keyword) if view.chunks[cid].doc_id in named.doc_ids}
                 if named and not named.restrict else {})
        if mode == "hybrid":
            self._complete_dense(dense, keyword, qvec)
            self._complete_keyword(view, query, dense, keyword)
        ranked, via = fuse(mode, dense, keyword, self.settings.dense_weight, boost)
        scores = dict(ranked)
        order = drop_overlapping((cid, (view.chunks[cid].doc_id, view.chunks[cid].start, view.chunks[cid].end))
                                 for cid, _ in ranked if cid in view.chunks)
        if per_doc:
            order = cap_per_doc(order, lambda cid: view.chunks[cid].doc_id, per_doc)
        return [Hit(chunk=view.chunks[cid], score=float(scores[cid]), via=via,
                    meta=dict(view.docs.get(view.chunks[cid].doc_id, {})), dense=round(dense.get(cid, 0.0), 4))
                for cid in order[:k]]

    def _resolve_names(self, view: IndexView, query: str, filters: Filters,
                       doc_aware: bool | None) -> tuple[str, Filters, NamedDocs | None]:
        """A document named with "Consider the …;" restricts the search to it (and the rest is the query)."""
        doc_aware = self.settings.doc_aware if doc_aware is None else doc_aware
        named = view.finder.find(query) if doc_aware and view.finder else None
        if named and named.restrict:
            allowed_docs = set(named.doc_ids)
            if filters.doc_ids:
                allowed_docs &= set(filters.doc_ids)
            filters = Filters(filters.jurisdiction, filters.kind, filters.status, tuple(sorted(allowed_docs)))
            query = named.query
        return query, filters, named

    def _vector(self, query: str) -> np.ndarray:
        """The query's vector; the last few are kept, since one answer searches several scopes with it."""
        vector = self._vectors.get(query)
        if vector is None:
            vector = np.asarray(self.embedder.encode([query])[0], dtype=np.float32)
            with self._lock:
                while len(self._vectors) >= QUERY_CACHE:
                    self._vectors.pop(next(iter(self._vectors)))
                self._vectors[query] = vector
        return vector

    def _dense(self, view: IndexView, query: str, filters: Filters, k: int) -> tuple[dict[str, float], np.ndarray]:
        qvec = self._vector(query)
        pool = max(k * 3, self.settings.k_dense)
        dense = {m.chunk_id: m.similarity for m in self.store.query(qvec.tolist(), pool, filters)
                 if m.chunk_id in view.chunks}
        return dense, qvec

    def _keyword(self, view: IndexView, query: str, filters: Filters, k: int) -> dict[str, float]:
        return dict(view.keyword.search(query, max(k * 3, self.settings.k_keyword), _mask(view, filters)))

    @staticmethod
    def _complete_keyword(view: IndexView, query: str, dense: dict[str, float], keyword: dict[str, float]) -> None:
        """BM25 scores for dense-only candidates (0 when the passage shares no term with the query)."""
        kw_all = view.keyword.scores(query)
        for cid in dense:
            pos = view.keyword.position(cid)
            if cid not in keyword and pos is not None and kw_all.size:
                keyword[cid] = float(kw_all[pos])

    def _complete_dense(self, dense: dict[str, float], keyword: dict[str, float], qvec) -> None:
        """Exact cosine for keyword-only candidates, from their stored vectors."""
        missing = [cid for cid in keyword if cid not in dense]
        if not missing or qvec is None:
            return
        for cid, vector in self.store.embeddings(missing).items():
            dense[cid] = float(np.dot(np.asarray(vector, dtype=np.float32), qvec))

    def document_chunks(self, doc_id: str) -> Sequence[Chunk]:
        view = self.refresh()
        return sorted((c for c in view.chunks.values() if c.doc_id == doc_id), key=lambda c: c.ordinal)


def _mask(view: IndexView, filters: Filters) -> np.ndarray | None:
    """Boolean mask over the keyword index's chunks allowed by the filters (None: all)."""
    if filters == Filters():
        return None
    allowed = {d for d, meta in view.docs.items() if filters.allows(d, meta)}
    return np.array([d in allowed for d in view.kw_doc], dtype=bool)
