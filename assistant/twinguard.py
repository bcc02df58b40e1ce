"""TwinGuard: the parts wired together — index, search and ask — from one Settings object."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Iterator, Sequence

from .answer import check_question, compose
from .catalog import Catalog
from .config import Settings
from .conversation import contextualize
from .embeddings import Embedder, MiniLMEmbedder
from .indexer import Indexer, IndexReport, Progress
from .lexicon import expand
from .retrieval import Filters, Mode, Retriever
from .store import ChromaStore, VectorStore
from .types import Answer, Hit

#: What a jurisdiction question also needs: federal/EU law above it and general guidance.
JURISDICTION_SCOPE = {
    "US-NY": ("US-NY", "US", "INTL"), "US-CA": ("US-CA", "US", "INTL"), "US-TN": ("US-TN", "US", "INTL"),
    "US-IL": ("US-IL", "US", "INTL"), "US": ("US", "US-NY", "US-CA", "US-TN", "US-IL", "INTL"),
    "ES": ("ES", "EU", "INTL"), "DK": ("DK", "EU", "INTL"), "EU": ("EU", "ES", "DK", "INTL"),
    "UK": ("UK", "INTL"), "CN": ("CN", "INTL"), "KR": ("KR", "INTL"), "INTL": ("INTL",),
}


def scope(jurisdiction: str | None) -> tuple[str, ...]:
    """Jurisdictions whose sources answer a question about `jurisdiction` (empty = all)."""
    if not jurisdiction or jurisdiction.lower() == "all":
        return ()
    return JURISDICTION_SCOPE.get(jurisdiction, (jurisdiction, "INTL"))


class TwinGuard:
    """One instance per process: it holds the model and the store connection."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, store: VectorStore | None = None):
        self.settings = settings
        self.embedder = embedder or MiniLMEmbedder(batch_size=settings.embed_batch_size)
        self.store = store or ChromaStore(settings)
        self.catalog = Catalog(settings.home / "catalog.sqlite3")
        self.retriever = Retriever(settings, self.embedder, self.store, self.catalog)
        self._generator = None      # the optional LLM, created on first use
        self._scorer = None

    def index(self, corpus: Path | None = None, *, rebuild: bool = False,
              progress: Progress | None = None) -> IndexReport:
        report = Indexer(self.settings, self.embedder, self.store, self.catalog).run(
            corpus, rebuild=rebuild, progress=progress)
        self.retriever.refresh(force=True)
        return report

    @property
    def indexed(self) -> bool:
        return self.retriever.ready

    def search(self, query: str, k: int | None = None, *, jurisdiction: str | None = None,
               filters: Filters | None = None, mode: Mode = "hybrid", doc_aware: bool | None = None) -> list[Hit]:
        query = check_question(query, self.settings)
        filters = filters or Filters(jurisdiction=scope(jurisdiction))
        return self.retriever.search(query, k, filters, mode=mode, doc_aware=doc_aware)

    def ask(self, question: str, *, jurisdiction: str | None = None, history: Sequence[str] = ()) -> Answer:
        """Answer a question; `history` holds the earlier questions of the conversation, so that a
        follow-up like "and in California?" is understood. A place named in the question narrows the
        sources when no jurisdiction is chosen."""
        final = None
        for item in self.ask_stream(question, jurisdiction=jurisdiction, history=history, stream=False):
            final = item
        return final

    def ask_stream(self, question: str, *, jurisdiction: str | None = None, history: Sequence[str] = (),
                   stream: bool = True) -> Iterator[str | Answer]:
        """Yield verified text pieces while an LLM writes (when one is configured), then the Answer."""
        question = check_question(question, self.settings)
        standalone, place = contextualize(question, list(history))
        if not jurisdiction or jurisdiction == "all":
            jurisdiction = place
        hits = self.retriever.search(expand(standalone), self.settings.k, Filters(jurisdiction=scope(jurisdiction)),
                                     per_doc=2)
        titles = {d: m.get("short_title") or m.get("title", d) for d, m in self.retriever.docs.items()}
        answer = compose(standalone, hits, self.settings, titles=titles, resolve=self.section_hit)
        if self.settings.llm and not answer.refused:
            answer = yield from self._llm(standalone, hits, titles, answer, stream)
        if standalone != question:
            answer = replace(answer, question=question,
                             notice=" ".join(x for x in (f"Understood as: {standalone}", answer.notice) if x))
        yield answer

    def _llm(self, question: str, hits, titles, extractive: Answer, stream: bool):
        """The LLM answer, verified sentence by sentence; the extractive answer on any failure."""
        from .generation import GenerationError, make_generator
        from .llm_answer import answer_with_llm, fall_back, stream_answer
        from .verify import SupportScorer

        try:
            self._generator = self._generator or make_generator(self.settings)
        except (GenerationError, ValueError) as exc:
            return fall_back(extractive, f"Language model not used ({exc}); showing the extractive answer.")
        self._scorer = self._scorer or SupportScorer(self.embedder)
        if not stream:
            return answer_with_llm(question, hits, self.settings, self._generator, self.embedder, extractive,
                                   titles=titles, scorer=self._scorer)
        final = extractive
        for item in stream_answer(question, hits, self.settings, self._generator, self.embedder, extractive,
                                  titles=titles, scorer=self._scorer):
            if isinstance(item, str):
                yield item
            else:
                final = item
        return final

    def section_hit(self, doc_id: str, label: str | None) -> Hit | None:
        """The first passage of a document's section (by label), as a hit for citing."""
        chunks = self.retriever.document_chunks(doc_id)
        if label:
            chunks = [c for c in chunks if c.label == label.strip() or c.section.endswith(label.strip())]
        if not chunks:
            return None
        return Hit(chunk=chunks[0], score=1.0, via="fused", meta=dict(self.retriever.docs.get(doc_id, {})))

    def ask_many(self, questions: Sequence[str], **kwargs) -> list[Answer]:
        return [self.ask(q, **kwargs) for q in questions]

    def stats(self) -> dict:
        docs = self.catalog.documents()
        return {"documents": len(docs), "chunks": self.catalog.count_chunks(),
                "home": str(self.settings.home),
                "store": (f"chroma server {self.settings.chroma_host}:{self.settings.chroma_port}"
                          if self.settings.server_mode else f"embedded chroma {self.settings.chroma_dir}")}
