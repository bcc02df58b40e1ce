"""Review quality on the labelled clauses (tests/data/review_labelled.yaml): per-check precision and
recall, overall recall, and the false-positive rate on clean clauses; dev and holdout splits apart.

    .venv/bin/python benchmarks/review_quality.py [--no-semantic] [--split dev|holdout|all] [--show]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LABELLED = ROOT / "tests" / "data" / "review_labelled.yaml"


def load_items(split: str = "all") -> list[dict]:
    items = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))["items"]
    return [i for i in items if split == "all" or i.get("split", "dev") == split]


def score(items: list[dict], predictions: list[set[str]]) -> dict:
    """Per-check tp/fp/fn, overall recall and precision, false positives on clean clauses."""
    tp, fp, fn = Counter(), Counter(), Counter()
    clean = clean_flagged = 0
    for item, predicted in zip(items, predictions):
        expected = set(item["expect"])
        for c in predicted & expected:
            tp[c] += 1
        for c in predicted - expected:
            fp[c] += 1
        for c in expected - predicted:
            fn[c] += 1
        if not expected:
            clean += 1
            clean_flagged += bool(predicted)
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    return {
        "tp": tp, "fp": fp, "fn": fn,
        "recall": total_tp / max(1, total_tp + total_fn),
        "precision": total_tp / max(1, total_tp + total_fp),
        "clean": clean, "clean_flagged": clean_flagged,
        "fp_rate_clean": clean_flagged / max(1, clean),
    }


def predict(items: list[dict], embedder) -> list[set[str]]:
    from assistant.review.detect import default_playbook, detect_checks

    playbook = default_playbook()
    return [detect_checks(i["text"], playbook, embedder) for i in items]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-semantic", action="store_true", help="Patterns only (no exemplar matching).")
    parser.add_argument("--split", default="all", choices=["dev", "holdout", "all"])
    parser.add_argument("--show", action="store_true", help="Print every wrong item.")
    args = parser.parse_args()
    embedder = None
    if not args.no_semantic:
        from assistant.index.embeddings import MiniLMEmbedder

        embedder = MiniLMEmbedder()
        embedder.warm_up()
    splits = ["dev", "holdout", "all"] if args.split == "all" else [args.split]
    for split in splits:
        items = load_items(split)
        started = time.perf_counter()
        predictions = predict(items, embedder)
        seconds = time.perf_counter() - started
        result = score(items, predictions)
        print(f"== {split}: {len(items)} clauses, {sum(len(i['expect']) for i in items)} expected flags, "
              f"{'patterns only' if embedder is None else 'patterns + exemplars'}, {seconds:.2f} s")
        print(f"recall {result['recall']:.3f}  precision {result['precision']:.3f}  "
              f"false positives on clean clauses {result['clean_flagged']}/{result['clean']} "
              f"({100 * result['fp_rate_clean']:.1f} %)")
        if split == splits[-1]:
            print(f"{'check':<22}{'tp':>4}{'fp':>4}{'fn':>4}{'precision':>11}{'recall':>8}")
            checks = sorted(set(result["tp"]) | set(result["fp"]) | set(result["fn"]))
            for c in checks:
                tp, fp, fn = result["tp"][c], result["fp"][c], result["fn"][c]
                print(f"{c:<22}{tp:>4}{fp:>4}{fn:>4}{tp / max(1, tp + fp):>11.2f}{tp / max(1, tp + fn):>8.2f}")
        if args.show:
            for item, predicted in zip(items, predictions):
                if predicted != set(item["expect"]):
                    print(f"  expected {sorted(item['expect'])} got {sorted(predicted)}: {item['text'][:110]}")


if __name__ == "__main__":
    main()
