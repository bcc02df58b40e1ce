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
