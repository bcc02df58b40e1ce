"""Retrieval inside one contract (issue 16): today's pipeline and ContractIndex side by side on CUAD dev.

One run measures, on the same seeded sample of queries (LegalBench-RAG character P@k / R@k, scored by
assistant/evaluate/legalbench.py):

- today, document named: the corpus pipeline as benchmarks/retrieval_cuad.py runs it (hybrid, doc-aware,
  searching across every indexed contract);
- today, restricted: the same retriever filtered to the query's gold contract, searching with the
  question after the "Consider the …;" lead-in (as the doc-aware path does);
- new: `ContractIndex` built on the gold contract alone, in memory (variants with `--stage tune`).

The sample: contracts cited by the benchmark, shuffled with `--seed`, taken until `--min-queries` queries
are covered (every query on a chosen contract is in). The chosen contracts are split in two halves by a
second seeded shuffle: TUNE (variants are compared there) and TEST (final figures). The `--longest` longest
CUAD contracts (all their queries) are reported separately.

Embeddings are cached in `--cache` (keyed by sha256 of the exact text the encoder sees), so a re-run or a
variant that shares passages with an earlier one does not encode again; `chunks/s` counts only real
encoder work. Usage (docs/EVALUATION.md § 11 has the runs and their figures):

    python benchmarks/contract_retrieval.py --stage tune --variants all           # passage variants on TUNE
    python benchmarks/contract_retrieval.py --stage tune --variants none \
        --search-base "chunker=today,strip_name=1,expand=both,focus=0"            # search variants on TUNE
    python benchmarks/contract_retrieval.py --stage prepare --all-longest         # embed TEST + longest
    python benchmarks/contract_retrieval.py --stage final --all-longest           # today vs new, one run
    python benchmarks/contract_retrieval.py --stage latency                       # build and search times
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.config import Settings  # noqa: E402
from assistant.contract.index import ContractIndex, ContractOptions  # noqa: E402
from assistant.contract.rewrite import strip_name  # noqa: E402
from assistant.evaluate.legalbench import DEFAULT_KS, evaluate, load_benchmark  # noqa: E402
from assistant.ingest.loaders.files import load_bytes, load_file  # noqa: E402
from assistant.retrieve.docfinder import NAMED_RE  # noqa: E402
from assistant.types import Filters  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "cuad"
KS = DEFAULT_KS


# -- the embedding cache -------------------------------------------------------------------------

class CachedEmbedder:
    """An `Embedder` in front of the real one: vectors keyed by sha256 of the text, kept in memory and
    in .npz shards under `folder` (benchmark only: the product never writes vectors anywhere)."""

    def __init__(self, inner, folder: Path | None):
        self.inner = inner
        self.dim = inner.dim
        self.folder = folder
        self.vectors: dict[bytes, np.ndarray] = {}
        self.pending: dict[bytes, np.ndarray] = {}
        self.encoded = 0
        self.encode_seconds = 0.0
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            for shard in sorted(folder.glob("*.npz")):
                data = np.load(shard)
                for key, row in zip(data["keys"], data["vectors"]):
                    self.vectors[bytes(key).ljust(32, b"\0")] = row   # numpy "S" drops trailing NULs

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.sha256(text.encode("utf-8")).digest()

    def encode(self, texts, batch_size=None) -> np.ndarray:
        keys = [self.key(t) for t in texts]
        missing = {}
        for key, text in zip(keys, texts):
            if key not in self.vectors and key not in missing:
                missing[key] = text
        if missing:
            t0 = time.perf_counter()
            rows = self.inner.encode(list(missing.values()))
            self.encode_seconds += time.perf_counter() - t0
            self.encoded += len(missing)
            for key, row in zip(missing, rows):
                self.vectors[key] = self.pending[key] = np.asarray(row, dtype=np.float32)
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self.vectors[k] for k in keys])

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()

    def embed_documents(self, texts) -> list[list[float]]:
        return self.encode(texts).tolist()

    def flush(self) -> None:
        if self.folder is None or not self.pending:
            return
        keys = np.array(list(self.pending), dtype="S32")
        rows = np.stack(list(self.pending.values()))
        name = self.folder / f"shard-{time.time_ns()}.npz"
        tmp = name.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=rows)
        tmp.replace(name)
        self.pending = {}


# -- the sample ----------------------------------------------------------------------------------

def choose(queries, contracts: Path, min_queries: int, seed: int, longest: int):
    by_file: dict[str, list] = defaultdict(list)
    for q in queries:
        by_file[q.gold[0][0]].append(q)
    files = sorted(by_file)
    random.Random(seed).shuffle(files)
    sample, count = [], 0
    for f in files:
        if count >= min_queries:
            break
        sample.append(f)
        count += len(by_file[f])
    split = sorted(sample)
    random.Random(seed).shuffle(split)
    tune, test = sorted(split[: len(split) // 2]), sorted(split[len(split) // 2:])
    sizes = {f"contracts/{p.name}": len(p.read_text(encoding="utf-8", errors="replace"))
             for p in contracts.glob("*.txt")}
    top = sorted(sizes, key=lambda f: -sizes[f])[:longest]
    return by_file, tune, test, top, sizes


def group_eval(files, by_file, retrieve) -> dict:
    """LegalBench-RAG means over all queries of `files`; `retrieve(file, question, k)` gives ranked spans.
    Each contract's queries are scored by legalbench.evaluate and the means are weighted by query count
    (the same numbers as one evaluate() call over all of them)."""
    total = sum(len(by_file[f]) for f in files)
    out = {"queries": total, "precision": {k: 0.0 for k in KS}, "recall": {k: 0.0 for k in KS}}
    for f in files:
        qs = by_file[f]
        if not qs:
            continue
        res = evaluate(qs, lambda text, k, f=f: retrieve(f, text, k), KS)
        for k in KS:
            out["precision"][k] += res["precision"][k] * len(qs) / max(1, total)
            out["recall"][k] += res["recall"][k] * len(qs) / max(1, total)
    return out


def prime(embedder: "CachedEmbedder", texts) -> None:
    """Encode the questions in one batch (one at a time is many times slower on a busy machine)."""
    embedder.encode(sorted(set(texts)))
    embedder.flush()


def question_texts(queries, options: ContractOptions) -> list[str]:
    from assistant.contract.rewrite import rewrite

    return [rewrite(q.text, strip=options.strip_name, expand=options.expand, limit=options.expand_limit).dense
            for q in queries]


def row(name: str, res: dict, extra: str = "") -> str:
    p, r = res["precision"], res["recall"]
    return (f"| {name} | {res['queries']} | {100 * p[1]:.1f} % | {100 * r[1]:.1f} % | {100 * r[8]:.1f} % | "
            f"{100 * r[64]:.1f} % | {100 * p[8]:.1f} % | {100 * p[64]:.1f} % |{extra}")


HEADER = "| variant | queries | P@1 | R@1 | R@8 | R@64 | P@8 | P@64 |"


# -- new: ContractIndex ----------------------------------------------------------------------------

class NewIndexes:
    def __init__(self, source: Path, embedder: CachedEmbedder):
        self.source = source
        self.embedder = embedder
        self.docs: dict[str, object] = {}
        self.built: dict[tuple, ContractIndex] = {}
        self.focus_first = True     # a hit with a focus is scored as two spans: its focus, then its passage

    def doc(self, f: str):
        if f not in self.docs:
            self.docs[f] = load_file(self.source / f, root=self.source)[0]
        return self.docs[f]

    def index(self, f: str, options: ContractOptions) -> ContractIndex:
        key = (f, options.build_key())
        if key not in self.built:
            self.built[key] = ContractIndex.build(self.doc(f), self.embedder, options=options)
        return self.built[key].with_options(**_search_fields(options))

    def forget(self, keep: tuple | None = None) -> None:
        self.built = {k: v for k, v in self.built.items() if keep is not None and k[1] == keep}

    def retrieve(self, options: ContractOptions):
        def run(f, text, k):
            shift = int(self.doc(f).meta.get("text_offset", "0") or 0)
            spans = []
            for h in self.index(f, options).search(text, k):
                if h.focus is not None and self.focus_first and h.focus != h.passage:
                    spans.append((f, h.focus.start + shift, h.focus.end + shift))   # the quote, then its passage
                    spans.append((f, h.passage.start + shift, h.passage.end + shift))
                else:
                    span = h.focus or h.passage
                    spans.append((f, span.start + shift, span.end + shift))
            return spans[:k]
        return run


def _search_fields(options: ContractOptions) -> dict:
    return {name: getattr(options, name) for name in ("strip_name", "expand", "expand_limit", "dense_weight",
                                                      "neighbours", "focus", "focus_max",
                                                      "widen_after", "widen")}


def build_all(new: NewIndexes, files, options: ContractOptions, label: str) -> float:
    t0 = time.perf_counter()
    before, secs = new.embedder.encoded, new.embedder.encode_seconds
    for i, f in enumerate(files):
        new.index(f, options)
        if i % 20 == 19:
            new.embedder.flush()
    new.embedder.flush()
    n = new.embedder.encoded - before
    s = new.embedder.encode_seconds - secs
    print(f"  [{label}] built {len(files)} contracts in {time.perf_counter() - t0:.0f} s; encoded {n} new texts "
          f"in {s:.0f} s ({n / s if s else 0:.1f}/s)", flush=True)
    return time.perf_counter() - t0


TODAY = ContractOptions.today()
BASE = ContractOptions(chunker="clauses")


def variants() -> dict[str, ContractOptions]:
    """Tuning variants that change the passages (each needs its own embeddings), in the order tried. All
    search with the question as asked or with the name stripped, no lexicon words and no focus."""
    from dataclasses import replace

    clauses = ContractOptions(chunker="clauses", strip_name=True, expand="none", focus=0)
    return {
        "today's chunks, full question (the old way, in memory)": TODAY,
        "today's chunks, contract name stripped": replace(TODAY, strip_name=True),
        "clause-aware 1000": replace(clauses, size=1000, min_size=200),
        "clause-aware 500": replace(clauses, size=500, min_size=150),
        "clause-aware 1000 + definitions 300": replace(clauses, size=1000, min_size=200, definitions=300),
        "clause-aware 500 + definitions 300": replace(clauses, size=500, min_size=150, definitions=300),
        "clause-aware 800": replace(clauses, size=800, min_size=200),
        "clause-aware 1200": replace(clauses, size=1200, min_size=250),
        "clause-aware 1000, no heading prefix": replace(clauses, size=1000, min_size=200, heading=False),
    }


def search_variants(base: ContractOptions) -> dict[str, ContractOptions]:
    from dataclasses import replace

    return {
        "+ focus of the top hit first, then its passage (focus ≤ 500)": replace(base, focus=1, focus_max=500),
        "+ focus ≤ 500, ranks 9-64 widened": replace(base, focus=1, focus_max=500, widen_after=8, widen=1),
        "+ focus ≤ 300": replace(base, focus=1, focus_max=300),
        "+ focus ≤ 800": replace(base, focus=1, focus_max=800),
        "+ ranks 9-64 widened by a neighbour on each side": replace(base, widen_after=8, widen=1),
        "+ rewrite (lexicon) both": replace(base, expand="both"),
        "+ rewrite dense only": replace(base, expand="dense"),
        "+ rewrite keyword only": replace(base, expand="keyword"),
        "+ rewrite both, limit 1": replace(base, expand="both", expand_limit=1),
        "+ neighbours 0.15": replace(base, neighbours=0.15),
        "+ neighbours 0.3": replace(base, neighbours=0.3),
        "dense weight 0.5": replace(base, dense_weight=0.5),
        "dense weight 0.6": replace(base, dense_weight=0.6),
        "dense weight 0.8": replace(base, dense_weight=0.8),
    }


# -- today: the corpus pipeline -------------------------------------------------------------------

def today_pipeline(files, source: Path, work: Path, embedder: CachedEmbedder):
    from assistant.twinguard import TwinGuard

    corpus = work / "corpus"
    for f in files:
        dest = corpus / f
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.exists():
            dest.symlink_to((source / f).resolve())
    tg = TwinGuard(Settings(home=work / "index", corpus=corpus, collection="bench"), embedder=embedder)
    t0 = time.perf_counter()
    report = tg.index(corpus)
    embedder.flush()
    print(f"  [today] indexed {len(files)} contracts: {tg.catalog.count_chunks()} chunks, "
          f"{report.chunks_embedded} embedded, {time.perf_counter() - t0:.0f} s", flush=True)

    def named(f, text, k):
        return [(h.chunk.doc_id, h.chunk.start, h.chunk.end)
                for h in tg.search(text, k, mode="hybrid", doc_aware=True)]

    def restricted(f, text, k):
        match = NAMED_RE.match(text)
        question = match.group("rest").strip() if match else text
        return [(h.chunk.doc_id, h.chunk.start, h.chunk.end)
                for h in tg.search(question, k, mode="hybrid", doc_aware=False, filters=Filters(doc_ids=(f,)))]

    return named, restricted


# -- stages ----------------------------------------------------------------------------------------

def stage_tune(args, by_file, tune, new) -> dict:
    from dataclasses import replace

    print(f"\nTUNE half: {len(tune)} contracts, {sum(len(by_file[f]) for f in tune)} queries\n{HEADER}\n"
          + "|---" * 8 + "|", flush=True)
    results = {}
    chosen = variants()
    if args.variants != "all":
        chosen = {k: v for k, v in chosen.items() if k in args.variants.split(";")}
    tune_queries = [q for f in tune for q in by_file[f]]
    for name, options in chosen.items():
        build_all(new, tune, options, name)
        prime(new.embedder, question_texts(tune_queries, options))
        results[name] = group_eval(tune, by_file, new.retrieve(options))
        print(row(name, results[name]), flush=True)
        new.forget()
    base = _parse_base(args.search_base)
    if base is not None:
        build_all(new, tune, base, "search base")
        chosen_search = search_variants(base)
        if args.search_variants:
            chosen_search = {k: v for k, v in chosen_search.items() if k in args.search_variants.split(";")}
        for name, options in chosen_search.items():
            prime(new.embedder, question_texts(tune_queries, options))
            results[f"{args.search_base} {name}"] = res = group_eval(tune, by_file, new.retrieve(options))
            print(row(f"{args.search_base} {name}", res), flush=True)
            new.embedder.flush()
        if base.focus == 0:
            new.focus_first = False
            for name, options in (("+ top hit replaced by its focus (≤ 500)", replace(base, focus=1)),):
                results[f"{args.search_base} {name}"] = res = group_eval(tune, by_file, new.retrieve(options))
                print(row(f"{args.search_base} {name}", res), flush=True)
            new.embedder.flush()
            new.focus_first = True
    return results


def _parse_base(text: str | None) -> ContractOptions | None:
    """"chunker=today,expand=none,focus=0" -> ContractOptions; fields not named keep their defaults (the
    final variant), so name every field that should differ from it."""
    if not text:
        return None
    fields = {}
    for part in text.split(","):
        key, _, value = part.partition("=")
        default = getattr(ContractOptions(), key)
        fields[key] = type(default)(value) if not isinstance(default, bool) else value in ("1", "true", "True")
    return ContractOptions(**fields)


def stage_final(args, by_file, test, top, new, embedder) -> dict:
    from dataclasses import replace

    final = _parse_base(args.final) or ContractOptions()
    print(f"\nfinal ContractIndex options: {final}", flush=True)
    results = {}
    everything = sorted(set(test) | (set(f for f in top if by_file[f]) if args.all_longest else set()))
    named, restricted = today_pipeline(everything, args.source, args.work, embedder)
    all_queries = [q for f in everything for q in by_file[f]]
    texts = [q.text for q in all_queries] + [strip_name(q.text) for q in all_queries]
    texts += [m.group("rest").strip() for m in (NAMED_RE.match(q.text) for q in all_queries) if m]
    prime(embedder, texts + question_texts(all_queries, final))
    sets = [("TEST half", test), (f"{args.longest} longest contracts ∩ TEST half", [f for f in top if f in test])]
    if args.all_longest:
        sets.append((f"{args.longest} longest contracts", [f for f in top if by_file[f]]))
    for label, files in sets:
        n = sum(len(by_file[f]) for f in files)
        print(f"\n{label}: {len(files)} contracts, {n} queries\n{HEADER}\n" + "|---" * 8 + "|", flush=True)
        for name, run in (("today, document named (all indexed contracts)", named),
                          ("today, restricted to the contract", restricted)):
            t0 = time.perf_counter()
            results[f"{label} / {name}"] = res = group_eval(files, by_file, run)
            res["ms_per_query"] = 1000 * (time.perf_counter() - t0) / max(1, n)
            print(row(name, res, f" {res['ms_per_query']:.0f} ms/q"), flush=True)
        for name, options in (("today's chunks and search in memory (a check: ≈ today restricted)",
                               replace(TODAY, strip_name=True)),
                              ("new: ContractIndex, passages only (focus not counted)", replace(final, focus=0)),
                              ("new: ContractIndex default (top hit's focus, then passages)", final),
                              ("new: default + ranks 9-64 widened by a neighbour each side",
                               replace(final, widen_after=8, widen=1))):
            build_all(new, files, options, name)
            t0 = time.perf_counter()
            results[f"{label} / {name}"] = res = group_eval(files, by_file, new.retrieve(options))
            res["ms_per_query"] = 1000 * (time.perf_counter() - t0) / max(1, n)
            print(row(name, res, f" {res['ms_per_query']:.0f} ms/q"), flush=True)
            embedder.flush()
    return results


def stage_latency(args, sizes, embedder_inner) -> dict:
    """Upload-to-ready for a ~100-page contract (the CUAD contract closest to `--latency-chars`), against the
    raw encoder on the same texts; search p50 once ready. Real model, no cache."""
    target = min(sizes, key=lambda f: abs(sizes[f] - args.latency_chars))
    data = (args.source / target).read_bytes()
    queries = [q for q in load_benchmark(args.bench) if q.gold[0][0] == target]
    questions = [q.text for q in queries] or ["What is the governing law for this contract?"]
    final = _parse_base(args.final) or ContractOptions()
    embedder_inner.encode(["warm up"])
    out = {"file": target, "chars": sizes[target], "pages": round(sizes[target] / 2500)}

    class Recorder:
        dim = embedder_inner.dim

        def __init__(self):
            self.texts = []

        def encode(self, texts):
            self.texts.append(list(texts))
            return embedder_inner.encode(texts)

    for name, options in (("today's options", TODAY), ("final options", final)):
        builds, raws = [], []
        for _ in range(args.repeats):
            rec = Recorder()
            t0 = time.perf_counter()
            doc = load_bytes(data, target)[0]
            index = ContractIndex.build(doc, rec, options=options)
            builds.append(time.perf_counter() - t0)
            texts = rec.texts[0]
            t0 = time.perf_counter()
            embedder_inner.encode(texts)
            raws.append(time.perf_counter() - t0)
        times = []
        for question in questions * max(1, 60 // len(questions)):
            t0 = time.perf_counter()
            index.search(question, 8)
            times.append(time.perf_counter() - t0)
        out[name] = {"passages": len(index), "build_s": statistics.median(builds), "raw_encoder_s": statistics.median(raws),
                     "search_p50_ms": 1000 * statistics.median(times), "search_p90_ms": 1000 * float(np.percentile(times, 90)),
                     "searches": len(times)}
        print(f"  latency [{name}] {target} ({sizes[target]:,} chars ≈ {out['pages']} pages): {out[name]}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", type=Path, default=SHARED / "dev_retrieval.json")
    parser.add_argument("--source", type=Path, default=SHARED)
    parser.add_argument("--min-queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--longest", type=int, default=50)
    parser.add_argument("--work", type=Path, default=Path("/tmp/tg-contract-bench"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/tg-contract-cache"))
    parser.add_argument("--stage", default="tune", choices=("tune", "final", "latency", "sample", "prepare"))
    parser.add_argument("--variants", default="all")
    parser.add_argument("--search-base", default="", help="options (k=v,...) whose search variants to try")
    parser.add_argument("--search-variants", default="", help="names of search variants (;-separated); default all")
    parser.add_argument("--final", default="", help="options (k=v,...) of the new index; default ContractOptions()")
    parser.add_argument("--all-longest", action="store_true",
                        help="also report every query on the --longest longest contracts (needs their embeddings)")
    parser.add_argument("--latency-chars", type=int, default=250_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    from assistant.index.embeddings import MiniLMEmbedder

    queries = load_benchmark(args.bench)
    by_file, tune, test, top, sizes = choose(queries, args.source / "contracts", args.min_queries, args.seed,
                                            args.longest)
    n_tune = sum(len(by_file[f]) for f in tune)
    n_test = sum(len(by_file[f]) for f in test)
    print(f"{len(queries)} queries in {args.bench.name}; sample (seed {args.seed}): {len(tune) + len(test)} contracts, "
          f"{n_tune + n_test} queries; TUNE {len(tune)} contracts / {n_tune} queries "
          f"({sum(sizes[f] for f in tune):,} chars); TEST {len(test)} / {n_test} ({sum(sizes[f] for f in test):,} chars); "
          f"{args.longest} longest: {sum(1 for f in top if by_file[f])} with queries, "
          f"{sum(len(by_file[f]) for f in top)} queries ({sum(sizes[f] for f in top):,} chars; "
          f"{len(set(top) & set(tune))} in TUNE, {len(set(top) & set(test))} in TEST)", flush=True)
    if args.stage == "sample":
        return
    inner = MiniLMEmbedder()
    embedder = CachedEmbedder(inner, args.cache)
    print(f"embedding cache: {len(embedder.vectors)} vectors in {args.cache}", flush=True)
    new = NewIndexes(args.source, embedder)
    if args.stage == "tune":
        results = stage_tune(args, by_file, tune, new)
    elif args.stage == "prepare":      # fill the cache with today's chunks of the final sets
        files = sorted(set(test) | (set(f for f in top if by_file[f]) if args.all_longest else set()))
        build_all(new, files, _parse_base(args.final) or TODAY, "prepare")
        results = {}
    elif args.stage == "final":
        results = stage_final(args, by_file, test, top, new, embedder)
    else:
        results = stage_latency(args, sizes, inner)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
