"""Two app processes over one Chroma server (`chroma run` on loopback), each with its own data directory.

(a) Visibility: a staff document added through process A (saved to the shared library folder, then
    indexed) — how long until process B answers from it (`ask` cites it). B looks for a newer index at most
    every `--refresh` seconds, so this should be within one refresh (plus B's reload and the answer).
(b) Crash safety: ≥ 10 trials of SIGKILL of either process while it indexes a changed corpus (random
    moments, and every fourth trial at a fixed point: after storing chunks, after a commit, before
    publishing). After each kill the other process must see a consistent index; it then indexes (taking
    over the dead process's lease); the killed process is started again; both must see exactly the corpus:
    the chunk ids in the store equal those the catalog records list (no lost, orphan or duplicate chunks)
    and equal those of a clean re-index into a fresh collection.

Usage: python benchmarks/multiprocess.py [--trials 10] [--corpus DIR] [--refresh 2] [--work DIR] [--fake-embedder]
The server and driver helpers are also used by tests/test_shared_store.py.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.config import Settings  # noqa: E402
from benchmarks.crash_trials import (  # noqa: E402
    CorpusState,
    check_consistent,
    doc_text,
    make_corpus,
    mutate,
)

KILL_POINTS = ("after-store", "after-commit", "before-publish")
HOST = "127.0.0.1"


# --- the Chroma server ---------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def chroma_server(path: Path, timeout: float = 60.0) -> Iterator[int]:
    """`chroma run` on loopback with its data in `path`; yields the port."""
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        exe = Path(shutil.which("chroma") or "chroma")
    port = free_port()
    env = {"ANONYMIZED_TELEMETRY": "False", "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen([str(exe), "run", "--path", str(path), "--host", HOST, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"http://{HOST}:{port}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"chroma run did not start (exit {proc.poll()})") from None
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- one app process -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessConfig:
    home: str
    corpus: str
    library: str
    port: int
    collection: str
    refresh: float = 2.0
    small: bool = False             # small chunks (the generated corpus of the crash trials)
    fake_embedder: bool = False     # tests/fakes.py's HashEmbedder instead of MiniLM

    def settings(self) -> Settings:
        sizes = dict(chunk_size=300, chunk_overlap=30, min_chunk=80) if self.small else {}
        return Settings(home=Path(self.home), corpus=Path(self.corpus), library_path=Path(self.library),
                        chroma_host=HOST, chroma_port=self.port, collection=self.collection,
                        refresh_seconds=self.refresh, index_wait_seconds=30.0, **sizes)


def open_process_twinguard(config: ProcessConfig):
    from assistant.twinguard import TwinGuard

    embedder = None
    if config.fake_embedder:
        from tests.fakes import HashEmbedder

        embedder = HashEmbedder()
    return TwinGuard(config.settings(), embedder=embedder)


def die_at(point: str) -> None:
    """SIGKILL this process at a point of the commit order, the first time it is reached."""
    from assistant.index.shared import ChromaCatalog
    from assistant.index.store import ChromaStore
    from benchmarks.crash_trials import after, die

    if point == "after-store":
        after(ChromaStore, "add")
    elif point == "after-commit":
        after(ChromaCatalog, "put_document")
    elif point == "before-publish":
        ChromaCatalog.publish = die


def serve(config: ProcessConfig) -> None:
    """The child: answer JSON commands, one per stdin line, with one JSON line each on stdout."""
    from assistant.index.library import add_to_library

    tg = open_process_twinguard(config)
    tg.embedder.encode(["warm up"])
    tg.store.count()
    published = {"at": 0.0}
    catalog_type = type(tg.catalog)
    original_publish = catalog_type.publish

    def publish(catalog):          # latencies are measured from the start of the call: upper bounds
        published["at"] = time.time()
        return original_publish(catalog)
    catalog_type.publish = publish
    reply({"ready": True, "pid": os.getpid()})
    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd["op"]
        if op == "quit":
            return
        if cmd.get("kill_at"):
            die_at(cmd["kill_at"])
        if op == "add":
            add_to_library(tg.settings, cmd["name"], cmd["text"].encode("utf-8"))
        if op in ("index", "add"):
            report = tg.index()
            reply({"added": report.added, "updated": report.updated, "removed": report.removed,
                   "unchanged": report.unchanged, "problems": report.problems, "seconds": report.seconds,
                   "published_at": published["at"]})
        elif op == "wait":
            reply(wait_for_answer(tg, cmd["question"], cmd["doc"], cmd.get("timeout", 60.0)))
        elif op == "consistent":
            tg.retriever.refresh(force=True)
            reply({"problems": check_consistent(tg, state_of(cmd["before"]), state_of(cmd["after"]))})
        elif op == "complete":
            tg.retriever.refresh(force=True)
            state = state_of(cmd["versions"])
            problems = check_consistent(tg, state, state) + store_problems(tg.catalog, tg.store)
            expected = {f"d{n}" for n in state.versions}
            if set(tg.catalog.documents()) != expected:
                problems.append(f"documents {sorted(set(tg.catalog.documents()) ^ expected)} missing or extra")
            reply({"problems": problems})
        else:
            reply({"error": f"unknown op {op}"})


def reply(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def state_of(versions: dict) -> CorpusState:
    return CorpusState({int(n): int(v) for n, v in versions.items()})


def wait_for_answer(tg, question: str, doc_id: str, timeout: float) -> dict:
    """Ask until the answer cites `doc_id`: when this process first looked at the shared generation and saw
    the new one, when it had loaded the new index, and when the answer came."""
    started, tries, looks = time.time(), 0, []
    look = tg.catalog.get_state

    def looking(key, default=""):
        value = look(key, default)
        looks.append((time.time(), value))
        return value
    generation = tg.retriever.refresh().generation
    tg.catalog.get_state = looking
    try:
        while time.time() - started < timeout:
            tries += 1
            answer = tg.ask(question)
            if any(c.doc_id == doc_id for c in answer.citations):
                answered = time.time()
                looked = next(t for t, value in looks if value != generation)
                return {"found": True, "looked_at": looked, "answered_at": answered, "tries": tries}
            time.sleep(0.02)
    finally:
        del tg.catalog.get_state
    return {"found": False, "tries": tries}


class Driver:
    """A child app process, driven over its stdin/stdout."""

    def __init__(self, config: ProcessConfig, log: Path):
        self.config = config
        self.log = open(log, "a")
        env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
        env.pop("TWINGUARD_HOME", None)
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child",
                                      json.dumps(config.__dict__)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True, env=env)
        ready = self.recv(300)
        self.pid = ready["pid"]

    def send(self, **cmd) -> None:
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()

    def recv(self, timeout: float = 600) -> dict:
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError(f"app process {self.proc.pid} gave no reply (exit {self.proc.poll()}); "
                               f"see {self.log.name}")
        return json.loads(line)

    def call(self, timeout: float = 600, **cmd) -> dict:
        self.send(**cmd)
        return self.recv(timeout)

    def kill(self) -> bool:
        """SIGKILL; True if it was still working on its command (no reply waiting)."""
        replied = bool(select.select([self.proc.stdout], [], [], 0)[0])
        running = self.proc.poll() is None
        if running:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(60)
        return running and not replied

    def wait_killed(self, timeout: float = 600) -> bool:
        """Wait for a process that kills itself; True if it died by SIGKILL."""
        self.proc.wait(timeout)
        return self.proc.returncode == -signal.SIGKILL

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.send(op="quit")
                self.proc.wait(30)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# --- checks --------------------------------------------------------------------------------------


def store_problems(catalog, store) -> list[str]:
    """The shared store against the catalog: every listed chunk stored (none lost), nothing stored that no
    record lists (no orphan), no chunk listed twice, no path recorded twice (no duplicate)."""
    problems = []
    docs = catalog.documents()
    listed: dict[str, str] = {}
    for doc_id in docs:
        for chunk in catalog.doc_chunks(doc_id):
            if chunk.id in listed:
                problems.append(f"chunk {chunk.id[:12]} listed by {listed[chunk.id]} and {doc_id}")
            listed[chunk.id] = doc_id
        if len(catalog.doc_chunks(doc_id)) != docs[doc_id].n_chunks:
            problems.append(f"{doc_id}: {docs[doc_id].n_chunks} chunks recorded, fewer stored")
    paths = [rec.path for rec in docs.values()]
    if len(paths) != len(set(paths)):
        problems.append("a path is recorded twice")
    stored = store.all_ids()
    if stored - set(listed):
        problems.append(f"{len(stored - set(listed))} orphan chunks in the store")
    if set(listed) - stored:
        problems.append(f"{len(set(listed) - stored)} chunks lost from the store")
    return problems


def shared_view(port: int, collection: str) -> tuple[dict[str, str], set[str]]:
    """{doc id: sha256} and the chunk ids in the store, read directly from the server."""
    from assistant.index.shared import ChromaCatalog
    from assistant.index.store import ChromaStore

    store = ChromaStore(collection, host=HOST, port=port)
    catalog = ChromaCatalog(store)
    return {d: r.sha256 for d, r in catalog.documents().items()}, store.all_ids()


def clean_reindex(port: int, corpus: Path, library: Path, work: Path, small: bool) -> tuple[dict[str, str], set[str]]:
    """Index the same files from scratch into a fresh collection (the hashing embedder: chunk ids do not
    depend on the vectors); its documents and chunk ids."""
    name = "clean" + uuid.uuid4().hex[:8]
    config = ProcessConfig(str(work / name), str(corpus), str(library), port, name, small=small, fake_embedder=True)
    tg = open_process_twinguard(config)
    tg.index()
    return shared_view(port, name)


# --- the benchmark -------------------------------------------------------------------------------


STAFF_DOC = """---
id: staff-note-{n}
title: "Staff note {n}: scan studio check-in for digital replicas"
short_title: "Staff note {n}"
kind: guidance
jurisdiction: INTL
status: guidance
as_of: 2026-01-0{day}
---
# Staff note {n}: scan studio check-in for digital replicas

## Check-in code

Before any body scan for a digital replica, the model must receive the studio check-in code {code} in
writing. Without check-in code {code} the model may refuse the scan for the digital replica.
"""


def visibility_trials(a: Driver, b: Driver, trials: int, refresh: float, rng: random.Random) -> list[dict]:
    """A adds a staff document (at a random moment of B's refresh cycle) while B asks about it."""
    results = []
    for n in range(1, trials + 1):
        code = f"QX{n}{uuid.uuid4().hex[:4].upper()}"
        b.send(op="wait", question=f"What is check-in code {code} for a digital replica body scan?",
               doc=f"staff-note-{n}", timeout=60 + 2 * refresh)
        time.sleep(rng.uniform(0, refresh))
        added = a.call(op="add", name=f"staff-note-{n}.md", text=STAFF_DOC.format(n=n, code=code, day=n % 9 + 1))
        seen = b.recv()
        if not seen["found"]:
            results.append({"found": False})
            print(f"visibility {n}: NOT answered from the new document within the timeout", flush=True)
            continue
        r = {"found": True, "index": added["seconds"], "looked": seen["looked_at"] - added["published_at"],
             "answered": seen["answered_at"] - added["published_at"]}
        results.append(r)
        print(f"visibility {n}: A indexed it in {r['index']:.2f} s; B saw the new generation {r['looked']:.2f} s and "
              f"answered from it {r['answered']:.2f} s after A published (refresh {refresh:g} s)", flush=True)
    return results


class CrashTrials:
    """Processes A and B over a generated corpus and a shared library folder; one of them is killed while it
    indexes, the other checks, recovers and re-indexes; the killed one is started again."""

    def __init__(self, args, port: int, work: Path):
        self.args, self.port, self.work = args, port, work
        self.corpus, self.library = work / "gen-corpus", work / "gen-library"
        self.library.mkdir(parents=True)
        self.state = make_corpus(self.corpus, args.docs)
        self.rng = random.Random(args.seed)
        self.procs = {name: self.start(name) for name in ("A", "B")}
        first = self.procs["A"].call(op="index")
        self.window = max(0.5, first["seconds"])
        self.killed = {"A": 0, "B": 0}
        print(f"\ncrash trials: {len(self.state.versions)} generated documents indexed by A in "
              f"{first['seconds']:.1f} s", flush=True)

    def start(self, name: str) -> Driver:
        config = ProcessConfig(str(self.work / name), str(self.corpus), str(self.library), self.port, "trials",
                               self.args.refresh, small=True, fake_embedder=self.args.fake_embedder)
        return Driver(config, self.work / f"{name}.log")

    def trial(self, n: int) -> bool:
        victim, survivor = ("A", "B") if n % 2 else ("B", "A")
        before, self.state = self.state, mutate(self.corpus, self.state, self.rng)
        point = KILL_POINTS[(n // 4) % len(KILL_POINTS)] if n % 4 == 0 else ""
        upload = 1000 + n if n % 3 == 0 else 0     # this time through a staff upload to the victim
        if upload:
            self.procs[victim].send(op="add", name=f"d{upload}.md", text=doc_text(upload, 1), kill_at=point)
        else:
            self.procs[victim].send(op="index", kill_at=point)
        if point:
            killed, how = self.procs[victim].wait_killed(), f"kill at {point}"
        else:
            delay = self.rng.uniform(0, self.window)
            time.sleep(delay)
            killed, how = self.procs[victim].kill(), f"kill after {delay:.2f} s"
        self.killed[victim] += killed
        if upload and (self.library / f"d{upload}.md").exists():     # saved before the kill: in the library
            self.state.versions[upload] = 1
        seen = self.procs[survivor].call(op="consistent", before=before.versions, after=self.state.versions)
        problems = [f"after the kill, {survivor} sees: {p}" for p in seen["problems"]]
        rerun = self.procs[survivor].call(op="index")
        self.window = max(0.5, rerun["seconds"] * 1.5)
        self.procs[victim].close()
        self.procs[victim] = self.start(victim)
        for name, proc in self.procs.items():
            found = proc.call(op="complete", versions=self.state.versions)["problems"]
            problems += [f"after the re-run, {name} sees: {p}" for p in found]
        shared, stored = shared_view(self.port, "trials")
        clean_docs, clean_ids = clean_reindex(self.port, self.corpus, self.library, self.work / "clean", small=True)
        if shared != clean_docs or stored != clean_ids:
            problems.append(f"not a clean re-index: documents {sorted(set(shared.items()) ^ set(clean_docs.items()))}, "
                            f"{len(stored - clean_ids)} extra and {len(clean_ids - stored)} missing chunks")
        print(f"trial {n:2d}: {victim} indexing, {how:24s} killed={killed!s:5s} docs={len(shared):2d} "
              f"chunks={len(stored):3d}  {survivor} re-ran in {rerun['seconds']:.1f} s  "
              f"{'OK' if not problems else 'FAIL'}", flush=True)
        for p in problems:
            print(f"    {p}")
        return not problems

    def close(self) -> None:
        for proc in self.procs.values():
            proc.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--visibility", type=int, default=5, help="staff documents added through A")
    parser.add_argument("--docs", type=int, default=8, help="generated documents for the crash trials")
    parser.add_argument("--corpus", type=Path, default=None, help="corpus for (a) (default: the built-in one)")
    parser.add_argument("--refresh", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/twinguard-multiprocess"))
    parser.add_argument("--fake-embedder", action="store_true", help="the hashing embedder (fast, no model)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        serve(ProcessConfig(**json.loads(args.child)))
        return
    from assistant.config import builtin_corpus

    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    with chroma_server(args.work / "server") as port:
        corpus, library = args.corpus or builtin_corpus(), args.work / "library"

        def config(name: str) -> ProcessConfig:
            return ProcessConfig(str(args.work / name), str(corpus), str(library), port, "twinguard", args.refresh,
                                 fake_embedder=args.fake_embedder)

        a = Driver(config("app-a"), args.work / "app-a.log")
        t0 = time.perf_counter()
        first = a.call(op="index")
        print(f"one chroma server on {HOST}:{port}; A indexed {len(first['added'])} documents of {corpus} "
              f"in {time.perf_counter() - t0:.1f} s", flush=True)
        b = Driver(config("app-b"), args.work / "app-b.log")
        results = visibility_trials(a, b, args.visibility, args.refresh, random.Random(args.seed))
        a.close()
        b.close()
        trials = CrashTrials(args, port, args.work)
        failures = sum(not trials.trial(n) for n in range(1, args.trials + 1))
        trials.close()
    found = [r for r in results if r["found"]]
    answered = [r["answered"] for r in found]
    looked = [r["looked"] for r in found]
    print(f"\n(a) visibility: {len(found)}/{len(results)} answered from by B; B saw the new generation after "
          f"median {statistics.median(looked):.2f} s (max {max(looked):.2f} s), answered after median "
          f"{statistics.median(answered):.2f} s (max {max(answered):.2f} s); refresh {args.refresh:g} s"
          if found else "\n(a) visibility: no staff document was answered from by B")
    print(f"(b) crash trials: {args.trials}, killed mid-run {sum(trials.killed.values())} (A {trials.killed['A']}, "
          f"B {trials.killed['B']}), failures {failures}")
    sys.exit(1 if failures or len(found) < len(results) else 0)


if __name__ == "__main__":
    main()
