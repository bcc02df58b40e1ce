"""TwinGuard.ask with an LLM configured, over the loopback OpenAI-protocol server."""

import pytest

pytest.importorskip("langchain_openai")

from assistant.twinguard import TwinGuard  # noqa: E402
from tests.llm_server import ScriptedLLM, Step  # noqa: E402

pytestmark = pytest.mark.integration

QUESTION = "Can my agency make a digital twin of me without asking?"
GOOD = ("A model management company may not create or alter a model's digital replica using artificial "
        "intelligence without the model's clear, conspicuous and separate written consent [{§ 1035(10)}].")


@pytest.fixture
def llm_guard(indexed, monkeypatch):
    with ScriptedLLM() as server:
        tg = TwinGuard(indexed.settings.with_(llm="openai:scripted", llm_base_url=server.url, llm_api_key="test-key",
                                              llm_timeout=5.0), embedder=indexed.embedder)
        yield tg, server


def test_ask_uses_the_llm_and_keeps_only_supported_cited_sentences(llm_guard):
    tg, server = llm_guard
    server.enqueue(Step(GOOD + " The agency must also pay the model EUR 9,999 for every scan [{§ 1035(10)}]."))
    answer = tg.ask(QUESTION)
    assert answer.mode == "llm"
    assert "separate written consent" in answer.text and "9,999" not in answer.text
    assert {c.doc_id for c in answer.citations} == {"test-ny-fwa"}


def test_streaming_then_final_answer(llm_guard):
    tg, server = llm_guard
    server.enqueue(Step(GOOD))
    items = list(tg.ask_stream(QUESTION))
    assert all(isinstance(i, str) for i in items[:-1]) and items[-1].mode == "llm"


def test_a_failing_backend_falls_back_to_the_extractive_answer(llm_guard):
    tg, server = llm_guard
    server.enqueue(Step(status=500))
    answer = tg.ask(QUESTION)
    assert answer.mode == "extractive" and answer.notice and answer.citations
