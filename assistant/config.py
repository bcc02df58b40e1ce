"""Settings: one object, built at the boundary (CLI or web app) and passed down.

Nothing here is read at import time; `Settings.from_env()` reads the environment when called.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

ENV_PREFIX = "TWINGUARD_"


def builtin_corpus() -> Path:
    """The corpus shipped beside the package (the repository's corpus/ folder)."""
    return Path(__file__).resolve().parent.parent / "corpus"


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("twinguard", appauthor=False))


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Defaults work on a fresh machine with no configuration."""

    home: Path = field(default_factory=default_home)
    corpus: Path = field(default_factory=builtin_corpus)
    collection: str = "twinguard"
    # Chroma: embedded (PersistentClient under home) unless chroma_host is set.
    chroma_host: str = ""
    chroma_port: int = 8000
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
    max_file_bytes: int = 50 * 1024 * 1024
    max_pages: int = 2000
    max_expanded_bytes: int = 200 * 1024 * 1024    # decompressed PDF content or DOCX parts (bomb guard)
    embed_batch_size: int = 64
    # Optional LLM ("ollama:llama3.1" or "openai:gpt-4o-mini"); empty = extractive answers only
    llm: str = ""
    # Web app
    staff_passphrase: str = field(default="", repr=False)  # empty: adding to the shared library is off

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def library_dir(self) -> Path:
        """Documents staff add through the web app; indexed together with the corpus."""
        return self.home / "library"

    @property
    def keyword_dir(self) -> Path:
        return self.home / "keyword"

    @property
    def manifest_path(self) -> Path:
        return self.home / "manifest.json"

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
        if env.get("TWINGUARD_LLM"):
            values["llm"] = env["TWINGUARD_LLM"].strip()
        if env.get("TWINGUARD_STAFF_PASSPHRASE"):
            values["staff_passphrase"] = env["TWINGUARD_STAFF_PASSPHRASE"]
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
    def limits(self):
        """The loaders' limits (pages, decompressed size) as a loaders.Limits."""
        from .loaders import Limits

        return Limits(self.max_pages, self.max_expanded_bytes)

    def validate(self) -> None:
        for name in ("k", "k_dense", "k_keyword", "chunk_size", "max_question_chars", "max_file_bytes", "max_pages",
                     "max_expanded_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        if not 0.0 <= self.dense_weight <= 1.0:
            raise ValueError(f"dense_weight must be between 0 and 1, got {self.dense_weight}")
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("chunk_overlap must be smaller than chunk_size")
