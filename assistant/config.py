"""Settings: one object, built at the boundary (CLI or web app) and passed down.

Nothing here is read at import time; `Settings.from_env()` reads the environment when called.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

ENV_PREFIX = "TWINGUARD_"


def repo_root() -> Path:
    """The folder that holds the package, the corpus, eval/ and the app (the repository)."""
    return Path(__file__).resolve().parent.parent


def builtin_corpus() -> Path:
    """The corpus shipped beside the package (the repository's corpus/ folder)."""
    return repo_root() / "corpus"


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("twinguard", appauthor=False))


MAX_PAGES = 2000
MAX_EXPANDED = 200 * 1024 * 1024        # decompressed PDF content or DOCX parts (bomb guard)
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much of a file the loaders will read; `Settings.limits` gives the configured values."""

    max_pages: int = MAX_PAGES
    max_expanded: int = MAX_EXPANDED    # decompressed PDF content or DOCX parts


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Defaults work on a fresh machine with no configuration."""

    home: Path = field(default_factory=default_home)
    corpus: Path = field(default_factory=builtin_corpus)
    collection: str = "twinguard"
    # Chroma: embedded (PersistentClient under home) unless chroma_host is set.
    chroma_host: str = ""
    chroma_port: int = 8000
    # Several processes over one Chroma server (server mode): the shared library folder, how often a process
    # looks for a newer index (seconds), the indexing lease's lifetime and how long a second indexer waits.
    library_path: Path | None = None   # None: home/library
    refresh_seconds: float = 2.0
    lease_seconds: float = 30.0
    index_wait_seconds: float = 10.0
    # Retrieval
    k: int = 6                      # passages handed to the answer
    k_dense: int = 40               # candidates from each retriever before fusion
    k_keyword: int = 40
    dense_weight: float = 0.7       # convex fusion weight of the dense score (rest is BM25)
    doc_aware: bool = True
    # Chunking
    chunk_size: int = 1000          # characters; longer sections are split
    chunk_overlap: int = 100
    min_chunk: int = 200            # smaller structural pieces merge with their neighbour
    # Answers
    min_relevance: float = 0.40     # below this best dense similarity the question is declined (docs/EVALUATION.md § 7)
    max_points: int = 4
    # Limits for bad input
    max_question_chars: int = 2000
    max_file_bytes: int = MAX_FILE_BYTES
    max_pages: int = MAX_PAGES
    max_expanded_bytes: int = MAX_EXPANDED
    embed_batch_size: int = 64
    # Optional LLM ("ollama:llama3.1" or "openai:gpt-4o-mini"); empty = extractive answers only
    llm: str = ""
    llm_base_url: str = ""          # e.g. a local OpenAI-compatible server; empty = the provider's default
    llm_api_key: str = field(default="", repr=False)
    llm_timeout: float = 30.0       # seconds
    llm_max_tokens: int = 400       # longest reply asked of the model (a model that never stops is cut here)
    verbose: bool = False           # model-loading progress bars and library messages on stderr
    # Web app
    staff_passphrase: str = field(default="", repr=False)  # empty: adding to the shared library is off
    # HTTP API (`twinguard serve`)
    api_token: str = field(default="", repr=False)  # bearer token for staff routes; empty: they are off

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def library_dir(self) -> Path:
        """Documents staff add through the web app; indexed together with the corpus. A shared volume when
        several processes serve one Chroma server (TWINGUARD_LIBRARY_DIR)."""
        return self.library_path or self.home / "library"

    @property
    def keyword_dir(self) -> Path:
        return self.home / "keyword"

    @property
    def server_mode(self) -> bool:
        return bool(self.chroma_host)

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> "Settings":
        """Build settings from TWINGUARD_* environment variables, then explicit overrides."""
        env = os.environ if environ is None else environ
        values: dict = {}
        if env.get("TWINGUARD_HOME"):
            values["home"] = Path(env["TWINGUARD_HOME"]).expanduser()
        if env.get("TWINGUARD_CORPUS"):
            values["corpus"] = Path(env["TWINGUARD_CORPUS"]).expanduser()
        if env.get("TWINGUARD_CHROMA_HOST"):
            values["chroma_host"] = env["TWINGUARD_CHROMA_HOST"]
        if env.get("TWINGUARD_CHROMA_PORT"):
            values["chroma_port"] = int(env["TWINGUARD_CHROMA_PORT"])
        if env.get("TWINGUARD_LIBRARY_DIR"):
            values["library_path"] = Path(env["TWINGUARD_LIBRARY_DIR"]).expanduser()
        if env.get("TWINGUARD_LLM"):
            values["llm"] = env["TWINGUARD_LLM"].strip()
        if env.get("TWINGUARD_LLM_BASE_URL"):
            values["llm_base_url"] = env["TWINGUARD_LLM_BASE_URL"].strip()
        provider = (overrides.get("llm") or values.get("llm", "")).partition(":")[0].strip().lower()
        key = env.get("TWINGUARD_LLM_API_KEY", "") or (env.get("OPENAI_API_KEY", "") if provider == "openai" else "")
        if key:
            values["llm_api_key"] = key
        for name, kind, what in (("llm_timeout", float, "a number of seconds"),
                                 ("refresh_seconds", float, "a number of seconds"),
                                 ("lease_seconds", float, "a number of seconds"),
                                 ("index_wait_seconds", float, "a number of seconds"),
                                 ("llm_max_tokens", int, "a whole number of tokens")):
            key = ENV_PREFIX + name.upper()
            if env.get(key):
                try:
                    values[name] = kind(env[key])
                except ValueError:
                    raise ValueError(f"{key} must be {what}, got {env[key]!r}.") from None
        if env.get("TWINGUARD_VERBOSE", "").strip().lower() in ("1", "true", "yes"):
            values["verbose"] = True
        if env.get("TWINGUARD_STAFF_PASSPHRASE"):
            values["staff_passphrase"] = env["TWINGUARD_STAFF_PASSPHRASE"]
        if env.get("TWINGUARD_API_TOKEN"):
            values["api_token"] = env["TWINGUARD_API_TOKEN"]
        if env.get("TWINGUARD_COLLECTION"):
            values["collection"] = env["TWINGUARD_COLLECTION"]
        for name in ("k", "k_dense", "k_keyword", "chunk_size", "chunk_overlap", "min_chunk", "max_question_chars",
                     "max_file_bytes", "max_pages", "max_expanded_bytes"):
            key = ENV_PREFIX + name.upper()
            if env.get(key):
                values[name] = int(env[key])
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        settings.validate()
        return settings

    @property
    def limits(self) -> Limits:
        """The loaders' limits (pages, decompressed size)."""
        return Limits(self.max_pages, self.max_expanded_bytes)

    def validate(self) -> None:
        for name in ("k", "k_dense", "k_keyword", "chunk_size", "max_question_chars", "max_file_bytes", "max_pages",
                     "max_expanded_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        if self.llm_max_tokens <= 0:
            raise ValueError(f"The LLM reply limit must be > 0 tokens, got {self.llm_max_tokens}.")
        if self.llm_timeout <= 0:
            raise ValueError(f"The LLM timeout must be > 0 seconds, got {self.llm_timeout}.")
        if self.refresh_seconds < 0 or self.index_wait_seconds < 0 or self.lease_seconds <= 0:
            raise ValueError("refresh_seconds and index_wait_seconds must be >= 0 and lease_seconds > 0, got "
                             f"{self.refresh_seconds}, {self.index_wait_seconds} and {self.lease_seconds}.")
        if not 0.0 <= self.dense_weight <= 1.0:
            raise ValueError(f"dense_weight must be between 0 and 1, got {self.dense_weight}")
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("chunk_overlap must be smaller than chunk_size")
