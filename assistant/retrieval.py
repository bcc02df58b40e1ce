"""Retrieval: dense (Chroma) and keyword (BM25) search, fused, filtered, document-aware, de-duplicated.

Document-aware: a question that names a document ("Consider the Endorsement Agreement between X and
Y; ..." or "What does the Fashion Workers Act say ...") is matched against document profiles (title,
aliases, file name, opening text). An explicit "Consider the ...;" naming restricts the search to the
named document and searches with the rest of the question; a name mentioned in passing boosts passages
from that document.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Literal, Sequence

import numpy as np

from .catalog import Catalog
from .chunking import embedding_text
from .config import Settings
from .embeddings import Embedder
from .errors import IndexNotBuiltError
from .fusion import convex, drop_overlapping, rrf
from .keyword import KeywordIndex, tokenize
from .store import VectorStore
from .types import Chunk, Hit

Mode = Literal["dense", "keyword", "rrf", "hybrid"]
MODES: tuple[str, ...] = ("dense", "keyword", "rrf", "hybrid")
NAMED_RE = re.compile(r"^\s*Consider\s+(?:the\s+)?(?P<name>.{8,600}?);\s*(?P<rest>\S.*)$", re.S | re.I)


@dataclass(frozen=True)
class Filters:
    """Metadata filters; an empty tuple means no constraint."""

    jurisdiction: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()

    def chroma_where(self) -> dict | None:
        clauses = [{field: {"$in": list(values)}}
                   for field, values in (("jurisdiction", self.jurisdiction), ("kind", self.kind),
                                         ("status", self.status), ("doc_id", self.doc_ids)) if values]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def allows(self, doc_id: str, meta: dict) -> bool:
        return ((not self.jurisdiction or meta.get("jurisdiction") in self.jurisdiction)
                and (not self.kind or meta.get("kind") in self.kind)
                and (not self.status or meta.get("status") in self.status)
                and (not self.doc_ids or doc_id in self.doc_ids))


@dataclass(frozen=True)
class NamedDocs:
    doc_ids: tuple[str, ...]
    restrict: bool         # search only inside these documents
    query: str             # the question to rank passages with


class DocFinder:
    """Finds the documents a question names, from titles, aliases, file names and opening text."""

    def __init__(self, docs: dict[str, dict], openings: dict[str, str]):
        self.doc_ids = sorted(docs)
        profiles = [self._profile(docs[d], openings.get(d, "")) for d in self.doc_ids]
        self.index = KeywordIndex.build(self.doc_ids, profiles)
        self.names: list[tuple[str, str]] = []
        for doc_id in self.doc_ids:
            meta = docs[doc_id]
            candidates = [meta.get("short_title", "")] + meta.get("aliases", "").split(";")
            for name in candidates:
                name = " ".join(name.split()).lower()
                if len(name) >= 4:
                    self.names.append((name, doc_id))

    @staticmethod
    def _profile(meta: dict, opening: str) -> str:
        stem = re.sub(r"[_\-.]+", " ", meta.get("path", "").rsplit("/", 1)[-1])
        parts = [meta.get("title", ""), meta.get("short_title", ""), meta.get("aliases", ""),
                 meta.get("citation", ""), stem, opening]
        return "\n".join(p for p in parts if p)

    def find(self, question: str) -> NamedDocs | None:
        match = NAMED_RE.match(question)
        if match and len(self.doc_ids) > 0:
            ranked = self.index.search(match.group("name"), 3)
            if ranked:
                best = ranked[0][1]
                second = ranked[1][1] if len(ranked) > 1 else 0.0
                chosen = [ranked[0][0]] if best >= 1.15 * second else [d for d, s in ranked if s >= 0.85 * best]
                return NamedDocs(tuple(chosen), True, match.group("rest").strip())
        text = " " + " ".join(re.findall(r"[\w§.()'-]+", question.lower())) + " "
        hits = [(name, doc_id) for name, doc_id in self.names if f" {name} " in text]
        # Prefer the longest name: "uk gdpr" wins over "gdpr".
        hits = [(n, d) for n, d in hits if not any(n != m and n in m for m, _ in hits)]
        if hits:
            return NamedDocs(tuple(sorted({d for _, d in hits})), False, question)
        return None


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


class Retriever:
    """Hybrid retriever over the catalog's chunks. Reloads when the index generation changes."""

    def __init__(self, settings: Settings, embedder: Embedder, store: VectorStore, catalog: Catalog):
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.catalog = catalog
        self._lock = threading.Lock()
        self._view = IndexView()

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
        filters = filters or Filters()
        doc_aware = self.settings.doc_aware if doc_aware is None else doc_aware
        named = view.finder.find(query) if doc_aware and view.finder else None
        boost: dict[str, float] = {}
        if named and named.restrict:
            allowed_docs = set(named.doc_ids)
            if filters.doc_ids:
                allowed_docs &= set(filters.doc_ids)
            filters = Filters(filters.jurisdiction, filters.kind, filters.status, tuple(sorted(allowed_docs)))
            query = named.query
        pool = max(k * 3, self.settings.k_dense)
        dense: dict[str, float] = {}
        qvec = None
        if mode != "keyword":
            qvec = np.asarray(self.embedder.embed_query(query), dtype=np.float32)
            for match in self.store.query(qvec.tolist(), pool, filters.chroma_where()):
                if match.chunk_id in view.chunks:
                    dense[match.chunk_id] = match.similarity
        keyword: dict[str, float] = {}
        kw_all = None
        if mode != "dense":
            kw_all = view.keyword.scores(query)
            keyword = dict(view.keyword.search(query, max(k * 3, self.settings.k_keyword), _mask(view, filters)))
        if named and not named.restrict:
            boost = {cid: 0.1 for cid in set(dense) | set(keyword) if view.chunks[cid].doc_id in named.doc_ids}
        if mode == "dense":
            ranked = sorted(dense.items(), key=lambda item: -item[1])
            via = "dense"
        elif mode == "keyword":
            ranked = sorted(keyword.items(), key=lambda item: -item[1])
            via = "keyword"
        elif mode == "rrf":
            ranked = rrf([sorted(dense, key=dense.get, reverse=True), sorted(keyword, key=keyword.get, reverse=True)])
            via = "fused"
        else:
            self._complete_dense(dense, keyword, qvec)
            for cid in dense:
                pos = view.keyword.position(cid)
                if cid not in keyword and pos is not None and kw_all is not None and kw_all.size:
                    keyword[cid] = float(kw_all[pos])
            ranked = convex(dense, keyword, self.settings.dense_weight, boost)
            via = "fused"
        if boost and mode != "hybrid":
            ranked = sorted(((cid, s + boost.get(cid, 0.0)) for cid, s in ranked), key=lambda item: -item[1])
        scores = dict(ranked)
        order = drop_overlapping((cid, (view.chunks[cid].doc_id, view.chunks[cid].start, view.chunks[cid].end))
                                 for cid, _ in ranked if cid in view.chunks)
        if per_doc:
            counts: dict[str, int] = {}
            capped = []
            for cid in order:
                doc_id = view.chunks[cid].doc_id
                if counts.get(doc_id, 0) < per_doc:
                    counts[doc_id] = counts.get(doc_id, 0) + 1
                    capped.append(cid)
            order = capped
        hits = []
        for cid in order[:k]:
            chunk = view.chunks[cid]
            meta = dict(view.docs.get(chunk.doc_id, {}))
            meta["dense"] = f"{dense.get(cid, 0.0):.4f}"
            hits.append(Hit(chunk=chunk, score=float(scores[cid]), via=via, meta=meta))
        return hits

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

    def best_similarity(self, hits: Sequence[Hit]) -> float:
        return max((float(h.meta.get("dense", 0.0)) for h in hits), default=0.0)

    @staticmethod
    def query_terms(query: str) -> set[str]:
        return set(tokenize(query))


def _mask(view: IndexView, filters: Filters) -> np.ndarray | None:
    """Boolean mask over the keyword index's chunks allowed by the filters (None: all)."""
    if filters == Filters():
        return None
    allowed = {d for d, meta in view.docs.items() if filters.allows(d, meta)}
    return np.array([d in allowed for d in view.kw_doc], dtype=bool)
