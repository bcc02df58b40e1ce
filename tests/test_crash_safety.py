"""Crash safety of the index: a SIGKILLed indexer leaves an index that opens and answers from a consistent
state, a re-run repairs it without duplicates or losses, and a second indexer is refused.
More trials (20+, random kill points): benchmarks/crash_trials.py."""

from __future__ import annotations

import random
import shutil

import pytest
from typer.testing import CliRunner

from assistant.errors import IndexBusyError
from assistant.index.indexer import index_lock
from benchmarks.crash_trials import (
    check_complete,
    check_consistent,
    forget_chroma_clients,
    kill_during_index,
    make_corpus,
    mutate,
    open_index,
    write_doc,
)

pytestmark = pytest.mark.integration   # real model, embedded Chroma, killed indexers


@pytest.fixture(scope="module")
def indexed_once(tmp_path_factory, embedder):
    """A generated corpus of 14 documents (~55 small chunks), indexed once for the module."""
    root = tmp_path_factory.mktemp("crash-base")
    home, corpus = root / "home", root / "corpus"
    state = make_corpus(corpus, 14)
    tg = open_index(home, corpus, embedder)
    tg.index()
    assert not check_complete(tg, state)
    forget_chroma_clients()
    return home, corpus, state


@pytest.fixture
def base(indexed_once, tmp_path):
    """A private copy of the indexed corpus and its data directory."""
    home, corpus, state = indexed_once
    shutil.copytree(home, tmp_path / "home")
    shutil.copytree(corpus, tmp_path / "corpus")
    return tmp_path / "home", tmp_path / "corpus", state.copy()


def rerun_and_check(home, corpus, state, embedder) -> list[str]:
    tg = open_index(home, corpus, embedder)
    tg.index()
    return check_complete(open_index(home, corpus, embedder), state)


def test_kill_after_commit_before_keyword_index(base, embedder):
    """Killed after the catalog commit of a changed document, before the keyword index was rebuilt: the
    keyword index on disk still lists the old version's chunks. Search must not trip over them, and a
    re-run must bring the keyword index back in line with the catalog."""
    home, corpus, before = base
    after = before.copy()
    after.versions[9] += 1          # d9 sorts last: its chunks lie beyond the first 50 keyword ids
    write_doc(corpus, 9, after.versions[9])
    assert kill_during_index(home, corpus, random.Random(0), 0, kill_at="before-keyword").killed
    tg = open_index(home, corpus, embedder)
    assert check_consistent(tg, before, after) == []
    assert rerun_and_check(home, corpus, after, embedder) == []


def test_orphan_vectors_of_a_killed_new_document_are_removed(base, embedder):
    """Killed right after a new document's vectors were stored (before its catalog commit); the file is then
    deleted. The re-run must not leave its vectors behind (Chroma count == catalog chunk count)."""
    home, corpus, before = base
    after = before.copy()
    write_doc(corpus, 99, 1)
    after.versions[99] = 1
    assert kill_during_index(home, corpus, random.Random(0), 0, kill_at="after-store").killed
    assert check_consistent(open_index(home, corpus, embedder), before, after) == []
    (corpus / "d99.md").unlink()
    del after.versions[99]
    assert rerun_and_check(home, corpus, after, embedder) == []


def test_random_sigkill_trials(base, embedder):
    home, corpus, state = base
    rng = random.Random(11)
    for _ in range(1):          # one here; 20+ in benchmarks/crash_trials.py
        before, state = state, mutate(corpus, state, rng)
        kill_during_index(home, corpus, rng, 4.0)
        assert check_consistent(open_index(home, corpus, embedder), before, state) == []
        assert rerun_and_check(home, corpus, state, embedder) == []


def test_second_indexer_is_refused_with_a_clear_message(fresh, monkeypatch):
    from assistant.cli.app import app

    with index_lock(fresh.settings.home):
        with pytest.raises(IndexBusyError, match="Another indexer is already running"):
            fresh.index()
        monkeypatch.setenv("TWINGUARD_HOME", str(fresh.settings.home))
        monkeypatch.setenv("TWINGUARD_CORPUS", str(fresh.settings.corpus))
        result = CliRunner().invoke(app, ["index"])
    assert result.exit_code == 1
    assert "Another indexer is already running" in result.output
    assert fresh.catalog.documents() == {}
    report = fresh.index()                       # the lock is released: the next run works
    assert len(report.added) == 4 and not report.problems
