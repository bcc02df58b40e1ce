"""LegalBench-RAG style retrieval evaluation: character precision@k and recall@k over gold spans.

Per query: precision = overlapping characters / retrieved characters, recall = overlapping characters /
gold characters (spans merged per file first, so nothing counts twice), averaged over queries.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

Span = tuple[str, int, int]       # (file path relative to the corpus, start, end)
DEFAULT_KS = (1, 2, 4, 8, 16, 32, 64)


@dataclass(frozen=True)
class Query:
    id: str
    text: str
    gold: tuple[Span, ...]
    tags: tuple[str, ...] = ()


def load_benchmark(path: Path, limit: int | None = None, seed: int = 13) -> list[Query]:
    """Read a benchmark file; `limit` takes a fixed random sample (same seed, same sample)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    queries = [Query(t.get("query_id", str(i)), t["query"],
                     tuple((s["file_path"], int(s["span"][0]), int(s["span"][1])) for s in t["snippets"]),
                     tuple(t.get("tags", ())))
               for i, t in enumerate(data["tests"])]
    if limit and limit < len(queries):
        queries = random.Random(seed).sample(queries, limit)
    return queries


def merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def _by_file(spans: Iterable[Span]) -> dict[str, list[tuple[int, int]]]:
    grouped: dict[str, list[tuple[int, int]]] = {}
    for path, start, end in spans:
        grouped.setdefault(path, []).append((start, end))
    return {path: merge(parts) for path, parts in grouped.items()}


def _length(spans: dict[str, list[tuple[int, int]]]) -> int:
    return sum(end - start for parts in spans.values() for start, end in parts)


def _intersection(a: dict[str, list[tuple[int, int]]], b: dict[str, list[tuple[int, int]]]) -> int:
    total = 0
    for path, parts in a.items():
        for s1, e1 in parts:
            for s2, e2 in b.get(path, ()):
                total += max(0, min(e1, e2) - max(s1, s2))
    return total


def score(retrieved: Sequence[Span], gold: Sequence[Span]) -> tuple[float, float]:
    """(precision, recall) of one query's retrieved spans against its gold spans."""
    got, want = _by_file(retrieved), _by_file(gold)
    hit = _intersection(got, want)
    precision = hit / _length(got) if got else 0.0
    recall = hit / _length(want) if want else 0.0
    return precision, recall


def evaluate(queries: Sequence[Query], retrieve: Callable[[str, int], Sequence[Span]],
             ks: Sequence[int] = DEFAULT_KS) -> dict:
    """Mean precision@k and recall@k for each k; `retrieve(query, k)` returns ranked spans."""
    kmax = max(ks)
    sums = {k: [0.0, 0.0] for k in ks}
    for query in queries:
        ranked = list(retrieve(query.text, kmax))
        for k in ks:
            p, r = score(ranked[:k], query.gold)
            sums[k][0] += p
            sums[k][1] += r
    n = max(1, len(queries))
    return {"queries": len(queries),
            "precision": {k: sums[k][0] / n for k in ks},
            "recall": {k: sums[k][1] / n for k in ks}}


def file_span(hit) -> Span:
    """A hit as a span of its source file: the corpus-relative path and offsets in the file's text."""
    shift = int(hit.meta.get("text_offset", "0") or 0)
    path = hit.meta.get("path") or hit.chunk.doc_id
    return path, hit.chunk.start + shift, hit.chunk.end + shift


def referenced_files(queries: Sequence[Query]) -> set[str]:
    return {path for q in queries for path, _, _ in q.gold}
