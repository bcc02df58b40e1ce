"""Foundation figures on the built-in corpus: indexing vs. raw encoder throughput, no-op re-index time,
warm `ask` latency p50/p95 and peak memory. Usage: python benchmarks/foundation.py [--work DIR]"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.config import Settings, builtin_corpus  # noqa: E402
from assistant.ingest.chunking import embedding_text  # noqa: E402
from assistant.twinguard import TwinGuard  # noqa: E402


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=Path("/tmp/twinguard-foundation"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    corpus = builtin_corpus()
    tg = TwinGuard(Settings(home=args.work, corpus=corpus))
    tg.embedder.warm_up()
    report = tg.index()
    chunks = [embedding_text(c) for c in tg.catalog.iter_chunks()]
    t0 = time.perf_counter()
    tg.embedder.embed_documents(chunks)
    raw = len(chunks) / (time.perf_counter() - t0)
    e2e = report.chunks_embedded / report.seconds
    print(f"corpus: {len(report.added)} documents, {len(chunks)} chunks")
    print(f"indexing: {report.seconds:.1f} s, {e2e:.1f} chunks/s end to end; raw encoder {raw:.1f} chunks/s "
          f"on the same chunks -> {e2e / raw:.2f}x")
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        tg.index()
        times.append(time.perf_counter() - t0)
    print(f"no-op re-index: median {statistics.median(times):.3f} s over 3 runs")
    faq = (corpus / "faq" / "faq-models.md").read_text(encoding="utf-8")
    questions = [m.group(1) for m in re.finditer(r"^## (.+\?)\s*$", faq, re.M)]
    tg.ask(questions[0])
    latencies, refused = [], 0
    for q in questions:
        t0 = time.perf_counter()
        answer = tg.ask(q)
        latencies.append(1000 * (time.perf_counter() - t0))
        refused += answer.refused
    print(f"ask (warm, {len(questions)} FAQ questions): p50 {percentile(latencies, 0.5):.0f} ms, "
          f"p95 {percentile(latencies, 0.95):.0f} ms, {refused} declined")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
