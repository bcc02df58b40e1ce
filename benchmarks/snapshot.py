"""A behaviour snapshot for refactors: every gold answer, reviews of real and labelled contracts, and riders,
as one JSON file, so that two versions of the code can be diffed (`diff` or a few lines of Python).

    .venv/bin/python benchmarks/snapshot.py /tmp/home-a snapshot-a.json
    (change the code)
    .venv/bin/python benchmarks/snapshot.py /tmp/home-b snapshot-b.json

HOME is the TwinGuard data folder to use (indexed on first use). Reviews: the first 12 CUAD likeness
contracts (../shared/data/cuad) and the labelled clauses of tests/data/review_labelled.yaml.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CUAD = ROOT.parent / "shared" / "data" / "cuad"
REQUESTS = ("12-month e-commerce licence, EUR 500 per use, EU", "campaign in New York for model Jane Doe, $2k per post",
            "two years, social media and print, UK, delete within 14 days", "6 months California minor SAG-AFTRA",
            "annual licence, Spain, no approval", "billboards and TV, Illinois, USD 10,000 a year")
PLACES = ("", "US-NY", "US-CA", "US-IL", "EU", "ES", "DK", "UK")


def likeness_contracts(limit: int = 12) -> list[Path]:
    listing = CUAD / "likeness_publicity_related_contracts.txt"
    if not listing.exists():
        return []
    names = [n.strip() for n in listing.read_text().splitlines() if n.strip() and not n.startswith("#")]
    return [CUAD / "contracts" / n for n in names[:limit] if (CUAD / "contracts" / n).exists()]


def snapshot(home: Path) -> dict:
    from assistant.config import Settings, builtin_corpus
    from assistant.draft.request import parse_request
    from assistant.draft.rider import RiderParams
    from assistant.twinguard import TwinGuard

    tg = TwinGuard(Settings(home=home, corpus=builtin_corpus()))
    if not tg.indexed:
        tg.index()
    out: dict = {"answers": {}, "reviews": {}, "riders": {}}
    for item in yaml.safe_load((ROOT / "eval" / "gold.yaml").read_text())["items"]:
        answer = tg.ask(item["question"], history=[item["context"]] if item.get("context") else [])
        out["answers"][item["id"]] = {"text": answer.text, "refused": answer.refused, "notice": answer.notice,
                                      "citations": [c.to_dict() for c in answer.citations]}
    for path in likeness_contracts():
        out["reviews"][path.name] = tg.review(path.read_text(encoding="utf-8", errors="replace")).to_dict()
    labelled = yaml.safe_load((ROOT / "tests" / "data" / "review_labelled.yaml").read_text())["items"]
    for i, item in enumerate(labelled):
        out["reviews"][f"labelled-{i}"] = tg.review(item["text"]).to_dict()
    for request in REQUESTS:
        out["riders"][request] = tg.draft(parse_request(request)).to_dict()
    for place in PLACES:
        out["riders"][f"place:{place}"] = tg.draft(RiderParams(jurisdiction=place, model_name="Jane Doe")).to_dict()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    result = snapshot(args.home)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    print(", ".join(f"{len(v)} {k}" for k, v in result.items()))


if __name__ == "__main__":
    main()
