"""The JSON shapes shared by the CLI's `--json`, the HTTP API and the MCP tools.

Answers, reviews and riders have their own `to_dict()`; search hits, the sources list and index reports
are shaped here, so every front end prints the same fields.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from assistant.index.indexer import IndexReport
    from assistant.index.library import SourceRow
    from assistant.types import Hit


def hit_rows(hits: Sequence[Hit]) -> list[dict]:
    """Search hits, best first, ranked from 1 (`twinguard search --json`)."""
    return [{"rank": i, "score": round(h.score, 4), "via": h.via, "doc_id": h.chunk.doc_id,
             "title": h.meta.get("title", ""), "section": h.chunk.section, "page": h.chunk.page,
             "start": h.chunk.start, "end": h.chunk.end, "text": h.chunk.text}
            for i, h in enumerate(hits, 1)]


def source_rows(rows: Sequence[SourceRow]) -> list[dict]:
    """The library listing: one row per indexed document."""
    return [asdict(row) for row in rows]


def report_dict(report: IndexReport) -> dict:
    """What an index run changed."""
    return {"added": report.added, "updated": report.updated, "removed": report.removed,
            "unchanged": report.unchanged, "chunks_embedded": report.chunks_embedded,
            "problems": report.problems, "warnings": report.warnings, "seconds": round(report.seconds, 2)}
