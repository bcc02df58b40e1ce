"""What every command shares: the consoles, the settings, the facade, and the one error boundary.

Library code raises `AssistantError`s whose message is a sentence for the user; `@boundary` turns them
(and `ValueError`s from bad options, and `OSError`s from files) into one line on stderr and exit code 1.
Set TWINGUARD_RAISE_ERRORS=1 to see the full traceback instead.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Callable, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from assistant.config import Settings
from assistant.errors import AssistantError

RAISE_ERRORS_ENV = "TWINGUARD_RAISE_ERRORS"
out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)
F = TypeVar("F", bound=Callable)


def boundary(command: F) -> F:
    """Run a command; an error becomes a one-line message and exit code 1 (or a traceback on request)."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (AssistantError, ValueError, OSError) as exc:
            if os.environ.get(RAISE_ERRORS_ENV):
                raise
            err.print(f"[red]Error:[/red] {escape(message(exc))}")
            raise typer.Exit(1) from None

    return run  # type: ignore[return-value]


def message(exc: Exception) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, AssistantError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc.__class__.__name__}"
    return str(exc)


#: Set by `twinguard --verbose`: library messages and progress bars stay on.
VERBOSE = {"on": False}


def quiet_libraries() -> None:
    """Scripts and `--json` pipelines see our output only: library warnings and log lines are silenced."""
    import logging
    import warnings

    warnings.simplefilter("ignore")
    for name in ("chromadb", "sentence_transformers", "transformers", "torch", "httpx", "urllib3"):
        logging.getLogger(name).setLevel(logging.ERROR)


def settings(**overrides) -> Settings:
    if VERBOSE["on"]:
        overrides.setdefault("verbose", True)
    return Settings.from_env(**overrides)


def open_twinguard(config: Settings | None = None):
    """The facade; imported here so that `twinguard --help` does not load the model stack."""
    from assistant.twinguard import TwinGuard

    return TwinGuard(config or settings())


def write_bytes(path: Path, data: bytes, failure: str) -> None:
    """Write a file; `failure` is the message when it cannot be written, with {reason} for the cause."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise AssistantError(failure.format(reason=exc.strerror or exc.__class__.__name__)) from exc
