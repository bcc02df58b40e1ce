"""Incremental indexing with the real model and embedded Chroma."""

import time

import pytest

from assistant.errors import IndexBusyError
from assistant.index.indexer import index_lock
from tests.files import image_only_pdf

pytestmark = pytest.mark.integration


def consistent(tg):
    """Chroma holds exactly the catalog's chunks: no duplicates, nothing missing."""
    catalog_ids = {c.id for c in tg.catalog.iter_chunks()}
    assert tg.store.count() == len(catalog_ids)
    return len(catalog_ids)


def test_first_index_then_noop(fresh):
    report = fresh.index()
    assert sorted(report.added) == ["test-ai-act", "test-faq", "test-ny-fwa", "test-rider"]
    n = consistent(fresh)
    t0 = time.perf_counter()
    again = fresh.index()
    assert not again.changed and again.unchanged == 4 and again.chunks_embedded == 0
    assert time.perf_counter() - t0 < 2.0
    assert consistent(fresh) == n


def test_changed_file_is_reembedded_and_deleted_file_removed(fresh):
    fresh.index()
    corpus = fresh.settings.corpus
    path = corpus / "test-rider.md"
    path.write_text(path.read_text() + "\n## 3. Approval\n\nThe Model approves every use of the replica in writing before it is published.\n")
    (corpus / "test-faq.md").unlink()
    report = fresh.index()
    assert report.updated == ["test-rider"] and report.removed == ["test-faq"] and not report.added
    consistent(fresh)
    hits = fresh.search("model approves every use before publication", k=1)
    assert hits[0].chunk.doc_id == "test-rider" and "Approval" in hits[0].chunk.text
    assert all(h.chunk.doc_id != "test-faq" for h in fresh.search("digital twin without asking", k=8))


def test_bad_files_are_reported_and_the_rest_indexes(fresh):
    corpus = fresh.settings.corpus
    (corpus / "scan.pdf").write_bytes(image_only_pdf())
    (corpus / "empty.md").write_bytes(b"")
    (corpus / "broken.docx").write_bytes(b"not a zip")
    report = fresh.index()
    assert len(report.added) == 4
    assert any("scan.pdf" in p and "no extractable text (scanned?" in p for p in report.problems)
    assert any("empty.md" in p and "empty file" in p for p in report.problems)
    assert any("broken.docx" in p and "not a zip" in p for p in report.problems)


def test_a_file_that_turns_corrupt_keeps_its_indexed_version(fresh):
    fresh.index()
    (fresh.settings.corpus / "test-ny-fwa.md").write_bytes(bytes(range(32)) * 50)
    report = fresh.index()
    assert report.problems and "test-ny-fwa" not in report.removed
    assert fresh.search("commission twenty percent", k=1)[0].chunk.doc_id == "test-ny-fwa"


def test_rebuild_does_not_duplicate(fresh):
    fresh.index()
    n = consistent(fresh)
    fresh.index(rebuild=True)
    assert consistent(fresh) == n


def test_second_indexer_is_refused(fresh):
    with index_lock(fresh.settings.home):
        with pytest.raises(IndexBusyError, match="already running"):
            fresh.index()


def test_a_contract_with_repeated_rows_indexes_with_one_vector_per_chunk(fresh):
    """A long exhibit of identical rows (as in a real CUAD contract) once produced duplicate chunk ids,
    and Chroma refused the whole upsert; the store also keeps the first of any repeated id."""
    row = "[*]                    [*]                       1                      verified\n"
    (fresh.settings.corpus / "exhibit.txt").write_text("EXHIBIT B\n\n" + row * 80 + "\nThe parties agree.\n")
    report = fresh.index()
    assert "exhibit.txt" in report.added and not report.problems
    consistent(fresh)
    chunk = next(c for c in fresh.catalog.iter_chunks() if c.doc_id == "exhibit.txt")
    vector = fresh.embedder.embed_documents([chunk.text])[0]
    before = fresh.store.count()
    fresh.store.add([chunk, chunk], [vector, vector], [{"doc_id": chunk.doc_id}] * 2)
    assert fresh.store.count() == before
