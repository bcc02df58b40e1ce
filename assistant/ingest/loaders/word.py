"""Word (.docx): paragraphs and tables in document order, read with python-docx.

The archive is checked before python-docx opens it: it must be a zip with word/document.xml whose parts
do not expand beyond `Limits.max_expanded` (zip bombs). Word headings become Markdown headings; a table
row becomes one line with cells separated by " | ".

(This module is not called docx.py so that it cannot shadow the python-docx package.)
"""

from __future__ import annotations

import io
import re
import zipfile

from assistant.config import Limits
from assistant.errors import LoadError
from assistant.ingest.loaders.sizes import human_size


def load_docx(data: bytes, name: str, limits: Limits = Limits()) -> tuple[str, list[str]]:
    """Paragraphs and tables in document order; Word headings become Markdown headings."""
    _check_archive(data, name, limits)
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


def _check_archive(data: bytes, name: str, limits: Limits) -> None:
    """Refuse what is not a zip, has no word/document.xml, or expands beyond the limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
            if total > limits.max_expanded:
                raise LoadError(name, f"DOCX expands to {human_size(total)}; refusing (zip bomb?)")
            if "word/document.xml" not in archive.namelist():
                raise LoadError(name, "not a Word document (no word/document.xml)")
    except zipfile.BadZipFile as exc:
        raise LoadError(name, "not a valid DOCX file (not a zip archive)") from exc


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
