"""The gold set (eval/gold.yaml): questions with their expected sources, key facts and expected refusals.

Parsing checks every item (ids, fields, in-scope items need sources and facts); `check_gold` checks the
set against a corpus (unknown documents or sections, facts found in none of an item's documents).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import yaml

from assistant.domain.jurisdictions import get, is_covered
from assistant.errors import GoldError
from assistant.evaluate.metrics import fact_in, normalize
from assistant.ingest.chunking import section_label
from assistant.plan.intent import INTENTS


@dataclass(frozen=True)
class Expected:
    doc_id: str
    section: str = ""               # a section label; empty = anywhere in the document

    @classmethod
    def parse(cls, ref: str) -> "Expected":
        doc, _, section = str(ref).partition("#")
        return cls(doc.strip(), section_label(section.strip()) if section.strip() else "")


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    sources: tuple[Expected, ...] = ()
    accept: tuple[str, ...] = ()
    facts: tuple[tuple[str, ...], ...] = ()   # each fact: alternative wordings
    context: str = ""
    persona: str = "model"
    type: str = "fact"
    expect: str = "answer"
    places: tuple[str, ...] = ()    # jurisdiction codes the question is about; () = no particular place
    intent: str = ""                # one of plan.intent.INTENTS; "" = not labelled
    split: str = "dev"              # "dev" (may be tuned on) or "heldback" (reported separately, never tuned on)

    @property
    def uncovered(self) -> tuple[str, ...]:
        """The places asked about that the corpus has no own law for."""
        return tuple(p for p in self.places if not is_covered(p))

    @property
    def in_scope(self) -> bool:
        return self.expect == "answer"

    @property
    def query(self) -> str:
        """What a search variant is given: a follow-up carries its previous question along."""
        return f"{self.context} {self.question}".strip()

    @property
    def source_docs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.doc_id for s in self.sources))


@dataclass(frozen=True)
class GoldSet:
    items: tuple[GoldItem, ...]
    always_accept: tuple[str, ...] = ()

    def acceptable(self, item: GoldItem) -> set[str]:
        return set(item.source_docs) | set(item.accept) | set(self.always_accept)


def _facts(raw, where: str) -> tuple[tuple[str, ...], ...]:
    out = []
    for fact in raw or ():
        alts = tuple(str(a) for a in (fact if isinstance(fact, list) else [fact]) if str(a).strip())
        if not alts:
            raise GoldError(f"{where}: empty fact")
        out.append(alts)
    return tuple(out)


def parse_gold(data) -> GoldSet:
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise GoldError("the gold file must be a mapping with an `items` list")
    items, seen = [], set()
    for n, raw in enumerate(data["items"], 1):
        where = f"item {n} ({raw.get('id', '?') if isinstance(raw, dict) else '?'})"
        if not isinstance(raw, dict) or not raw.get("id") or not str(raw.get("question", "")).strip():
            raise GoldError(f"{where}: needs an `id` and a `question`")
        if raw["id"] in seen:
            raise GoldError(f"{where}: duplicate id")
        seen.add(raw["id"])
        expect = raw.get("expect", "answer")
        if expect not in ("answer", "decline"):
            raise GoldError(f"{where}: expect must be answer or decline, got {expect!r}")
        item = GoldItem(id=str(raw["id"]), question=str(raw["question"]).strip(),
                        sources=tuple(Expected.parse(s) for s in raw.get("sources") or ()),
                        accept=tuple(str(a) for a in raw.get("accept") or ()),
                        facts=_facts(raw.get("facts"), where), context=str(raw.get("context") or "").strip(),
                        persona=str(raw.get("persona", "model")), type=str(raw.get("type", "fact")), expect=expect,
                        places=tuple(str(c) for c in raw.get("places") or ()), intent=str(raw.get("intent") or ""),
                        split=str(raw.get("split") or "dev"))
        unknown = [c for c in item.places if get(c) is None]
        if unknown:
            raise GoldError(f"{where}: unknown place code(s) {', '.join(unknown)}")
        if item.intent and item.intent not in INTENTS:
            raise GoldError(f"{where}: intent must be one of {', '.join(INTENTS)}, got {item.intent!r}")
        if item.split not in ("dev", "heldback"):
            raise GoldError(f"{where}: split must be dev or heldback, got {item.split!r}")
        if item.in_scope and not (item.sources and item.facts):
            raise GoldError(f"{where}: an in-scope item needs `sources` and `facts`")
        if not item.in_scope and item.sources:
            raise GoldError(f"{where}: an out-of-scope item has no sources")
        items.append(item)
    return GoldSet(tuple(items), tuple(str(a) for a in data.get("always_accept") or ()))


def load_gold(path: Path) -> GoldSet:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise GoldError(f"cannot read gold file {path}: {exc}") from exc
    return parse_gold(data)


def spread(items: Sequence, limit: int | None) -> list:
    """`limit` items spread evenly over the list (the gold file is grouped by topic and type)."""
    if not limit or limit >= len(items):
        return list(items)
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def check_gold(gold: GoldSet, texts: Mapping[str, str], labels: Mapping[str, set[str]]) -> list[str]:
    """Problems with the gold set against the corpus: unknown documents or sections, facts not found in
    the text of any document the item accepts."""
    problems = []
    for item in gold.items:
        for src in item.sources:
            if src.doc_id not in texts:
                problems.append(f"{item.id}: unknown document {src.doc_id}")
            elif src.section and src.section not in labels.get(src.doc_id, set()):
                problems.append(f"{item.id}: {src.doc_id} has no section {src.section!r}")
        for doc in set(item.accept) | set(gold.always_accept):
            if doc not in texts:
                problems.append(f"{item.id}: unknown accepted document {doc}")
        corpus = [normalize(texts[d]) for d in gold.acceptable(item) if d in texts]
        for fact in item.facts:
            if not any(fact_in(fact, text) for text in corpus):
                problems.append(f"{item.id}: fact {' / '.join(fact)!r} is in none of its documents")
    return problems
