"""Fusion of ranked lists: small pure functions over {chunk id: score} maps.

`convex` mixes raw cosine similarity with BM25 scaled by its best score; `rrf` is reciprocal-rank fusion,
kept for comparison (on legal queries it measured worse than dense alone; see docs/EVALUATION.md).
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, Sequence


def convex(dense: Mapping[str, float], keyword: Mapping[str, float], dense_weight: float,
           boost: Mapping[str, float] | None = None) -> list[tuple[str, float]]:
    """Score = w * cosine + (1 - w) * bm25 / max(bm25) (+ boost); ids missing from a map score 0 there."""
    top = max(keyword.values(), default=0.0)
    ids = set(dense) | set(keyword)
    out = []
    for cid in ids:
        kw = keyword.get(cid, 0.0) / top if top > 0 else 0.0
        score = dense_weight * dense.get(cid, 0.0) + (1.0 - dense_weight) * kw
        if boost:
            score += boost.get(cid, 0.0)
        out.append((cid, score))
    return sorted(out, key=lambda item: (-item[1], item[0]))


def rrf(rankings: Sequence[Sequence[str]], k: int = 60) -> list[tuple[str, float]]:
    """Reciprocal-rank fusion: sum of 1 / (k + rank) over the lists an id appears in."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, cid in enumerate(ranking, start=1):
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def drop_overlapping(ranked: Iterable[tuple[str, tuple[str, int, int]]], max_share: float = 0.5) -> list[str]:
    """Keep ids in order, dropping any whose span (doc, start, end) overlaps a kept span of the same
    document by more than `max_share` of the shorter span."""
    kept: list[str] = []
    spans: dict[str, list[tuple[int, int]]] = {}
    for cid, (doc, start, end) in ranked:
        length = max(1, end - start)
        clash = any(overlap((start, end), other) > max_share * min(length, max(1, other[1] - other[0]))
                    for other in spans.get(doc, ()))
        if not clash:
            kept.append(cid)
            spans.setdefault(doc, []).append((start, end))
    return kept


def by_score(scores: Mapping[str, float]) -> list[tuple[str, float]]:
    return sorted(scores.items(), key=lambda item: -item[1])


def fuse(mode: str, dense: Mapping[str, float], keyword: Mapping[str, float], dense_weight: float,
         boost: Mapping[str, float]) -> tuple[list[tuple[str, float]], str]:
    """(ranked ids with scores, how they were found) for a retrieval mode; `boost` is added to a named
    document's passages (inside the convex mix for "hybrid", after ranking otherwise)."""
    if mode == "hybrid":
        return convex(dense, keyword, dense_weight, boost), "fused"
    if mode == "dense":
        ranked, via = by_score(dense), "dense"
    elif mode == "keyword":
        ranked, via = by_score(keyword), "keyword"
    else:
        ranked, via = rrf([sorted(dense, key=dense.get, reverse=True),
                           sorted(keyword, key=keyword.get, reverse=True)]), "fused"
    if boost:
        ranked = sorted(((cid, s + boost.get(cid, 0.0)) for cid, s in ranked), key=lambda item: -item[1])
    return ranked, via


def cap_per_doc(order: Sequence[str], doc_of: Callable[[str], str], per_doc: int) -> list[str]:
    """Keep ids in order, at most `per_doc` of them from any one document."""
    counts: dict[str, int] = {}
    kept = []
    for cid in order:
        doc_id = doc_of(cid)
        if counts.get(doc_id, 0) < per_doc:
            counts[doc_id] = counts.get(doc_id, 0) + 1
            kept.append(cid)
    return kept
