"""Incremental indexing: load, chunk, embed and store only what changed; remove what was deleted.

Commit order makes a crash harmless: new vectors are written first (ids are content hashes, so a
re-run upserts the same ids), then the catalog rows for the document in one transaction (the commit
point), then stale vectors are deleted. Search only trusts chunks present in the catalog.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from assistant.config import Settings
from assistant.errors import IndexBusyError, LoadError
from assistant.index.catalog import CatalogStore
from assistant.index.keyword import KeywordIndex
from assistant.ingest.chunking import chunk_document, embedding_text
from assistant.ingest.loaders import iter_files, load_bytes, sha256_bytes, too_big
from assistant.protocols import Embedder, VectorStore
from assistant.types import Chunk, Document

Progress = Callable[[int, int, str], None]
FILTER_FIELDS = ("kind", "jurisdiction", "status")
LIBRARY_PREFIX = "library/"
PENDING = "pending:"   # catalog state key prefix: a document whose vectors may be written but not committed


@dataclass
class IndexReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    chunks_embedded: int = 0
    problems: list[str] = field(default_factory=list)   # files that could not be indexed
    warnings: list[str] = field(default_factory=list)   # indexed, with a remark
    seconds: float = 0.0
    embed_seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass(frozen=True)
class Extracted:
    """A document extracted earlier (a staff upload kept in the shared store): its path and hash, and how to
    fetch it (only when it must be indexed)."""

    path: str
    sha256: str
    fetch: Callable[[], Document | None]


@contextmanager
def index_lock(home: Path) -> Iterator[None]:
    """One indexer at a time per data directory; a second one is refused, not queued."""
    home.mkdir(parents=True, exist_ok=True)
    handle = open(home / "index.lock", "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexBusyError(
                f"Another indexer is already running on {home}; wait for it to finish and try again.") from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


def chunk_meta(doc: Document, chunk: Chunk) -> dict:
    meta = {"doc_id": doc.id, "start": chunk.start, "end": chunk.end, "ordinal": chunk.ordinal,
            "section": chunk.section, "page": chunk.page if chunk.page is not None else -1}
    for name in FILTER_FIELDS:
        if doc.meta.get(name):
            meta[name] = doc.meta[name]
    return meta


class Indexer:
    """Keeps the vector store, the catalog and the keyword index in step with a folder of documents.

    This is the embedded mode (one data directory, a file lock); `index.shared.SharedIndexer` overrides the
    hooks (`_hold`, `_reconcile`, `_drop_all`, `_sources`, `_check`, `_remove`, `_pending`, `_publish`) for
    several processes over one server."""

    def __init__(self, settings: Settings, embedder: Embedder, store: VectorStore, catalog: CatalogStore):
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.catalog = catalog

    def run(self, corpus: Path | None = None, *, rebuild: bool = False,
            progress: Progress | None = None) -> IndexReport:
        corpus = Path(corpus or self.settings.corpus)
        started = time.perf_counter()
        report = IndexReport()
        with self._hold():
            if rebuild:
                self._drop_all()
            self._reconcile()
            roots, extracted = self._sources(corpus, report)
            self._sync(roots, report, progress, extracted)
            self._publish(report, rebuild)
        report.seconds = time.perf_counter() - started
        return report

    # -- the hooks (embedded mode) ------------------------------------------------------------------

    def _hold(self):
        """The lock held for the whole run."""
        return index_lock(self.settings.home)

    def _reconcile(self) -> None:
        """Undo what a killed run left half done, before anything else is written."""
        self._finish_pending()

    def _drop_all(self) -> None:
        """Forget everything indexed (`rebuild`)."""
        self.store.reset()
        self.catalog.clear()

    def _sources(self, corpus: Path, report: IndexReport) -> tuple[list[tuple[Path, str]], list[Extracted]]:
        """What to index: (folder, path prefix) pairs, and documents extracted earlier."""
        roots = [(corpus, "")]
        if self.settings.library_dir.is_dir():
            roots.append((self.settings.library_dir, LIBRARY_PREFIX))
        return roots, []

    def _check(self) -> None:
        """Called before each commit: may this run still write?"""

    def _remove(self, doc_id: str) -> None:
        """Remove a document whose file is gone: its vectors, then its catalog rows (which hold its texts)."""
        self.store.delete_doc(doc_id)
        self.catalog.delete_document(doc_id)

    def _publish(self, report: IndexReport, rebuild: bool) -> None:
        """Make the run's changes visible to searches."""
        if report.changed or rebuild or not (self.settings.keyword_dir / "ids.json").exists():
            self.rebuild_keyword_index()

    # -- the work ---------------------------------------------------------------------------------

    def read_file(self, path: Path, rel: str, report: IndexReport) -> bytes | None:
        """A file's bytes, or None with the reason in `report.problems`."""
        try:
            size = path.stat().st_size
            if size > self.settings.max_file_bytes:
                raise LoadError(rel, too_big(size, self.settings.max_file_bytes))
            return path.read_bytes()
        except LoadError as exc:
            report.problems.append(str(exc))
        except OSError as exc:
            report.problems.append(f"{rel}: cannot read file ({exc.strerror or exc.__class__.__name__})")
        return None

    def load(self, data: bytes, rel: str, report: IndexReport) -> Document | None:
        """A file's bytes as a Document, or None with the reason in `report.problems`."""
        try:
            doc, warnings = load_bytes(data, rel, self.settings.limits)
        except LoadError as exc:
            report.problems.append(str(exc))
            return None
        report.warnings.extend(f"{rel}: {w}" for w in warnings)
        return doc

    def _sync(self, roots: list[tuple[Path, str]], report: IndexReport, progress: Progress | None,
              extracted: Iterable[Extracted] = ()) -> None:
        """Bring the index in line with the files under `roots` ((folder, path prefix) pairs) and the
        `extracted` documents."""
        for corpus, _ in roots:
            if not corpus.exists():
                raise LoadError(str(corpus), "corpus folder does not exist")
        known = self.catalog.documents()
        by_path = {rec.path: rec for rec in known.values()}
        seen_paths: set[str] = set()
        seen_ids: dict[str, str] = {}
        todo: list[tuple[Document, str | None]] = []
        files = [(path, prefix + path.relative_to(corpus if corpus.is_dir() else corpus.parent).as_posix())
                 for corpus, prefix in roots for path in iter_files(corpus)]
        entries = [(rel, path) for path, rel in files] + [(item.path, item) for item in extracted]
        for rel, entry in entries:
            seen_paths.add(rel)
            if isinstance(entry, Path):
                data = self.read_file(entry, rel, report)
                if data is None:
                    continue
                sha = sha256_bytes(data)
            else:
                data, sha = None, entry.sha256
            previous = by_path.get(rel)
            if previous and previous.sha256 == sha and previous.n_chunks > 0:
                seen_ids[previous.doc_id] = rel
                report.unchanged += 1
                continue
            doc = entry.fetch() if data is None else self.load(data, rel, report)
            if doc is None:
                continue
            if doc.id in seen_ids:
                report.problems.append(f"{rel}: id '{doc.id}' is already used by {seen_ids[doc.id]}; skipped")
                continue
            seen_ids[doc.id] = rel
            todo.append((doc, previous.doc_id if previous else None))
        if todo or any(rec.path not in seen_paths for rec in known.values()):
            self._invalidate_keyword_index()
        # Files that disappeared are removed; a file that changed but no longer loads keeps its old version.
        for rec in known.values():
            if rec.path not in seen_paths:
                self._remove(rec.doc_id)
                report.removed.append(rec.doc_id)
        self._embed_and_store(todo, known, report, progress)

    def _embed_and_store(self, todo: list[tuple[Document, str | None]], known: dict, report: IndexReport,
                         progress: Progress | None) -> None:
        total = len(todo)
        group: list[tuple[Document, str | None, list[Chunk]]] = []
        pending = 0
        done = 0
        target = max(self.settings.embed_batch_size * 8, 256)
        for doc, old_id in todo:
            chunks = chunk_document(doc, self.settings.chunk_size, self.settings.chunk_overlap,
                                    self.settings.min_chunk)
            group.append((doc, old_id, chunks))
            pending += len(chunks)
            if pending >= target:
                done = self._flush(group, known, report, progress, done, total)
                group, pending = [], 0
        if group:
            self._flush(group, known, report, progress, done, total)

    def _flush(self, group, known, report: IndexReport, progress: Progress | None, done: int, total: int) -> int:
        texts = [embedding_text(c) for _, _, chunks in group for c in chunks]
        t0 = time.perf_counter()
        vectors = self.embedder.encode(texts) if texts else []
        report.embed_seconds += time.perf_counter() - t0
        report.chunks_embedded += len(texts)
        offset = 0
        for doc, old_id, chunks in group:
            doc_vectors = vectors[offset:offset + len(chunks)]
            offset += len(chunks)
            replaces = old_id if old_id and old_id != doc.id else None
            self._check()
            for pending in (doc.id, replaces):
                if pending:
                    self._pending(pending, True)
            self.store.add(chunks, doc_vectors, [chunk_meta(doc, c) for c in chunks])
            self.catalog.put_document(doc.id, doc.path, doc.sha256, dict(doc.meta), chunks, len(doc.text),
                                      replaces=replaces)
            if replaces:
                self.store.delete_doc(replaces)
                self._pending(replaces, False)
            self._drop_stale_vectors(doc.id, {c.id for c in chunks})
            self._pending(doc.id, False)
            (report.updated if doc.id in known or old_id else report.added).append(doc.id)
            done += 1
            if progress:
                progress(done, total, doc.path)
        return done

    def _pending(self, doc_id: str, on: bool) -> None:
        """Mark a document whose vectors may be written but not committed (undone by `_finish_pending`)."""
        if on:
            self.catalog.set_state(PENDING + doc_id, "1")
        else:
            self.catalog.delete_state(PENDING + doc_id)

    def _finish_pending(self) -> None:
        """A killed run may have stored vectors it never committed: keep only what the catalog lists."""
        for key in self.catalog.state_keys(PENDING):
            doc_id = key[len(PENDING):]
            self._drop_stale_vectors(doc_id, {c.id for c in self.catalog.doc_chunks(doc_id)})
            self.catalog.delete_state(key)

    def _invalidate_keyword_index(self) -> None:
        """Before the catalog changes, drop the saved keyword index: if this run dies before rebuilding it,
        readers rebuild it from the catalog instead of trusting stale chunk ids, and the next run rebuilds it."""
        (self.settings.keyword_dir / "ids.json").unlink(missing_ok=True)

    def _drop_stale_vectors(self, doc_id: str, keep: set[str]) -> None:
        stale = [i for i in self.store.ids_for_doc(doc_id) if i not in keep]
        if stale:
            self.store.delete_ids(stale)

    def rebuild_keyword_index(self) -> None:
        ids, texts = [], []
        for chunk in self.catalog.iter_chunks():
            ids.append(chunk.id)
            texts.append(embedding_text(chunk))
        index = KeywordIndex.build(ids, texts)
        target = self.settings.keyword_dir
        tmp = target.with_name(target.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        index.save(tmp)
        old = target.with_name(target.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
        generation = int(self.catalog.get_state("generation", "0")) + 1
        self.catalog.set_state("generation", str(generation))
        (target / "generation").write_text(str(generation))
