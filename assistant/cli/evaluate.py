"""`twinguard eval`: run the gold set, compare pipeline variants, write a JSON report, guard thresholds.

    twinguard eval [--gold eval/gold.yaml] [--variants dense,hybrid+doc,ask] [--limit N]
                   [--report out.json] [--min hit@6=0.85 --min dense/mrr=0.6] [--max ask/answer_p95_ms=2000]

Exit status 1 when a figure is below a `--min` (or above a `--max`) threshold, so CI can catch regressions.
A threshold without a variant prefix applies to `ask`, the production path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.cli.common import boundary, err, open_twinguard, out
from assistant.errors import AssistantError

ROWS = ("hit@1", "hit@3", "hit@6", "hit@10", "section_hit@6", "source_recall@6", "mrr", "citation_precision",
        "citation_recall", "fact_recall", "lead_ok", "place_precision", "point_relevance", "gap_honesty",
        "answered_in_scope", "declined_out_of_scope", "refusal_accuracy",
        "search_p50_ms", "search_p95_ms", "answer_p50_ms", "answer_p95_ms")
#: Answer figures repeated for the held-back items and the rest (issue 13: report the held-back part apart).
SPLIT_ROWS = ("lead_ok", "place_precision", "point_relevance", "gap_honesty", "fact_recall", "citation_recall",
              "refusal_accuracy")


def default_gold() -> Path:
    from assistant.config import repo_root

    return repo_root() / "eval" / "gold.yaml"


def _split(values: Optional[List[str]]) -> list[str]:
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def _table(report: dict) -> Table:
    variants = list(report["variants"])
    table = Table(title=f"{report['items']} questions ({report['in_scope']} in scope, "
                        f"{report['out_of_scope']} out of scope)")
    table.add_column("metric")
    for v in variants:
        table.add_column(v, justify="right")
    for row in ROWS:
        cells = [report["variants"][v].get(row) for v in variants]
        if all(c is None for c in cells):
            continue
        fmt = (lambda x: f"{x:.0f}") if row.endswith("_ms") else (lambda x: f"{x:.3f}")
        table.add_row(row, *("—" if c is None else fmt(c) for c in cells))
    return table


def _split_table(report: dict) -> Table | None:
    splits = report.get("splits") or {}
    if len(splits) < 2:
        return None
    columns = [(split, v) for split, figures in splits.items() for v in figures if v != "items"]
    table = Table(title="answers by split (heldback = new items set aside before tuning)")
    table.add_column("metric")
    for split, v in columns:
        table.add_column(f"{split} ({splits[split]['items']}) {v}", justify="right")
    for row in SPLIT_ROWS:
        cells = [splits[split][v].get(row) for split, v in columns]
        if any(c is not None for c in cells):
            table.add_row(row, *("—" if c is None else f"{c:.3f}" for c in cells))
    return table


def _f(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _print_findings(console: Console, report: dict) -> None:
    if "sweep" in report:
        console.print(f"\nRefusal threshold sweep ({report['failures']['variant']}; now "
                      f"{report['settings']['min_relevance']}, best {report['best_threshold']}):")
        for row in report["sweep"]:
            console.print(f"  {row['threshold']:.3f}: accuracy {_f(row['refusal_accuracy'])}, in-scope answered "
                          f"{_f(row['answered_in_scope'])}, out-of-scope declined {_f(row['declined_out_of_scope'])}")
        fails = report["failures"]
        for name in ("retrieval_miss", "refused_in_scope", "answered_out_of_scope", "uncited_sources",
                     "lead_not_expected", "other_places", "gap_not_said"):
            if fails[name]:
                console.print(f"{name.replace('_', ' ')}: {escape(', '.join(fails[name]))}")
        if fails["missing_facts"]:
            console.print(f"answers missing key facts: {len(fails['missing_facts'])} "
                          f"({escape(', '.join(list(fails['missing_facts'])[:12]))}{'…' if len(fails['missing_facts']) > 12 else ''})")


def register(app: typer.Typer) -> None:
    """Add the `eval` command to a typer app."""

    @app.command("eval")
    @boundary
    def eval_command(
        gold: Path = typer.Option(None, "--gold", help="Gold set YAML (default: eval/gold.yaml of this repository)."),
        variants: Optional[List[str]] = typer.Option(
            None, "--variants", help="Comma-separated: dense, keyword, rrf, hybrid, hybrid+doc, ask (default: all)."),
        limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only N questions, spread over the set."),
        report_path: Optional[Path] = typer.Option(None, "--report", help="Write the JSON report here."),
        minimum: Optional[List[str]] = typer.Option(
            None, "--min", help="Fail when a figure is below: metric=value or variant/metric=value (repeatable)."),
        maximum: Optional[List[str]] = typer.Option(
            None, "--max", help="Fail when a figure is above, e.g. ask/answer_p95_ms=2000 (repeatable)."),
        ks: str = typer.Option("1,3,6,10", "-k", help="Comma-separated k values for hit@k."),
        as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON instead of a table."),
    ):
        """Evaluate TwinGuard on the gold set: retrieval, citations, key facts, refusals, latency."""
        from assistant.evaluate.gold import load_gold, spread
        from assistant.evaluate.runner import (
            ALL_VARIANTS,
            check_thresholds,
            evaluate,
            parse_limit,
        )

        chosen = _split(variants) or list(ALL_VARIANTS)
        try:
            bad = [v for v in chosen if v not in ALL_VARIANTS]
            if bad:
                raise ValueError(f"unknown variant(s) {', '.join(bad)}; choose from {', '.join(ALL_VARIANTS)}")
            mins, maxs = _split(minimum), _split(maximum)
            for text in mins + maxs:
                parse_limit(text)
            k_values = sorted({int(x) for x in ks.split(",") if x.strip()})
            if not k_values or min(k_values) < 1:
                raise ValueError("-k needs positive integers, e.g. 1,3,6,10")
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
        goldset = load_gold(gold or default_gold())
        goldset = type(goldset)(tuple(spread(goldset.items, limit)), goldset.always_accept)
        tg = open_twinguard()
        if not tg.indexed:
            err.print(f"Building the index of {escape(str(tg.settings.corpus))} (first run only)…")
            tg.index()

        def progress(done: int, total: int) -> None:
            if done % 10 == 0 or done == total:
                err.print(f"[dim]{done}/{total} questions[/dim]")

        report = evaluate(tg, goldset, chosen, k_values, progress=progress)
        report["gold"] = str(gold or default_gold())
        problems = check_thresholds(report, mins, maxs)
        report["threshold_failures"] = problems
        if report_path:
            try:
                report_path.parent.mkdir(parents=True, exist_ok=True)
                report_path.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
            except OSError as exc:
                raise AssistantError(f"cannot write {report_path}: {exc.strerror or exc}") from exc
        if as_json:
            out.file.write(json.dumps({k: v for k, v in report.items() if k != "per_item"}, ensure_ascii=False) + "\n")
        else:
            out.print(_table(report))
            splits = _split_table(report)
            if splits is not None:
                out.print(splits)
            _print_findings(out, report)
        for problem in problems:
            err.print(f"[red]below threshold:[/red] {escape(problem)}" if " below " in problem
                      else f"[red]above threshold:[/red] {escape(problem)}")
        if problems:
            raise typer.Exit(1)
