"""Evaluation on the domain gold set (eval/gold.yaml): retrieval, citations, key facts, refusals, latency.

Pipeline variants run side by side in one pass over the same questions:

- `dense`, `keyword`, `rrf`, `hybrid`, `hybrid+doc` — `TwinGuard.search(mode=..., doc_aware=...)`; their
  answers are composed from those hits with the same `compose` the app uses (not for `keyword`: BM25
  hits carry no dense similarity, so the refusal gate cannot work on them);
- `ask` — the production path, `TwinGuard.ask` (conversation history, place filters and all); its
  retrieval metrics are measured on the hits the answer was built from.

The gold set is parsed in `gold.py` and the metrics are small pure functions in `metrics.py`;
`evaluate` runs them, `check_thresholds` compares a report with minimum/maximum figures for CI.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Sequence

from assistant.answer.extractive import compose
from assistant.config import Settings
from assistant.errors import GoldError
from assistant.evaluate.gold import GoldItem, GoldSet
from assistant.evaluate.metrics import (
    best_threshold,
    citation_precision,
    citation_recall,
    fact_in,
    fact_recall,
    first_rank,
    mean,
    normalize,
    percentile,
    reciprocal_rank,
    refusal_correct,
    source_recall,
)
from assistant.types import Answer, Hit

if TYPE_CHECKING:
    from assistant.twinguard import TwinGuard

VARIANTS: dict[str, tuple[str, bool]] = {
    "dense": ("dense", False), "keyword": ("keyword", False), "rrf": ("rrf", False),
    "hybrid": ("hybrid", False), "hybrid+doc": ("hybrid", True),
}
ASK = "ask"
ALL_VARIANTS = (*VARIANTS, ASK)
NO_ANSWERS = {"keyword"}           # hits without dense similarity: the refusal gate would always decline
DEFAULT_KS = (1, 3, 6, 10)
SWEEP = tuple(round(0.25 + 0.025 * i, 3) for i in range(11))   # 0.25 .. 0.50


# -- the run -------------------------------------------------------------------------------------

@dataclass
class Outcome:
    """One item under one variant."""

    ranked: list[tuple[str, str, str]] = field(default_factory=list)
    search_ms: float | None = None
    answer: Answer | None = None
    answer_ms: float | None = None


def _ranked(hits: Sequence[Hit]) -> list[tuple[str, str, str]]:
    return [(h.chunk.doc_id, h.chunk.label, h.chunk.section) for h in hits]


def _answer_with(tg: TwinGuard, question: str, hits: Sequence[Hit], settings: Settings | None = None) -> Answer:
    return compose(question, hits, settings or tg.settings, titles=tg.titles(), sections=tg)


def ask(tg: TwinGuard, item: GoldItem) -> Answer:
    """The production path; a follow-up goes in with its earlier question as conversation history."""
    if item.context:
        return tg.ask(item.question, history=[item.context])
    return tg.ask(item.query)


def run_item(tg: TwinGuard, item: GoldItem, variant: str, k: int) -> Outcome:
    out = Outcome()
    if variant == ASK:
        t0 = time.perf_counter()
        out.answer = ask(tg, item)
        out.answer_ms = 1000 * (time.perf_counter() - t0)
        out.ranked = _ranked(out.answer.hits)
        return out
    mode, doc_aware = VARIANTS[variant]
    t0 = time.perf_counter()
    hits = tg.search(item.query, k, mode=mode, doc_aware=doc_aware)
    out.search_ms = 1000 * (time.perf_counter() - t0)
    out.ranked = _ranked(hits)
    if variant not in NO_ANSWERS:
        out.answer = _answer_with(tg, item.query, hits[:tg.settings.k])
        out.answer_ms = 1000 * (time.perf_counter() - t0)   # search + compose, like ask
    return out


def item_record(gold: GoldSet, item: GoldItem, out: Outcome, ks: Sequence[int]) -> dict:
    rec: dict = {"search_ms": out.search_ms, "answer_ms": out.answer_ms}
    if item.in_scope:
        rank = first_rank(out.ranked, item.sources)
        sectioned = [s for s in item.sources if s.section]
        rec.update(rank=rank, section_rank=first_rank(out.ranked, sectioned, sections=True) if sectioned else None,
                   has_sections=bool(sectioned),
                   source_recall={k: source_recall([d for d, _, _ in out.ranked[:k]], item.source_docs) for k in ks})
    if out.answer is not None:
        answer = out.answer
        cited = [c.doc_id for c in answer.citations]
        rec.update(refused=answer.refused, cited=cited, correct_refusal=refusal_correct(item, answer.refused),
                   best_similarity=max((h.dense or 0.0 for h in answer.hits), default=0.0))
        if item.in_scope:
            rec.update(citation_precision=citation_precision(cited, gold.acceptable(item)),
                       citation_recall=0.0 if answer.refused else citation_recall(cited, item.source_docs),
                       fact_recall=0.0 if answer.refused else fact_recall(item.facts, answer.text),
                       missing_facts=[f[0] for f in item.facts if answer.refused or not fact_in(f, normalize(answer.text))])
    return rec


def summarize(gold_items: Sequence[GoldItem], records: Sequence[dict], ks: Sequence[int]) -> dict:
    pairs = list(zip(gold_items, records))
    inside = [r for i, r in pairs if i.in_scope]
    outside = [r for i, r in pairs if not i.in_scope]
    s: dict = {}
    for k in ks:
        s[f"hit@{k}"] = mean(1.0 if r["rank"] and r["rank"] <= k else 0.0 for r in inside)
        s[f"section_hit@{k}"] = mean(1.0 if r["section_rank"] and r["section_rank"] <= k else 0.0
                                     for r in inside if r["has_sections"])
        s[f"source_recall@{k}"] = mean(r["source_recall"][k] for r in inside)
    s["mrr"] = mean(reciprocal_rank(r["rank"]) for r in inside)
    if any("refused" in r for r in records):
        s["citation_precision"] = mean(r.get("citation_precision") for r in inside)
        s["citation_recall"] = mean(r.get("citation_recall") for r in inside)
        s["fact_recall"] = mean(r.get("fact_recall") for r in inside)
        s["answered_in_scope"] = mean(0.0 if r["refused"] else 1.0 for r in inside)
        s["declined_out_of_scope"] = mean(1.0 if r["refused"] else 0.0 for r in outside)
        s["refusal_accuracy"] = mean(1.0 if r["correct_refusal"] else 0.0 for r in records)
    for name in ("search_ms", "answer_ms"):
        values = [r[name] for r in records if r[name] is not None]
        if values:
            s[f"{name[:-3]}_p50_ms"] = percentile(values, 0.5)
            s[f"{name[:-3]}_p95_ms"] = percentile(values, 0.95)
    return s


def sweep(tg: TwinGuard, gold_items: Sequence[GoldItem], answers: Sequence[Answer], thresholds=SWEEP) -> list[dict]:
    """Refusal accuracy if `min_relevance` were each threshold, recomposing the same hits (no model calls)."""
    rows = []
    for t in thresholds:
        settings = tg.settings.with_(min_relevance=t)
        refused = [_answer_with(tg, a.question, a.hits, settings).refused for a in answers]
        inside = [r for i, r in zip(gold_items, refused) if i.in_scope]
        outside = [r for i, r in zip(gold_items, refused) if not i.in_scope]
        rows.append({"threshold": t,
                     "refusal_accuracy": mean(float(refusal_correct(i, r)) for i, r in zip(gold_items, refused)),
                     "answered_in_scope": mean(0.0 if r else 1.0 for r in inside),
                     "declined_out_of_scope": mean(1.0 if r else 0.0 for r in outside)})
    return rows


def evaluate(tg: TwinGuard, gold: GoldSet, variants: Sequence[str] = ALL_VARIANTS, ks: Sequence[int] = DEFAULT_KS,
             progress: Callable[[int, int], None] | None = None) -> dict:
    """Run every item under every variant; return the JSON-ready report."""
    unknown = [v for v in variants if v not in ALL_VARIANTS]
    if unknown:
        raise ValueError(f"unknown variant(s) {', '.join(unknown)}; choose from {', '.join(ALL_VARIANTS)}")
    tg.retriever.refresh()
    missing = sorted({s.doc_id for i in gold.items for s in i.sources} - set(tg.retriever.docs))
    if missing:
        raise GoldError(f"the index lacks documents the gold set expects ({', '.join(missing[:5])}"
                        f"{'…' if len(missing) > 5 else ''}); index the built-in corpus first")
    ks = sorted(set(ks))
    records: dict[str, list[dict]] = {v: [] for v in variants}
    answers: dict[str, list[Answer]] = {v: [] for v in variants}
    for n, item in enumerate(gold.items, 1):
        for variant in variants:
            out = run_item(tg, item, variant, max(ks))
            records[variant].append(item_record(gold, item, out, ks))
            answers[variant].append(out.answer)
        if progress:
            progress(n, len(gold.items))
    report = {"items": len(gold.items), "in_scope": sum(i.in_scope for i in gold.items),
              "out_of_scope": sum(not i.in_scope for i in gold.items), "ks": ks,
              "settings": {"k": tg.settings.k, "min_relevance": tg.settings.min_relevance,
                           "dense_weight": tg.settings.dense_weight, "chunk_size": tg.settings.chunk_size},
              "variants": {v: summarize(gold.items, records[v], ks) for v in variants}}
    main = ASK if ASK in variants else next((v for v in reversed(variants) if v not in NO_ANSWERS), None)
    if main:
        report["sweep"] = sweep(tg, gold.items, answers[main])
        report["best_threshold"] = best_threshold(report["sweep"], tg.settings.min_relevance)
        report["failures"] = failures(gold.items, records[main], tg.settings.k)
        report["failures"]["variant"] = main
    report["per_item"] = [{"id": i.id, "type": i.type, **{v: records[v][n] for v in variants}}
                          for n, i in enumerate(gold.items)]
    return report


def failures(items: Sequence[GoldItem], records: Sequence[dict], k: int) -> dict:
    pairs = list(zip(items, records))
    return {
        "retrieval_miss": [i.id for i, r in pairs if i.in_scope and not (r["rank"] and r["rank"] <= k)],
        "refused_in_scope": [i.id for i, r in pairs if i.in_scope and r.get("refused")],
        "answered_out_of_scope": [i.id for i, r in pairs if not i.in_scope and r.get("refused") is False],
        "missing_facts": {i.id: r["missing_facts"] for i, r in pairs
                          if i.in_scope and r.get("missing_facts") and not r.get("refused")},
        "uncited_sources": [i.id for i, r in pairs if i.in_scope and not r.get("refused")
                            and r.get("citation_recall", 1.0) < 1.0],
    }


# -- thresholds ----------------------------------------------------------------------------------

def parse_limit(text: str) -> tuple[str, str, float]:
    """"hit@6=0.8" or "dense/mrr=0.5" -> (variant or "", metric, value)."""
    name, sep, value = text.partition("=")
    try:
        number = float(value)
    except ValueError:
        number = None
    if not sep or not name.strip() or number is None:
        raise ValueError(f"threshold {text!r} should look like metric=value, e.g. hit@6=0.8 or dense/mrr=0.5")
    variant, _, metric = name.strip().rpartition("/")
    return variant, metric, number


def check_thresholds(report: dict, minimums: Sequence[str] = (), maximums: Sequence[str] = ()) -> list[str]:
    """Messages for every figure below its minimum (or above its maximum); unknown metrics are errors."""
    problems = []
    default = ASK if ASK in report["variants"] else next(iter(report["variants"]))
    for limits, is_min in ((minimums, True), (maximums, False)):
        for text in limits:
            variant, metric, bound = parse_limit(text)
            variant = variant or default
            figures = report["variants"].get(variant)
            if figures is None or figures.get(metric) is None:
                raise ValueError(f"no figure {metric!r} for variant {variant!r} in this run")
            value = figures[metric]
            if (value < bound) if is_min else (value > bound):
                problems.append(f"{variant} {metric} = {value:.3f} is {'below' if is_min else 'above'} {bound:g}")
    return problems
