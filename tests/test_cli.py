"""The twinguard command line, run in-process with real components over the fixture corpus."""

import json
import shutil

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app
from tests.conftest import FIXTURE_CORPUS

runner = CliRunner()

pytestmark = pytest.mark.integration   # `twinguard index` loads the real model (the env fixture)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    corpus = root / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    env = {"TWINGUARD_HOME": str(root / "home"), "TWINGUARD_CORPUS": str(corpus)}
    result = runner.invoke(app, ["index"], env=env)
    assert result.exit_code == 0, result.output
    assert "4 added" in result.output
    return env


def test_index_twice_is_a_noop(env):
    result = runner.invoke(app, ["index"], env=env)
    assert result.exit_code == 0 and "0 added, 0 updated, 0 removed, 4 unchanged" in result.output


def test_search_json(env):
    result = runner.invoke(app, ["search", "commission percent", "-k", "2", "--json"], env=env)
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert hits[0]["doc_id"] == "test-ny-fwa" and len(hits) == 2


def test_ask_json_shape(env):
    result = runner.invoke(app, ["ask", "Do brands have to label AI images of me?", "--json"], env=env)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert set(answer) == {"question", "answer", "refused", "mode", "notice", "plan", "citations"}
    assert answer["mode"] == "extractive" and answer["refused"] is False
    plan = answer["plan"]
    assert plan["intent"] == "yes-no" and "labelling" in plan["topics"] and plan["in_scope"] is True
    assert plan["places"] == [] and plan["summary"].startswith("no particular place")
    citation = answer["citations"][0]
    assert {"n", "doc_id", "title", "section", "page", "url", "quote", "start", "end"} <= set(citation)
    assert any(c["doc_id"] == "test-ai-act" for c in answer["citations"])


def test_ask_json_plan_names_an_uncovered_place_and_what_applies_there(env):
    result = runner.invoke(app, ["ask", "I model in Berlin. Do brands have to label AI images of me?", "--json"],
                           env=env)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["plan"]["places"] == [{"code": "DE", "name": "Germany", "covered": False, "applies": ["EU"]}]
    assert answer["answer"].startswith("TwinGuard has no digest of German law yet")
    assert {c["jurisdiction"] for c in answer["citations"]} <= {"EU", "INTL"}


def test_ask_many_from_stdin_prints_json_lines(env):
    questions = "Can my agency make a digital twin of me without asking?\n\nbanana bread recipe?\n" + "x" * 3000
    result = runner.invoke(app, ["ask", "-"], input=questions, env=env)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3
    assert lines[0]["refused"] is False and lines[0]["citations"]
    assert lines[1]["refused"] is True
    assert "limit" in lines[2]["error"]


def test_empty_question_is_a_clear_error(env):
    result = runner.invoke(app, ["ask", "   "], env=env)
    assert result.exit_code == 1 and "Please type a question" in result.output


def test_eval_retrieval_on_a_small_benchmark(tmp_path, env):
    text = (FIXTURE_CORPUS / "test-ny-fwa.md").read_text()
    needle = "may not take a commission of more than twenty percent"
    start = text.index(needle)  # offsets into the file as stored, front matter included
    bench = {"tests": [{"query_id": "q1", "query": "What is the commission cap?",
                        "snippets": [{"file_path": "test-ny-fwa.md", "span": [start, start + len(needle)]}]}]}
    (tmp_path / "bench.json").write_text(json.dumps(bench))
    result = runner.invoke(app, ["eval-retrieval", str(tmp_path / "bench.json"), "--corpus", str(FIXTURE_CORPUS),
                                 "-k", "1,4", "--json"], env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["recall"]["1"] == 1.0 and 0 < report["precision"]["1"] < 1


def _twinguard(*args, env, **kw):
    import os
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).parent / "twinguard"
    return subprocess.run([str(exe), *args], env={**os.environ, **env, "HF_HUB_OFFLINE": "1"}, capture_output=True,
                          text=True, timeout=300, **kw)


def test_a_json_pipeline_gets_only_json_and_a_quiet_stderr(env):
    """A real process (the model loads in it): no progress bar or library warning unless --verbose."""
    quiet = _twinguard("ask", "--json", "Do brands have to label AI images of me?", env=env)
    assert quiet.returncode == 0, quiet.stderr
    assert json.loads(quiet.stdout)["refused"] is False and quiet.stderr == ""
    loud = _twinguard("--verbose", "ask", "--json", "Do brands have to label AI images of me?", env=env)
    assert loud.returncode == 0 and "Loading weights" in loud.stderr and json.loads(loud.stdout)
    failed = _twinguard("ask", "--json", "   ", env=env)
    assert failed.returncode == 1 and failed.stdout == "" and failed.stderr.strip().count("\n") == 0


def test_make_run_builds_the_index_before_the_server_starts():
    """`make run` indexes the built-in corpus first (so the first answer does not wait for it) and starts
    a server that watches no files."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    recipe = subprocess.run(["make", "-n", "run", "BIN=.venv/bin"], cwd=root, capture_output=True, text=True,
                            timeout=60).stdout
    lines = [line.strip() for line in recipe.splitlines()]
    index = next(i for i, line in enumerate(lines) if line.endswith("twinguard index"))
    serve = next(i for i, line in enumerate(lines) if "streamlit run" in line)
    assert index < serve and "--server.fileWatcherType none" in lines[serve]
