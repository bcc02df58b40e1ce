"""How TwinGuard's cost grows with the corpus: three sizes, each measured in its own process.

Sizes: `builtin` (the corpus/ folder), `cuad29` (built-in + 29 CUAD contracts from the likeness/publicity
list), `cuad510` (built-in + all 510 CUAD contracts, 26.8 M characters). The same questions (in-scope
gold-set questions) are asked at every size, so latency and retrieval changes come from the corpus alone.

Per size: indexing time and throughput against the raw encoder on the same chunks, no-op and one-file
incremental re-index, `search` and `ask` latency p50/p95, gold hit@6 (do the contracts crowd out the
right sources?), peak RSS of the process; review throughput (contracts/s) through
the facade's `review`; and a naive LangChain baseline (RecursiveCharacterTextSplitter 500 + dense, langchain-chroma) in
its own process for indexing, search latency, hit@6 and memory.

    .venv/bin/python benchmarks/scale.py                       # builtin and cuad29 (~15 min on 2 busy cores)
    .venv/bin/python benchmarks/scale.py --sizes cuad510       # ~27k chunks: about 40+ min of CPU
    .venv/bin/python benchmarks/scale.py --json results.json --no-baseline

CUAD: The Atticus Project, CUAD v1, CC BY 4.0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CUAD = ROOT.parent / "shared" / "data" / "cuad"
SIZES = ("builtin", "cuad29", "cuad510")
CHANGED_FILE = "laws/eu-gdpr.md"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # Linux reports KiB


def cuad_files(size: str) -> list[Path]:
    if size == "builtin":
        return []
    if size == "cuad510":
        return sorted((CUAD / "contracts").glob("*.txt"))
    names: list[str] = []
    for line in (CUAD / "likeness_publicity_related_contracts.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and line not in names:
            names.append(line)
    return [CUAD / "contracts" / n for n in names[:29]]


def link_corpus(size: str, target: Path) -> Path:
    """A folder of symlinks: the built-in corpus plus the size's CUAD contracts."""
    from assistant.config import builtin_corpus

    shutil.rmtree(target, ignore_errors=True)
    source = builtin_corpus()
    files = [(p, p.relative_to(source)) for p in source.rglob("*") if p.is_file()]
    files += [(p, Path("cuad") / p.name) for p in cuad_files(size)]
    for path, rel in files:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).symlink_to(path.resolve())
    return target


def questions(limit: int) -> list:
    from assistant.evaluate.gold import load_gold, spread

    gold = load_gold(ROOT / "eval" / "gold.yaml")
    return spread([i for i in gold.items if i.in_scope and not i.context], limit)


def timed(fn, items) -> tuple[list[float], list]:
    times, results = [], []
    for item in items:
        t0 = time.perf_counter()
        results.append(fn(item))
        times.append(1000 * (time.perf_counter() - t0))
    return times, results


def pct(values, q):
    from assistant.evaluate.metrics import percentile

    return round(percentile(values, q), 1)


def hit_rate(items, ranked_docs, k=6) -> float:
    return sum(bool(set(i.source_docs) & set(docs[:k])) for i, docs in zip(items, ranked_docs)) / len(items)


def run_twinguard(size: str, work: Path, n_questions: int, review_limit: int) -> dict:
    from assistant.config import Settings
    from assistant.ingest.chunking import embedding_text
    from assistant.twinguard import TwinGuard

    corpus = link_corpus(size, work / "corpus")
    tg = TwinGuard(Settings(home=work / "home", corpus=corpus, collection="scale"))
    tg.embedder.warm_up()
    out: dict = {"size": size, "load_before": os.getloadavg()[0]}
    report = tg.index()
    chunks = [embedding_text(c) for c in tg.catalog.iter_chunks()]
    sample = chunks[:: max(1, len(chunks) // 200)][:200]
    t0 = time.perf_counter()
    tg.embedder.embed_documents(sample)
    raw = len(sample) / (time.perf_counter() - t0)
    out.update(documents=len(report.added), chunks=len(chunks), index_s=round(report.seconds, 1),
               index_chunks_per_s=round(report.chunks_embedded / report.seconds, 1),
               encoder_share=round(report.embed_seconds / report.seconds, 2),
               raw_encoder_chunks_per_s=round(raw, 1), index_vs_raw=round(report.chunks_embedded / report.seconds / raw, 2))
    t0 = time.perf_counter()
    tg.index()
    out["noop_reindex_s"] = round(time.perf_counter() - t0, 2)
    changed = corpus / CHANGED_FILE
    text = changed.read_text(encoding="utf-8")
    changed.unlink()
    changed.write_text(text + "\n\n## Benchmark note\n\nThis paragraph was added to time a one-file re-index.\n",
                       encoding="utf-8")
    inc = tg.index()
    out.update(one_file_reindex_s=round(inc.seconds, 2), one_file_chunks_embedded=inc.chunks_embedded)
    items = questions(n_questions)
    tg.search(items[0].question)
    s_times, hits = timed(lambda i: tg.search(i.question, 6), items)
    a_times, _ = timed(lambda i: tg.ask(i.question), items)
    out.update(queries=len(items), search_p50_ms=pct(s_times, 0.5), search_p95_ms=pct(s_times, 0.95),
               ask_p50_ms=pct(a_times, 0.5), ask_p95_ms=pct(a_times, 0.95),
               gold_hit_at_6=round(hit_rate(items, [[h.chunk.doc_id for h in hs] for hs in hits]), 3))
    out.update(review_contracts(tg, cuad_files(size)[:review_limit]) if size != "builtin" else {})
    out.update(peak_rss_mb=round(peak_rss_mb()), load_after=os.getloadavg()[0])
    return out


def review_contracts(tg, paths: list[Path]) -> dict:
    """Contracts per second through assistant.review, when another engineer's module is there."""
    try:
        from assistant.ingest.loaders import load_file
    except ImportError as exc:
        return {"review": f"skipped: assistant.review not importable ({exc})"}
    if not paths:
        return {"review": "skipped: no contracts"}
    t0, errors, chars = time.perf_counter(), 0, 0
    for path in paths:
        try:
            doc, _ = load_file(path)
            chars += len(doc.text)
            tg.review(doc)
        except Exception as exc:  # noqa: BLE001 - a benchmark counts failures instead of stopping
            errors += 1
            print(f"review failed on {path.name}: {exc.__class__.__name__}: {exc}", file=sys.stderr)
    seconds = time.perf_counter() - t0
    return {"review_contracts": len(paths), "review_errors": errors, "review_s": round(seconds, 1),
            "review_contracts_per_s": round(len(paths) / seconds, 2),
            "review_kchars_per_s": round(chars / 1000 / seconds, 1)}


def run_baseline(size: str, work: Path, n_questions: int) -> dict:
    """Naive LangChain RAG: raw file text, RecursiveCharacterTextSplitter(500), dense only, langchain-chroma."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document as LCDocument
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.index.embeddings import MiniLMEmbedder

    corpus = link_corpus(size, work / "corpus")
    embedder = MiniLMEmbedder()
    embedder.warm_up()
    out: dict = {"size": size, "load_before": os.getloadavg()[0]}
    client = chromadb.PersistentClient(path=str(work / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma(client=client, collection_name="baseline", embedding_function=embedder,
                   collection_metadata={"hnsw:space": "cosine"})
    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=0)
    t0 = time.perf_counter()
    docs = []
    for path in sorted(p for p in corpus.rglob("*") if p.suffix in (".md", ".txt") and p.name != "README.md"):
        text = path.read_text(encoding="utf-8", errors="replace")
        docs.extend(splitter.split_documents([LCDocument(page_content=text, metadata={"doc": path.stem})]))
    for i in range(0, len(docs), 2000):
        store.add_documents(docs[i:i + 2000])
    seconds = time.perf_counter() - t0
    out.update(chunks=len(docs), index_s=round(seconds, 1), index_chunks_per_s=round(len(docs) / seconds, 1))
    items = questions(n_questions)
    store.similarity_search(items[0].question, k=6)
    times, results = timed(lambda i: store.similarity_search(i.question, k=6), items)
    out.update(queries=len(items), search_p50_ms=pct(times, 0.5), search_p95_ms=pct(times, 0.95),
               gold_hit_at_6=round(hit_rate(items, [[d.metadata["doc"] for d in r] for r in results]), 3),
               peak_rss_mb=round(peak_rss_mb()), load_after=os.getloadavg()[0])
    return out


def child(kind: str, size: str, args) -> dict:
    """Run one measurement in a fresh interpreter, so its peak RSS is its own."""
    cmd = [sys.executable, __file__, f"--{kind}", size, "--work", str(args.work), "--questions", str(args.questions),
           "--review-limit", str(args.review_limit)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"size": size, "error": proc.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    return {"cpu": model, "cores": os.cpu_count(), "ram_gb": round(mem / 2**20, 1), "python": platform.python_version()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="builtin,cuad29", help=f"comma-separated from {', '.join(SIZES)}")
    parser.add_argument("--work", type=Path, default=Path("/tmp/twinguard-scale"))
    parser.add_argument("--questions", type=int, default=40, help="gold questions timed per size")
    parser.add_argument("--review-limit", type=int, default=29, help="contracts reviewed per CUAD size")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--json", type=Path, help="also write all results here")
    parser.add_argument("--twinguard", choices=SIZES, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", choices=SIZES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.twinguard or args.baseline:
        size = args.twinguard or args.baseline
        work = args.work / f"{'tg' if args.twinguard else 'lc'}-{size}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        result = (run_twinguard(size, work, args.questions, args.review_limit) if args.twinguard
                  else run_baseline(size, work, args.questions))
        print(json.dumps(result))
        return
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    bad = [s for s in sizes if s not in SIZES]
    if bad:
        parser.error(f"unknown size(s) {', '.join(bad)}; choose from {', '.join(SIZES)}")
    results = {"machine": machine(), "twinguard": [], "baseline": []}
    print(json.dumps(results["machine"]), flush=True)
    for size in sizes:
        for kind in ("twinguard",) + (() if args.no_baseline else ("baseline",)):
            started = time.perf_counter()
            row = child(kind, size, args)
            row["wall_s"] = round(time.perf_counter() - started, 1)
            results[kind].append(row)
            print(f"{kind:<9} {json.dumps(row)}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
