"""`twinguard review FILE|-`: check a contract against the digital-replica playbook.

    twinguard review contract.pdf [--jurisdiction US-NY] [--json] [--markdown] [--docx redline.docx] [--comments-only]
    twinguard review edited.docx --compare-with template|original.pdf [--json]
    pbpaste | twinguard review -
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from assistant.cli.common import boundary, err, open_twinguard, out, write_bytes
from assistant.errors import LoadError

if TYPE_CHECKING:
    from assistant.twinguard import TwinGuard
    from assistant.types import Document


def read_source(file: str, tg: TwinGuard) -> Document:
    """A Document from a path, or from stdin for '-' (pasted text: one clause or a whole contract), read
    with the facade's size and page limits."""
    from assistant.ingest.loaders import load_file

    if file == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
        return tg.read_contract(data, "pasted.txt")[0]
    path = Path(file)
    if not path.exists():
        raise LoadError(file, "no such file")
    return load_file(path, max_bytes=tg.settings.max_file_bytes, limits=tg.settings.limits)[0]


def register(app: typer.Typer) -> None:
    @app.command("review")
    @boundary
    def review_command(
            file: str = typer.Argument(..., help="Contract file (.pdf, .docx, .txt, .md) or - for pasted text."),
            jurisdiction: Optional[str] = typer.Option(None, "--jurisdiction", "-j",
                                                       help="e.g. US-NY, US-CA, US-IL, EU (default: the governing-law clause)"),
            as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
            markdown: bool = typer.Option(False, "--markdown", help="Print a Markdown report."),
            docx: Optional[Path] = typer.Option(None, "--docx", help="Write a DOCX with tracked changes here."),
            comments_only: bool = typer.Option(False, "--comments-only",
                                               help="In the DOCX, leave the text untouched: comments only."),
            compare_with: Optional[str] = typer.Option(
                None, "--compare-with", help="Report only what changed from this earlier version (a file), or "
                                             "from TwinGuard's digital replica rider ('template').")):
        """Review a contract for risky digital-replica clauses, with citations and safer wording."""
        from assistant.review.report import comparison_markdown, to_markdown

        tg = open_twinguard()
        doc = read_source(file, tg)
        if compare_with is not None:
            base = None if compare_with == "template" else read_source(compare_with, tg)
            comparison = tg.compare(doc, base, jurisdiction)
            if as_json:
                out.file.write(json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2) + "\n")
            else:
                out.file.write(comparison_markdown(comparison, f"Changes in {doc.title}") + "\n")
            return
        result = tg.review(doc, jurisdiction)
        if docx is not None:
            write_bytes(docx, tg.review_docx(result, doc.title, comment_only=comments_only),
                        f"{docx}: cannot write the DOCX ({{reason}})")
            how = "as comments" if comments_only else "as tracked changes with comments"
            err.print(f"Wrote {docx} ({len(result.findings)} findings {how}).")
        if as_json:
            out.file.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
        elif markdown or docx is None:
            out.file.write(to_markdown(result, f"Contract review: {doc.title}") + "\n")
