"""Several app processes over one Chroma server (`chroma run` on loopback): the catalog, the library's
extracted documents and the indexing lease live on the server; each process refreshes its own view.
More trials and the timings: benchmarks/multiprocess.py."""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import threading
import time
import uuid

import pytest
from typer.testing import CliRunner

from assistant.config import Settings
from assistant.errors import IndexBusyError
from assistant.index.lease import Lease, LeaseRecord, this_machine
from assistant.index.library import add_to_library
from assistant.index.shared import ChromaCatalog
from assistant.twinguard import TwinGuard
from assistant.types import Chunk
from benchmarks.crash_trials import check_consistent, make_corpus, mutate
from benchmarks.multiprocess import Driver, ProcessConfig, chroma_server, clean_reindex, shared_view, store_problems
from tests.conftest import FIXTURE_CORPUS
from tests.fakes import HashEmbedder

pytestmark = pytest.mark.integration   # a real Chroma server

STAFF_NOTE = (b"---\nid: staff-note\ntitle: Staff note on studio badges\n---\n# Staff note\n\n"
              b"The zebra quokka rule: every scan studio shows the quokka zebra badge before a body scan.\n")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with chroma_server(tmp_path_factory.mktemp("chroma")) as port:
        yield port


class SlowEmbedder(HashEmbedder):
    """Takes `delay` seconds per call: an indexer that is still running when a second one starts."""

    def __init__(self, delay: float):
        super().__init__()
        self.delay = delay

    def encode(self, texts):
        time.sleep(self.delay)
        return super().encode(texts)


@pytest.fixture
def shared(tmp_path, server, hash_embedder):
    """make(name, **settings) -> a TwinGuard (its own home) on the shared server, collection and library."""
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    collection = "t" + uuid.uuid4().hex[:10]

    def make(name: str, embedder=None, **changes) -> TwinGuard:
        values = dict(home=tmp_path / name, corpus=corpus, library_path=tmp_path / "library", chroma_host="127.0.0.1",
                      chroma_port=server, collection=collection, refresh_seconds=0.3)
        values.update(changes)
        return TwinGuard(Settings(**values), embedder=embedder or hash_embedder)
    return make


def test_a_document_added_through_one_process_is_found_by_another(shared, tmp_path):
    a, b = shared("a"), shared("b")
    assert len(a.index().added) == 4
    assert b.stats()["documents"] == 4 and b.search("label deep fakes as AI-generated", k=2)   # B never indexed
    assert "staff-note" not in {h.chunk.doc_id for h in b.search("quokka zebra badge", k=3)}
    add_to_library(a.settings, "staff-note.md", STAFF_NOTE)
    assert a.index().added == ["staff-note"]
    time.sleep(a.settings.refresh_seconds + 0.05)                     # one refresh
    assert b.search("quokka zebra badge", k=2)[0].chunk.doc_id == "staff-note"
    # The original is in the shared library folder only; nothing of the index is kept beside a process.
    assert (tmp_path / "library" / "staff-note.md").exists()
    for home in (tmp_path / "a", tmp_path / "b"):
        assert not (home / "library").exists() and not (home / "catalog.sqlite3").exists()
        assert not (home / "chroma").exists()
    # A process without the library volume rebuilds from the extracted text kept on the server.
    c = shared("c", library_path=None)
    report = c.index(rebuild=True)
    assert "staff-note" in report.added and not report.problems
    assert c.search("quokka zebra badge", k=1)[0].chunk.doc_id == "staff-note"
    # Removed from the mounted shared folder: removed everywhere.
    (tmp_path / "library" / "staff-note.md").unlink()
    assert a.index().removed == ["staff-note"]
    time.sleep(a.settings.refresh_seconds + 0.05)
    assert "staff-note" not in {h.chunk.doc_id for h in b.search("quokka zebra badge", k=3)}
    assert store_problems(b.catalog, b.store) == []


def test_the_shared_generation_is_looked_up_at_most_every_refresh_interval(shared):
    a, b = shared("a"), shared("b", refresh_seconds=3600)
    a.index()
    assert b.stats()["documents"] == 4
    b.search("consent", k=1)
    add_to_library(a.settings, "staff-note.md", STAFF_NOTE)
    a.index()
    assert "staff-note" not in b.retriever.docs                    # B has not looked again yet
    b.retriever.refresh(force=True)
    assert "staff-note" in b.retriever.docs


def test_a_second_indexer_waits_or_is_told_the_index_is_busy(shared, monkeypatch):
    a = shared("a", embedder=SlowEmbedder(0.4))
    result: dict = {}
    writer = threading.Thread(target=lambda: result.setdefault("report", a.index()))
    writer.start()
    deadline = time.monotonic() + 30
    while a.catalog.read_lease("index") is None and time.monotonic() < deadline:
        time.sleep(0.05)
    with pytest.raises(IndexBusyError, match=r"Another indexer \(.+\) is updating the index on chroma server"):
        shared("b", index_wait_seconds=0).index()
    from assistant.cli.app import app

    s = a.settings
    for key, value in (("TWINGUARD_HOME", str(s.home.parent / "cli")), ("TWINGUARD_CORPUS", str(s.corpus)),
                       ("TWINGUARD_CHROMA_HOST", s.chroma_host), ("TWINGUARD_CHROMA_PORT", str(s.chroma_port)),
                       ("TWINGUARD_COLLECTION", s.collection), ("TWINGUARD_INDEX_WAIT_SECONDS", "0")):
        monkeypatch.setenv(key, value)
    cli = CliRunner().invoke(app, ["index"])
    assert cli.exit_code == 1 and "Another indexer" in cli.output
    waited = shared("c", index_wait_seconds=60).index()               # waits for A, then finds nothing to do
    writer.join()
    assert len(result["report"].added) == 4
    assert waited.added == [] and waited.unchanged == 4
    assert a.catalog.read_lease("index") is None                       # released


def test_an_expired_lease_or_a_dead_holder_is_taken_over(shared):
    a = shared("a", index_wait_seconds=0)
    board: ChromaCatalog = a.catalog
    board.write_lease("index", LeaseRecord("elsewhere:4242:abc", time.time() + 1.5, "another-machine"))
    with pytest.raises(IndexBusyError, match="elsewhere:4242:abc"):
        a.index()
    assert len(shared("a2", index_wait_seconds=10).index().added) == 4      # waited until it expired
    dead = subprocess.Popen(["true"])
    dead.wait()
    holder = f"{socket.gethostname()}:{dead.pid}:feed"
    board.write_lease("index", LeaseRecord(holder, time.time() + 600, this_machine()))
    add_to_library(a.settings, "staff-note.md", STAFF_NOTE)
    started = time.monotonic()
    assert a.index().added == ["staff-note"]                          # its holder is gone: taken at once
    assert time.monotonic() - started < 10


def test_racing_contenders_hold_the_lease_one_at_a_time_and_a_stale_holder_learns_it_lost(shared):
    board: ChromaCatalog = shared("a").catalog
    leases = [Lease(board, "race", ttl=5.0, settle=0.2) for _ in range(4)]
    start = threading.Barrier(len(leases))
    held: list[tuple[float, float]] = []

    def contend(lease: Lease) -> None:
        start.wait()
        with lease.held(wait=60):
            entered = time.monotonic()
            time.sleep(0.3)
            held.append((entered, time.monotonic()))
    threads = [threading.Thread(target=contend, args=(lease,)) for lease in leases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    held.sort()
    assert len(held) == 4 and all(end <= nxt for (_, end), (nxt, _) in zip(held, held[1:]))
    stale = Lease(board, "short", ttl=1.0, settle=0.1)
    stale.acquire()
    stale.check()
    time.sleep(1.1)                                                   # no renewal: it expires
    Lease(board, "short", ttl=1.0, settle=0.1).acquire()
    with pytest.raises(IndexBusyError, match="lost its lease"):
        stale.check()


def test_a_killed_indexer_leaves_the_store_consistent_after_the_next_run(tmp_path, server, hash_embedder):
    """SIGKILL an indexer process after a commit and at a random moment (more points in the benchmark); another
    process sees a consistent index, and the next run leaves exactly a clean re-index's chunks (chunks no
    record owns are swept)."""
    corpus, library = tmp_path / "corpus", tmp_path / "library"
    library.mkdir()
    state = make_corpus(corpus, 6)
    config = ProcessConfig(str(tmp_path / "victim"), str(corpus), str(library), server, "k" + uuid.uuid4().hex[:10],
                           small=True, fake_embedder=True)
    reader = TwinGuard(ProcessConfig(**{**config.__dict__, "home": str(tmp_path / "reader")}).settings(),
                       embedder=hash_embedder)
    reader.index()
    rng = random.Random(3)
    for point in ("after-commit", ""):
        before, state = state, mutate(corpus, state, rng)
        victim = Driver(config, tmp_path / "victim.log")
        if point:
            victim.send(op="index", kill_at=point)
            assert victim.wait_killed()
        else:
            victim.send(op="index")
            time.sleep(rng.uniform(0.0, 0.5))
            victim.kill()
        victim.close()
        reader.retriever.refresh(force=True)
        assert check_consistent(reader, before, state) == []
        reader.index()
        assert store_problems(reader.catalog, reader.store) == []
        assert check_consistent(reader, state, state) == []
        assert set(reader.catalog.documents()) == {f"d{n}" for n in state.versions}
        assert shared_view(server, config.collection) == clean_reindex(server, corpus, library, tmp_path / "clean",
                                                                       small=True)
    stray = Chunk("stray", "d0", "written by a writer that lost its lease", 0, 39)
    reader.store.add([stray], hash_embedder.encode([stray.text]), [{"doc_id": "d0"}])
    reader.index()
    assert "stray" not in reader.store.all_ids() and store_problems(reader.catalog, reader.store) == []
