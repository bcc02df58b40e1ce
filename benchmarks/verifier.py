"""Precision, recall and F1 of the support verifier (assistant/answer/support.py) on our labelled set.

    .venv/bin/python benchmarks/verifier.py [--labelled tests/data/support_labelled.yaml] [--threshold 0.55]

"Positive" = the verifier accepts the sentence as supported by the passage. Precision is the share of
accepted sentences that are really supported (the number that matters: a false accept lets an
unsupported claim reach the user); recall is the share of supported sentences accepted. The sweep shows
the trade-off. The rule for choosing: the lowest threshold with no false accept on the set, rounded up
to the next 0.05 (a wrong accept lets an unsupported claim through; a wrong reject only drops a true
sentence, and the extractive answer remains). The threshold in use is
assistant.answer.support.THRESHOLD unless --threshold is given.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answer.support import THRESHOLD, SupportScorer  # noqa: E402
from assistant.index.embeddings import MiniLMEmbedder  # noqa: E402
from assistant.types import Chunk, Hit  # noqa: E402


def load(path: Path) -> tuple[dict[str, Hit], list[dict]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    hits = {}
    for pid, p in data["passages"].items():
        label = p["section"].split(" — ")[0]
        chunk = Chunk(id=pid, doc_id=p["doc"], text=p["text"], start=0, end=len(p["text"]),
                      section=p["section"], label=label)
        hits[pid] = Hit(chunk=chunk, score=1.0, meta={"title": p["doc"]})
    return hits, data["pairs"]


def metrics(scores: list[float], labels: list[bool], threshold: float) -> dict:
    tp = sum(s >= threshold and y for s, y in zip(scores, labels))
    fp = sum(s >= threshold and not y for s, y in zip(scores, labels))
    fn = sum(s < threshold and y for s, y in zip(scores, labels))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"threshold": threshold, "tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labelled", type=Path, default=ROOT / "tests/data/support_labelled.yaml")
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--errors", action="store_true", help="List the pairs the verifier gets wrong.")
    args = parser.parse_args()
    hits, pairs = load(args.labelled)
    embedder = MiniLMEmbedder()
    embedder.warm_up()
    scorer = SupportScorer(embedder)
    started = time.perf_counter()
    scorer.prepare(p["sentence"] for p in pairs)
    results = [scorer.score(p["sentence"], hits[p["passage"]]) for p in pairs]
    seconds = time.perf_counter() - started
    scores = [r.score for r in results]
    labels = [bool(p["supported"]) for p in pairs]
    print(f"{len(pairs)} pairs ({sum(labels)} supported, {len(labels) - sum(labels)} not) over {len(hits)} passages; "
          f"scored in {seconds:.2f} s ({1000 * seconds / len(pairs):.1f} ms per pair, incl. passage embedding)")
    print(f"\n{'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6} {'FP':>4} {'FN':>4}")
    for step in range(30, 81, 5):
        m = metrics(scores, labels, step / 100)
        print(f"{m['threshold']:>9.2f} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} {m['fp']:>4} {m['fn']:>4}")
    grid = [metrics(scores, labels, step / 100) for step in range(30, 91)]
    best = max(grid, key=lambda m: (round(m["f1"], 6), -m["threshold"]))
    clean = next((m for m in grid if m["fp"] == 0), grid[-1])
    print(f"\nbest F1 on the grid: {best['threshold']:.2f} (precision {best['precision']:.3f}, "
          f"recall {best['recall']:.3f}, F1 {best['f1']:.3f})")
    print(f"lowest threshold with no false accept: {clean['threshold']:.2f} (recall {clean['recall']:.3f}); "
          f"the rule is that, rounded up to the next 0.05 for a margin")
    m = metrics(scores, labels, args.threshold)
    print(f"chosen threshold {args.threshold:.2f}: precision {m['precision']:.3f}, recall {m['recall']:.3f}, "
          f"F1 {m['f1']:.3f} (TP {m['tp']}, FP {m['fp']}, FN {m['fn']})")
    if args.errors:
        for p, r, y in zip(pairs, results, labels):
            if (r.score >= args.threshold) != y:
                kind = "false accept" if not y else "false reject"
                print(f"  {kind}: {r.score:.3f} (cos {r.cosine:.2f}, terms {r.overlap:.2f}, missing {list(r.missing)}) "
                      f"[{p['passage']}] {p['sentence']}")


if __name__ == "__main__":
    main()
