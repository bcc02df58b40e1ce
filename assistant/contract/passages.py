"""Passages of one contract: today's chunks, or clause-aware passages built on the review segmenter.

Clause-aware passages (`clause_passages`):
- a clause is never cut from its heading: a heading line with no body of its own (which the segmenter keeps
  only in the heading path) is part of the span of the clause that follows it;
- small clauses are merged with their siblings (same parent heading) or sub-clauses, up to `size`
  characters;
- a clause longer than `size` is split at sentence ends, and every part carries the clause's heading path;
- what the encoder and BM25 see is the heading path, then the passage text, then (optionally) the
  definitions of the defined terms it uses ("Licensed Materials: the photographs, video …").

Every passage satisfies `doc.text[p.start:p.end] == p.text`; passages do not overlap.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from assistant.ingest.chunking import (
    PATH_SEP,
    chunk_document,
    chunk_id,
    embedding_text,
    strip_span,
)
from assistant.review.segmenter import (
    Clause,
    Definition,
    Segmentation,
    _number,
    segment,
)
from assistant.text.sentences import CLAUSE_PART_END_RE
from assistant.types import Document


@dataclass(frozen=True)
class Piece:
    """A passage before it is embedded: its span, heading path and what the encoder should see."""

    start: int
    end: int
    path: tuple[str, ...]
    clause_ref: str
    terms: tuple[str, ...] = ()
    lead: str = ""
    continued: bool = False     # a later part of a clause split at sentence ends


def today_pieces(doc: Document, size: int, overlap: int, min_size: int,
                 seg: Segmentation) -> list[tuple[Piece, str]]:
    """The corpus index's chunks (assistant.ingest.chunking) with their embedding text, as the corpus does."""
    clauses = seg.clauses
    starts = [c.start for c in clauses]
    out = []
    for chunk in chunk_document(doc, size, overlap, min_size):
        clause = _clause_at(clauses, starts, chunk.start)
        path = tuple(chunk.section.split(PATH_SEP)[1:]) if chunk.section else ()
        piece = Piece(chunk.start, chunk.end, path, clause.ref if clause else "", clause.terms if clause else ())
        out.append((piece, embedding_text(chunk)))
    return out


def _clause_at(clauses, starts, offset) -> Clause | None:
    i = bisect.bisect_right(starts, offset) - 1
    if 0 <= i < len(clauses) and clauses[i].start <= offset < clauses[i].end:
        return clauses[i]
    return None


def clause_pieces(doc: Document, size: int, min_size: int, seg: Segmentation) -> list[Piece]:
    """Clause-aware passages (see the module's docstring)."""
    text = doc.text
    units: list[tuple[int, int, Clause]] = []
    cursor = 0
    for clause in seg.clauses:
        start = clause.start
        gap_start, gap_end = strip_span(text, cursor, clause.start)
        if gap_end > gap_start:        # a heading line the segmenter kept only in the path
            start = gap_start
        units.append((start, clause.end, clause))
        cursor = clause.end
    if not units:
        s, e = strip_span(text, 0, len(text))
        return [Piece(s, e, (), "")] if e > s else []
    last_start, last_end, last = units[-1]
    tail = strip_span(text, last_end, len(text))
    if tail[1] > tail[0]:
        units[-1] = (last_start, tail[1], last)

    groups: list[list[tuple[int, int, Clause]]] = []
    for unit in units:
        if groups:
            group = groups[-1]
            g_len = group[-1][1] - group[0][0]
            u_len = unit[1] - unit[0]
            fits = unit[1] - group[0][0] <= size
            family = _family(group[0][2].path, unit[2].path)
            if fits and family and (g_len < min_size or u_len < min_size):
                group.append(unit)
                continue
        groups.append([unit])

    pieces: list[Piece] = []
    previous: Clause | None = None
    for group in groups:
        start, end, first = group[0][0], group[-1][1], group[0][2]
        terms = tuple(sorted({t for _, _, c in group for t in c.terms}))
        path = first.path
        lead = first.lead if first.lead and not _inside(text, start, end, first.lead) else ""
        # the segmenter cuts a very long clause into parts that share its path: later parts are continued
        continued = previous is not None and previous.path == path and bool(path) and previous.id == first.id
        previous = group[-1][2]
        if end - start <= size:
            pieces.append(Piece(start, end, path, first.ref, terms, lead, continued))
            continue
        for i, (s, e) in enumerate(_sentence_parts(text, start, end, size)):
            pieces.append(Piece(s, e, path, first.ref, terms, lead, continued=continued or i > 0))
    return pieces


def _family(first: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Siblings (same parent heading) or a descendant of the group's first clause (an unnumbered title or
    preamble is nobody's parent)."""
    return other[:-1] == first[:-1] or (bool(_number(first[-1]) if first else False)
                                        and other[:len(first)] == first)


def _inside(text: str, start: int, end: int, lead: str) -> bool:
    return lead[:60] in text[max(0, start - len(lead) - 10):end]


def _sentence_parts(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """Cut [start, end) at sentence ends into parts of at most `size` characters (hard cuts at spaces
    for a run-on sentence)."""
    cuts = [m.end() for m in CLAUSE_PART_END_RE.finditer(text, start, end)] + [end]
    parts: list[tuple[int, int]] = []
    cursor = start
    prev = start
    for cut in cuts:
        if cut - cursor > size and prev > cursor:
            parts.append((cursor, prev))
            cursor = prev
        prev = cut
    parts.append((cursor, end))
    out: list[tuple[int, int]] = []
    for s, e in parts:
        s, e = strip_span(text, s, e)
        while e - s > size:
            cut = text.rfind(" ", s + size // 2, s + size)
            cut = cut if cut > s else s + size
            out.append(strip_span(text, s, cut))
            s = strip_span(text, cut, e)[0]
        if e > s:
            out.append((s, e))
    return [(s, e) for s, e in out if e > s]


def heading_text(piece: Piece) -> str:
    """The heading path an encoder sees before the passage: the parents' labels (and the clause's own
    label again for a later part of a split clause)."""
    labels = piece.path if piece.continued else piece.path[:-1]
    return PATH_SEP.join(_short(label) for label in labels)


def _short(label: str, limit: int = 80) -> str:
    label = " ".join(label.split())
    return label if len(label) <= limit else label[:limit].rsplit(" ", 1)[0]


def definitions_text(piece: Piece, definitions: dict[str, Definition], budget: int) -> str:
    """'Term: definition' for the defined terms the passage uses, within `budget` characters."""
    out, used = [], 0
    for term in piece.terms:
        definition = definitions.get(term)
        if definition is None:
            continue
        body = " ".join(definition.text.split())
        body = re.sub(r"^[\"“”']*" + re.escape(term) + r"[\"“”']*\s*", "", body)
        line = f"{term}: {body}"
        if used + len(line) > budget:
            line = line[:max(0, budget - used)]
            if len(line) < 40:
                break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


def embed_text(doc: Document, piece: Piece, seg: Segmentation, *, heading: bool = True,
               definitions: int = 0) -> str:
    parts = []
    if heading:
        head = heading_text(piece)
        if head:
            parts.append(head)
    if piece.lead:
        parts.append(_short(piece.lead, 200))
    parts.append(doc.text[piece.start:piece.end])
    if definitions > 0:
        defs = definitions_text(piece, seg.definitions, definitions)
        if defs:
            parts.append(defs)
    return "\n".join(parts)


def passage_id(doc: Document, piece: Piece) -> str:
    return chunk_id(doc.id, piece.start, piece.end, doc.text[piece.start:piece.end])


__all__ = ["Piece", "clause_pieces", "embed_text", "passage_id", "segment", "today_pieces"]
