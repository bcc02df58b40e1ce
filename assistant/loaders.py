"""Loaders: turn a file (Markdown/text, PDF, DOCX) into a Document with its text and metadata.

Each loader raises LoadError with a reason a person can act on; `load_file` returns the document
and a list of warnings (for example "not UTF-8; read as Windows-1252").
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import yaml

from .errors import LoadError
from .schema import normalise_meta
from .types import Document, Page

SUPPORTED = {".md", ".markdown", ".txt", ".text", ".pdf", ".docx"}
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
MAX_EXPANDED = 200 * 1024 * 1024        # decompressed PDF content / DOCX parts; Settings.max_expanded_bytes
MAX_PAGE_CONTENT = 8 * 1024 * 1024      # one PDF page's decoded content; text pages need a few KB


@dataclass(frozen=True)
class Limits:
    """How much of a file the loaders will read; `Settings.limits` gives the configured values."""

    max_pages: int = 2000
    max_expanded: int = MAX_EXPANDED    # decompressed PDF content or DOCX parts


def human_size(n: float) -> str:
    """1536 -> '1.5 KB'; used in size-limit messages."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" or n >= 10 else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def too_big(size: int, limit: int) -> str:
    return f"file is {human_size(size)}; the limit is {human_size(limit)}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- text -----------------------------------------------------------------------------------


def decode_text(data: bytes, name: str = "") -> tuple[str, list[str]]:
    """Decode bytes as text: UTF-8 (BOM aware), UTF-16 with BOM or NUL pattern, else Windows-1252.

    Raises LoadError for binary data. Returns the text and warnings.
    """
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), warnings
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), warnings
    sample = data[:4096]
    nul = sample.count(b"\x00")
    if nul and len(sample) >= 4 and nul >= len(sample) // 4:
        even, odd = sample[0::2].count(b"\x00"), sample[1::2].count(b"\x00")
        encoding = "utf-16-le" if odd > even * 4 else "utf-16-be" if even > odd * 4 else ""
        if encoding:
            text = data.decode(encoding, errors="replace")
            if _printable_share(text[:4096]) > 0.9:
                warnings.append(f"no byte-order mark; read as {encoding.upper()}")
                return text, warnings
        raise LoadError(name, "binary file, not text")
    control = sum(1 for b in sample if b < 32 and b not in (0, 9, 10, 12, 13))
    if sample and (control > 0.02 * len(sample) or nul > 0.1 * len(sample)):
        raise LoadError(name, "binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        warnings.append("not UTF-8; read as Windows-1252 (Latin-1)")
    if "\x00" in text:
        text = text.replace("\x00", "")
        warnings.append("NUL bytes removed")
    if text and _printable_share(text[:4096]) < 0.85:
        raise LoadError(name, "binary file, not text")
    return text, warnings


def _printable_share(text: str) -> float:
    if not text:
        return 1.0
    good = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t\f")
    return good / len(text)


def split_front_matter(text: str, name: str = "") -> tuple[dict, str]:
    """Return (front matter mapping, body). A document without front matter has {}."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise LoadError(name, f"front matter is not valid YAML ({exc.__class__.__name__})") from exc
    if not isinstance(meta, dict):
        raise LoadError(name, "front matter must be a YAML mapping")
    return meta, text[match.end():]


def load_text(data: bytes, name: str) -> tuple[str, dict, list[str], int]:
    """Body text, front matter, warnings, and where the body starts in the file's text."""
    text, warnings = decode_text(data, name)
    meta, body = split_front_matter(text, name)
    return body, meta, warnings, len(text) - len(body)


# --- PDF ------------------------------------------------------------------------------------


def load_pdf(data: bytes, name: str, limits: Limits = Limits()) -> tuple[str, list[Page], list[str]]:
    """Text per page with page offsets. Raises LoadError for corrupt, encrypted or scanned PDFs and for
    decompression bombs; a page whose content alone expands beyond MAX_PAGE_CONTENT is skipped with a
    warning (reading it would take minutes), the rest of the document is kept."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PyPdfError  # PyPdfError: base of PdfReadError, LimitReachedError, ...

    warnings: list[str] = []
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise LoadError(name, "not a PDF file (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:  # pypdf raises several types for unsupported encryption
                raise LoadError(name, "password-protected PDF; remove the password and try again") from exc
            if not ok:
                raise LoadError(name, "password-protected PDF; remove the password and try again")
        n_pages = len(reader.pages)
    except LoadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OSError, AssertionError, ZeroDivisionError) as exc:
        raise LoadError(name, f"corrupt or truncated PDF ({exc.__class__.__name__})") from exc
    if n_pages == 0:
        raise LoadError(name, "PDF has no pages")
    if n_pages > limits.max_pages:
        raise LoadError(name, f"PDF has {n_pages} pages; the limit is {limits.max_pages}")
    parts: list[str] = []
    pages: list[Page] = []
    offset = 0
    failed = 0
    oversized: list[int] = []
    expanded = 0
    for number in range(1, n_pages + 1):
        try:
            page = reader.pages[number - 1]
            contents = page.get_contents()
            size = len(contents.get_data()) if contents is not None else 0
            expanded += size
            if expanded > limits.max_expanded:
                raise LoadError(name, f"PDF content expands to more than {human_size(limits.max_expanded)}; "
                                      "refusing (decompression bomb?)")
            if size > MAX_PAGE_CONTENT:
                oversized.append(number)
                page_text = ""
            else:
                page_text = page.extract_text() or ""
        except LoadError:
            raise
        except LimitReachedError:   # pypdf's own cap on one stream (75 MB inflated): a bomb page
            oversized.append(number)
            page_text = ""
        except Exception:  # one bad page must not lose the rest of the document
            page_text = ""
            failed += 1
        page_text = page_text.replace("\x00", "").strip("\n")
        if parts:
            parts.append("\n\n")
            offset += 2
        pages.append(Page(number=number, start=offset, end=offset + len(page_text)))
        parts.append(page_text)
        offset += len(page_text)
    text = "".join(parts)
    if failed:
        warnings.append(f"{failed} of {n_pages} pages could not be read")
    if oversized:
        listed = ", ".join(map(str, oversized[:10])) + ("…" if len(oversized) > 10 else "")
        warnings.append(f"page{'s' if len(oversized) > 1 else ''} {listed} skipped: content expands beyond "
                        f"{human_size(MAX_PAGE_CONTENT)} per page")
    if not text.strip():
        if oversized:
            raise LoadError(name, f"no readable text: page content expands beyond {human_size(MAX_PAGE_CONTENT)} "
                                  "per page (decompression bomb?)")
        raise LoadError(name, "no extractable text (scanned? run OCR first)")
    empty = sum(1 for p in pages if p.end == p.start)
    if empty and empty > failed + len(oversized):
        warnings.append(f"{empty} of {n_pages} pages have no extractable text (scanned?)")
    return text, pages, warnings


# --- DOCX -----------------------------------------------------------------------------------


def load_docx(data: bytes, name: str, limits: Limits = Limits()) -> tuple[str, list[str]]:
    """Paragraphs and tables in document order; Word headings become Markdown headings."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
            if total > limits.max_expanded:
                raise LoadError(name, f"DOCX expands to {human_size(total)}; refusing (zip bomb?)")
            if "word/document.xml" not in archive.namelist():
                raise LoadError(name, "not a Word document (no word/document.xml)")
    except zipfile.BadZipFile as exc:
        raise LoadError(name, "not a valid DOCX file (not a zip archive)") from exc
    from docx import Document as DocxDocument

    try:
        document = DocxDocument(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for malformed parts
        raise LoadError(name, f"corrupt DOCX ({exc.__class__.__name__})") from exc
    blocks: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(_docx_paragraph(child, document))
        elif tag == "tbl":
            blocks.extend(_docx_table(child, document))
    text = "\n\n".join(b for b in blocks if b.strip())
    if not text.strip():
        raise LoadError(name, "the document contains no text")
    return text, []


def _docx_paragraph(element, document) -> str:
    from docx.text.paragraph import Paragraph

    paragraph = Paragraph(element, document)
    text = paragraph.text.strip()
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    match = re.match(r"Heading (\d)", style)
    if text and match:
        return "#" * min(int(match.group(1)) + 1, 6) + " " + text
    if text and style == "Title":
        return "# " + text
    return text


def _docx_table(element, document) -> list[str]:
    from docx.table import Table

    rows = []
    for row in Table(element, document).rows:
        cells = []
        for cell in row.cells:
            value = " ".join(cell.text.split())
            if not cells or cells[-1] != value:  # merged cells repeat their text
                cells.append(value)
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


# --- one file, a folder -----------------------------------------------------------------------


def load_file(path: Path, *, root: Path | None = None, max_bytes: int = 50 * 2**20,
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
