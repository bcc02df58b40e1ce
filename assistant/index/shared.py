"""Several app processes over one Chroma server: everything they must agree on lives on the server.

- the chunks, their vectors and metadata: the store's collection (as in embedded mode);
- the catalog (what is indexed: path, hash, metadata and chunk list of each document, and the index
  generation), the staff library's extracted documents and the indexing lease: records in a second
  collection, `<collection>__catalog` (`ChromaCatalog`; documents are JSON, the vectors a placeholder).

Each process keeps only caches: its keyword index is rebuilt from the shared chunks when the shared
generation changes (`HybridRetriever.refresh` looks at most every `refresh_seconds`).

`SharedIndexer` writes in the same crash-safe order as the embedded indexer — chunks, then the document's
record (the commit point), then the generation — under a lease instead of a file lock. On start it
reconciles: chunks no record owns (from a killed writer) are deleted, a record shadowed by a newer one for
the same path is dropped, and documents without a record are indexed again by the normal sync.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Iterable, Iterator

from assistant.config import Settings
from assistant.errors import StoreError
from assistant.index.catalog import Catalog, CatalogStore, DocRecord
from assistant.index.indexer import LIBRARY_PREFIX, Extracted, Indexer, IndexReport
from assistant.index.lease import Lease, LeaseRecord
from assistant.index.store import ChromaStore
from assistant.ingest.loaders import iter_files, sha256_bytes
from assistant.protocols import Embedder, VectorStore
from assistant.types import Chunk, Document, Page

CATALOG_SUFFIX = "__catalog"
PLACEHOLDER = [1.0]            # records are read by id or kind, never by similarity
DIRTY = "dirty"                # state key: the catalog changed since the generation was last bumped
KEEP_ON_CLEAR = ("generation", DIRTY)


def open_catalog(settings: Settings, store: VectorStore) -> CatalogStore:
    """The shared catalog when the store is a Chroma server, else the SQLite file in the data directory."""
    if settings.server_mode and isinstance(store, ChromaStore) and store.host:
        return ChromaCatalog(store)
    return Catalog(settings.home / "catalog.sqlite3")


def indexer_for(settings: Settings, embedder: Embedder, store: VectorStore, catalog: CatalogStore) -> Indexer:
    if isinstance(catalog, ChromaCatalog):
        return SharedIndexer(settings, embedder, store, catalog)
    return Indexer(settings, embedder, store, catalog)


class ChromaCatalog:
    """A `CatalogStore` (and the lease board) kept as records in `<collection>__catalog` on the server.

    Record ids: `doc:<doc id>`, `state:<key>`, `source:<path>` (a staff upload's extracted text) and
    `lease:<name>`; metadata `kind` says which. A document record lists its chunks (id and position); their
    texts are the chunk collection's documents. Writing one record is the commit point of one document."""

    def __init__(self, store: ChromaStore):
        self.store = store
        self.name = store.collection + CATALOG_SUFFIX
        self._collection = None
        self._dirty = False                 # this process already marked the catalog dirty

    def close(self) -> None:
        self._collection = None

    # -- records --------------------------------------------------------------------------------

    def _records(self):
        if self._collection is None:
            self._collection = self.store.open_collection(self.name)
        return self._collection

    def _put(self, rid: str, body: dict, meta: dict) -> None:
        try:
            self._records().upsert(ids=[rid], embeddings=[PLACEHOLDER], metadatas=[meta],
                                   documents=[json.dumps(body, ensure_ascii=False)])
        except StoreError:
            raise
        except Exception as exc:  # chromadb and its HTTP client raise many types; callers need one
            raise StoreError(f"Could not write to the shared catalog on {self.store.describe()}: {exc}") from exc

    def _read(self, ids: list[str] | None = None, kind: str | None = None,
              bodies: bool = True) -> list[tuple[str, dict, dict | None]]:
        """(record id, metadata, body) of the records with these ids, or of this kind."""
        try:
            result = self._records().get(ids=ids, where={"kind": kind} if kind else None,
                                         include=["metadatas", "documents"] if bodies else ["metadatas"])
        except StoreError:
            raise
        except Exception as exc:  # as in _put
            raise StoreError(f"Could not read the shared catalog on {self.store.describe()}: {exc}") from exc
        texts = result.get("documents") or [None] * len(result["ids"])
        return [(rid, meta or {}, json.loads(text) if text else None)
                for rid, meta, text in zip(result["ids"], result["metadatas"], texts)]

    def _delete(self, ids: list[str]) -> None:
        if ids:
            try:
                self._records().delete(ids=ids)
            except Exception as exc:  # as in _put
                raise StoreError(f"Could not write to the shared catalog on {self.store.describe()}: {exc}") from exc

    # -- documents --------------------------------------------------------------------------------

    def _doc_bodies(self) -> tuple[list[dict], list[str]]:
        """The visible document records, and the ids of records shadowed by a newer one for the same path
        (left by a writer killed between committing a renamed document and deleting its old record)."""
        newest: dict[str, dict] = {}
        shadowed: list[str] = []
        for rid, _, body in sorted(self._read(kind="doc"), key=lambda r: (r[2]["indexed_at"], r[0])):
            old = newest.get(body["path"])
            if old is not None:
                shadowed.append("doc:" + old["doc_id"])
            newest[body["path"]] = body
        return sorted(newest.values(), key=lambda b: b["doc_id"]), shadowed

    def documents(self) -> dict[str, DocRecord]:
        return {b["doc_id"]: DocRecord(b["doc_id"], b["path"], b["sha256"], b["meta"], len(b["chunks"]),
                                       b["n_chars"], b["indexed_at"]) for b in self._doc_bodies()[0]}

    def put_document(self, doc_id: str, path: str, sha256: str, meta: dict, chunks: list[Chunk],
                     n_chars: int, replaces: str | None = None) -> None:
        self._mark_dirty()
        body = {"doc_id": doc_id, "path": path, "sha256": sha256, "meta": meta, "n_chars": n_chars,
                "indexed_at": time.time(),
                "chunks": [[c.id, c.ordinal, c.start, c.end, c.section, c.label, c.page] for c in chunks]}
        self._put("doc:" + doc_id, body, {"kind": "doc", "path": path})
        if replaces and replaces != doc_id:
            self._delete(["doc:" + replaces])

    def delete_document(self, doc_id: str) -> None:
        self._mark_dirty()
        self._delete(["doc:" + doc_id])

    def clear(self) -> None:
        """Forget every document (the library's extracted documents and the lease stay; so does the
        generation, so that every process notices the change)."""
        self._mark_dirty()
        self._delete([rid for rid, _, _ in self._read(kind="doc", bodies=False)])
        self._delete(["state:" + k for k in self.state_keys("") if k not in KEEP_ON_CLEAR])

    def drop_shadowed(self) -> None:
        self._delete(self._doc_bodies()[1])

    # -- chunks -----------------------------------------------------------------------------------

    def _chunks_of(self, bodies: Iterable[dict], wanted: set[str] | None = None) -> Iterator[Chunk]:
        rows = [(b["doc_id"], row) for b in bodies for row in b["chunks"] if wanted is None or row[0] in wanted]
        texts = self.store.texts([row[0] for _, row in rows])
        for doc_id, (cid, ordinal, start, end, section, label, page) in rows:
            if cid in texts:
                yield Chunk(cid, doc_id, texts[cid], start, end, section, label, page, ordinal)

    def iter_chunks(self) -> Iterator[Chunk]:
        yield from self._chunks_of(self._doc_bodies()[0])

    def chunks(self, ids: Iterable[str]) -> dict[str, Chunk]:
        return {c.id: c for c in self._chunks_of(self._doc_bodies()[0], set(ids))}

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        return list(self._chunks_of(body for _, _, body in self._read(ids=["doc:" + doc_id])))

    def count_chunks(self) -> int:
        return sum(len(b["chunks"]) for b in self._doc_bodies()[0])

    def owned_ids(self) -> set[str]:
        """The chunk ids some visible document record lists."""
        return {row[0] for b in self._doc_bodies()[0] for row in b["chunks"]}

    # -- state ------------------------------------------------------------------------------------

    def get_state(self, key: str, default: str = "") -> str:
        found = self._read(ids=["state:" + key])
        return found[0][2]["value"] if found else default

    def set_state(self, key: str, value: str) -> None:
        self._put("state:" + key, {"value": value}, {"kind": "state"})

    def delete_state(self, key: str) -> None:
        self._delete(["state:" + key])

    def state_keys(self, prefix: str) -> list[str]:
        keys = (rid[len("state:"):] for rid, _, _ in self._read(kind="state", bodies=False))
        return [k for k in keys if k.startswith(prefix)]

    def begin_changes(self) -> None:
        """A new run of a writer: its first change marks the catalog dirty again (an earlier run's mark may
        have been published by another process since)."""
        self._dirty = False

    def _mark_dirty(self) -> None:
        """Before the first change of a run: if the writer dies before publishing, the next run publishes."""
        if not self._dirty:
            self.set_state(DIRTY, "1")
            self._dirty = True

    def publish(self) -> str:
        """Bump the generation: every process reloads its view at its next look."""
        generation = str(int(self.get_state("generation", "0")) + 1)
        self.set_state("generation", generation)
        self.delete_state(DIRTY)
        self._dirty = False
        return generation

    # -- the library's extracted documents ----------------------------------------------------------

    def source_hashes(self) -> dict[str, str]:
        """Path -> sha256 of every staff upload whose extracted text is kept here."""
        return {meta["path"]: meta["sha256"] for _, meta, _ in self._read(kind="source", bodies=False)}

    def source(self, path: str) -> Document | None:
        found = self._read(ids=["source:" + path])
        if not found:
            return None
        b = found[0][2]
        return Document(b["id"], b["text"], b["meta"], b["path"], b["sha256"], tuple(Page(*p) for p in b["pages"]))

    def put_source(self, doc: Document) -> None:
        body = {"id": doc.id, "text": doc.text, "meta": doc.meta, "path": doc.path, "sha256": doc.sha256,
                "pages": [[p.number, p.start, p.end] for p in doc.pages]}
        self._put("source:" + doc.path, body, {"kind": "source", "path": doc.path, "sha256": doc.sha256})

    def delete_source(self, path: str) -> None:
        self._delete(["source:" + path])

    # -- leases (`lease.LeaseBoard`) -----------------------------------------------------------------

    def read_lease(self, name: str) -> LeaseRecord | None:
        found = self._read(ids=["lease:" + name])
        return LeaseRecord(**found[0][2]) if found else None

    def write_lease(self, name: str, record: LeaseRecord) -> None:
        self._put("lease:" + name, asdict(record), {"kind": "lease"})

    def delete_lease(self, name: str) -> None:
        self._delete(["lease:" + name])


class SharedIndexer(Indexer):
    """The indexer over a shared store: a lease instead of the file lock, orphan chunks swept on start,
    staff uploads indexed from their extracted text on the server, and the generation bumped at the end."""

    catalog: ChromaCatalog
    store: ChromaStore

    def __init__(self, settings: Settings, embedder: Embedder, store: ChromaStore, catalog: ChromaCatalog):
        super().__init__(settings, embedder, store, catalog)
        self.lease = Lease(catalog, "index", ttl=settings.lease_seconds, where=f"the index on {store.describe()}")

    def _hold(self):
        self.catalog.begin_changes()
        return self.lease.held(self.settings.index_wait_seconds)

    def _check(self) -> None:
        self.lease.check()

    def _reconcile(self) -> None:
        """Instead of pending marks: drop shadowed records, then every chunk no record owns."""
        self.catalog.drop_shadowed()
        orphans = sorted(self.store.all_ids() - self.catalog.owned_ids())
        if orphans:
            self._check()
            self.store.delete_ids(orphans)

    def _pending(self, doc_id: str, on: bool) -> None:
        """No marks (a request each): `_reconcile` sweeps whatever a killed run stored without committing."""

    def _drop_all(self) -> None:
        """Records first, as in `_remove`."""
        self._check()
        self.catalog.clear()
        self.store.reset()

    def _remove(self, doc_id: str) -> None:
        """The record first: its chunks' texts live in the store, so a record must never outlive them (a
        crash in between leaves orphan chunks, swept at the next start)."""
        self._check()
        self.catalog.delete_document(doc_id)
        self.store.delete_doc(doc_id)

    def _sources(self, corpus: Path, report: IndexReport) -> tuple[list[tuple[Path, str]], list[Extracted]]:
        return [(corpus, "")], self._library(report)

    def _library(self, report: IndexReport) -> list[Extracted]:
        """Staff uploads, from their extracted text on the server, after recording new or changed files of
        the library folder there. When the library folder is configured (a shared volume) and mounted, a
        file gone from it is removed; otherwise the server's records are the library."""
        folder = self.settings.library_dir
        files = ({LIBRARY_PREFIX + p.relative_to(folder).as_posix(): p for p in iter_files(folder)}
                 if folder.is_dir() else {})
        hashes = self.catalog.source_hashes()
        for rel, path in files.items():
            data = self.read_file(path, rel, report)
            if data is None or hashes.get(rel) == sha256_bytes(data):
                continue
            doc = self.load(data, rel, report)
            if doc is not None:
                self._check()
                self.catalog.put_source(doc)
                hashes[rel] = doc.sha256
        if self.settings.library_path is not None and folder.is_dir():
            for rel in set(hashes) - set(files):
                self.catalog.delete_source(rel)
                del hashes[rel]
        return [Extracted(rel, sha, lambda rel=rel: self.catalog.source(rel)) for rel, sha in sorted(hashes.items())]

    def _publish(self, report: IndexReport, rebuild: bool) -> None:
        if report.changed or rebuild or self.catalog.get_state(DIRTY):
            self._check()
            self.catalog.publish()
