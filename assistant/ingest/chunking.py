"""Structure-aware chunking of legal text, with exact character offsets.

A document is cut at its structure first (Markdown headings; or Articles, Sections, §, numbered
clauses "7.2", lettered sub-clauses "(a)" and ALL-CAPS headings in contracts), small pieces are packed
together under their parent, and sections longer than `size` are split by LangChain's recursive splitter.
Every chunk keeps the heading path ("EU AI Act › Article 50(4)") and satisfies
`doc.text[chunk.start:chunk.end] == chunk.text`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from assistant.types import Chunk, Document

PATH_SEP = " › "
LABEL_SEP = " — "

MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
LEGAL_PATTERNS: tuple[tuple[re.Pattern, int], ...] = (
    (re.compile(r"^(?:ARTICLE|Article|PART|Part|CHAPTER|Chapter|SCHEDULE|Schedule|EXHIBIT|Exhibit|"
                r"ANNEX|Annex|APPENDIX|Appendix)\s+(?:[0-9]+[A-Za-z]?|[IVXLC]+|[A-Z])\b"), 2),
    (re.compile(r"^(?:SECTION|Section|Sec\.|§{1,2})\s*\d+[\w.\-]*"), 3),
    (re.compile(r"^\d{1,3}(?:\.\d{1,3}){2,}\.?\s+\S"), 5),
    (re.compile(r"^\d{1,3}\.\d{1,3}\.?\s+\S"), 4),
    (re.compile(r"^\d{1,3}\.?\s+[A-Z\"“(]"), 3),
    (re.compile(r"^[A-Z]\.\s+\S"), 5),
    (re.compile(r"^\((?:[a-z]{1,2}|[ivx]{1,5}|\d{1,2})\)\s*\S"), 6),
)
CAPS_HEADING = re.compile(r"^[A-Z][A-Z0-9 ,.&'’()/\-]{2,78}[A-Z)]$")


@dataclass(frozen=True)
class Boundary:
    offset: int      # where the piece starts in the text
    level: int
    label: str


def section_label(heading: str) -> str:
    """The citable label of a heading: the text before ' — ', or all of it."""
    return heading.split(LABEL_SEP, 1)[0].strip()


def find_boundaries(text: str) -> list[Boundary]:
    """Structural boundaries: Markdown headings when the text has them, else legal numbering."""
    lines = _lines(text)
    md = [(o, line) for o, line in lines if MD_HEADING.match(line.strip())]
    if len(md) >= 2:
        out = []
        for offset, line in md:
            match = MD_HEADING.match(line.strip())
            out.append(Boundary(offset, len(match.group(1)), section_label(match.group(2))))
        return out
    out = []
    for offset, line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        level = _legal_level(stripped)
        if level:
            out.append(Boundary(offset + lead, level, _legal_label(stripped)))
    return out


def _lines(text: str) -> list[tuple[int, str]]:
    out, offset = [], 0
    for line in text.splitlines(keepends=True):
        out.append((offset, line.rstrip("\r\n")))
        offset += len(line)
    return out


def _legal_level(line: str) -> int:
    for pattern, level in LEGAL_PATTERNS:
        if pattern.match(line):
            return level
    if CAPS_HEADING.match(line) and sum(ch.isalpha() for ch in line) >= 4:
        return 2
    return 0


def _legal_label(line: str) -> str:
    line = " ".join(line.split())
    if len(line) <= 80:
        return line.rstrip(".:")
    cut = line[:80]
    return cut[: cut.rfind(" ")] if " " in cut else cut


@dataclass
class _Piece:
    start: int
    end: int
    level: int
    path: tuple[str, ...]


def _pieces(text: str, root: str) -> list[_Piece]:
    boundaries = find_boundaries(text)
    pieces: list[_Piece] = []
    stack: list[tuple[int, str]] = []
    starts = [b.offset for b in boundaries]
    if not starts or starts[0] > 0:
        pieces.append(_Piece(0, starts[0] if starts else len(text), 0, (root,)))
    for i, boundary in enumerate(boundaries):
        end = boundaries[i + 1].offset if i + 1 < len(boundaries) else len(text)
        while stack and stack[-1][0] >= boundary.level:
            stack.pop()
        stack.append((boundary.level, boundary.label))
        # Level 1 is the document's own title (Markdown "# Title"): the root stands for it.
        labels = tuple(label for level, label in stack if label and level > 1)
        pieces.append(_Piece(boundary.offset, end, boundary.level, (root, *labels)))
    return [p for p in (_trim(text, p) for p in pieces) if p.end > p.start]


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) so the span neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _trim(text: str, piece: _Piece) -> _Piece:
    return _Piece(*strip_span(text, piece.start, piece.end), piece.level, piece.path)


def _pack(pieces: list[_Piece], size: int, min_size: int) -> list[_Piece]:
    """Join neighbours while the chunk so far is smaller than min_size, and fold small sub-clauses
    into their parent, as long as the result fits in `size`."""
    packed: list[_Piece] = []
    for piece in pieces:
        if packed:
            last = packed[-1]
            fits = piece.end - last.start <= size
            tiny = last.end - last.start < min_size
            small_child = piece.level > last.level >= 2 and piece.end - piece.start < min_size
            if fits and (tiny or small_child):
                # A heading with no body of its own takes the more specific path of what follows.
                path = piece.path if tiny and len(piece.path) >= len(last.path) else last.path
                packed[-1] = _Piece(last.start, piece.end, last.level if not tiny else piece.level, path)
                continue
        packed.append(piece)
    return packed


def _split_long(text: str, piece: _Piece, size: int, overlap: int) -> list[tuple[int, int]]:
    """Split a long piece with LangChain's recursive splitter and locate each part exactly."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size, chunk_overlap=overlap,
        separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""], keep_separator="end",
    )
    body = text[piece.start:piece.end]
    spans: list[tuple[int, int]] = []
    after, cursor = 0, 0    # parts come in order: each starts after the previous start, at most
    for part in splitter.split_text(body):      # `overlap` characters before the previous end
        part = part.strip()
        if not part:
            continue
        found = body.find(part, max(after, cursor - overlap))
        if found < 0:
            found = body.find(part, after)
        if found < 0:  # cannot happen for a splitter that only cuts; keep the text exact regardless
            continue
        spans.append((piece.start + found, piece.start + found + len(part)))
        after, cursor = found + 1, found + len(part)
    return spans


def chunk_id(doc_id: str, start: int, end: int, text: str) -> str:
    digest = hashlib.sha256(f"{doc_id}\x00{start}\x00{end}\x00{text}".encode("utf-8")).hexdigest()
    return digest[:32]


def chunk_document(doc: Document, size: int = 1000, overlap: int = 100, min_size: int = 200) -> list[Chunk]:
    """Cut a document into chunks along its structure; offsets index into doc.text."""
    text = doc.text
    root = doc.meta.get("short_title") or doc.title
    chunks: list[Chunk] = []
    for piece in _pack(_pieces(text, root), size, min_size):
        spans = [(piece.start, piece.end)]
        if piece.end - piece.start > size:
            spans = _split_long(text, piece, size, overlap) or spans
        for start, end in spans:
            if chunks and chunks[-1].start == start and chunks[-1].end == end:
                continue
            body = text[start:end]
            chunks.append(Chunk(
                id=chunk_id(doc.id, start, end, body), doc_id=doc.id, text=body, start=start, end=end,
                section=PATH_SEP.join(piece.path), label=piece.path[-1] if len(piece.path) > 1 else "",
                page=doc.page_at(start), ordinal=len(chunks),
            ))
    return chunks


def embedding_text(chunk: Chunk) -> str:
    """What the encoder and BM25 see: the heading path, then the passage."""
    return f"{chunk.section}\n{chunk.text}" if chunk.section else chunk.text
