"""Review over real contracts (CUAD v1): the likeness/publicity list first, then all 510 contracts.

Prints the time per contract, crashes (must be 0), how many contracts have replica clauses, counts of
findings per check, and a few example flagged clauses per check. Optionally times a synthetic
500-page contract.

    .venv/bin/python benchmarks/review_cuad.py [--limit N] [--likeness-only] [--examples 3] [--big]

CUAD: The Atticus Project, CUAD v1, CC BY 4.0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CUAD = ROOT.parent / "shared" / "data" / "cuad"


def likeness_list() -> list[str]:
    names = []
    for line in (CUAD / "likeness_publicity_related_contracts.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and line not in names:
            names.append(line)
    return names


def run(paths: list[Path], tg, label: str, examples: int) -> None:
    from assistant.ingest.loaders import load_file

    times, crashes, with_replica = [], [], 0
    counts: Counter = Counter()
    samples: dict[str, list[str]] = defaultdict(list)
    clauses = 0
    for path in paths:
        started = time.perf_counter()
        try:
            doc, _ = load_file(path)
            result = tg.review(doc)
        except Exception:  # noqa: BLE001 - the benchmark counts every crash
            crashes.append((path.name, traceback.format_exc(limit=3)))
            continue
        times.append(time.perf_counter() - started)
        clauses += len(result.clauses)
        with_replica += result.replica_clauses_found
        for f in result.findings:
            counts[f.check_id] += 1
            if len(samples[f.check_id]) < examples:
                snippet = " ".join(f.clause.split())[:220]
                samples[f.check_id].append(f"{path.name[:50]} § {f.clause_id or '-'}: {snippet}")
    print(f"\n== {label}: {len(paths)} contracts, {clauses} clauses")
    if times:
        print(f"time per contract: mean {statistics.mean(times):.3f} s, median {statistics.median(times):.3f} s, "
              f"max {max(times):.2f} s, total {sum(times):.1f} s")
    print(f"crashes: {len(crashes)}")
    for name, tb in crashes[:5]:
        print(f"  {name}\n{tb}")
    print(f"contracts with digital-replica clauses (likeness, voice, scans, AI ...): {with_replica}")
    print("findings per check:")
    for check, n in counts.most_common():
        print(f"  {check:<22} {n}")
    for check, lines in samples.items():
        print(f"-- {check}")
        for line in lines:
            print(f"   {line}")


def big_contract(pages: int = 500) -> str:
    """A synthetic contract of about `pages` pages (3,000 characters each) with a few replica clauses."""
    filler = ("{n}. Services\n\n{n}.1 The Supplier shall perform the services described in the statement of work "
              "with reasonable skill and care, in accordance with good industry practice and all applicable laws.\n\n"
              "{n}.2 The Customer shall pay each undisputed invoice within thirty days of receipt, and late sums "
              "carry interest at two per cent above the base rate until paid in full.\n\n"
              "{n}.3 Each party shall keep the other's confidential information secret and use it only to perform "
              "this agreement, except where disclosure is required by law or by a regulator.\n\n")
    parts = [filler.format(n=i) for i in range(1, pages * 5)]
    parts[len(parts) // 2] += ("9999. Likeness\n\n9999.1 The Company may use the Model's likeness and digital twin "
                               "in all media in perpetuity and may sublicense it to any third party.\n\n")
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="Only the first N of all 510.")
    parser.add_argument("--likeness-only", action="store_true")
    parser.add_argument("--examples", type=int, default=3)
    parser.add_argument("--big", action="store_true", help="Also time a synthetic 500-page contract.")
    args = parser.parse_args()
    from assistant.config import Settings, builtin_corpus
    from assistant.index.embeddings import MiniLMEmbedder
    from assistant.twinguard import TwinGuard

    embedder = MiniLMEmbedder()
    embedder.warm_up()
    with tempfile.TemporaryDirectory() as home:
        tg = TwinGuard(Settings(home=Path(home), corpus=builtin_corpus()), embedder=embedder)
        tg.sections().section_hit("eu-gdpr", "Article 17")  # load the corpus once, outside the timings
        contracts = CUAD / "contracts"
        likeness = [contracts / n for n in likeness_list() if (contracts / n).exists()]
        run(likeness, tg, "likeness / publicity / endorsement contracts", args.examples)
        if not args.likeness_only:
            everything = sorted(contracts.glob("*.txt"))[: args.limit]
            run(everything, tg, "all CUAD contracts", args.examples)
        if args.big:
            text = big_contract()
            started = time.perf_counter()
            result = tg.review(text)
            print(f"\n== synthetic contract: {len(text):,} characters (~{len(text) // 3000} pages), "
                  f"{len(result.clauses)} clauses, {len(result.findings)} findings, "
                  f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
