"""The built-in corpus: validation (front matter, sections, references) and coverage.

    twinguard corpus check [corpus/]              list problems; exit 1 if any
    twinguard corpus check [corpus/] --coverage   documents per jurisdiction and kind, sources per risk
    twinguard corpus status [corpus/]             documents due for a re-check (assistant.domain.currency)
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from assistant.domain.schema import REF_RE, validate_meta
from assistant.errors import LoadError
from assistant.ingest.chunking import MD_HEADING, section_label
from assistant.ingest.loaders import iter_files, load_file, split_front_matter

NEEDS_SECTIONS = {"law", "regulation", "bill", "draft", "guidance", "company-statement", "faq", "template",
                  "clause-library"}
RISKS = {
    1: "Perpetual / irrevocable / open-ended licence",
    2: "Vague scope (any use, any media)",
    3: "Consent buried in boilerplate / not separate",
    4: "No per-use pay",
    5: "Transfer / sublicensing to third parties",
    6: "AI training use of scans and recordings",
    7: "Post-mortem use",
    8: "No deletion / return of scan data",
    9: "No disclosure / labelling of AI content",
    10: "Harmful or unwanted uses",
}


@dataclass
class CorpusDoc:
    id: str
    path: str
    meta: dict
    text: str
    labels: set[str] = field(default_factory=set)


def section_labels(text: str) -> set[str]:
    """Every citable label (and full heading) of `##` and deeper headings."""
    labels: set[str] = set()
    for line in text.splitlines():
        match = MD_HEADING.match(line.strip())
        if match and len(match.group(1)) >= 2:
            heading = match.group(2).strip()
            labels.add(heading)
            labels.add(section_label(heading))
    return labels


def load_corpus(root: Path, today: _dt.date | None = None) -> tuple[dict[str, CorpusDoc], list[str]]:
    """The documents by id, and the problems found; `today` (default: the system date) bounds `checked`."""
    docs: dict[str, CorpusDoc] = {}
    problems: list[str] = []
    for path in iter_files(root):
        rel = path.relative_to(root).as_posix()
        try:
            doc, _ = load_file(path, root=root)
            meta, _ = split_front_matter(path.read_text(encoding="utf-8"), rel)
        except (LoadError, UnicodeDecodeError) as exc:
            problems.append(f"{rel}: {exc}")
            continue
        if not meta:
            problems.append(f"{rel}: no front matter")
            continue
        problems.extend(f"{rel}: {p}" for p in validate_meta(meta, today=today))
        doc_id = str(meta.get("id", ""))
        if doc_id in docs:
            problems.append(f"{rel}: id '{doc_id}' also used by {docs[doc_id].path}")
            continue
        if doc_id and path.stem != doc_id:
            problems.append(f"{rel}: file name should be {doc_id}{path.suffix}")
        docs[doc_id] = CorpusDoc(doc_id, rel, meta, doc.text, section_labels(doc.text))
    return docs, problems


def check_references(docs: dict[str, CorpusDoc]) -> list[str]:
    problems: list[str] = []
    for doc in docs.values():
        if doc.meta.get("kind") in NEEDS_SECTIONS and not doc.labels:
            problems.append(f"{doc.path}: no '##' sections")
        for match in REF_RE.finditer(doc.text):
            target, label = match.group(1), match.group(2)
            problems.extend(f"{doc.path}: {p}" for p in _resolve(docs, target, label))
        for source in doc.meta.get("sources") or []:
            if isinstance(source, dict):
                problems.extend(f"{doc.path}: sources: {p}"
                                for p in _resolve(docs, str(source.get("doc", "")), source.get("section")))
    return problems


def _resolve(docs: dict[str, CorpusDoc], target: str, label: str | None) -> list[str]:
    if target not in docs:
        return [f"reference to unknown document '{target}'"]
    if label and label.strip() not in docs[target].labels:
        return [f"reference to unknown section '{label}' in '{target}'"]
    return []


def validate(root: Path, today: _dt.date | None = None) -> list[str]:
    docs, problems = load_corpus(root, today)
    return problems + check_references(docs)


def coverage(docs: dict[str, CorpusDoc]) -> str:
    lines = ["Documents by jurisdiction:"]
    for key, n in sorted(Counter(d.meta.get("jurisdiction") for d in docs.values()).items()):
        lines.append(f"  {key:<6} {n}")
    lines.append("Documents by kind:")
    for key, n in sorted(Counter(d.meta.get("kind") for d in docs.values()).items()):
        lines.append(f"  {key:<18} {n}")
    backing: dict[int, set[str]] = defaultdict(set)
    for doc in docs.values():
        if doc.meta.get("kind") != "clause-library":
            continue
        for risk in doc.meta.get("risks") or []:
            for source in doc.meta.get("sources") or []:
                if isinstance(source, dict) and source.get("doc") in docs:
                    backing[int(risk)].add(f"{source['doc']}#{source.get('section', '')}")
    lines.append("Sources per common risk (from the clause library):")
    for risk, title in RISKS.items():
        refs = sorted(backing.get(risk, ()))
        distinct = len({r.split('#')[0] for r in refs})
        lines.append(f"  {risk:>2}. {title}: {distinct} documents, {len(refs)} sections")
        for ref in refs:
            lines.append(f"        {ref}")
    return "\n".join(lines)
