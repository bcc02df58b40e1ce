"""`twinguard draft`: a digital-replica rider from parameters or a plain request.

    twinguard draft --request "12-month e-commerce licence, EUR 500 per use, EU" --model-name "Jane Doe"
    twinguard draft --jurisdiction US-NY --fee-per-use 1000 --currency USD --docx rider.docx --json

Options given explicitly win over what the request says. Sources are quoted straight from the corpus
files (clauselib.CorpusSections), so drafting needs no index and no model.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import List, Optional

import typer

from .errors import AssistantError


def _fail(exc: Exception) -> None:
    if os.environ.get("TWINGUARD_RAISE_ERRORS"):
        raise exc
    typer.echo(f"Error: {exc}", err=True)
    raise typer.Exit(1)


def _placeholders(pairs: List[str]) -> tuple[tuple[str, str], ...]:
    out = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise AssistantError(f"--set needs KEY=VALUE (for example --set \"APPROVAL DAYS=5\"), not '{pair}'.")
        out.append((key.strip().upper(), value.strip()))
    return tuple(out)


def register(app: typer.Typer) -> None:
    """Add the `draft` command to a typer app."""

    @app.command("draft")
    def draft(
        request: Optional[str] = typer.Option(None, "--request", "-r",
                                              help='e.g. "12-month e-commerce licence, EUR 500 per use, EU"'),
        model_name: Optional[str] = typer.Option(None, "--model-name", help="The model's name."),
        company: Optional[str] = typer.Option(None, "--company", help="The client's name."),
        use: Optional[List[str]] = typer.Option(None, "--use", help="A permitted use (repeatable)."),
        media: Optional[List[str]] = typer.Option(None, "--media", help="A medium or channel (repeatable)."),
        territory: Optional[str] = typer.Option(None, "--territory"),
        term_months: Optional[int] = typer.Option(None, "--term-months"),
        fee_per_use: Optional[float] = typer.Option(None, "--fee-per-use"),
        fee_per_period: Optional[float] = typer.Option(None, "--fee-per-period"),
        period: Optional[str] = typer.Option(None, "--period", help="What --fee-per-period pays for (month, year)."),
        currency: Optional[str] = typer.Option(None, "--currency"),
        approval: Optional[bool] = typer.Option(None, "--approval/--no-approval", help="Model approves content."),
        deletion_days: Optional[int] = typer.Option(None, "--deletion-days"),
        jurisdiction: Optional[str] = typer.Option(None, "--jurisdiction", "-j",
                                                   help="EU, US-NY, US-CA, US-IL, UK, ..."),
        union: Optional[str] = typer.Option(None, "--union"),
        minor: Optional[bool] = typer.Option(None, "--minor/--adult", help="The model is under 18."),
        agency: Optional[str] = typer.Option(None, "--agency",
                                             help="The model's agency (adds the no-power-of-attorney clause)."),
        start_date: Optional[str] = typer.Option(None, "--start-date", help="YYYY-MM-DD"),
        set_: Optional[List[str]] = typer.Option(None, "--set", help='Fill any placeholder: --set "APPROVAL DAYS=5".'),
        corpus: Optional[Path] = typer.Option(None, "--corpus", help="Corpus folder holding clause-library/."),
        docx: Optional[Path] = typer.Option(None, "--docx", help="Write the rider as DOCX here."),
        markdown: Optional[Path] = typer.Option(None, "--markdown", help="Write the rider as Markdown here."),
        as_json: bool = typer.Option(False, "--json", help="Print the rider as JSON."),
    ):
        """Draft a digital-replica rider from the clause library, every clause with its sources."""
        from .clauselib import CorpusSections, load_library
        from .config import Settings
        from .drafting import draft_rider
        from .rider import RiderParams
        from .rider_export import rider_docx, rider_markdown
        from .rider_request import parse_request

        given = {"model_name": model_name, "company_name": company, "permitted_uses": tuple(use) if use else None,
                 "media": tuple(media) if media else None, "territory": territory, "term_months": term_months,
                 "fee_per_use": fee_per_use, "fee_per_period": fee_per_period, "period": period,
                 "currency": currency.upper() if currency else None, "approval": approval,
                 "deletion_days": deletion_days, "jurisdiction": jurisdiction, "union": union, "minor": minor,
                 "agency_name": agency, "start_date": start_date}
        try:
            base = parse_request(request) if request else RiderParams()
            changes = {k: v for k, v in given.items() if v is not None}
            if set_:
                changes["placeholders"] = _placeholders(set_)
            params = dataclasses.replace(base, **changes)
            settings = Settings.from_env(**({"corpus": corpus} if corpus else {}))
            library = load_library(settings.corpus)
            rider = draft_rider(params, library, CorpusSections(settings.corpus, settings.chunk_size,
                                                                settings.chunk_overlap, settings.min_chunk))
            text = rider_markdown(rider)
            if docx:
                docx.write_bytes(rider_docx(rider))
            if markdown:
                markdown.write_text(text, encoding="utf-8")
        except (AssistantError, ValueError) as exc:
            _fail(exc)
            return
        except OSError as exc:
            _fail(AssistantError(f"Cannot write the rider: {exc.strerror or exc}."))
            return
        if as_json:
            typer.echo(json.dumps(rider.to_dict(), ensure_ascii=False, indent=2))
        elif not (docx or markdown):
            typer.echo(text)
        for path, kind in ((docx, "DOCX"), (markdown, "Markdown")):
            if path:
                typer.echo(f"Wrote {kind} rider to {path}", err=True)
