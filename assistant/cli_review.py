"""`twinguard review FILE|-`: the contract review command. The lead wires it in with `register(app)`.

    twinguard review contract.pdf [--jurisdiction US-NY] [--json] [--markdown] [--docx redline.docx]
    pbpaste | twinguard review -
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from .errors import AssistantError, LoadError
from .review_report import edits_for, to_markdown



def _fail(message: str) -> None:
    if os.environ.get("TWINGUARD_RAISE_ERRORS"):
        raise AssistantError(message)
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(1)


def read_source(file: str, settings):
    """A Document from a path, or from stdin for '-' (pasted text: one clause or a whole contract)."""
    from .loaders import load_bytes, load_file

    if file == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
        doc, _ = load_bytes(data, "pasted.txt", settings.limits)
        return doc
    path = Path(file)
    if not path.exists():
        raise LoadError(file, "no such file")
    doc, _ = load_file(path, max_bytes=settings.max_file_bytes, limits=settings.limits)
    return doc


def register(app: typer.Typer) -> None:
    @app.command("review")
    def review_command(
            file: str = typer.Argument(..., help="Contract file (.pdf, .docx, .txt, .md) or - for pasted text."),
            jurisdiction: Optional[str] = typer.Option(None, "--jurisdiction", "-j",
                                                       help="e.g. US-NY, US-CA, US-IL, EU (default: the governing-law clause)"),
            as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
            markdown: bool = typer.Option(False, "--markdown", help="Print a Markdown report."),
            docx: Optional[Path] = typer.Option(None, "--docx", help="Write a DOCX with tracked changes here.")):
        """Review a contract for risky digital-replica clauses, with citations and safer wording."""
        from .config import Settings
        from .playbook import CorpusSections
        from .review import review

        try:
            settings = Settings.from_env()
            doc = read_source(file, settings)
            from .embeddings import MiniLMEmbedder

            tg = CorpusSections(settings, MiniLMEmbedder(batch_size=settings.embed_batch_size))
            result = review(doc, tg, jurisdiction)
        except (AssistantError, ValueError) as exc:
            _fail(str(exc))
            return
        if docx is not None:
            _write_docx(result, docx, doc.title)
        if as_json:
            typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        elif markdown or docx is None:
            typer.echo(to_markdown(result, f"Contract review: {doc.title}"))


def _write_docx(result, out: Path, title: str) -> None:
    try:
        from .redline import tracked_changes_docx
    except ImportError:
        _fail("DOCX export is not available in this version (assistant.redline is missing).")
        return
    try:
        data = tracked_changes_docx(result.text, edits_for(result), f"Review: {title}")
        out.write_bytes(data)
    except OSError as exc:
        _fail(f"{out}: cannot write the DOCX ({exc.strerror or exc.__class__.__name__})")
    typer.echo(f"Wrote {out} ({len(result.findings)} findings as tracked changes).", err=True)
