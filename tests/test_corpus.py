"""The built-in corpus: valid front matter, sections, resolvable references; and the validator itself."""

from pathlib import Path

import pytest

from assistant.ingest.corpus_check import load_corpus, validate

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_builtin_corpus_is_valid():
    assert validate(CORPUS) == []


def test_builtin_corpus_has_what_the_product_needs():
    docs, _ = load_corpus(CORPUS)
    kinds = [d.meta["kind"] for d in docs.values()]
    assert sum(k in ("law", "regulation", "bill", "draft") for k in kinds) >= 18
    assert sum(k in ("guidance", "company-statement") for k in kinds) >= 6
    assert kinds.count("template") >= 3
    faq = [d for d in docs.values() if d.meta["kind"] == "faq"]
    assert sum(len([l for l in d.text.splitlines() if l.startswith("## ")]) for d in faq) >= 40
    library = [d for d in docs.values() if d.meta["kind"] == "clause-library"]
    for check in ("perpetual-term", "vague-scope", "bundled-consent", "no-per-use-pay", "transfer-sublicense",
                  "ai-training", "post-mortem", "no-deletion", "no-disclosure", "harmful-uses"):
        assert any(check in (d.meta.get("checks") or []) for d in library), check
    for risk in range(1, 11):
        backing = {s["doc"] for d in library if risk in (d.meta.get("risks") or []) for s in d.meta["sources"]}
        assert len(backing) >= 2, f"risk {risk} backed by {backing}"


def test_bills_and_drafts_say_they_are_not_law():
    docs, _ = load_corpus(CORPUS)
    for doc in docs.values():
        if doc.meta["status"] in ("bill", "draft"):
            assert "not law" in doc.text.lower() or "not yet law" in doc.text.lower(), doc.path


def test_spain_label_fine_is_not_misstated():
    docs, _ = load_corpus(CORPUS)
    for doc in docs.values():
        for line in doc.text.splitlines():
            if "35" in line and "label" in line.lower() and doc.meta["jurisdiction"] == "ES":
                assert "not" in line.lower(), f"{doc.path}: {line}"


GOOD = """---
id: {id}
title: T
short_title: T
kind: law
jurisdiction: EU
status: in-force
as_of: 2026-11-28
verification: official
---
# T

## Article 1 — scope

Text {ref}
"""


@pytest.mark.parametrize("change,problem", [
    (dict(ref="[[missing-doc#Article 1]]"), "unknown document 'missing-doc'"),
    (dict(ref="[[a#Article 9]]"), "unknown section 'Article 9'"),
])
def test_validator_catches_broken_references(tmp_path, change, problem):
    (tmp_path / "a.md").write_text(GOOD.format(id="a", ref="[[a#Article 1]]"))
    (tmp_path / "b.md").write_text(GOOD.format(id="b", **change))
    problems = validate(tmp_path)
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize("old,new,problem", [
    ("kind: law", "kind: statute", "kind 'statute' is not one of"),
    ("jurisdiction: EU", "jurisdiction: DE", "jurisdiction 'DE'"),
    ("status: in-force", "status: maybe", "status 'maybe'"),
    ("as_of: 2026-11-28\n", "", "missing field 'as_of'"),
    ("## Article 1 — scope", "Article 1", "no '##' sections"),
])
def test_validator_catches_bad_front_matter(tmp_path, old, new, problem):
    (tmp_path / "a.md").write_text(GOOD.format(id="a", ref="").replace(old, new))
    problems = validate(tmp_path)
    assert any(problem in p for p in problems), problems
