"""Generators: the optional language model behind fluent answers, through LangChain chat models.

A generator turns chat messages into text, whole or streamed. `LangChainGenerator` wraps any LangChain
chat model; `make_chat_model(settings)` builds one for Settings.llm ("ollama:llama3.1" | "openai:<model>"): Ollama
(langchain-ollama) or any OpenAI-compatible server (langchain-openai). Both packages are optional
(`pip install 'twinguard[llm]'`). Every failure of the backend becomes a `GenerationError` whose message
is one sentence for the user; the caller then falls back to the extractive answer.

Configuration comes from `Settings` (llm, llm_base_url, llm_api_key, llm_timeout), which
`Settings.from_env` fills from TWINGUARD_LLM, TWINGUARD_LLM_BASE_URL, TWINGUARD_LLM_API_KEY (fallback
OPENAI_API_KEY) and TWINGUARD_LLM_TIMEOUT; nothing here reads the environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

from assistant.config import Settings
from assistant.errors import GenerationError
from assistant.protocols import Message

PROVIDERS = ("ollama", "openai")
PACKAGES = {"ollama": "langchain-ollama", "openai": "langchain-openai"}
NO_KEY = "not-needed"                # local OpenAI-compatible servers ignore the key but the client wants one


@dataclass(frozen=True)
class LLMConfig:
    """Which model to call and how; the key is never shown in a repr."""

    provider: str
    model: str
    base_url: str                         # empty: the provider's default
    api_key: str = field(repr=False)
    timeout: float
    max_tokens: int

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


def llm_config(settings: Settings, *, timeout: float | None = None) -> LLMConfig:
    """The configured model (Settings.llm) with its base URL, key and timeout."""
    provider, model = parse_spec(settings.llm)
    timeout = settings.llm_timeout if timeout is None else timeout
    if timeout <= 0:
        raise ValueError(f"The LLM timeout must be > 0 seconds, got {timeout}.")
    return LLMConfig(provider, model, settings.llm_base_url, settings.llm_api_key, float(timeout),
                     settings.llm_max_tokens)


def make_chat_model(settings: Settings, *, timeout: float | None = None):
    """A LangChain chat model for Settings.llm (temperature 0, no retries: a failure falls back at once)."""
    return chat_model(llm_config(settings, timeout=timeout))


def chat_model(config: LLMConfig):
    if config.provider == "ollama":
        ChatOllama = _import("ollama", "langchain_ollama", "ChatOllama")
        extra = {"base_url": config.base_url} if config.base_url else {}
        return ChatOllama(model=config.model, temperature=0, num_predict=config.max_tokens,
                          client_kwargs={"timeout": config.timeout}, **extra)
    ChatOpenAI = _import("openai", "langchain_openai", "ChatOpenAI")
    key = config.api_key or (NO_KEY if config.base_url else "")
    if not key:
        raise GenerationError("openai: needs TWINGUARD_LLM_API_KEY (or OPENAI_API_KEY), or "
                              "TWINGUARD_LLM_BASE_URL for a local server.", kind="config")
    extra = {"base_url": config.base_url} if config.base_url else {}
    return ChatOpenAI(model=config.model, api_key=key, temperature=0, timeout=config.timeout,
                      max_tokens=config.max_tokens, max_retries=0, **extra)


def _import(provider: str, module: str, name: str):
    try:
        return getattr(__import__(module, fromlist=[name]), name)
    except ImportError:
        raise GenerationError(f"{provider}: the package {PACKAGES[provider]} is not installed; "
                              "install it with pip install 'twinguard[llm]'.", kind="config") from None


def make_generator(settings: Settings, *, timeout: float | None = None) -> "LangChainGenerator | None":
    """The configured generator, or None when no LLM is configured (the extractive default)."""
    if not settings.llm:
        return None
    return LangChainGenerator(make_chat_model(settings, timeout=timeout), name=settings.llm)


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
