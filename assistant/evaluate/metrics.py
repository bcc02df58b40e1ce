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


# -- what an answer leads with and where its points come from (issue 13) ------------------------------

MARKER_RE = re.compile(r"\[(\d+)\]")
GAP_RE = re.compile(r"\b(?:no digest of|does not cover|not covered|has no (?:\w+ )?(?:law|digest)|"
                    r"no (?:\w+ )?digest)\b", re.I)


def cited_lines(text: str) -> list[tuple[int, ...]]:
    """The citation numbers of each line of an answer that cites something, in order (the lead first)."""
    out = []
    for line in text.splitlines():
        numbers = tuple(int(n) for n in MARKER_RE.findall(line))
        if numbers:
            out.append(numbers)
    return out


def lead_ok(text: str, docs_by_number: dict[int, str], expected_docs: Iterable[str]) -> bool:
    """Does the first line that cites anything cite an expected source?"""
    lines = cited_lines(text)
    return bool(lines) and bool({docs_by_number.get(n) for n in lines[0]} & set(expected_docs))


def point_relevance(text: str, docs_by_number: dict[int, str], acceptable: Iterable[str]) -> float | None:
    """Share of the supporting points (cited lines after the lead) that cite an expected or accepted
    document; None when the answer has no supporting points."""
    points = cited_lines(text)[1:]
    if not points:
        return None
    ok = set(acceptable)
    return sum(1.0 for numbers in points if {docs_by_number.get(n) for n in numbers} & ok) / len(points)


def place_precision(cited_places: Sequence[str], allowed: Iterable[str]) -> float | None:
    """Share of citations from an allowed place or place-neutral guidance; None without citations."""
    if not cited_places:
        return None
    ok = set(allowed) | {"", "INTL"}
    return sum(1.0 for p in cited_places if p in ok) / len(cited_places)


def gap_honest(text: str, place_names: Sequence[Sequence[str]]) -> bool:
    """Does the answer say, in one sentence, that each uncovered place is not covered? `place_names` holds,
    per place, the words that name it (name, adjective)."""
    sentences = re.split(r"(?<=[.!?])\s+|\n", text)
    flagged = [s.lower() for s in sentences if GAP_RE.search(s)]
    return all(any(any(w.lower() in s for w in words) for s in flagged) for words in place_names)
