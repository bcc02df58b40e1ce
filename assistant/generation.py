"""Generators: the optional language model behind fluent answers, through LangChain chat models.

A generator turns chat messages into text, whole or streamed. `LangChainGenerator` wraps any LangChain
chat model; `make_chat_model("ollama:llama3.1" | "openai:<model>", settings)` builds one for Ollama
(langchain-ollama) or any OpenAI-compatible server (langchain-openai). Both packages are optional
(`pip install 'twinguard[llm]'`). Every failure of the backend becomes a `GenerationError` whose message
is one sentence for the user; the caller then falls back to the extractive answer.

Configuration is read from the environment only when a model is built, never at import time:
TWINGUARD_LLM (`provider:model`), TWINGUARD_LLM_BASE_URL, TWINGUARD_LLM_API_KEY (fallback
OPENAI_API_KEY) and TWINGUARD_LLM_TIMEOUT (seconds).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Protocol, Sequence

from .config import Settings
from .errors import AssistantError

Message = tuple[str, str]            # (role, content): "system" | "human" | "ai"
PROVIDERS = ("ollama", "openai")
DEFAULT_TIMEOUT = 30.0
PACKAGES = {"ollama": "langchain-ollama", "openai": "langchain-openai"}
NO_KEY = "not-needed"                # local OpenAI-compatible servers ignore the key but the client wants one


class GenerationError(AssistantError):
    """The language model could not give a usable reply. `kind`: timeout, connection, rate-limit,
    server, malformed, config."""

    def __init__(self, message: str, kind: str = "malformed"):
        super().__init__(message)
        self.kind = kind


class Generator(Protocol):
    """Anything that answers chat messages: a LangChain model here, a fake in tests."""

    name: str

    def complete(self, messages: Sequence[Message]) -> str: ...

    def stream(self, messages: Sequence[Message]) -> Iterator[str]: ...


@dataclass(frozen=True)
class LLMConfig:
    """Which model to call and how; the key is never shown in a repr."""

    provider: str
    model: str
    base_url: str = ""
    api_key: str = field(default="", repr=False)
    timeout: float = DEFAULT_TIMEOUT

    @property
    def spec(self) -> str:
        return f"{self.provider}:{self.model}"


def parse_spec(spec: str) -> tuple[str, str]:
    """`"ollama:llama3.1"` -> ("ollama", "llama3.1"); a clear ValueError otherwise."""
    provider, sep, model = (spec or "").strip().partition(":")
    provider = provider.strip().lower()
    if not sep or not model.strip() or provider not in PROVIDERS:
        raise ValueError(f"TWINGUARD_LLM must look like 'ollama:<model>' or 'openai:<model>', got {spec!r}.")
    return provider, model.strip()


def configured_spec(settings: Settings, environ: Mapping[str, str] | None = None) -> str:
    """The configured model spec: Settings.llm when the field exists and is set, else TWINGUARD_LLM."""
    env = os.environ if environ is None else environ
    return (getattr(settings, "llm", "") or env.get("TWINGUARD_LLM", "")).strip()


def llm_config(spec: str, environ: Mapping[str, str] | None = None, *,
               timeout: float | None = None) -> LLMConfig:
    """Resolve a spec with the base URL, key and timeout from the environment (read now, when used)."""
    env = os.environ if environ is None else environ
    provider, model = parse_spec(spec)
    if timeout is None:
        raw = env.get("TWINGUARD_LLM_TIMEOUT", "")
        try:
            timeout = float(raw) if raw else DEFAULT_TIMEOUT
        except ValueError:
            raise ValueError(f"TWINGUARD_LLM_TIMEOUT must be a number of seconds, got {raw!r}.") from None
    if timeout <= 0:
        raise ValueError(f"The LLM timeout must be > 0 seconds, got {timeout}.")
    key = env.get("TWINGUARD_LLM_API_KEY", "") or (env.get("OPENAI_API_KEY", "") if provider == "openai" else "")
    return LLMConfig(provider, model, env.get("TWINGUARD_LLM_BASE_URL", "").strip(), key, float(timeout))


def make_chat_model(spec: str, settings: Settings, environ: Mapping[str, str] | None = None, *,
                    timeout: float | None = None):
    """A LangChain chat model for `spec` (temperature 0, no retries: a failure falls back at once)."""
    del settings  # reserved: the model is configured from the spec and the environment
    config = llm_config(spec, environ, timeout=timeout)
    return chat_model(config)


def chat_model(config: LLMConfig):
    if config.provider == "ollama":
        ChatOllama = _import("ollama", "langchain_ollama", "ChatOllama")
        extra = {"base_url": config.base_url} if config.base_url else {}
        return ChatOllama(model=config.model, temperature=0, client_kwargs={"timeout": config.timeout}, **extra)
    ChatOpenAI = _import("openai", "langchain_openai", "ChatOpenAI")
    key = config.api_key or (NO_KEY if config.base_url else "")
    if not key:
        raise GenerationError("openai: needs TWINGUARD_LLM_API_KEY (or OPENAI_API_KEY), or "
                              "TWINGUARD_LLM_BASE_URL for a local server.", kind="config")
    extra = {"base_url": config.base_url} if config.base_url else {}
    return ChatOpenAI(model=config.model, api_key=key, temperature=0, timeout=config.timeout,
                      max_retries=0, **extra)


def _import(provider: str, module: str, name: str):
    try:
        return getattr(__import__(module, fromlist=[name]), name)
    except ImportError:
        raise GenerationError(f"{provider}: the package {PACKAGES[provider]} is not installed; "
                              "install it with pip install 'twinguard[llm]'.", kind="config") from None


def make_generator(settings: Settings, environ: Mapping[str, str] | None = None, *,
                   timeout: float | None = None) -> "LangChainGenerator | None":
    """The configured generator, or None when no LLM is configured (the extractive default)."""
    spec = configured_spec(settings, environ)
    if not spec:
        return None
    return LangChainGenerator(make_chat_model(spec, settings, environ, timeout=timeout), name=spec)


class LangChainGenerator:
    """A `Generator` over a LangChain chat model; backend errors become `GenerationError`."""

    def __init__(self, model: Any, name: str = ""):
        self.model = model
        self.name = name or type(model).__name__

    def complete(self, messages: Sequence[Message]) -> str:
        try:
            reply = self.model.invoke(list(messages))
        except Exception as exc:  # noqa: BLE001 - every backend failure is reported the same way
            raise explain(exc, self.name) from exc
        text = getattr(reply, "content", None)
        if isinstance(text, list):
            text = "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in text)
        if not isinstance(text, str) or not text.strip():
            raise GenerationError(f"{self.name} sent an empty or malformed reply.", kind="malformed")
        return text

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        try:
            for chunk in self.model.stream(list(messages)):
                text = getattr(chunk, "content", "")
                if isinstance(text, str) and text:
                    yield text
        except GenerationError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise explain(exc, self.name) from exc


def explain(exc: BaseException, name: str) -> GenerationError:
    """One user-facing sentence for a backend failure, classified without importing the backends."""
    kinds = {cls.__name__ for cls in type(exc).__mro__}
    status = getattr(exc, "status_code", None) or getattr(getattr(exc, "response", None), "status_code", None)
    if kinds & {"APITimeoutError", "TimeoutException", "ReadTimeout", "TimeoutError", "ConnectTimeout"}:
        return GenerationError(f"{name} did not answer in time.", kind="timeout")
    if status == 429 or "RateLimitError" in kinds:
        return GenerationError(f"{name} is rate-limiting requests (HTTP 429); try again later.", kind="rate-limit")
    if kinds & {"APIConnectionError", "ConnectError", "ConnectionError", "NetworkError"}:
        return GenerationError(f"{name} could not be reached.", kind="connection")
    if isinstance(status, int) and status >= 500:
        return GenerationError(f"{name} failed with a server error (HTTP {status}).", kind="server")
    if isinstance(status, int) and status >= 400:
        return GenerationError(f"{name} refused the request (HTTP {status}).", kind="server")
    return GenerationError(f"{name} sent a reply that could not be read ({type(exc).__name__}).",
                           kind="malformed")
