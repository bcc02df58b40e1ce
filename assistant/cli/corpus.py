"""`twinguard corpus check`: validate the corpus (front matter, sections, references) and show its coverage."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from assistant.cli.common import boundary, out, settings


def register(app: typer.Typer) -> None:
    corpus = typer.Typer(help="The corpus: validation and coverage.", no_args_is_help=True)
    app.add_typer(corpus, name="corpus")

    @corpus.command("check")
    @boundary
    def check(root: Optional[Path] = typer.Argument(None, help="Corpus folder (default: the configured corpus)."),
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
