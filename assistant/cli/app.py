"""The `twinguard` command line. The only place (with the web app) that turns errors into messages."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.markup import escape

from assistant.cli import corpus, doctor, draft, evaluate, review, serve
from assistant.cli.common import VERBOSE, boundary, err, open_twinguard, out, quiet_libraries, settings
from assistant.errors import AssistantError, LoadError
from assistant.plan.planner import answering_for

if TYPE_CHECKING:
    from assistant.index.indexer import IndexReport
    from assistant.twinguard import TwinGuard

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="TwinGuard: cited answers on AI digital replicas of models. Legal information, not legal advice.")


@app.callback()
def options(verbose: bool = typer.Option(False, "--verbose", "-v",
                                         help="Show model-loading progress and library messages on stderr.")):
    """TwinGuard: cited answers on AI digital replicas of models. Legal information, not legal advice."""
    VERBOSE["on"] = verbose
    if not verbose:
        quiet_libraries()


def index_with_progress(tg: TwinGuard, corpus: Optional[Path] = None, rebuild: bool = False) -> IndexReport:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(TextColumn("Indexing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=err, transient=True) as bar:
        task = bar.add_task("", total=None)

        def step(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=escape(name[-60:]))

        return tg.index(corpus, rebuild=rebuild, progress=step)


def print_report(report: IndexReport) -> None:
    for problem in report.problems:
        err.print(f"[yellow]skipped[/yellow] {escape(problem)}")
    for warning in report.warnings:
        err.print(f"[dim]note[/dim] {escape(warning)}")
    err.print(f"{len(report.added)} added, {len(report.updated)} updated, {len(report.removed)} removed, "
              f"{report.unchanged} unchanged, {report.chunks_embedded} passages embedded "
              f"in {report.seconds:.1f} s")


def ensure_index(tg: TwinGuard) -> None:
    if not tg.indexed:
        err.print(f"Building the index of {tg.settings.corpus} (first run only)…")
        print_report(index_with_progress(tg))


@app.command()
@boundary
def index(corpus: Optional[Path] = typer.Option(None, "--corpus", help="Folder of documents (default: built-in corpus)."),
          rebuild: bool = typer.Option(False, "--rebuild", help="Drop the index and embed everything again.")):
    """Index a folder: only new or changed files are embedded; deleted files are removed."""
    config = settings(corpus=corpus)
    print_report(index_with_progress(open_twinguard(config), config.corpus, rebuild))


@app.command()
@boundary
def search(query: str, k: int = typer.Option(8, "-k", help="How many passages."),
           jurisdiction: Optional[str] = typer.Option(None, "--jurisdiction", "-j"),
           mode: str = typer.Option("hybrid", help="hybrid | dense | keyword | rrf"),
           as_json: bool = typer.Option(False, "--json")):
    """Show the passages that best match a query."""
    tg = open_twinguard()
    ensure_index(tg)
    hits = tg.search(query, k, jurisdiction=jurisdiction, mode=mode)
    if as_json:
        from assistant.serve.shapes import hit_rows

        out.print_json(json.dumps(hit_rows(hits), ensure_ascii=False))
        return
    for i, h in enumerate(hits, 1):
        out.print(f"[bold]{i}. {escape(h.chunk.section)}[/bold]  [dim]{h.score:.3f} {h.via} · "
                  f"{escape(h.chunk.doc_id)}{f' · p. {h.chunk.page}' if h.chunk.page else ''}[/dim]")
        out.print(escape(h.chunk.text[:600]) + ("…" if len(h.chunk.text) > 600 else ""))
        out.print()


@app.command()
@boundary
def ask(question: Optional[str] = typer.Argument(None, help="The question, or - to read one per line from stdin."),
        file: Optional[Path] = typer.Option(None, "--file", "-f", help="Questions, one per line."),
        jurisdiction: Optional[str] = typer.Option(None, "--jurisdiction", "-j", help="e.g. EU, US-NY, US-CA, all"),
        as_json: bool = typer.Option(False, "--json", help="Print JSON (one object per line for many questions)."),
        contract: Optional[Path] = typer.Option(None, "--contract", help="Your contract (.pdf, .docx, .txt): answers "
                                                "quote its clauses, then the law. Read in memory, never stored.")):
    """Answer a question from the sources, each point with a numbered citation."""
    many: list[str] | None = None
    if file is not None:
        try:
            many = [line for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
        except (OSError, UnicodeDecodeError) as exc:
            raise LoadError(str(file), f"cannot read questions ({exc.__class__.__name__})") from exc
    elif question == "-":
        many = [line for line in sys.stdin.read().splitlines() if line.strip()]
    elif question is None:
        raise AssistantError("Give a question, --file F, or - to read questions from stdin.")
    tg = open_twinguard()
    ensure_index(tg)
    session = None
    if contract is not None:              # read and indexed in memory for this command only
        from assistant.contract.session import read_contract_file

        session = tg.open_contract(read_contract_file(contract, tg.settings.max_file_bytes), contract.name)
        err.print(f"[dim]Using your contract: {escape(session.summary())}[/dim]")
    if many is not None:
        for q in many:
            try:
                answer = tg.ask(q, jurisdiction=jurisdiction, contract=session).to_dict()
            except AssistantError as exc:
                answer = {"question": q, "error": str(exc), "refused": True, "citations": []}
            out.file.write(json.dumps(answer, ensure_ascii=False) + "\n")
        return
    answer = tg.ask(question, jurisdiction=jurisdiction, contract=session)
    if as_json:
        out.file.write(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    if answer.plan is not None:
        err.print(f"[dim]Answering for: {escape(answering_for(answer.plan))}[/dim]")
    if answer.notice:
        err.print(f"[dim]{escape(answer.notice)}[/dim]")
    out.print(escape(answer.text))
    if answer.citations:
        out.print("\n[bold]Sources[/bold]")
    for c in answer.citations:
        extra = " · ".join(x for x in (c.section, f"p. {c.page}" if c.page else "", c.status,
                                       f"as of {c.as_of}" if c.as_of else "",
                                       f"checked {c.checked}" if c.checked else "") if x)
        out.print(f"[{c.n}] {escape(c.title)} — {escape(extra)}")
        if c.url:
            out.print(f"    {escape(c.url)}")
    for finding in getattr(answer, "contract_findings", ()):     # beside an answer about your contract
        out.print(escape(finding["line"]))


@app.command("eval-retrieval")
@boundary
def eval_retrieval(bench: Path = typer.Argument(..., help="Benchmark JSON (LegalBench-RAG format)."),
                   corpus: Path = typer.Option(..., "--corpus", help="Folder the benchmark's file paths are relative to."),
                   ks: str = typer.Option("1,2,4,8,16,32,64", "-k", help="Comma-separated k values."),
                   mode: str = typer.Option("hybrid", help="hybrid | dense | keyword | rrf"),
                   doc_aware: bool = typer.Option(True, "--doc-aware/--no-doc-aware"),
                   limit: Optional[int] = typer.Option(None, help="Fixed random sample of this many queries."),
                   only_referenced: bool = typer.Option(False, help="Index only files the (sampled) queries cite."),
                   home: Optional[Path] = typer.Option(None, help="Keep the store here (default: a throw-away folder)."),
                   as_json: bool = typer.Option(False, "--json")):
    """Precision@k and recall@k (LegalBench-RAG definitions) of retrieval on a benchmark file."""
    from assistant.evaluate.legalbench import evaluate as score_retrieval
    from assistant.evaluate.legalbench import (
        file_span,
        load_benchmark,
        referenced_files,
    )

    try:
        k_values = sorted({int(x) for x in ks.split(",") if x.strip()})
        queries = load_benchmark(bench, limit)
    except (OSError, ValueError, KeyError) as exc:
        raise AssistantError(f"Cannot read benchmark {bench}: {exc}") from exc
    with tempfile.TemporaryDirectory(prefix="twinguard-eval-") as tmp:
        base = Path(home or tmp)
        source = corpus
        if only_referenced:
            source = base / "corpus"
            for rel in referenced_files(queries):
                target = source / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                if not target.exists():
                    target.symlink_to((corpus / rel).resolve())
        tg = open_twinguard(settings(home=base / "index", corpus=source, collection="eval"))
        print_report(index_with_progress(tg, source))
        started = time.perf_counter()
        result = score_retrieval(queries, lambda q, k: [file_span(h) for h in
                                                 tg.search(q, k, mode=mode, doc_aware=doc_aware)], k_values)
        result["seconds_per_query"] = (time.perf_counter() - started) / max(1, len(queries))
    result.update({"mode": mode, "doc_aware": doc_aware, "benchmark": str(bench)})
    if as_json:
        out.file.write(json.dumps(result) + "\n")
        return
    out.print(f"{result['queries']} queries · mode {mode}{' + doc-aware' if doc_aware else ''}")
    out.print("k      " + "".join(f"{k:>8}" for k in k_values))
    out.print("P@k    " + "".join(f"{100 * result['precision'][k]:>7.1f}%" for k in k_values))
    out.print("R@k    " + "".join(f"{100 * result['recall'][k]:>7.1f}%" for k in k_values))


for module in (review, draft, evaluate, doctor, corpus, serve):
    module.register(app)


def main() -> None:  # pragma: no cover - console script entry
    app()
