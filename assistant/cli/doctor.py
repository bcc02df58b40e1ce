"""`twinguard doctor`: which language model is configured, and whether it answers (short timeout).
"""

from __future__ import annotations

import json
import time

import typer

from assistant.cli.common import boundary
from assistant.cli.common import settings as load_settings
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.llm.generation import LangChainGenerator, chat_model, llm_config

PING = [("system", "You are a health check. Reply with the single word: ready"), ("human", "ready?")]


def diagnose(settings: Settings, *, timeout: float = 5.0) -> dict:
    """What is configured and whether it answers; never raises for a backend problem."""
    spec = settings.llm
    report: dict = {"configured": bool(spec), "spec": spec, "answers": None, "mode": "extractive"}
    if not spec:
        report["message"] = ("No language model configured: answers are extractive (sentences quoted from the "
                             "sources). Set TWINGUARD_LLM=ollama:<model> or openai:<model> to add fluent answers.")
        return report
    try:
        config = llm_config(settings, timeout=timeout)
        report.update(provider=config.provider, model=config.model,
                      base_url=config.base_url or "(provider default)", api_key_set=bool(config.api_key))
        generator = LangChainGenerator(chat_model(config), name=spec)
        started = time.perf_counter()
        reply = generator.complete(PING)
        report.update(answers=True, seconds=round(time.perf_counter() - started, 2), mode="llm",
                      message=f"{spec} answers ({report.get('base_url')}); reply: {reply.strip()[:40]!r}.")
    except (AssistantError, ValueError) as exc:
        report.update(answers=False, message=f"{spec} is configured but does not answer: {exc} "
                                             "Answers fall back to the extractive mode.")
    return report


def register(app: typer.Typer) -> None:
    @app.command()
    @boundary
    def doctor(timeout: float = typer.Option(5.0, "--timeout", help="Seconds to wait for the model."),
               as_json: bool = typer.Option(False, "--json", help="Print the report as JSON.")):
        """Say which language model is configured and whether it answers."""
        report = diagnose(load_settings(), timeout=timeout)
        if as_json:
            typer.echo(json.dumps(report, ensure_ascii=False))
        else:
            typer.echo(f"LLM: {report['spec'] or 'none'}")
            for key in ("base_url", "api_key_set", "seconds"):
                if key in report:
                    typer.echo(f"  {key.replace('_', ' ')}: {report[key]}")
            typer.echo(report["message"])
        if report["configured"] and not report["answers"]:
            raise typer.Exit(1)
