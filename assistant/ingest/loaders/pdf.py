"""PDF: text per page with page offsets (pypdf), and the guards against hostile PDFs.

`load_pdf` opens the file (refusing non-PDFs, password protection, corrupt files and too many pages),
reads the pages one by one, joins them with blank lines (each `Page` records where its text sits in the
joined text), and turns what went wrong into warnings or a LoadError. Decompression bombs: the content
of all pages together may not expand beyond `Limits.max_expanded`; a single page whose content expands
beyond MAX_PAGE_CONTENT (or beyond pypdf's own stream cap) is skipped with a warning.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from assistant.config import Limits
from assistant.errors import LoadError
from assistant.ingest.loaders.sizes import human_size
from assistant.types import Page

MAX_PAGE_CONTENT = 8 * 1024 * 1024      # one PDF page's decoded content; text pages need a few KB
PASSWORD = "password-protected PDF; remove the password and try again"


@dataclass
class _Reading:
    """What reading the pages found so far."""

    failed: int = 0                                        # pages that raised while being read
    oversized: list[int] = field(default_factory=list)     # page numbers skipped as bombs
    expanded: int = 0                                      # decoded content bytes of all pages so far


def load_pdf(data: bytes, name: str, limits: Limits = Limits()) -> tuple[str, list[Page], list[str]]:
    """Text per page with page offsets. Raises LoadError for corrupt, encrypted or scanned PDFs and for
    decompression bombs; a page whose content alone expands beyond MAX_PAGE_CONTENT is skipped with a
    warning (reading it would take minutes), the rest of the document is kept."""
    reader, n_pages = _open(data, name, limits)
    reading = _Reading()
    texts = [_page_text(reader, number, name, limits, reading) for number in range(1, n_pages + 1)]
    text, pages = _join(texts)
    return text, pages, _warnings(text, pages, reading, name)


def _open(data: bytes, name: str, limits: Limits):
    """The pypdf reader (decrypted if it has an empty password) and its page count, within the limit."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError  # base of PdfReadError, LimitReachedError, ...

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise LoadError(name, "not a PDF file (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:  # pypdf raises several types for unsupported encryption
                raise LoadError(name, PASSWORD) from exc
            if not ok:
                raise LoadError(name, PASSWORD)
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
    return reader, n_pages


def _page_text(reader, number: int, name: str, limits: Limits, reading: _Reading) -> str:
    """One page's text ("" for a page that fails or is skipped, noted in `reading`). Raises LoadError
    when the content of all pages so far expands beyond the limit."""
    from pypdf.errors import LimitReachedError

    try:
        page = reader.pages[number - 1]
        contents = page.get_contents()
        size = len(contents.get_data()) if contents is not None else 0
        reading.expanded += size
        if reading.expanded > limits.max_expanded:
            raise LoadError(name, f"PDF content expands to more than {human_size(limits.max_expanded)}; "
                                  "refusing (decompression bomb?)")
        if size > MAX_PAGE_CONTENT:
            reading.oversized.append(number)
            page_text = ""
        else:
            page_text = page.extract_text() or ""
    except LoadError:
        raise
    except LimitReachedError:   # pypdf's own cap on one stream (75 MB inflated): a bomb page
        reading.oversized.append(number)
        page_text = ""
    except Exception:  # one bad page must not lose the rest of the document
        page_text = ""
        reading.failed += 1
    return page_text.replace("\x00", "").strip("\n")


def _join(texts: list[str]) -> tuple[str, list[Page]]:
    """The page texts joined by blank lines, and each page's place (numbered from 1) in the result."""
    parts: list[str] = []
    pages: list[Page] = []
    offset = 0
    for number, page_text in enumerate(texts, start=1):
        if parts:
            parts.append("\n\n")
            offset += 2
        pages.append(Page(number=number, start=offset, end=offset + len(page_text)))
        parts.append(page_text)
        offset += len(page_text)
    return "".join(parts), pages


def _warnings(text: str, pages: list[Page], reading: _Reading, name: str) -> list[str]:
    """Warnings about failed, skipped and empty pages; LoadError when no text is left at all."""
    warnings: list[str] = []
    n_pages, failed, oversized = len(pages), reading.failed, reading.oversized
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
    return warnings
