"""The facade wired only with test doubles: `HashEmbedder`, `InMemoryStore`, `FakeGenerator`.

Fast (no model load: loading MiniLM here is a test failure) and exercising the real indexer, catalog,
keyword index, retriever, extractive answers, LLM verification and review. Also small checks of the
fakes themselves."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings
from assistant.domain.wording import DISCLAIMER
from assistant.errors import GenerationError
from assistant.llm.prompting import SYSTEM_PROMPT
from assistant.twinguard import TwinGuard
from assistant.types import Answer, Filters
from tests.conftest import FIXTURE_CORPUS
from tests.fakes import FakeGenerator, HashEmbedder, InMemoryStore
from tests.llm_server import fill

REPO = Path(__file__).resolve().parent.parent
QUESTION = "Can my agency make a digital twin of me without asking?"
GOOD = ("A model management company may not create, alter or manipulate a model's digital replica using artificial "
        "intelligence without the model's clear, conspicuous and separate written consent [{§ 1035(10)}].")
UNSUPPORTED = " The agency must also pay the model EUR 9,999 for every scan [{§ 1035(10)}]."
CLAUSE = ("The Company may create a digital replica of the Model and use it in perpetuity for any purpose "
          "without further consent.")


@pytest.fixture(autouse=True)
def no_model(monkeypatch):
    """These tests must never load the real embedding model."""
    from assistant.index.embeddings import MiniLMEmbedder

    def refuse(self):
        raise AssertionError("a fakes-only test tried to load the MiniLM model")

    monkeypatch.setattr(MiniLMEmbedder, "warm_up", refuse)


def make_guard(root: Path, **settings) -> TwinGuard:
    corpus = root / "corpus"
    if not corpus.exists():
        shutil.copytree(FIXTURE_CORPUS, corpus)
    return TwinGuard(Settings(home=root / "home", corpus=corpus, **settings), embedder=HashEmbedder(),
                     store=InMemoryStore())


@pytest.fixture(scope="module")
def guard(tmp_path_factory) -> TwinGuard:
    """Indexed once per module; read-only use."""
    tg = make_guard(tmp_path_factory.mktemp("fakes"))
    report = tg.index()
    assert not report.problems, report.problems
    return tg


def llm_guard(guard: TwinGuard, generator: FakeGenerator) -> TwinGuard:
    """A second facade over the same index (same store instance) with an LLM configured."""
    return TwinGuard(guard.settings.with_(llm="openai:fake"), embedder=guard.embedder, store=guard.store,
                     generator=generator)


def documents(tg: TwinGuard) -> dict[str, str]:
    """The text of every corpus document, by id, loaded as the indexer loads it."""
    texts = {}
    for path in sorted(tg.settings.corpus.glob("*.md")):
        doc, _ = tg.read_contract(path.read_bytes(), path.name)
        texts[doc.id] = doc.text
    return texts


def assert_quotes_are_exact(answer: Answer, texts: dict[str, str]) -> None:
    assert answer.citations
    for c in answer.citations:
        assert texts[c.doc_id][c.start:c.end] == c.quote, c


# --- index, search, ask, review ----------------------------------------------------------------


def test_index_fills_the_fake_store_and_catalog(guard):
    assert guard.indexed
    assert guard.store.count() == guard.stats()["chunks"] > 0
    assert guard.stats()["documents"] == 4
    assert set(guard.titles()) == {"test-ai-act", "test-faq", "test-ny-fwa", "test-rider"}
    for doc_id in guard.titles():
        assert sorted(guard.store.ids_for_doc(doc_id)) == sorted(c.id for c in guard.retriever.document_chunks(doc_id))


def test_reindexing_unchanged_files_is_a_no_op(tmp_path):
    tg = make_guard(tmp_path)
    first = tg.index()
    assert sorted(first.added) == ["test-ai-act", "test-faq", "test-ny-fwa", "test-rider"]
    count, calls = tg.store.count(), tg.embedder.calls
    second = tg.index()
    assert not second.changed and second.unchanged == 4 and second.chunks_embedded == 0
    assert tg.store.count() == count and tg.embedder.calls == calls


def test_an_edited_file_is_reembedded_and_its_old_vectors_dropped(tmp_path):
    tg = make_guard(tmp_path)
    tg.index()
    old = set(tg.store.ids_for_doc("test-rider"))
    path = tg.settings.corpus / "test-rider.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n## 3. Approval\n\nThe Model approves every use of the "
                    "digital replica in writing before it is published.\n", encoding="utf-8")
    report = tg.index()
    assert report.updated == ["test-rider"] and report.unchanged == 3
    new = set(tg.store.ids_for_doc("test-rider"))
    assert new and new != old
    assert new == {c.id for c in tg.retriever.document_chunks("test-rider")}
    assert tg.store.count() == tg.stats()["chunks"]


def test_search_finds_the_passage_sharing_the_words(guard):
    hits = guard.search("label deep fakes as AI-generated", k=3)
    assert hits and hits[0].chunk.doc_id == "test-ai-act"
    assert all(h.dense is not None for h in hits)
    in_ny = guard.search("deep fakes", k=5, filters=Filters(jurisdiction=("US-NY",)))
    assert in_ny and {h.chunk.doc_id for h in in_ny} == {"test-ny-fwa"}
    assert {h.chunk.doc_id for h in guard.search("deep fakes", k=9, jurisdiction="US-NY")} <= {"test-ny-fwa",
                                                                                                "test-faq", "test-rider"}


def test_ask_answers_with_exact_quotes(guard):
    answer = guard.ask(QUESTION)
    assert not answer.refused and answer.mode == "extractive"
    assert answer.text.endswith(f"_{DISCLAIMER}_")
    assert {c.doc_id for c in answer.citations} >= {"test-faq", "test-ny-fwa"}
    assert_quotes_are_exact(answer, documents(guard))
    for n in range(1, len(answer.citations) + 1):
        assert f"[{n}]" in answer.text


def test_an_off_topic_question_is_declined(guard):
    answer = guard.ask("What is the best pasta recipe?")
    assert answer.refused and not answer.citations


def test_review_of_a_risky_clause_gives_findings(guard):
    result = guard.review(CLAUSE)
    assert result.replica_clauses_found
    assert "perpetual-term" in {f.check_id for f in result.findings}
    for f in result.findings:
        assert f.severity in {"high", "medium", "low"} and f.why
        if f.scope == "clause":
            assert CLAUSE[f.start:f.end] == f.clause


# --- the LLM path, with a FakeGenerator --------------------------------------------------------


def test_ask_with_an_llm_keeps_only_supported_cited_sentences(guard):
    generator = FakeGenerator(lambda messages: fill(GOOD + UNSUPPORTED, messages[-1][1]))
    tg = llm_guard(guard, generator)
    answer = tg.ask(QUESTION)
    assert answer.mode == "llm", answer.notice
    assert "separate written consent" in answer.text and "9,999" not in answer.text
    assert "removed because the cited sources did not support" in answer.notice
    assert {c.doc_id for c in answer.citations} == {"test-ny-fwa"}
    assert_quotes_are_exact(answer, documents(guard))
    [messages] = generator.calls
    assert messages[0] == ("system", SYSTEM_PROMPT) and messages[1][0] == "human" and QUESTION in messages[1][1]
    assert generator.pending == 0


def test_streaming_shows_verified_pieces_then_the_answer(guard):
    generator = FakeGenerator(lambda messages: fill(GOOD, messages[-1][1]), pieces=5)
    items = list(llm_guard(guard, generator).ask_stream(QUESTION))
    *pieces, answer = items
    assert pieces and all(isinstance(p, str) for p in pieces)
    assert isinstance(answer, Answer) and answer.mode == "llm"
    assert answer.text == "".join(pieces) + f"\n\n_{DISCLAIMER}_"


@pytest.mark.parametrize("streaming", [False, True])
def test_a_failing_generator_falls_back_to_the_extractive_answer(guard, streaming):
    generator = FakeGenerator(GenerationError("fake did not answer in time.", kind="timeout"))
    tg = llm_guard(guard, generator)
    answer = list(tg.ask_stream(QUESTION))[-1] if streaming else tg.ask(QUESTION)
    assert answer.mode == "extractive" and answer.citations
    assert "did not answer in time" in answer.notice and "extractive answer" in answer.notice
    assert len(generator.calls) == 1


def test_a_declined_question_never_reaches_the_generator(guard):
    generator = FakeGenerator()
    answer = llm_guard(guard, generator).ask("What is the best pasta recipe?")
    assert answer.refused and generator.calls == []


# --- the fakes themselves ----------------------------------------------------------------------


def test_hash_embedder_rows_are_unit_float32_and_deterministic():
    emb = HashEmbedder()
    texts = ["Digital replica consent", "digital REPLICA, consent!", "", "   ", "pasta recipe"]
    vectors = emb.encode(texts)
    assert vectors.shape == (5, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    assert np.array_equal(vectors[0], vectors[1])                    # case and punctuation do not matter
    assert np.array_equal(vectors[2], vectors[3])                    # no words: one fixed vector
    assert np.array_equal(HashEmbedder().encode(texts), vectors)     # another instance, the same vectors
    assert float(vectors[0] @ emb.encode(["consent to a digital replica"])[0]) > float(vectors[0] @ vectors[4])
    assert emb.encode([]).shape == (0, 384)
    assert HashEmbedder(dim=16).encode(["x"]).shape == (1, 16)


def test_hash_embedder_is_the_same_in_another_process():
    code = ("import sys; from tests.fakes import HashEmbedder; "
            "sys.stdout.write(HashEmbedder().encode(['Model consent for a digital twin']).tobytes().hex())")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                         check=True).stdout
    assert bytes.fromhex(out) == HashEmbedder().encode(["Model consent for a digital twin"]).tobytes()


def test_fake_generator_replays_in_order_records_and_fails_clearly():
    generator = FakeGenerator("first", name="scripted").enqueue(ValueError("boom"), "a longer third reply")
    messages = [("system", "rules"), ("human", "question")]
    assert generator.complete(messages) == "first"
    with pytest.raises(ValueError, match="boom"):
        generator.complete(messages)
    assert "".join(generator.stream(messages)) == "a longer third reply"
    assert len(list(FakeGenerator("abcdefghij", pieces=3).stream(messages))) == 3
    assert generator.calls == [messages] * 3 and generator.pending == 0
    with pytest.raises(AssertionError, match="no reply is queued"):
        generator.complete(messages)
    with pytest.raises(TypeError):
        generator.enqueue(42)


def test_read_contract_applies_the_size_limit_to_uploads_and_pasted_text(tmp_path):
    """The web page's uploads and pasted text go through the same limits as files (they used to skip them)."""
    from assistant.errors import LoadError

    tg = make_guard(tmp_path, max_file_bytes=1000)
    with pytest.raises(LoadError, match="pasted.txt: file is 1.5 KB; the limit is 1000 bytes"):
        tg.read_contract(b"The Model grants a licence. " * 55, "pasted.txt")
    doc, warnings = tg.read_contract(b"1. The Model grants a licence for 12 months.", "pasted.txt")
    assert doc.text.startswith("1. The Model grants") and warnings == []
    with pytest.raises(LoadError, match="empty file"):
        tg.read_contract(b"   ", "pasted.txt")
