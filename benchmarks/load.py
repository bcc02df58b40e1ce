"""Load: ≥ 20 concurrent askers (threads) against one TwinGuard and one store, compared with the
single-user answers; then searches from two readers while an index update runs.
Prints throughput, latency p50/p95 and errors.

Usage: python benchmarks/load.py [--threads 20] [--rounds 3] [--corpus DIR] [--work DIR]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.config import Settings  # noqa: E402

QUESTIONS = (
    "Can my agency make a digital twin of me without asking?",
    "Do brands in the EU have to label AI-generated images of me?",
    "How long can they use my scan after the contract ends?",
    "What are the penalties in New York?",
    "Can they use my digital replica to train AI?",
)


def answer_key(answer) -> dict:
    """What a user sees: the text, the refusal flag and the citations (with their passages)."""
    data = answer.to_dict()
    data["passages"] = [(c.doc_id, c.passage_start, c.passage) for c in answer.citations]
    return data


def percentile(values, q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


@dataclass
class UpdateResult:
    searches: int = 0
    errors: list[str] = field(default_factory=list)
    index_report: object = None
    seconds: float = 0.0


def search_during_update(indexer_tg, readers, query: str = "consent before a body scan",
                         min_rounds: int = 3) -> UpdateResult:
    """Run indexer_tg.index() in a thread while each reader searches in a loop; every hit must be a
    committed passage, verbatim, of the index before or after the update."""
    result = UpdateResult()
    before = {c.id: c.text for c in indexer_tg.catalog.iter_chunks()}
    seen: list = []

    def run_index():
        try:
            result.index_report = indexer_tg.index()
        except Exception as exc:  # reported, not raised: the caller checks errors
            result.errors.append(f"index: {exc.__class__.__name__}: {exc}")

    started = time.perf_counter()
    worker = threading.Thread(target=run_index)
    worker.start()
    rounds = 0
    while worker.is_alive() or rounds < min_rounds:
        for reader in readers:
            for jurisdiction in (None, "EU"):
                try:
                    seen.extend(reader.search(query, 6, jurisdiction=jurisdiction))
                except Exception as exc:
                    result.errors.append(f"search: {exc.__class__.__name__}: {exc}")
                result.searches += 1
        rounds += 1
    worker.join()
    result.seconds = time.perf_counter() - started
    after = {c.id: c.text for c in indexer_tg.catalog.iter_chunks()}
    for hit in seen:
        if hit.chunk.text not in (before.get(hit.chunk.id), after.get(hit.chunk.id)):
            result.errors.append(f"passage {hit.chunk.id} of {hit.chunk.doc_id} is in neither the old nor the new index")
    return result


def main() -> None:
    from assistant.twinguard import TwinGuard

    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="questions per thread")
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parent.parent / "corpus")
    parser.add_argument("--work", type=Path, default=Path("/tmp/twinguard-load"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    corpus = args.work / "corpus"
    shutil.copytree(args.corpus, corpus)
    tg = TwinGuard(Settings(home=args.work / "home", corpus=corpus))
    tg.index()
    print(f"corpus: {tg.stats()['documents']} documents, {tg.stats()['chunks']} chunks")

    single, expected = [], {}
    for q in QUESTIONS * 2:
        t0 = time.perf_counter()
        expected[q] = answer_key(tg.ask(q))
        single.append(time.perf_counter() - t0)
    print(f"single user: {len(single)} asks, p50 {statistics.median(single) * 1000:.0f} ms, "
          f"p95 {percentile(single, 0.95) * 1000:.0f} ms")

    jobs = [QUESTIONS[i % len(QUESTIONS)] for i in range(args.threads * args.rounds)]
    latencies, errors, mismatches = [], [], 0
    lock = threading.Lock()
    start = threading.Barrier(args.threads)

    def worker(n: int):
        nonlocal mismatches
        start.wait()
        for q in jobs[n::args.threads]:
            t0 = time.perf_counter()
            try:
                got = answer_key(tg.ask(q))
            except Exception as exc:
                with lock:
                    errors.append(f"{exc.__class__.__name__}: {exc}")
                continue
            with lock:
                latencies.append(time.perf_counter() - t0)
                mismatches += got != expected[q]

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    print(f"{args.threads} concurrent askers: {len(latencies)} answers in {wall:.1f} s = "
          f"{len(latencies) / wall:.2f} answers/s; latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms; errors {len(errors)}; "
          f"answers different from single-user: {mismatches}")
    for e in errors[:5]:
        print("   ", e)

    reader = TwinGuard(tg.settings, embedder=tg.embedder)
    for n in range(10):
        (corpus / f"load-added-{n}.md").write_text(
            f"# Added {n}\n\nWritten consent is needed before any body scan, rule {n}.\n")
    result = search_during_update(tg, [tg, reader])
    print(f"search during index update: {result.searches} searches in {result.seconds:.1f} s, "
          f"errors {len(result.errors)}")
    for e in result.errors[:5]:
        print("   ", e)
    sys.exit(1 if errors or mismatches or result.errors else 0)


if __name__ == "__main__":
    main()
