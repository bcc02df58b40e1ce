"""Evaluation on the domain gold set (eval/gold.yaml): retrieval, citations, key facts, refusals, latency.

Pipeline variants run side by side in one pass over the same questions:

- `dense`, `keyword`, `rrf`, `hybrid`, `hybrid+doc` — `TwinGuard.search(mode=..., doc_aware=...)`; their
  answers are composed from those hits by the planned composer the app uses (not for `keyword`: BM25
  hits carry no dense similarity, so the refusal gate cannot work on them);
- `ask` — the production path, `TwinGuard.ask` (question plan, place filters and all); its retrieval
  metrics are measured on the hits the answer was built from;
- `assembled` — the answer path before the question plan (one place filter from `place_in`, the
  `extractive.compose` composer), kept so that old and new are measured side by side in one run.

Answer metrics beyond citations and facts: `lead_ok` (the lead cites an expected source),
`place_precision` (citations from an allowed place or place-neutral guidance), `gap_honesty` (an
uncovered place is said to be uncovered) and `point_relevance` (points cite expected or accepted sources).

The gold set is parsed in `gold.py` and the metrics are small pure functions in `metrics.py`;
`evaluate` runs them, `check_thresholds` compares a report with minimum/maximum figures for CI.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Sequence

from assistant.answer.composer import compose_planned
from assistant.answer.extractive import check_question, compose
from assistant.config import Settings
from assistant.domain.jurisdictions import get, scope
from assistant.domain.lexicon import expand
from assistant.errors import GoldError
from assistant.evaluate.gold import GoldItem, GoldSet
from assistant.evaluate.metrics import (
    best_threshold,
    citation_precision,
    citation_recall,
    fact_in,
    fact_recall,
    first_rank,
    gap_honest,
    lead_ok,
    mean,
    normalize,
    percentile,
    place_precision,
    point_relevance,
    reciprocal_rank,
    refusal_correct,
    source_recall,
)
from assistant.plan.planner import make_plan
from assistant.retrieve.conversation import contextualize
from assistant.types import Answer, Filters, Hit

if TYPE_CHECKING:
    from assistant.twinguard import TwinGuard

VARIANTS: dict[str, tuple[str, bool]] = {
    "dense": ("dense", False), "keyword": ("keyword", False), "rrf": ("rrf", False),
    "hybrid": ("hybrid", False), "hybrid+doc": ("hybrid", True),
}
ASK = "ask"
ASSEMBLED = "assembled"
ALL_VARIANTS = (*VARIANTS, ASSEMBLED, ASK)
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
    """A search variant's answer: its hits composed by the planned composer (plan from the question alone)."""
    return compose_planned(make_plan(question), hits, settings or tg.settings, titles=tg.titles(), sections=tg,
                           doc_meta=tg.retriever.docs)


def _recompose(tg: TwinGuard, answer: Answer, settings: Settings) -> Answer:
    """The same hits composed again under other settings, by the composer that made the answer."""
    if answer.plan is None:
        return compose(answer.question, answer.hits, settings, titles=tg.titles(), sections=tg)
    return compose_planned(answer.plan, answer.hits, settings, titles=tg.titles(), sections=tg,
                           doc_meta=tg.retriever.docs)


def ask(tg: TwinGuard, item: GoldItem) -> Answer:
    """The production path; a follow-up goes in with its earlier question as conversation history."""
    if item.context:
        return tg.ask(item.question, history=[item.context])
    return tg.ask(item.query)


def assembled(tg: TwinGuard, item: GoldItem) -> Answer:
    """The answer path before the question plan: one covered place from `place_in` narrows the sources,
    and `compose` puts the best sentence first and four loosely related ones after it."""
    history = [item.context] if item.context else []
    standalone, place = contextualize(check_question(item.question, tg.settings), history)
    hits = tg.retriever.search(expand(standalone), tg.settings.k, Filters(jurisdiction=scope(place)), per_doc=2)
    return compose(standalone, hits, tg.settings, titles=tg.titles(), sections=tg)


def run_item(tg: TwinGuard, item: GoldItem, variant: str, k: int) -> Outcome:
    out = Outcome()
    if variant in (ASK, ASSEMBLED):
        t0 = time.perf_counter()
        out.answer = ask(tg, item) if variant == ASK else assembled(tg, item)
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
            rec.update(answer_quality(gold, item, answer))
            rec.update(citation_precision=citation_precision(cited, gold.acceptable(item)),
                       citation_recall=0.0 if answer.refused else citation_recall(cited, item.source_docs),
                       fact_recall=0.0 if answer.refused else fact_recall(item.facts, answer.text),
                       missing_facts=[f[0] for f in item.facts if answer.refused or not fact_in(f, normalize(answer.text))])
    return rec


def answer_quality(gold: GoldSet, item: GoldItem, answer: Answer) -> dict:
    """What the answer leads with, where its points come from, and whether it admits a gap."""
    docs = {c.n: c.doc_id for c in answer.citations}
    allowed = {c for p in item.places for c in scope(p)}
    rec: dict = {"lead_ok": False if answer.refused else lead_ok(answer.text, docs, item.source_docs),
                 "point_relevance": None if answer.refused else point_relevance(answer.text, docs,
                                                                                  gold.acceptable(item)),
                 "place_precision": None}
    if item.places and not answer.refused:
        rec["place_precision"] = place_precision([c.jurisdiction for c in answer.citations], allowed)
    if item.uncovered:
        rec["gap_honesty"] = gap_honest(answer.text, [place_words_of(p) for p in item.uncovered])
    return rec


def place_words_of(code: str) -> tuple[str, ...]:
    j = get(code)
    return (j.name.removeprefix("the "), *j.adjectives) if j else (code,)


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
        s["lead_ok"] = mean(1.0 if r.get("lead_ok") else 0.0 for r in inside)
        s["place_precision"] = mean(r.get("place_precision") for r in inside)
        s["point_relevance"] = mean(r.get("point_relevance") for r in inside)
        gaps = [r for i, r in pairs if i.in_scope and i.uncovered]
        if gaps:
            s["gap_honesty"] = mean(1.0 if r.get("gap_honesty") else 0.0 for r in gaps)
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
        refused = [_recompose(tg, a, settings).refused for a in answers]
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
    report["splits"] = splits(gold.items, records, ks)
    main = ASK if ASK in variants else next((v for v in reversed(variants) if v not in NO_ANSWERS), None)
    if main:
        report["sweep"] = sweep(tg, gold.items, answers[main])
        report["best_threshold"] = best_threshold(report["sweep"], tg.settings.min_relevance)
        report["failures"] = failures(gold.items, records[main], tg.settings.k)
        report["failures"]["variant"] = main
    report["per_item"] = [{"id": i.id, "type": i.type, **{v: records[v][n] for v in variants}}
                          for n, i in enumerate(gold.items)]
    return report


def splits(items: Sequence[GoldItem], records: dict[str, list[dict]], ks: Sequence[int]) -> dict:
    """The answer variants' figures on the held-back items and on the rest, reported separately."""
    out = {}
    for split in sorted({i.split for i in items}):
        idx = [n for n, i in enumerate(items) if i.split == split]
        out[split] = {"items": len(idx), **{v: summarize([items[n] for n in idx], [recs[n] for n in idx], ks)
                                            for v, recs in records.items() if v in (ASK, ASSEMBLED)}}
    return out


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
        "lead_not_expected": [i.id for i, r in pairs if i.in_scope and not r.get("refused") and not r.get("lead_ok")],
        "other_places": [i.id for i, r in pairs if (r.get("place_precision") or 1.0) < 1.0],
        "gap_not_said": [i.id for i, r in pairs if i.in_scope and i.uncovered and not r.get("gap_honesty")],
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
