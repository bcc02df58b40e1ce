"""Evaluation metrics: small pure functions over ranks, citations, answer text and timings."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Iterable, Sequence

from assistant.ingest.chunking import section_label

if TYPE_CHECKING:
    from assistant.evaluate.gold import Expected, GoldItem


def normalize(text: str) -> str:
    text = re.sub(r"[*_`]", "", text.replace("\u00a0", " ").replace("\u202f", " "))
    return " ".join(text.lower().split())


def fact_in(alternatives: Sequence[str], normalized_text: str) -> bool:
    """Any alternative occurs as whole words ("30" does not match "300" or "2030")."""
    return any(re.search(r"(?<!\w)" + re.escape(normalize(a)) + r"(?!\w)", normalized_text) for a in alternatives)


def fact_recall(facts: Sequence[Sequence[str]], text: str) -> float | None:
    if not facts:
        return None
    norm = normalize(text)
    return sum(fact_in(f, norm) for f in facts) / len(facts)


def matches(expected: "Expected", doc_id: str, label: str = "", section_path: str = "") -> bool:
    if doc_id != expected.doc_id:
        return False
    if not expected.section:
        return True
    return label == expected.section or expected.section in (section_label(p.strip()) for p in section_path.split("›"))


def first_rank(ranked: Sequence[tuple[str, str, str]], expected: Sequence["Expected"], sections: bool = False) -> int | None:
    """1-based rank of the first (doc_id, label, section path) matching any expected source."""
    for rank, (doc, label, path) in enumerate(ranked, 1):
        for exp in expected:
            if matches(exp if sections else replace(exp, section=""), doc, label, path):
                return rank
    return None


def reciprocal_rank(rank: int | None) -> float:
    return 1.0 / rank if rank else 0.0


def source_recall(ranked_docs: Sequence[str], expected_docs: Sequence[str]) -> float:
    return len(set(ranked_docs) & set(expected_docs)) / len(set(expected_docs)) if expected_docs else 0.0


def citation_precision(cited_docs: Sequence[str], acceptable: Iterable[str]) -> float | None:
    if not cited_docs:
        return None
    ok = set(acceptable)
    return sum(d in ok for d in cited_docs) / len(cited_docs)


def citation_recall(cited_docs: Sequence[str], expected_docs: Sequence[str]) -> float:
    return source_recall(cited_docs, expected_docs)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile, q in [0, 1]."""
    if not values:
        return None
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def refusal_correct(item: "GoldItem", refused: bool) -> bool:
    return refused != item.in_scope


def best_threshold(sweep: Sequence[dict], current: float) -> float:
    """Highest refusal accuracy; ties go to the value closest to the current one."""
    return max(sweep, key=lambda row: (row["refusal_accuracy"], -abs(row["threshold"] - current)))["threshold"]
