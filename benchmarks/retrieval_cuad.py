"""Retrieval on the CUAD dev benchmark: TwinGuard's pipeline variants vs. a naive LangChain baseline.

Prints LegalBench-RAG precision@k / recall@k for k = 1..64 side by side, plus indexing throughput against
the raw encoder throughput on the same chunks. Usage:

    python benchmarks/retrieval_cuad.py --limit 500 --work /tmp/tg-bench
        [--all-files]   index all 510 contracts instead of only those the sampled queries cite
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.config import Settings  # noqa: E402
from assistant.evaluate.legalbench import (  # noqa: E402
    DEFAULT_KS,
    evaluate,
    load_benchmark,
    referenced_files,
)
from assistant.ingest.chunking import embedding_text  # noqa: E402
from assistant.twinguard import TwinGuard  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "cuad"


def link_corpus(queries, source: Path, target: Path, all_files: bool) -> Path:
    files = sorted(p.relative_to(source).as_posix() for p in (source / "contracts").glob("*.txt")) \
        if all_files else sorted(referenced_files(queries))
    for rel in files:
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.exists():
            dest.symlink_to((source / rel).resolve())
    return target


def baseline(corpus: Path, queries, work: Path, embedder):
    """Naive LangChain RAG: RecursiveCharacterTextSplitter(500), dense only, langchain-chroma."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document as LCDocument
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    client = chromadb.PersistentClient(path=str(work / "baseline"), settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma(client=client, collection_name="baseline", embedding_function=embedder,
                   collection_metadata={"hnsw:space": "cosine"})
    started = time.perf_counter()
    if store._collection.count() == 0:
        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=0, add_start_index=True)
        docs = []
        for path in sorted(corpus.rglob("*.txt")):
            rel = path.relative_to(corpus).as_posix()
            text = path.read_text(encoding="utf-8", errors="replace")
            docs.extend(splitter.split_documents([LCDocument(page_content=text, metadata={"path": rel})]))
        for i in range(0, len(docs), 2000):
            store.add_documents(docs[i:i + 2000])
    index_seconds = time.perf_counter() - started

    def retrieve(query, k):
        return [(d.metadata["path"], d.metadata["start_index"], d.metadata["start_index"] + len(d.page_content))
                for d in store.similarity_search(query, k=k)]

    t0 = time.perf_counter()
    result = evaluate(queries, retrieve)
    result["seconds_per_query"] = (time.perf_counter() - t0) / len(queries)
    result["index_seconds"] = index_seconds
    result["chunks"] = store._collection.count()
    return result


class QueryCache:
    """Wraps the embedder so each benchmark query is encoded once across all variants."""

    def __init__(self, embedder):
        self.inner = embedder
        self.dim = embedder.dim
        self.cache: dict[str, list[float]] = {}

    def embed_query(self, text: str) -> list[float]:
        if text not in self.cache:
            self.cache[text] = self.inner.embed_query(text)
        return self.cache[text]

    def embed_documents(self, texts):
        return self.inner.embed_documents(texts)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", type=Path, default=SHARED / "dev_retrieval.json")
    parser.add_argument("--source", type=Path, default=SHARED)
    parser.add_argument("--limit", type=int, default=500)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--work", type=Path, default=Path("/tmp/twinguard-bench"))
    parser.add_argument("--all-files", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--variants", default="dense+doc,keyword+doc,rrf+doc,hybrid,hybrid+doc")
    args = parser.parse_args()

    queries = load_benchmark(args.bench, args.limit, args.seed)
    corpus = link_corpus(queries, args.source, args.work / "corpus", args.all_files)
    n_files = sum(1 for _ in corpus.rglob("*.txt"))
    total = len(load_benchmark(args.bench))
    sampled = f"fixed random sample (seed {args.seed}) of {total}" if len(queries) < total else f"all {total}"
    print(f"{len(queries)} queries ({sampled} in {args.bench.name}) over {n_files} contracts", flush=True)
    tg = TwinGuard(Settings(home=args.work / "index", corpus=corpus, collection="bench"))
    report = tg.index(corpus)
    chunks = tg.catalog.count_chunks()
    print(f"index: {chunks} chunks, {report.chunks_embedded} embedded in {report.seconds:.1f} s "
          f"({report.chunks_embedded / max(report.seconds, 1e-9):.1f} chunks/s end to end)", flush=True)
    if report.chunks_embedded:
        sample = [embedding_text(c) for c in list(tg.catalog.iter_chunks())[:1000]]
        t0 = time.perf_counter()
        tg.embedder.embed_documents(sample)
        raw = len(sample) / (time.perf_counter() - t0)
        e2e = report.chunks_embedded / report.seconds
        print(f"raw encoder on the same chunks: {raw:.1f} chunks/s -> indexing at {e2e / raw:.2f}x of raw", flush=True)
    t0 = time.perf_counter()
    noop = tg.index(corpus)
    print(f"no-op re-index: {time.perf_counter() - t0:.2f} s ({noop.unchanged} unchanged)", flush=True)

    cached = QueryCache(tg.embedder)
    tg.embedder = tg.retriever.embedder = cached
    results = {}
    for variant in args.variants.split(","):
        mode, _, doc = variant.partition("+")
        t0 = time.perf_counter()
        results[variant] = evaluate(queries, lambda q, k: [
            (h.chunk.doc_id, h.chunk.start, h.chunk.end) for h in tg.search(q, k, mode=mode, doc_aware=bool(doc))])
        results[variant]["seconds_per_query"] = (time.perf_counter() - t0) / len(queries)
        print(f"{variant}: R@8 {results[variant]['recall'][8]:.3f} R@64 {results[variant]['recall'][64]:.3f}", flush=True)
    if not args.no_baseline:
        results["baseline (LC 500, dense)"] = baseline(corpus, queries, args.work, cached)
    print()
    print(f"{'variant':<26}" + "".join(f"{'P@' + str(k):>8}" for k in DEFAULT_KS) + "".join(f"{'R@' + str(k):>8}" for k in DEFAULT_KS) + f"{'ms/q':>8}")
    for name, res in results.items():
        print(f"{name:<26}" + "".join(f"{100 * res['precision'][k]:>7.1f}%" for k in DEFAULT_KS)
              + "".join(f"{100 * res['recall'][k]:>7.1f}%" for k in DEFAULT_KS)
              + f"{1000 * res['seconds_per_query']:>8.0f}")
    (args.work / "results.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
