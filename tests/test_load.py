"""Load: many askers at once against one TwinGuard get exactly the single-user answers, and searching
while the index is being updated raises nothing and returns only committed passages.
Throughput and p95 figures: benchmarks/load.py."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.twinguard import TwinGuard
from benchmarks.load import QUESTIONS, answer_key, search_during_update

pytestmark = pytest.mark.integration


def test_twenty_concurrent_askers_get_the_single_user_answers(indexed):
    expected = {q: answer_key(indexed.ask(q)) for q in QUESTIONS}
    jobs = [QUESTIONS[i % len(QUESTIONS)] for i in range(20)]
    start = threading.Barrier(len(jobs))

    def ask(question):
        start.wait()
        return question, answer_key(indexed.ask(question))

    with ThreadPoolExecutor(len(jobs)) as pool:
        results = list(pool.map(ask, jobs))
    assert len(results) == 20
    for question, got in results:
        assert got == expected[question], question


def test_search_while_the_index_updates(fresh):
    fresh.index()
    reader = TwinGuard(fresh.settings, embedder=fresh.embedder)   # a second reader, as another user would be
    for n in range(3):
        (fresh.settings.corpus / f"added-{n}.md").write_text(
            f"# Added {n}\n\nWritten consent is needed before any body scan, rule {n}.\n\n"
            f"## Deletion\n\nScans are deleted within {n + 1} months after the contract ends.\n")
    (fresh.settings.corpus / "test-faq.md").unlink()
    result = search_during_update(fresh, [fresh, reader], min_rounds=3)
    assert result.errors == [], result.errors[:3]
    assert result.searches >= 6 and result.index_report is not None
    assert len(result.index_report.added) == 3 and result.index_report.removed == ["test-faq"]
    assert "test-faq" not in {h.chunk.doc_id for h in reader.search("consent before a body scan", 8)}
    hits = reader.search("deleted within months after the contract ends", 8)
    assert {h.chunk.doc_id for h in hits} & {"added-0.md", "added-1.md", "added-2.md"}
