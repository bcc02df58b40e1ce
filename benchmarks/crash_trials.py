"""Crash safety of the index: SIGKILL an indexer subprocess at random points while a small generated corpus
changes under it, then check that the index opens, answers from a consistent state (each document's old or
new version, never half), and that a re-run leaves no duplicates and loses no document.

Usage: python benchmarks/crash_trials.py [--trials 20] [--work DIR] [--seed 7]
The helpers are also used by tests/test_crash_safety.py (a few trials there; the 20+ here).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.config import Settings  # noqa: E402

MARK_RE = re.compile(r"\bmark(d\d+)v(\d+)\b")
TOPICS = ("consent before a body scan", "payment for each use of the replica", "deletion of the scan data",
          "labels on AI-generated images", "use after the contract ends", "approval of each new use")
QUERIES = ("consent before a body scan", "deletion of the scan data", "payment for each use")
POINTS = ("after-store", "after-commit", "before-keyword")


def small_settings(home: Path, corpus: Path) -> Settings:
    """Small chunks so a small corpus still has dozens of passages."""
    return Settings(home=home, corpus=corpus, chunk_size=300, chunk_overlap=30, min_chunk=80)


# --- the generated corpus ----------------------------------------------------------------------


def doc_text(n: int, version: int, sections: int = 3) -> str:
    """A document whose every sentence carries its id and version (markd<n>v<version>)."""
    mark = f"markd{n}v{version}"
    parts = [f"---\nid: d{n}\ntitle: Generated document {n}\n---\n# Generated document {n}\n"]
    for s in range(sections):
        topic = TOPICS[(n + s) % len(TOPICS)]
        body = " ".join(f"Rule {s}.{j} of {mark} covers {topic} in case {j}." for j in range(4))
        parts.append(f"## Section {s + 1}\n\n{body}\n")
    return "\n".join(parts)


@dataclass
class CorpusState:
    """Which generated documents exist, at which version."""

    versions: dict[int, int] = field(default_factory=dict)
    next_id: int = 0

    def copy(self) -> "CorpusState":
        return CorpusState(dict(self.versions), self.next_id)


def write_doc(corpus: Path, n: int, version: int) -> None:
    path = corpus / f"d{n}.md"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(doc_text(n, version), encoding="utf-8")
    tmp.replace(path)


def make_corpus(corpus: Path, n_docs: int) -> CorpusState:
    corpus.mkdir(parents=True, exist_ok=True)
    state = CorpusState()
    for n in range(n_docs):
        write_doc(corpus, n, 1)
        state.versions[n] = 1
    state.next_id = n_docs
    return state


def mutate(corpus: Path, state: CorpusState, rng: random.Random) -> CorpusState:
    """Change some documents, add one, sometimes delete one; returns the new state."""
    new = state.copy()
    ids = sorted(new.versions)
    for n in rng.sample(ids, k=max(1, len(ids) // 3)):
        new.versions[n] += 1
        write_doc(corpus, n, new.versions[n])
    if len(ids) > 3 and rng.random() < 0.5:
        gone = rng.choice(ids)
        (corpus / f"d{gone}.md").unlink()
        del new.versions[gone]
    write_doc(corpus, new.next_id, 1)
    new.versions[new.next_id] = 1
    new.next_id += 1
    return new


# --- the indexer subprocess --------------------------------------------------------------------


def child_command(home: Path, corpus: Path, kill_at: str = "") -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--child", str(home), str(corpus), "--kill-at", kill_at]


def die(*_args, **_kwargs) -> None:
    """SIGKILL this process (a crash no handler can see)."""
    os.kill(os.getpid(), signal.SIGKILL)


def after(cls, name: str) -> None:
    """Make cls.name SIGKILL the process right after it returns."""
    original = getattr(cls, name)

    def wrapped(*args, **kwargs):
        result = original(*args, **kwargs)
        die()
        return result
    setattr(cls, name, wrapped)


def run_child(home: Path, corpus: Path, kill_at: str) -> None:
    """Index once; with kill_at, SIGKILL ourselves at that point of the commit order."""
    from assistant.index.catalog import Catalog
    from assistant.index.indexer import Indexer
    from assistant.index.store import ChromaStore
    from assistant.twinguard import TwinGuard

    if kill_at == "after-store":
        after(ChromaStore, "add")
    elif kill_at == "after-commit":
        after(Catalog, "put_document")
    elif kill_at == "before-keyword":
        Indexer.rebuild_keyword_index = die
    tg = TwinGuard(small_settings(home, corpus))
    tg.embedder.warm_up()
    tg.store.count()
    print("ready", flush=True)
    report = tg.index()
    print(json.dumps({"done": True, "changed": report.changed, "seconds": report.seconds}), flush=True)


@dataclass
class KillResult:
    killed: bool                    # False: the indexer finished before the kill landed
    delay: float


def kill_during_index(home: Path, corpus: Path, rng: random.Random, window: float,
                      kill_at: str = "") -> KillResult:
    """Start an indexer; once it is ready, SIGKILL it after a random delay in [0, window)."""
    proc = subprocess.Popen(child_command(home, corpus, kill_at), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=child_env())
    try:
        line = proc.stdout.readline()
        if kill_at:
            proc.wait(timeout=600)
            return KillResult(proc.returncode == -signal.SIGKILL, 0.0)
        if line.strip() != "ready":
            proc.wait(timeout=60)
            raise RuntimeError(f"indexer did not start (exit {proc.returncode})")
        delay = rng.uniform(0, window)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        return KillResult(proc.returncode == -signal.SIGKILL, delay)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def child_env() -> dict:
    env = dict(os.environ)
    env.pop("TWINGUARD_HOME", None)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    return env


# --- checks ------------------------------------------------------------------------------------


def forget_chroma_clients() -> None:
    """Chroma caches one client system per path and process; another process changed the files."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def file_hash(n: int, version: int) -> str:
    return hashlib.sha256(doc_text(n, version).encode("utf-8")).hexdigest()


def open_index(home: Path, corpus: Path, embedder=None):
    from assistant.twinguard import TwinGuard

    forget_chroma_clients()
    return TwinGuard(small_settings(home, corpus), embedder=embedder)


def doc_version(chunk_texts: list[str], doc_id: str) -> set[int]:
    versions = set()
    for text in chunk_texts:
        for name, version in MARK_RE.findall(text):
            if name == doc_id:
                versions.add(int(version))
    return versions


def check_consistent(tg, before: CorpusState, after: CorpusState) -> list[str]:
    """After a crash: every document is whole, at its old or new version; nothing old is lost; search works."""
    problems: list[str] = []
    docs = tg.catalog.documents()
    for doc_id, rec in docs.items():
        n = int(doc_id[1:])
        chunks = tg.catalog.doc_chunks(doc_id)
        if len(chunks) != rec.n_chunks or not chunks:
            problems.append(f"{doc_id}: catalog says {rec.n_chunks} chunks, has {len(chunks)}")
        versions = doc_version([c.text for c in chunks], doc_id)
        allowed = {v for v in (before.versions.get(n), after.versions.get(n)) if v}
        if len(versions) != 1 or not versions <= allowed:
            problems.append(f"{doc_id}: versions {sorted(versions)} in the catalog, expected one of {sorted(allowed)}")
        elif rec.sha256 != file_hash(n, versions.pop()):
            problems.append(f"{doc_id}: catalog hash does not match its chunks' version")
    for n in before.versions:
        if n in after.versions and f"d{n}" not in docs:
            problems.append(f"d{n}: lost (indexed before the crash and still in the corpus)")
    problems.extend(check_search(tg))
    return problems


def check_search(tg) -> list[str]:
    """Every hit is a catalog chunk, verbatim; the three retrieval modes work."""
    problems: list[str] = []
    catalog = {c.id: c for c in tg.catalog.iter_chunks()}
    for query in QUERIES:
        for mode in ("hybrid", "dense", "keyword"):
            try:
                hits = tg.search(query, 8, mode=mode)
            except Exception as exc:  # the point of the check: anything here is a failure
                problems.append(f"search {mode} {query!r}: {exc.__class__.__name__}: {exc}")
                continue
            for hit in hits:
                chunk = catalog.get(hit.chunk.id)
                if chunk is None or chunk.text != hit.chunk.text:
                    problems.append(f"search {mode}: hit {hit.chunk.id} is not the catalog's chunk")
    return problems


def check_complete(tg, state: CorpusState) -> list[str]:
    """After a clean re-run: exactly the corpus, newest versions, no duplicate or orphan vectors."""
    problems = check_consistent(tg, state, state)
    docs = tg.catalog.documents()
    expected = {f"d{n}" for n in state.versions}
    if set(docs) != expected:
        problems.append(f"documents {sorted(set(docs) ^ expected)} missing or extra")
    catalog_ids = {c.id for c in tg.catalog.iter_chunks()}
    store_count = tg.store.count()
    if store_count != len(catalog_ids):
        problems.append(f"Chroma holds {store_count} vectors, the catalog {len(catalog_ids)} chunks")
    kw_file = tg.settings.keyword_dir / "ids.json"
    kw_ids = set(json.loads(kw_file.read_text())) if kw_file.exists() else set()
    if kw_ids != catalog_ids:
        problems.append(f"keyword index has {len(kw_ids - catalog_ids)} stale and "
                        f"{len(catalog_ids - kw_ids)} missing chunks")
    return problems


# --- the trials --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--docs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/twinguard-crash-trials"))
    parser.add_argument("--child", nargs=2, type=Path, metavar=("HOME", "CORPUS"))
    parser.add_argument("--kill-at", default="")
    args = parser.parse_args()
    if args.child:
        run_child(*args.child, args.kill_at)
        return
    from assistant.index.embeddings import MiniLMEmbedder

    rng = random.Random(args.seed)
    shutil.rmtree(args.work, ignore_errors=True)
    home, corpus = args.work / "home", args.work / "corpus"
    state = make_corpus(corpus, args.docs)
    embedder = MiniLMEmbedder()
    t0 = time.perf_counter()
    tg = open_index(home, corpus, embedder)
    tg.index()
    window = time.perf_counter() - t0
    print(f"initial index: {len(state.versions)} documents, {tg.catalog.count_chunks()} chunks, {window:.1f} s")
    failures, killed, rerun_times = 0, 0, []
    for trial in range(1, args.trials + 1):
        before = state
        state = mutate(corpus, state, rng)
        point = POINTS[trial % len(POINTS)] if trial % 4 == 0 else ""
        result = kill_during_index(home, corpus, rng, window, point)
        killed += result.killed
        tg = open_index(home, corpus, embedder)
        problems = [f"after kill: {p}" for p in check_consistent(tg, before, state)]
        t1 = time.perf_counter()
        tg.index()
        rerun_times.append(time.perf_counter() - t1)
        window = max(1.0, rerun_times[-1] * 1.5)
        tg = open_index(home, corpus, embedder)
        problems += [f"after re-run: {p}" for p in check_complete(tg, state)]
        failures += bool(problems)
        how = f"kill at {point}" if point else f"kill after {result.delay:.2f} s"
        print(f"trial {trial:2d}: {how:24s} killed={result.killed!s:5s} docs={len(state.versions):2d} "
              f"re-run {rerun_times[-1]:.1f} s  {'OK' if not problems else 'FAIL'}", flush=True)
        for p in problems:
            print(f"    {p}")
    rerun_times.sort()
    print(f"\ntrials: {args.trials}  killed mid-run: {killed}  failures: {failures}  "
          f"re-run median {rerun_times[len(rerun_times) // 2]:.1f} s, max {rerun_times[-1]:.1f} s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
