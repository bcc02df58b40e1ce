"""One contract for every `VectorStore`: the same assertions run against the real `ChromaStore` (embedded,
under tmp_path) and the test double `InMemoryStore`. ChromaStore is the truth: when they differ, the fake
is wrong.

Vectors are small hand-made ones, so every expected order and similarity is known."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.config import Settings
from assistant.index.store import ChromaStore
from assistant.protocols import VectorMatch
from assistant.types import Chunk, Filters
from tests.fakes import InMemoryStore

#: id -> (vector, metadata as the indexer writes it); similarities to Q are 1, 0.8, 0.6, 0.28, 0.
ROWS = {
    "a": ([1.0, 0.0, 0.0, 0.0], {"doc_id": "d1", "jurisdiction": "EU", "kind": "law", "status": "in-force"}),
    "b": ([0.8, 0.6, 0.0, 0.0], {"doc_id": "d1", "jurisdiction": "EU", "kind": "law", "status": "in-force"}),
    "c": ([0.6, 0.8, 0.0, 0.0], {"doc_id": "d2", "jurisdiction": "US-NY", "kind": "law", "status": "bill"}),
    "d": ([0.28, 0.0, 0.96, 0.0], {"doc_id": "d3", "jurisdiction": "EU", "kind": "faq", "status": None}),
    "e": ([0.0, 0.0, 0.6, 0.8], {"doc_id": "d2", "jurisdiction": "US-NY", "kind": "faq"}),
}
Q = [1.0, 0.0, 0.0, 0.0]
SIMILARITY = {"a": 1.0, "b": 0.8, "c": 0.6, "d": 0.28, "e": 0.0}


def chunk(chunk_id: str, doc_id: str) -> Chunk:
    text = f"passage {chunk_id}"
    return Chunk(id=chunk_id, doc_id=doc_id, text=text, start=0, end=len(text))


def meta(doc_id: str, **fields) -> dict:
    """Metadata shaped like indexer.chunk_meta's."""
    return {"doc_id": doc_id, "start": 0, "end": 9, "ordinal": 0, "section": "", "page": -1, **fields}


def put(store, ids=tuple(ROWS)) -> None:
    store.add([chunk(i, ROWS[i][1]["doc_id"]) for i in ids], [ROWS[i][0] for i in ids],
              [meta(**ROWS[i][1]) for i in ids])


def ids(matches: list[VectorMatch]) -> list[str]:
    return [m.chunk_id for m in matches]


@pytest.fixture(params=["chroma", "memory"])
def store(request, tmp_path):
    if request.param == "chroma":
        return ChromaStore.from_settings(Settings(home=tmp_path / "home"))
    return InMemoryStore()


@pytest.fixture
def full(store):
    put(store)
    return store


def test_an_empty_store_is_empty(store):
    assert store.count() == 0
    assert store.query(Q, 5) == []
    assert store.query(Q, 5, Filters(jurisdiction=("EU",))) == []
    assert store.ids_for_doc("d1") == []
    assert store.embeddings(["a"]) == {}
    assert store.embeddings([]) == {}
    store.delete_doc("d1")
    store.delete_ids(["a"])
    store.delete_ids([])
    assert store.count() == 0


def test_add_then_count(store):
    put(store, ["a", "b"])
    assert store.count() == 2
    put(store, ["c", "d", "e"])
    assert store.count() == 5


def test_query_is_best_first_with_cosine_similarity(full):
    matches = full.query(Q, 5)
    assert all(isinstance(m, VectorMatch) for m in matches)
    assert ids(matches) == ["a", "b", "c", "d", "e"]
    for m in matches:
        assert m.similarity == pytest.approx(SIMILARITY[m.chunk_id], abs=1e-5)
    assert ids(full.query([0.0, 0.0, 0.6, 0.8], 2)) == ["e", "d"]
    assert full.query([0.0, 0.0, 0.6, 0.8], 2)[1].similarity == pytest.approx(0.576, abs=1e-5)


def test_query_similarity_is_cosine_whatever_the_query_length(full):
    top = full.query([3.0, 0.0, 0.0, 0.0], 2)
    assert ids(top) == ["a", "b"]
    assert [m.similarity for m in top] == pytest.approx([1.0, 0.8], abs=1e-5)


def test_k_caps_the_matches_and_may_exceed_the_store(full):
    assert ids(full.query(Q, 2)) == ["a", "b"]
    assert ids(full.query(Q, 1)) == ["a"]
    assert ids(full.query(Q, 50)) == ["a", "b", "c", "d", "e"]


def test_k_below_one_is_refused_on_a_non_empty_store(full):
    for k in (0, -1):
        with pytest.raises(TypeError):
            full.query(Q, k)


@pytest.mark.parametrize("filters,expected", [
    (Filters(jurisdiction=("EU",)), ["a", "b", "d"]),
    (Filters(jurisdiction=("US-NY", "EU")), ["a", "b", "c", "d", "e"]),
    (Filters(kind=("faq",)), ["d", "e"]),
    (Filters(status=("in-force",)), ["a", "b"]),
    (Filters(status=("bill", "guidance")), ["c"]),
    (Filters(doc_ids=("d2",)), ["c", "e"]),
    (Filters(doc_ids=("d3", "d1")), ["a", "b", "d"]),
    (Filters(jurisdiction=("EU",), kind=("law",)), ["a", "b"]),
    (Filters(jurisdiction=("US-NY",), kind=("faq",)), ["e"]),
    (Filters(jurisdiction=("EU",), doc_ids=("d1", "d2")), ["a", "b"]),
    (Filters(jurisdiction=("EU", "US-NY"), kind=("law",), status=("bill",), doc_ids=("d2",)), ["c"]),
    (Filters(jurisdiction=("UK",)), []),
    (Filters(jurisdiction=("EU",), kind=("template",)), []),
    (Filters(), ["a", "b", "c", "d", "e"]),
])
def test_filters_match_stored_metadata(full, filters, expected):
    assert ids(full.query(Q, 10, filters)) == expected
    assert ids(full.query(Q, 1, filters)) == expected[:1]


def test_a_none_metadata_value_is_not_stored(full):
    """d was added with status=None: no status filter matches it."""
    assert "d" not in ids(full.query(Q, 10, Filters(status=("None", "", "in-force", "bill"))))


def test_adding_an_existing_id_replaces_vector_and_metadata(full):
    full.add([chunk("a", "d9")], [[0.0, 0.0, 0.0, 1.0]], [meta("d9", jurisdiction="UK", kind="contract")])
    assert full.count() == 5
    top = full.query([0.0, 0.0, 0.0, 1.0], 1)
    assert ids(top) == ["a"] and top[0].similarity == pytest.approx(1.0, abs=1e-5)
    assert full.ids_for_doc("d1") == ["b"]
    assert full.ids_for_doc("d9") == ["a"]
    assert ids(full.query(Q, 10, Filters(jurisdiction=("EU",)))) == ["b", "d"]
    assert ids(full.query(Q, 10, Filters(jurisdiction=("UK",)))) == ["a"]
    assert np.allclose(full.embeddings(["a"])["a"], [0.0, 0.0, 0.0, 1.0])


def test_an_id_repeated_in_one_add_keeps_its_first_occurrence(store):
    store.add([chunk("x", "d1"), chunk("y", "d1"), chunk("x", "d2")],
              [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]],
              [meta("d1"), meta("d1"), meta("d2")])
    assert store.count() == 2
    assert sorted(store.ids_for_doc("d1")) == ["x", "y"]
    assert store.ids_for_doc("d2") == []
    assert np.allclose(store.embeddings(["x"])["x"], [1.0, 0.0, 0.0, 0.0])


def test_add_accepts_numpy_rows(store):
    vectors = np.asarray([ROWS["a"][0], ROWS["c"][0]], dtype=np.float32)
    store.add([chunk("a", "d1"), chunk("c", "d2")], vectors, [meta("d1"), meta("d2")])
    assert ids(store.query(np.asarray(Q, dtype=np.float32), 5)) == ["a", "c"]


def test_delete_doc_removes_only_that_document(full):
    full.delete_doc("d1")
    assert full.count() == 3
    assert full.ids_for_doc("d1") == []
    assert ids(full.query(Q, 10)) == ["c", "d", "e"]
    assert full.embeddings(["a", "b", "c"]).keys() == {"c"}
    full.delete_doc("no-such-doc")
    assert full.count() == 3


def test_delete_ids_removes_those_ids_and_ignores_unknown_ones(full):
    full.delete_ids(["c", "e", "no-such-id"])
    assert full.count() == 3
    assert ids(full.query(Q, 10)) == ["a", "b", "d"]
    assert full.ids_for_doc("d2") == []
    full.delete_ids([])
    assert full.count() == 3


def test_ids_for_doc(full):
    assert sorted(full.ids_for_doc("d1")) == ["a", "b"]
    assert sorted(full.ids_for_doc("d2")) == ["c", "e"]
    assert full.ids_for_doc("d3") == ["d"]
    assert full.ids_for_doc("no-such-doc") == []


def test_embeddings_round_trip_and_leave_out_unknown_ids(store):
    odd = [0.1, 0.2, 0.3, 0.4]                      # not exactly representable in float32
    store.add([chunk("a", "d1"), chunk("o", "d1")], [ROWS["a"][0], odd], [meta("d1"), meta("d1")])
    got = store.embeddings(["o", "no-such-id", "a"])
    assert set(got) == {"a", "o"}
    assert np.allclose(np.asarray(got["o"], dtype=np.float64), odd, atol=1e-6)
    assert np.allclose(np.asarray(got["a"], dtype=np.float64), ROWS["a"][0])
    assert len(got["o"]) == 4
    assert store.embeddings(["no-such-id"]) == {}


def test_reset_empties_the_store_and_it_can_be_filled_again(full):
    full.reset()
    assert full.count() == 0
    assert full.query(Q, 5) == []
    assert full.ids_for_doc("d1") == []
    assert full.embeddings(["a"]) == {}
    put(full, ["c"])
    assert full.count() == 1
    assert ids(full.query(Q, 5)) == ["c"]
