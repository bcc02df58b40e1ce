"""The catalog: a small SQLite file beside the vector store listing indexed documents and their chunks
(`Catalog`, embedded mode; `index.shared.ChromaCatalog` keeps the same records on a Chroma server).

It is the record of what is indexed (content hash per file, for incremental indexing), the source of
chunk texts for the keyword index, and the commit point of indexing: a document counts as indexed only
once its catalog rows are written in one transaction, after its vectors are stored. Search ignores
vectors whose chunk is not in the catalog, so a crash mid-document never shows half a document.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Protocol

from assistant.types import Chunk

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    meta TEXT NOT NULL,
    n_chunks INTEGER NOT NULL,
    n_chars INTEGER NOT NULL,
    indexed_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    section TEXT NOT NULL,
    label TEXT NOT NULL,
    page INTEGER,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, ordinal);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class DocRecord:
    doc_id: str
    path: str
    sha256: str
    meta: dict
    n_chunks: int
    n_chars: int
    indexed_at: float


class CatalogStore(Protocol):
    """The record of what is indexed and the commit point of indexing. Real: `Catalog` (SQLite, one data
    directory) and `index.shared.ChromaCatalog` (records on the Chroma server, shared by every process)."""

    def documents(self) -> dict[str, DocRecord]: ...

    def put_document(self, doc_id: str, path: str, sha256: str, meta: dict, chunks: list[Chunk],
                     n_chars: int, replaces: str | None = None) -> None: ...

    def delete_document(self, doc_id: str) -> None: ...

    def clear(self) -> None: ...

    def iter_chunks(self) -> Iterator[Chunk]: ...

    def chunks(self, ids: Iterable[str]) -> dict[str, Chunk]: ...

    def doc_chunks(self, doc_id: str) -> list[Chunk]: ...

    def count_chunks(self) -> int: ...

    def get_state(self, key: str, default: str = "") -> str: ...

    def set_state(self, key: str, value: str) -> None: ...

    def delete_state(self, key: str) -> None: ...

    def state_keys(self, prefix: str) -> list[str]: ...

    def close(self) -> None: ...


class Catalog:
    """SQLite catalog of documents and chunks. Safe to open from several processes (WAL)."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    # -- documents ----------------------------------------------------------------------------

    def documents(self) -> dict[str, DocRecord]:
        rows = self._db.execute(
            "SELECT doc_id, path, sha256, meta, n_chunks, n_chars, indexed_at FROM documents").fetchall()
        return {r[0]: DocRecord(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6]) for r in rows}

    def put_document(self, doc_id: str, path: str, sha256: str, meta: dict, chunks: list[Chunk],
                     n_chars: int, replaces: str | None = None) -> None:
        """Replace a document and its chunks in one transaction (the commit point of indexing);
        `replaces` is the document's previous id when its id changed (removed in the same transaction)."""
        with self._db:
            self._db.execute("DELETE FROM documents WHERE doc_id IN (?, ?)", (doc_id, replaces or doc_id))
            self._db.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc_id, path, sha256, json.dumps(meta, ensure_ascii=False), len(chunks), n_chars, time.time()))
            self._db.executemany(
                'INSERT OR REPLACE INTO chunks (id, doc_id, ordinal, start, "end", section, label, page, text) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(c.id, c.doc_id, c.ordinal, c.start, c.end, c.section, c.label, c.page, c.text) for c in chunks])

    def delete_document(self, doc_id: str) -> None:
        with self._db:
            self._db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))

    def clear(self) -> None:
        with self._db:
            self._db.execute("DELETE FROM chunks")
            self._db.execute("DELETE FROM documents")
            self._db.execute("DELETE FROM state")

    # -- chunks -------------------------------------------------------------------------------

    def iter_chunks(self) -> Iterator[Chunk]:
        cursor = self._db.execute(
            'SELECT id, doc_id, text, start, "end", section, label, page, ordinal FROM chunks '
            "ORDER BY doc_id, ordinal")
        for row in cursor:
            yield Chunk(*row)

    def chunks(self, ids: Iterable[str]) -> dict[str, Chunk]:
        ids = list(ids)
        out: dict[str, Chunk] = {}
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            marks = ",".join("?" * len(part))
            for row in self._db.execute(
                    f'SELECT id, doc_id, text, start, "end", section, label, page, ordinal FROM chunks '
                    f"WHERE id IN ({marks})", part):
                out[row[0]] = Chunk(*row)
        return out

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        return [Chunk(*row) for row in self._db.execute(
            'SELECT id, doc_id, text, start, "end", section, label, page, ordinal FROM chunks '
            "WHERE doc_id = ? ORDER BY ordinal", (doc_id,))]

    def count_chunks(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]

    # -- state --------------------------------------------------------------------------------

    def get_state(self, key: str, default: str = "") -> str:
        row = self._db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_state(self, key: str, value: str) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO state VALUES (?, ?)", (key, value))

    def delete_state(self, key: str) -> None:
        with self._db:
            self._db.execute("DELETE FROM state WHERE key = ?", (key,))

    def state_keys(self, prefix: str) -> list[str]:
        rows = self._db.execute("SELECT key FROM state WHERE substr(key, 1, ?) = ?", (len(prefix), prefix))
        return [r[0] for r in rows]
