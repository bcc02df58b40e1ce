"""Review quality on text the playbook's authors did not write, old code beside new code, in one run.

Two labelled sets (eval/review/), each split into tune and test parts before any tuning:
- `clauses_blind.yaml`: clauses written and labelled from docs/PLAYBOOK.md's check descriptions only
  (an item's `context`, e.g. a definition, is reviewed with it; only flags on the clause itself count);
- `cuad_labels.yaml`: real CUAD v1 contracts (The Atticus Project, CC BY 4.0), labelled clause by clause
  (quotes), with clean near-miss quotes and the protections missing from the whole contract.

    .venv/bin/python benchmarks/review_blind.py [--old ../baseline] [--split test|tune|all] [--show]

`--old DIR` is a checkout of the code to compare with (e.g. `git worktree add ../baseline <commit>`); each
code version runs in its own process and prints JSON, then this prints the tables side by side.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
BLIND = HERE / "eval" / "review" / "clauses_blind.yaml"
CUAD_LABELS = HERE / "eval" / "review" / "cuad_labels.yaml"
CUAD = HERE.parent / "shared" / "data" / "cuad" / "contracts"


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# --- predictions (run inside the process of one code version) ------------------------------------


def predict_clauses(items: list[dict], embedder) -> list[list[str]]:
    from assistant.review.detect import default_playbook, detect
    from assistant.review.segmenter import segment

    playbook = default_playbook()
    out = []
    for item in items:
        context = item.get("context") or ""
        text = (context + "\n\n" + item["text"]) if context else item["text"]
        span = (len(text) - len(item["text"]), len(text))
        hits = detect(segment(text), playbook, embedder)[0]
        out.append(sorted({h.check.id for h in hits if overlaps((h.clause.start, h.clause.end), span)}))
    return out


def predict_contracts(contracts: list[dict], embedder) -> list[dict]:
    from assistant.config import builtin_corpus
    from assistant.index.sections import FileSections
    from assistant.review.findings import review

    sections = FileSections(builtin_corpus())
    out = []
    for c in contracts:
        text = (CUAD / c["file"]).read_text(encoding="utf-8", errors="replace")
        started = time.perf_counter()
        result = review(text, sections, embedder=embedder)
        seconds = time.perf_counter() - started
        out.append({"seconds": seconds,
                    "findings": [{"check": f.check_id, "start": f.start, "end": f.end, "scope": f.scope}
                                 for f in result.findings]})
    return out


def run_version(emit: bool) -> dict:
    import yaml

    from assistant.index.embeddings import MiniLMEmbedder

    embedder = MiniLMEmbedder()
    items = yaml.safe_load(BLIND.read_text(encoding="utf-8"))["items"]
    contracts = yaml.safe_load(CUAD_LABELS.read_text(encoding="utf-8"))["contracts"]
    started = time.perf_counter()
    clauses = predict_clauses(items, embedder)
    seconds = time.perf_counter() - started
    return {"clauses": clauses, "clause_seconds": seconds, "contracts": predict_contracts(contracts, embedder)}


# --- scoring (pure) ------------------------------------------------------------------------------


def score_clauses(items: list[dict], predictions: list[list[str]]) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    clean = clean_flagged = 0
    for item, predicted in zip(items, predictions):
        expected, got = set(item["expect"]), set(predicted)
        for c in got & expected:
            tp[c] += 1
        for c in got - expected:
            fp[c] += 1
        for c in expected - got:
            fn[c] += 1
        if not expected:
            clean += 1
            clean_flagged += bool(got)
    return _totals(tp, fp, fn, clean, clean_flagged)


def _totals(tp, fp, fn, clean, clean_flagged) -> dict:
    t, f, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    return {"tp": tp, "fp": fp, "fn": fn, "recall": t / max(1, t + n), "precision": t / max(1, t + f),
            "clean": clean, "clean_flagged": clean_flagged, "clean_fp_rate": clean_flagged / max(1, clean)}


def score_contracts(contracts: list[dict], predictions: list[dict]) -> dict:
    """Clause level: a labelled quote's checks against the clause findings overlapping it; a finding that
    overlaps no quote labelled with its check is a false positive. Whole-contract "missing" findings are
    scored apart (missing_tp / missing_fp / missing_fn)."""
    tp, fp, fn = Counter(), Counter(), Counter()
    clean = clean_flagged = 0
    missing = Counter()
    for contract, predicted in zip(contracts, predictions):
        text = (CUAD / contract["file"]).read_text(encoding="utf-8", errors="replace")
        labelled = []
        for label in contract.get("clauses") or ():
            start = text.find(label["quote"])
            labelled.append(((start, start + len(label["quote"])), set(label["expect"])))
        clause_findings = [f for f in predicted["findings"] if f["scope"] == "clause"]
        for span, expected in labelled:
            got = {f["check"] for f in clause_findings if overlaps((f["start"], f["end"]), span)}
            for c in expected:
                (tp if c in got else fn)[c] += 1
        for f in clause_findings:
            if not any(f["check"] in expected and overlaps((f["start"], f["end"]), span) for span, expected in labelled):
                fp[f["check"]] += 1
        for label in contract.get("clean") or ():
            start = text.find(label["quote"])
            clean += 1
            clean_flagged += any(overlaps((f["start"], f["end"]), (start, start + len(label["quote"])))
                                 for f in clause_findings)
        said = {f["check"] for f in predicted["findings"] if f["scope"] == "contract"}
        expected_missing = set(contract.get("missing") or ())
        missing["tp"] += len(said & expected_missing)
        missing["fp"] += len(said - expected_missing)
        missing["fn"] += len(expected_missing - said)
    out = _totals(tp, fp, fn, clean, clean_flagged)
    out["missing"] = missing
    out["seconds"] = [p["seconds"] for p in predictions]
    return out


# --- the report ----------------------------------------------------------------------------------


def child(code: Path) -> dict:
    """Run this script with another code version first on the path; return its JSON."""
    env_code = str(code.resolve())
    proc = subprocess.run([sys.executable, __file__, "--emit", "--code", env_code], capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        raise SystemExit(f"The run with {code} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def table(title: str, results: dict[str, dict]) -> None:
    names = list(results)
    print(f"\n== {title}")
    head = "".join(f"{n:>24}" for n in names)
    print(f"{'':<22}{head}")
    for key, fmt in (("recall", "{:.3f}"), ("precision", "{:.3f}"), ("clean_fp_rate", "{:.3f}")):
        print(f"{key:<22}" + "".join(f"{fmt.format(results[n][key]):>24}" for n in names))
    print(f"{'clean flagged':<22}" + "".join(f"{results[n]['clean_flagged']:>20}/{results[n]['clean']:<3}"
                                             for n in names))
    checks = sorted(set().union(*(set(r["tp"]) | set(r["fp"]) | set(r["fn"]) for r in results.values())))
    print(f"{'per check (tp/fp/fn)':<22}" + "".join(f"{n:>24}" for n in names))
    for c in checks:
        print(f"  {c:<20}" + "".join(f"{results[n]['tp'][c]:>16}/{results[n]['fp'][c]}/{results[n]['fn'][c]:<5}"
                                     for n in names))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--old", type=Path, help="A checkout of the code to compare with.")
    parser.add_argument("--split", default="all", choices=["tune", "test", "all"])
    parser.add_argument("--show", action="store_true", help="Print the wrong items of the chosen split.")
    parser.add_argument("--emit", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, default=HERE, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.emit:
        sys.path.insert(0, str(args.code))
        print(json.dumps(run_version(True)))
        return
    import yaml

    items = yaml.safe_load(BLIND.read_text(encoding="utf-8"))["items"]
    contracts = yaml.safe_load(CUAD_LABELS.read_text(encoding="utf-8"))["contracts"]
    versions = {"new": child(HERE)}
    if args.old:
        versions = {"old": child(args.old), **versions}
    splits = ["tune", "test"] if args.split == "all" else [args.split]
    for split in splits:
        keep = [i for i, item in enumerate(items) if item["split"] == split]
        chosen = [items[i] for i in keep]
        table(f"new clauses, {split} part: {len(chosen)} clauses, {sum(1 for i in chosen if not i['expect'])} clean",
              {n: score_clauses(chosen, [v["clauses"][i] for i in keep]) for n, v in versions.items()})
        ckeep = [i for i, c in enumerate(contracts) if c["split"] == split]
        picked = [contracts[i] for i in ckeep]
        scored = {n: score_contracts(picked, [v["contracts"][i] for i in ckeep]) for n, v in versions.items()}
        table(f"CUAD contracts, {split} part: {len(picked)} contracts, "
              f"{sum(len(c.get('clauses') or ()) for c in picked)} labelled clauses", scored)
        for n, r in scored.items():
            m = r["missing"]
            print(f"  {n}: whole-contract 'missing' findings tp {m['tp']} fp {m['fp']} fn {m['fn']}; "
                  f"review time per contract p50 {sorted(r['seconds'])[len(r['seconds']) // 2]:.2f} s")
        if args.show:
            for i in keep:
                got = set(versions["new"]["clauses"][i])
                if got != set(items[i]["expect"]):
                    print(f"  {items[i]['id']}: expected {sorted(items[i]['expect'])} got {sorted(got)}: "
                          f"{items[i]['text'][:140]}")
    for n, v in versions.items():
        print(f"{n}: {len(items)} clauses in {v['clause_seconds']:.1f} s")


if __name__ == "__main__":
    main()
