"""The one error boundary of the command line: a clean line for users, the traceback on request."""

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli.common import boundary
from assistant.errors import AssistantError, LoadError

app = typer.Typer()


@app.command()
@boundary
def fail(kind: str):
    if kind == "user":
        raise LoadError("contract.pdf", "the file is encrypted; remove the password and try again")
    if kind == "value":
        raise ValueError("k must be > 0, got 0")
    if kind == "os":
        raise PermissionError(13, "Permission denied", "/root/out.docx")
    raise RuntimeError("a bug")


@pytest.mark.parametrize("kind, line", [
    ("user", "Error: contract.pdf: the file is encrypted; remove the password and try again"),
    ("value", "Error: k must be > 0, got 0"),
    ("os", "Error: /root/out.docx: Permission denied"),
])
def test_errors_become_one_line_and_exit_1(kind, line, monkeypatch):
    monkeypatch.delenv("TWINGUARD_RAISE_ERRORS", raising=False)
    result = CliRunner().invoke(app, [kind])
    assert result.exit_code == 1
    assert result.output.strip() == line
    assert "Traceback" not in result.output


def test_raise_errors_shows_the_original_exception(monkeypatch):
    monkeypatch.setenv("TWINGUARD_RAISE_ERRORS", "1")
    result = CliRunner().invoke(app, ["user"])
    assert isinstance(result.exception, LoadError) and isinstance(result.exception, AssistantError)


def test_a_bug_is_not_dressed_up_as_a_user_error(monkeypatch):
    monkeypatch.delenv("TWINGUARD_RAISE_ERRORS", raising=False)
    result = CliRunner().invoke(app, ["bug"])
    assert isinstance(result.exception, RuntimeError)


def test_every_command_goes_through_the_boundary():
    from assistant.cli.app import app as main_app

    commands = list(main_app.registered_commands)
    for group in main_app.registered_groups:
        commands += group.typer_instance.registered_commands
    assert commands
    for command in commands:
        assert getattr(command.callback, "__wrapped__", None) is not None, command.name
