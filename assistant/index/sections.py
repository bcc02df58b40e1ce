"""Sections without an index: the `SectionSource` over corpus files, for review and drafting before (or
without) an index."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

from assistant.errors import AssistantError
from assistant.ingest.chunking import chunk_document
from assistant.ingest.loaders import load_bytes
from assistant.types import Hit


class FileSections:
    """`section_hit(doc_id, label)` over corpus files, without an index (loads and chunks on demand).

    `corpus_root` may be one folder or several (the first that holds a document id wins). Chunks are cut
    exactly as the indexer cuts them, so the Hit equals the facade's `section_hit` (a `SectionSource`).
    """

    def __init__(self, corpus_root: Path | Sequence[Path], chunk_size: int = 1000, overlap: int = 100,
                 min_size: int = 200):
        roots = [corpus_root] if isinstance(corpus_root, (str, Path)) else list(corpus_root)
        self.roots = tuple(dict.fromkeys(Path(r) for r in roots))
        self.root = self.roots[0]
        self.sizes = (chunk_size, overlap, min_size)
        self._paths: dict[str, tuple[Path, Path]] | None = None
        self._chunks: dict[str, tuple[list, dict]] = {}

    def _index(self) -> dict[str, tuple[Path, Path]]:
        if self._paths is None:
            self._paths = {}
            for root in self.roots:
                for path in sorted(root.rglob("*.md")) if root.is_dir() else ():
                    head = path.read_text("utf-8", "replace")[:2000]
                    match = re.search(r"^id:\s*([a-z0-9][a-z0-9-]*)\s*$", head, re.M)
                    if match:
                        self._paths.setdefault(match.group(1), (root, path))
        return self._paths

    def section_hit(self, doc_id: str, label: str | None) -> Hit | None:
        found = self._index().get(doc_id)
        if found is None:
            return None
        root, path = found
        if doc_id not in self._chunks:
            try:
                doc, _ = load_bytes(path.read_bytes(), path.relative_to(root).as_posix())
            except AssistantError:
                return None
            self._chunks[doc_id] = (chunk_document(doc, *self.sizes), dict(doc.meta))
        chunks, meta = self._chunks[doc_id]
        if label:
            chunks = [c for c in chunks if c.label == label.strip() or c.section.endswith(label.strip())]
        chunks = [c for c in chunks if has_body(c)] or chunks
        return Hit(chunk=chunks[0], score=1.0, via="fused", meta=meta) if chunks else None


def has_body(chunk) -> bool:
    """Does a passage hold more than its heading? (A long first paragraph can leave a heading alone.)"""
    return any(line.strip() and not line.lstrip().startswith("#") for line in chunk.text.splitlines())
