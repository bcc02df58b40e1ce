"""Review speed: a 100-page contract, old code beside new code (aim: p50 ≤ 3 s on a 2-core machine).

Two contracts: a synthetic 100-page one (3,000 characters a page, a few replica clauses, a defined Term and
a survival clause) and the longest likeness-related CUAD contract (The Atticus Project, CC BY 4.0). Each is
reviewed `--runs` times after one warm-up (the model and playbook loaded), with the bundled MiniLM for
semantic detection, through `review()` with corpus sections read from the files (no index needed).

    .venv/bin/python benchmarks/review_speed.py [--old ../baseline] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
CUAD = HERE.parent / "shared" / "data" / "cuad"
PAGE = 3000


def synthetic(pages: int = 100) -> str:
    clause = ("{n}. Services\n\n{n}.1 The Supplier shall perform the services described in the statement of work "
              "with reasonable skill and care, in accordance with good industry practice and all applicable laws.\n\n"
              "{n}.2 The Customer shall pay each undisputed invoice within thirty days of receipt, and late sums "
              "carry interest at two per cent above the base rate until paid in full.\n\n"
              "{n}.3 Each party shall keep the other's confidential information secret and use it only to perform "
              "this agreement, except where disclosure is required by law or by a regulator.\n\n")
    head = ('1. Definitions\n\n1.1 "Digital Twin" means the 3D avatar of the Model made from body scans.\n\n'
            '1.2 "Term" means twelve (12) months from the Shoot Date.\n\n')
    parts = [head] + [clause.format(n=i) for i in range(2, 2 + pages * PAGE // len(clause.format(n=10)))]
    middle = len(parts) // 2
    parts[middle] += ("9000. Likeness\n\n9000.1 The Company may use the Digital Twin in all media in perpetuity and "
                      "may sublicense it to any third party.\n\n9000.2 The consent given in this Section may not be "
                      "withdrawn.\n\n9001. Survival\n\n9001.1 Section 9000 survives termination.\n\n")
    return "".join(parts)


def longest_likeness() -> tuple[str, str]:
    names = [n.strip() for n in (CUAD / "likeness_publicity_related_contracts.txt").read_text().splitlines()
             if n.strip() and not n.startswith("#")]
    paths = [CUAD / "contracts" / n for n in dict.fromkeys(names) if (CUAD / "contracts" / n).is_file()]
    path = max(paths, key=lambda p: p.stat().st_size)
    return path.name, path.read_text(encoding="utf-8", errors="replace")


def measure(runs: int) -> dict:
    from assistant.config import builtin_corpus
    from assistant.index.embeddings import MiniLMEmbedder
    from assistant.index.sections import FileSections
    from assistant.review.findings import review

    embedder = MiniLMEmbedder()
    embedder.warm_up()
    sections = FileSections(builtin_corpus())
    out = {}
    name, cuad = longest_likeness()
    for label, text in (("synthetic 100 pages", synthetic()), (f"CUAD {name[:50]}", cuad)):
        review(text[:20000], sections, embedder=embedder)          # warm-up: playbook, exemplar vectors
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            result = review(text, sections, embedder=embedder)
            times.append(time.perf_counter() - started)
        out[label] = {"chars": len(text), "pages": round(len(text) / PAGE), "clauses": len(result.clauses),
                      "findings": len(result.findings), "p50": statistics.median(times), "max": max(times)}
    return out


def child(code: Path, runs: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--emit", "--code", str(code.resolve()), "--runs", str(runs)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--old", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--emit", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, default=HERE, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.emit:
        sys.path.insert(0, str(args.code))
        print(json.dumps(measure(args.runs)))
        return
    versions = {"new": child(HERE, args.runs)}
    if args.old:
        versions = {"old": child(args.old, args.runs), **versions}
    for label in versions["new"]:
        print(f"== {label}")
        for name, figures in versions.items():
            f = figures[label]
            print(f"  {name:<4} {f['chars']:>9,} chars (~{f['pages']} pages), {f['clauses']} clauses, "
                  f"{f['findings']} findings: p50 {f['p50']:.2f} s, max {f['max']:.2f} s")


if __name__ == "__main__":
    main()
