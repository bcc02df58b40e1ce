"""Keyword search: BM25 (bm25s) over stemmed words, persisted beside the vector store."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:[.'’][A-Za-z0-9]+)*")


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def tokenize(text: str) -> list[str]:
    """Lowercase, drop English stopwords, Snowball-stem; section numbers like 50(4) stay searchable."""
    words = [w.lower().replace("’", "'") for w in TOKEN_RE.findall(text)]
    stop = _stopwords()
    return _stemmer().stemWords([w for w in words if w not in stop and (len(w) > 1 or w.isdigit())])


class KeywordIndex:
    """BM25 over chunk texts, addressable by chunk id."""

    def __init__(self, ids: Sequence[str], model):
        self.ids = list(ids)
        self._model = model
        self._pos = {cid: i for i, cid in enumerate(self.ids)}

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str]) -> "KeywordIndex":
        import bm25s

        model = bm25s.BM25()
        corpus = [tokenize(t) or ["\u2205"] for t in texts]
        if corpus:
            model.index(corpus, show_progress=False)
        return cls(ids, model if corpus else None)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self._model is not None:
            self._model.save(str(folder), show_progress=False)
        tmp = folder / "ids.json.tmp"
        tmp.write_text(json.dumps(self.ids))
        tmp.replace(folder / "ids.json")

    @classmethod
    def load(cls, folder: Path) -> "KeywordIndex | None":
        import bm25s

        ids_file = folder / "ids.json"
        if not ids_file.exists():
            return None
        ids = json.loads(ids_file.read_text())
        if not ids:
            return cls([], None)
        model = bm25s.BM25.load(str(folder), show_progress=False, verbosity=0)
        return cls(ids, model)

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk (in self.ids order) for the query."""
        if self._model is None:
            return np.zeros(0, dtype=np.float32)
        tokens = tokenize(query)
        if not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self._model.get_scores(tokens), dtype=np.float32)

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk id, score) with score > 0; `allowed` is a boolean mask over self.ids."""
        scores = self.scores(query)
        if scores.size == 0:
            return []
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        k = min(k, int((scores > 0).sum()))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top]

    def position(self, chunk_id: str) -> int | None:
        return self._pos.get(chunk_id)
