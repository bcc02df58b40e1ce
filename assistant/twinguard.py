"""TwinGuard: the one front door — index, search, ask, review and draft — wired from one Settings object.

The CLI and the web app call only these methods, so both use the same corpus, limits and sources.
"""

from __future__ import annotations

import re
import typing
from dataclasses import replace
from pathlib import Path
from typing import Iterator, Sequence

from assistant.answer.composer import compose_planned
from assistant.answer.extractive import check_question
from assistant.config import Settings, builtin_corpus
from assistant.domain.jurisdictions import scope
from assistant.domain.lexicon import expand
from assistant.domain.schema import KINDS, WORDING_KINDS
from assistant.draft.assemble import draft_rider
from assistant.draft.clauselib import has_library, load_library
from assistant.draft.rider import Rider, RiderParams
from assistant.errors import GenerationError, LoadError
from assistant.index.embeddings import MiniLMEmbedder
from assistant.index.indexer import IndexReport, Progress
from assistant.index.sections import FileSections, has_body
from assistant.index.shared import indexer_for, open_catalog
from assistant.index.store import ChromaStore
from assistant.ingest.loaders import load_bytes, too_big
from assistant.plan.planner import QuestionPlan, make_plan
from assistant.protocols import Embedder, Generator, SectionSource, VectorStore
from assistant.redline.tracked import tracked_changes_docx
from assistant.retrieve.conversation import contextualize
from assistant.retrieve.retriever import HybridRetriever, Mode
from assistant.review.compare import Comparison, compare, template_contract
from assistant.review.detect import default_playbook
from assistant.review.findings import Review, review
from assistant.review.report import docx_preface, edits_for
from assistant.types import Answer, Document, Filters, Hit

if typing.TYPE_CHECKING:
    from assistant.contract.session import ContractSession

#: How many of the asked place's own passages join the evidence, so that its law can lead.
OWN_PASSAGES = 3
#: The template a contract is compared with when no original is given.
RIDER_TEMPLATE = "tpl-digital-replica-rider"
#: Kinds whose names are topics ("power of attorney"), so naming one is not naming a source.
TOPIC_KINDS = frozenset({"clause-library", "faq"})
#: A template counts as named only when the question asks about a template ("a digital twin licence" is a topic).
ASKS_FOR_TEMPLATE_RE = re.compile(r"\b(?:template|rider|form|our (?:standard )?(?:licence|contract))\b", re.I)


class TwinGuard:
    """One instance per process: it holds the model and the store connection."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, store: VectorStore | None = None,
                 generator: Generator | None = None):
        """Each part defaults to the real one built from `settings`; `generator` (used only when
        `settings.llm` is set) defaults to the configured model, created on first use."""
        self.settings = settings
        self.embedder = embedder or MiniLMEmbedder(batch_size=settings.embed_batch_size, quiet=not settings.verbose)
        self.store = store or ChromaStore.from_settings(settings)
        self.catalog = open_catalog(settings, self.store)      # on the Chroma server in server mode
        self.retriever = HybridRetriever(settings, self.embedder, self.store, self.catalog)
        self._generator = generator
        self._scorer = None
        self._file_sections: FileSections | None = None

    def index(self, corpus: Path | None = None, *, rebuild: bool = False,
              progress: Progress | None = None) -> IndexReport:
        report = indexer_for(self.settings, self.embedder, self.store, self.catalog).run(
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

    def ask(self, question: str, *, jurisdiction: str | None = None, history: Sequence[str] = (),
            contract: ContractSession | None = None) -> Answer:
        """Answer a question; `history` holds the earlier questions of the conversation, so that a
        follow-up like "and in California?" is understood. A place named in the question narrows the
        sources when no jurisdiction is chosen. With `contract` (from `open_contract`), the answer quotes
        the contract's clauses first, then the law."""
        final = None
        for item in self.ask_stream(question, jurisdiction=jurisdiction, history=history, stream=False,
                                    contract=contract):
            final = item
        return final

    def ask_stream(self, question: str, *, jurisdiction: str | None = None, history: Sequence[str] = (),
                   stream: bool = True, contract: ContractSession | None = None) -> Iterator[str | Answer]:
        """Yield verified text pieces while an LLM writes (when one is configured), then the Answer."""
        question = check_question(question, self.settings)
        if contract is not None:             # about the user's own contract: its clauses, then the law
            from assistant.contract.answer import ask_stream as ask_about_contract

            yield from ask_about_contract(self, contract, question, jurisdiction, history, stream)
            return
        plan = self._plan(question, jurisdiction, history)
        standalone = plan.question
        hits, by_place = self._evidence(plan)
        titles = self.titles()
        answer = compose_planned(plan, hits, self.settings, titles=titles, sections=self,
                                 doc_meta=self.retriever.docs, by_place=by_place)
        if self.settings.llm and not answer.refused and not plan.compare:
            answer = yield from self._llm(plan, hits, titles, answer, stream)
        if standalone != question:
            answer = replace(answer, question=question,
                             notice=" ".join(x for x in (f"Understood as: {standalone}", answer.notice) if x))
        yield answer

    def plan(self, question: str, *, jurisdiction: str | None = None, history: Sequence[str] = ()) -> QuestionPlan:
        """The plan an answer to `question` would follow (places, coverage, topics, intent, scope)."""
        return self._plan(check_question(question, self.settings), jurisdiction, history)

    def _plan(self, question: str, jurisdiction: str | None, history: Sequence[str]) -> QuestionPlan:
        standalone, _ = contextualize(question, list(history))
        self.retriever.refresh()
        finder = self.retriever.finder
        named = finder.find(standalone) if finder else None
        docs = self.retriever.docs
        kinds = TOPIC_KINDS if ASKS_FOR_TEMPLATE_RE.search(standalone) else TOPIC_KINDS | {"template"}
        documents = {d: docs.get(d, {}).get("jurisdiction", "") for d in (named.doc_ids if named else ())
                     if docs.get(d, {}).get("kind") not in kinds}
        return make_plan(standalone, jurisdiction, history, documents)

    def _evidence(self, plan: QuestionPlan) -> tuple[list[Hit], dict[str, list[Hit]]]:
        """Passages for a plan: from its allowed places (all places when it names none), with the best
        passages of the sources it names and of the asked places' own law added so that they can lead; a
        comparison gets each covered place's own passages. Templates are searched only for wording."""
        if not plan.in_scope:
            return [], {}
        query, k = expand(plan.question), self.settings.k
        kinds = () if plan.intent == "wording" else tuple(x for x in KINDS if x != "template")
        hits = self.retriever.search(query, k, Filters(jurisdiction=plan.allowed, kind=kinds), per_doc=2)
        by_place: dict[str, list[Hit]] = {}
        if plan.compare:
            by_place = {p: self.retriever.search(query, k, Filters(jurisdiction=(p,), kind=kinds), per_doc=2)
                        for p in plan.covered}
            return hits, by_place
        named = (self.retriever.search(query, OWN_PASSAGES, Filters(doc_ids=plan.documents), per_doc=2)
                 if plan.documents else [])
        if plan.intent == "wording":           # wording asked: the clause library's positions and templates too
            found = self.retriever.search(query, OWN_PASSAGES, Filters(jurisdiction=plan.allowed, kind=WORDING_KINDS),
                                          per_doc=2)
            entries = dict.fromkeys(h.chunk.doc_id for h in found if h.meta.get("kind") == "clause-library")
            positions = [self.section_hit(doc, "Standard position") for doc in entries]
            named += [replace(h, score=max(x.score for x in found)) for h in positions if h] + found
        own = (self.retriever.search(query, OWN_PASSAGES, Filters(jurisdiction=plan.covered, kind=kinds), per_doc=1)
               if plan.covered else [])
        merged, seen = [], set()
        for hit in (*named, *hits, *own):       # a source the question names first: it is what was asked about
            if (hit.chunk.doc_id, hit.chunk.start) not in seen:
                seen.add((hit.chunk.doc_id, hit.chunk.start))
                merged.append(hit)
        hits = merged
        return hits, by_place

    def _llm(self, plan: QuestionPlan, hits: Sequence[Hit], titles: dict[str, str], extractive: Answer,
             stream: bool) -> typing.Generator[str, None, Answer]:
        """The LLM answer, verified sentence by sentence; the extractive answer on any failure."""
        from assistant.answer.llm import answer_with_llm, fall_back, stream_answer
        from assistant.answer.support import SupportScorer
        from assistant.llm.generation import make_generator

        try:
            if self._generator is None:
                self._generator = make_generator(self.settings)
        except (GenerationError, ValueError) as exc:
            return fall_back(extractive, f"Language model not used ({exc}); showing the extractive answer.")
        self._scorer = self._scorer or SupportScorer(self.embedder)
        if not stream:
            return answer_with_llm(plan.question, hits, self._generator, self.embedder, extractive,
                                   titles=titles, scorer=self._scorer, plan=plan)
        final = extractive
        for item in stream_answer(plan.question, hits, self._generator, self.embedder, extractive,
                                  titles=titles, scorer=self._scorer, plan=plan):
            if isinstance(item, str):
                yield item
            else:
                final = item
        return final

    def section_hit(self, doc_id: str, label: str | None) -> Hit | None:
        """The first passage of a document's section (by label) that has more than its heading, as a hit
        for citing."""
        chunks = self.retriever.document_chunks(doc_id)
        if label:
            chunks = [c for c in chunks if c.label == label.strip() or c.section.endswith(label.strip())]
        chunks = [c for c in chunks if has_body(c)] or chunks
        if not chunks:
            return None
        return Hit(chunk=chunks[0], score=1.0, via="fused", meta=dict(self.retriever.docs.get(doc_id, {})))

    def titles(self) -> dict[str, str]:
        """Short title of every indexed document, by id."""
        return {d: m.get("short_title") or m.get("title", d) for d, m in self.retriever.docs.items()}

    def sections(self) -> SectionSource:
        """Where cited sections come from: the index once built, else the corpus files (the configured
        corpus first, then the built-in one), cut exactly as the indexer cuts them."""
        if self.indexed:
            return self
        if self._file_sections is None:
            s = self.settings
            self._file_sections = FileSections((s.corpus, builtin_corpus()), s.chunk_size, s.chunk_overlap,
                                               s.min_chunk)
        return self._file_sections

    def read_contract(self, data: bytes, name: str) -> tuple[Document, list[str]]:
        """An uploaded or pasted contract as a Document, with the configured size and page limits; it is
        read in memory and never stored."""
        if len(data) > self.settings.max_file_bytes:
            raise LoadError(name, too_big(len(data), self.settings.max_file_bytes))
        return load_bytes(data, name, self.settings.limits)

    def open_contract(self, data: bytes | str, name: str) -> ContractSession:
        """A contract to ask about (file bytes, or pasted text as str): read with the configured limits and
        indexed in memory for this session only — never stored, never in the shared index, never logged."""
        from assistant.contract.session import open_session

        return open_session(data, name, self.embedder, self.settings, reviewer=self.review)

    def review(self, contract: str | Document, jurisdiction: str | None = None, *,
               whole_contract: bool | None = None) -> Review:
        """Check a contract (or one pasted clause) against the digital-replica playbook."""
        return review(contract, self.sections(), jurisdiction, embedder=self.embedder, corpus=self.settings.corpus,
                      whole_contract=whole_contract)

    def review_docx(self, result: Review, title: str, *, comment_only: bool = False) -> bytes:
        """The reviewed contract as DOCX after a one-page summary: each suggestion a tracked change with its
        reason and sources as a Word comment, or (`comment_only`) the text untouched with comments only."""
        return tracked_changes_docx(result.text, edits_for(result, comment_only=comment_only), f"Review: {title}",
                                    preface=docx_preface(result))

    def compare(self, edited: str | Document, base: str | Document | None = None,
                jurisdiction: str | None = None) -> Comparison:
        """What changed from `base` (default: TwinGuard's digital-replica rider template) to `edited`,
        each change judged against the playbook."""
        if base is None:
            path = self._template_path()
            base = Document(id="template", text=template_contract(path.read_text(encoding="utf-8")),
                            meta={"title": "TwinGuard's digital replica rider (template)"})
        base_doc = base if isinstance(base, Document) else Document(id="original", text=base,
                                                                     meta={"title": "the original"})
        title = base_doc.title
        return compare(self.review(base_doc, jurisdiction), self.review(edited, jurisdiction), title,
                       default_playbook())

    def _template_path(self) -> Path:
        for root in (self.settings.corpus, builtin_corpus()):
            path = root / "templates" / f"{RIDER_TEMPLATE}.md"
            if path.is_file():
                return path
        raise LoadError(RIDER_TEMPLATE, "the digital replica rider template is not in the corpus")

    def draft(self, params: RiderParams, library: Path | None = None) -> Rider:
        """A rider, every clause with its sources, from the clause library of `library` when given (it must
        have one), else of the configured corpus, else the built-in one."""
        if library is None:
            library = self.settings.corpus if has_library(self.settings.corpus) else builtin_corpus()
        return draft_rider(params, load_library(library), self.sections())

    def stats(self) -> dict:
        docs = self.catalog.documents()
        return {"documents": len(docs), "chunks": self.catalog.count_chunks(),
                "home": str(self.settings.home),
                "store": self.store.describe() if hasattr(self.store, "describe") else type(self.store).__name__}
