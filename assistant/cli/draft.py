"""`twinguard draft`: a digital-replica rider from parameters or a plain request.

    twinguard draft --request "12-month e-commerce licence, EUR 500 per use, EU" --model-name "Jane Doe"
    twinguard draft --jurisdiction US-NY --fee-per-use 1000 --currency USD --docx rider.docx --json

Options given explicitly win over what the request says. Drafting goes through the facade
(`TwinGuard.draft`), as on the web page: the clause library of --corpus (which must have one), else of the
configured corpus, else the built-in one; sources are quoted from the index when it is built, else
straight from the corpus files (no index and no model needed).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import List, Optional

import typer

from assistant.cli.common import (
    boundary,
    err,
    open_twinguard,
    out,
    settings,
    write_bytes,
)
from assistant.errors import AssistantError


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
    @boundary
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
        from assistant.draft.export import rider_docx, rider_markdown
        from assistant.draft.request import parse_request
        from assistant.draft.rider import RiderParams

        given = {"model_name": model_name, "company_name": company, "permitted_uses": tuple(use) if use else None,
                 "media": tuple(media) if media else None, "territory": territory, "term_months": term_months,
                 "fee_per_use": fee_per_use, "fee_per_period": fee_per_period, "period": period,
                 "currency": currency.upper() if currency else None, "approval": approval,
                 "deletion_days": deletion_days, "jurisdiction": jurisdiction, "union": union, "minor": minor,
                 "agency_name": agency, "start_date": start_date}
        base = parse_request(request) if request else RiderParams()
        changes = {k: v for k, v in given.items() if v is not None}
        if set_:
            changes["placeholders"] = _placeholders(set_)
        params = dataclasses.replace(base, **changes)
        rider = open_twinguard(settings(corpus=corpus)).draft(params, library=corpus)
        text = rider_markdown(rider)
        if docx:
            write_bytes(docx, rider_docx(rider), "Cannot write the rider: {reason}.")
        if markdown:
            write_bytes(markdown, text.encode("utf-8"), "Cannot write the rider: {reason}.")
        if as_json:
            out.file.write(json.dumps(rider.to_dict(), ensure_ascii=False, indent=2) + "\n")
        elif not (docx or markdown):
            out.file.write(text + "\n")
        for path, kind in ((docx, "DOCX"), (markdown, "Markdown")):
            if path:
                err.print(f"Wrote {kind} rider to {path}")
