"""Generators: configuration, the LangChain wrapper (fake chat models), backend failures over real HTTP,
and the `doctor` command."""

import sys
import time

import pytest
import typer
from langchain_core.language_models.fake_chat_models import (
    FakeListChatModel,
    GenericFakeChatModel,
)
from langchain_core.messages import AIMessage
from typer.testing import CliRunner

from assistant.cli.doctor import register
from assistant.config import Settings
from assistant.errors import GenerationError
from assistant.llm.generation import (
    LangChainGenerator,
    llm_config,
    make_chat_model,
    make_generator,
    parse_spec,
)
from tests.llm_server import ScriptedLLM, Step

SETTINGS = Settings(home="/nonexistent")
MESSAGES = [("system", "rules"), ("human", '<passage n="1" source="S" section="Article 50(4)">\ntext\n</passage>')]


def needs(module: str):
    return pytest.importorskip(module, reason=f"{module} is not installed (pip install 'twinguard[llm]')")


@pytest.mark.parametrize("spec", ["", "llama3", "gpt:4", "ollama:", ":model"])
def test_bad_specs_are_explained(spec):
    with pytest.raises(ValueError, match="ollama:<model>' or 'openai:<model>'"):
        parse_spec(spec)


def env_settings(environ: dict, **overrides) -> Settings:
    return Settings.from_env({"TWINGUARD_HOME": "/nonexistent", **environ}, **overrides)


def test_configuration_is_read_from_the_environment_only_when_asked():
    assert env_settings({}).llm == "" and make_generator(env_settings({})) is None
    assert env_settings({"TWINGUARD_LLM": " ollama:llama3.1 "}).llm == "ollama:llama3.1"
    config = llm_config(env_settings({"OPENAI_API_KEY": "sk-1", "TWINGUARD_LLM_TIMEOUT": "2.5"}, llm="openai:gpt-4o-mini"))
    assert (config.provider, config.model, config.api_key, config.timeout) == ("openai", "gpt-4o-mini", "sk-1", 2.5)
    assert "sk-1" not in repr(config)
    assert "sk-1" not in repr(env_settings({"OPENAI_API_KEY": "sk-1"}, llm="openai:m"))
    assert llm_config(env_settings({"OPENAI_API_KEY": "a", "TWINGUARD_LLM_API_KEY": "b"}, llm="openai:m")).api_key == "b"
    assert llm_config(env_settings({"OPENAI_API_KEY": "a"}, llm="ollama:m")).api_key == ""
    with pytest.raises(ValueError, match="number of seconds"):
        llm_config(env_settings({"TWINGUARD_LLM_TIMEOUT": "soon"}, llm="ollama:m"))


def test_factory_builds_langchain_models():
    needs("langchain_openai")
    needs("langchain_ollama")
    model = make_chat_model(env_settings({"TWINGUARD_LLM_BASE_URL": "http://127.0.0.1:9/v1",
                                          "TWINGUARD_LLM_TIMEOUT": "3"}, llm="openai:local-model"))
    assert type(model).__name__ == "ChatOpenAI"
    assert (model.model_name, model.openai_api_base, model.request_timeout, model.max_retries) == (
        "local-model", "http://127.0.0.1:9/v1", 3.0, 0)
    ollama = make_chat_model(env_settings({"TWINGUARD_LLM_BASE_URL": "http://127.0.0.1:9"}, llm="ollama:llama3.1"))
    assert type(ollama).__name__ == "ChatOllama" and ollama.model == "llama3.1"
    assert ollama.base_url == "http://127.0.0.1:9" and ollama.client_kwargs == {"timeout": 30.0}
    with pytest.raises(GenerationError, match="TWINGUARD_LLM_API_KEY") as info:
        make_chat_model(env_settings({}, llm="openai:gpt-4o-mini"))
    assert info.value.kind == "config"


def test_missing_package_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "langchain_ollama", None)
    with pytest.raises(GenerationError, match=r"langchain-ollama is not installed.*twinguard\[llm\]"):
        make_chat_model(env_settings({}, llm="ollama:llama3.1"))


def test_fake_chat_models_through_the_wrapper():
    model = GenericFakeChatModel(messages=iter([AIMessage(content="Deep fakes must be labelled [1]."),
                                                AIMessage(content="Streamed reply [1].")]))
    generator = LangChainGenerator(model, name="fake")
    assert generator.complete(MESSAGES) == "Deep fakes must be labelled [1]."
    pieces = list(generator.stream(MESSAGES))
    assert len(pieces) > 1 and "".join(pieces) == "Streamed reply [1]."


def test_fake_model_errors_become_generation_errors():
    broken = LangChainGenerator(FakeListChatModel(responses=["abcdef"], error_on_chunk_number=2), name="fake")
    with pytest.raises(GenerationError) as info:
        list(broken.stream(MESSAGES))
    assert info.value.kind == "malformed"
    empty = LangChainGenerator(GenericFakeChatModel(messages=iter([AIMessage(content="  ")])), name="fake")
    with pytest.raises(GenerationError, match="empty or malformed"):
        empty.complete(MESSAGES)


@pytest.fixture
def server():
    with ScriptedLLM() as llm:
        yield llm


def openai_generator(url: str, timeout: float = 1.0) -> LangChainGenerator:
    needs("langchain_openai")
    env = {"TWINGUARD_LLM_BASE_URL": url, "TWINGUARD_LLM_TIMEOUT": str(timeout)}
    return LangChainGenerator(make_chat_model(env_settings(env, llm="openai:scripted")), name="openai:scripted")


def test_openai_protocol_plain_and_streaming(server):
    generator = openai_generator(server.url)
    server.enqueue(Step("Deep fakes must be disclosed [{Article 50(4)}]."), Step("Streamed [{?}].", chunk=3))
    assert generator.complete(MESSAGES) == "Deep fakes must be disclosed [1]."
    pieces = list(generator.stream(MESSAGES))
    assert pieces[:2] == ["Str", "eam"] and "".join(pieces) == "Streamed [2]."
    first, second = server.requests
    assert first["model"] == "scripted" and first["temperature"] == 0 and not first.get("stream")
    assert second["stream"] is True and first["messages"][0] == {"role": "system", "content": "rules"}


@pytest.mark.parametrize("step,kind", [(Step(status=500), "server"), (Step(status=429), "rate-limit"),
                                       (Step(status=401), "server"), (Step(delay=1.5, text="late"), "timeout"),
                                       (Step(garbage=b"<html>not json"), "malformed"),
                                       (Step(garbage=b"data: {broken\n\n"), "malformed")])
@pytest.mark.parametrize("streaming", [False, True])
def test_backend_failures_are_classified(server, step, kind, streaming):
    generator = openai_generator(server.url, timeout=0.5)
    server.enqueue(step)
    started = time.perf_counter()
    with pytest.raises(GenerationError) as info:
        list(generator.stream(MESSAGES)) if streaming else generator.complete(MESSAGES)
    assert info.value.kind == kind, info.value
    assert time.perf_counter() - started < 1.4          # no retries, the timeout holds


def test_unreachable_servers_are_connection_errors():
    with pytest.raises(GenerationError) as info:
        openai_generator("http://127.0.0.1:9/v1").complete(MESSAGES)
    assert info.value.kind == "connection"
    needs("langchain_ollama")
    ollama = make_chat_model(env_settings({"TWINGUARD_LLM_BASE_URL": "http://127.0.0.1:9",
                                           "TWINGUARD_LLM_TIMEOUT": "1"}, llm="ollama:llama3.1"))
    with pytest.raises(GenerationError) as info:
        LangChainGenerator(ollama, "ollama:llama3.1").complete(MESSAGES)
    assert info.value.kind == "connection"


def doctor(env: dict, *args: str):
    app = typer.Typer()
    register(app)

    @app.callback()
    def main():  # keeps `doctor` a subcommand
        pass

    return CliRunner().invoke(app, ["doctor", *args], env={"TWINGUARD_LLM": "", **env})


def test_doctor_without_a_model_says_answers_are_extractive():
    result = doctor({})
    assert result.exit_code == 0 and "No language model configured" in result.output


def test_doctor_reports_a_working_and_a_failing_model(server):
    needs("langchain_openai")
    env = {"TWINGUARD_LLM": "openai:scripted", "TWINGUARD_LLM_BASE_URL": server.url}
    server.enqueue(Step("ready"))
    result = doctor(env)
    assert result.exit_code == 0, result.output
    assert "openai:scripted answers" in result.output and server.url in result.output
    server.enqueue(Step(delay=1.5, text="ready"))
    result = doctor(env, "--timeout", "0.5", "--json")
    assert result.exit_code == 1
    assert '"answers": false' in result.output and "did not answer in time" in result.output
