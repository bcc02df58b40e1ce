"""One file or a folder: pick the loader by suffix and build the `Document` with its metadata.

`load_file` reads a file from disk (within the size limit), `load_bytes` loads bytes already in memory
(an upload), `iter_files` lists the supported files under a folder in a stable order.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterator

from assistant.config import MAX_FILE_BYTES, Limits
from assistant.domain.schema import normalise_meta
from assistant.errors import LoadError
from assistant.ingest.loaders.pdf import load_pdf
from assistant.ingest.loaders.sizes import too_big
from assistant.ingest.loaders.text import load_text
from assistant.ingest.loaders.word import load_docx
from assistant.types import Document, Page

SUPPORTED = {".md", ".markdown", ".txt", ".text", ".pdf", ".docx"}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_file(path: Path, *, root: Path | None = None, max_bytes: int = MAX_FILE_BYTES,
              limits: Limits = Limits()) -> tuple[Document, list[str]]:
    """Load one file into a Document. Raises LoadError with a reason."""
    name = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(name, f"unsupported file type '{suffix or 'none'}' (use .md, .txt, .pdf or .docx)")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(name, too_big(size, max_bytes))
        data = path.read_bytes()
    except LoadError:
        raise
    except OSError as exc:
        raise LoadError(name, f"cannot read file ({exc.strerror or exc.__class__.__name__})") from exc
    rel = path.relative_to(root).as_posix() if root else path.name
    return load_bytes(data, rel, limits)


def load_bytes(data: bytes, name: str, limits: Limits = Limits()) -> tuple[Document, list[str]]:
    """Load a file's bytes; `name` is its path relative to the corpus (or the upload's name)."""
    if not data.strip():
        raise LoadError(name, "empty file")
    suffix = Path(name).suffix.lower()
    pages: list[Page] = []
    meta: dict = {}
    body_offset = 0
    if suffix == ".pdf":
        text, pages, warnings = load_pdf(data, name, limits)
    elif suffix == ".docx":
        text, warnings = load_docx(data, name, limits)
    else:
        text, meta, warnings, body_offset = load_text(data, name)
    if not text.strip():
        raise LoadError(name, "no text after the front matter")
    doc_id = str(meta.get("id") or name)
    flat = normalise_meta(meta)
    flat.setdefault("title", _guess_title(text, name))
    flat.setdefault("short_title", flat["title"])
    flat.setdefault("kind", "other")
    flat["path"] = name
    flat["text_offset"] = str(body_offset)  # doc.text[i] is character i + text_offset of the file
    document = Document(id=doc_id, text=text, meta=flat, path=name, sha256=sha256_bytes(data),
                        pages=tuple(pages))
    return document, warnings


def _guess_title(text: str, name: str) -> str:
    for line in text.splitlines()[:60]:
        line = line.strip().lstrip("#").strip()
        if len(line) >= 4 and any(ch.isalpha() for ch in line):
            return line[:160]
    return Path(name).stem


def iter_files(root: Path) -> Iterator[Path]:
    """Supported files under root, in a stable order; README files of the corpus itself are skipped."""
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in SUPPORTED and not _skipped(path, root):
            yield path


def _skipped(path: Path, root: Path) -> bool:
    rel = path.relative_to(root)
    if any(part.startswith(".") for part in rel.parts):
        return True
    return path.name.upper() in {"README.MD", "README.TXT"} and len(rel.parts) == 1
