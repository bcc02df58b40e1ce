"""`twinguard corpus check`: validate the corpus (front matter, sections, references) and show its coverage.
`twinguard corpus status`: which documents are due for a re-check against their sources (a report: exit 0)."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from assistant.cli.common import boundary, out, settings
from assistant.errors import AssistantError

if TYPE_CHECKING:
    from assistant.domain.currency import StatusRow


def register(app: typer.Typer) -> None:
    corpus = typer.Typer(help="The corpus: validation, coverage and currency.", no_args_is_help=True)
    app.add_typer(corpus, name="corpus")

    @corpus.command("check")
    @boundary
    def check(root: Annotated[Path | None, typer.Argument(help="Corpus folder (default: the configured corpus).")]
              = None,
              coverage: bool = typer.Option(False, "--coverage", help="Also show documents per jurisdiction and "
                                                                        "kind, and sources per common risk.")):
        """List problems in the corpus; exit 1 if there are any."""
        from assistant.ingest.corpus_check import check_references, load_corpus
        from assistant.ingest.corpus_check import coverage as coverage_report

        docs, problems = load_corpus(root or settings().corpus)
        problems += check_references(docs)
        for problem in problems:
            out.print(problem, markup=False)
        out.print(f"{len(docs)} documents, {len(problems)} problems")
        if coverage:
            out.print(coverage_report(docs), markup=False)
        if problems:
            raise typer.Exit(1)

    @corpus.command("status")
    @boundary
    def status(root: Annotated[Path | None, typer.Argument(help="Corpus folder (default: the configured corpus).")]
               = None,
               today: str | None = typer.Option(None, "--today", help="Report as of this date, YYYY-MM-DD "
                                                                         "(default: the system date)."),
               show_all: bool = typer.Option(False, "--all", help="List every document, not only those that "
                                                                  "need attention."),
               as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
        """Documents due for a re-check against their sources, and bills and drafts whose status may have
        changed, most overdue first. A report: the exit code is 0 however stale the corpus is."""
        from assistant.domain.currency import status_report, summary
        from assistant.ingest.corpus_check import load_corpus

        day = parse_day(today)
        folder = root or settings().corpus
        if not folder.exists():
            raise AssistantError(f"{folder}: no such corpus folder.")
        docs, _ = load_corpus(folder, day)
        rows = status_report([d.meta for d in docs.values()], day)
        shown = rows if show_all else [r for r in rows if r.needs_attention]
        counts = summary(rows)
        if as_json:
            out.file.write(json.dumps({"today": day.isoformat(), **counts, "rows": [r.to_dict() for r in shown]},
                                      ensure_ascii=False, indent=2) + "\n")
            return
        for row in shown:
            print_row(row)
        out.print(f"{counts['documents']} documents as of {day.isoformat()}: {counts['due']} due for a re-check "
                  f"({counts['overdue']} overdue), {counts['may_have_changed']} whose status may have changed, "
                  f"{counts['without_checked']} without a 'checked' date (as_of used).")


def parse_day(text: str | None) -> _dt.date:
    if not text:
        return _dt.date.today()
    try:
        return _dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--today '{text}' is not a date (YYYY-MM-DD).") from None


def when(row: StatusRow) -> str:
    if row.due is None:
        return "no checked or as_of date"
    if row.days_overdue > 0:
        return f"overdue by {row.days_overdue} days"
    return "due today" if row.days_overdue == 0 else f"due in {-row.days_overdue} days"


def print_row(row: StatusRow) -> None:
    checked = row.checked.isoformat() if row.checked else "never (as_of used)"
    due = row.due.isoformat() if row.due else "—"
    colour = "red" if row.is_due else "yellow" if row.may_have_changed else "dim"
    out.print(f"[{colour}]{escape(when(row))}[/{colour}]  [bold]{escape(row.doc_id)}[/bold]  "
              f"[dim]{escape(row.kind)} · {escape(row.status)} · checked {escape(checked)} · due {due}[/dim]")
    if row.may_have_changed:
        out.print(f"    status may have changed: {escape('; '.join(row.reasons))}")
    source = row.source_url or (f"(no official address: {row.source_note})" if row.source_note else "(no source)")
    out.print(f"    source: {escape(source)}")
