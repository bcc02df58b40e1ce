"""The clause library parsed from the real corpus, offsets that quote it, and clear errors."""

import pytest

from assistant.config import builtin_corpus
from assistant.draft.clauselib import entry_for_check, load_library, parse_entry
from assistant.errors import ClauseLibraryError
from assistant.index.sections import FileSections
from assistant.ingest.corpus_check import load_corpus
from assistant.ingest.loaders import load_file

CORPUS = builtin_corpus()
CANONICAL = ("perpetual-term", "vague-scope", "bundled-consent", "no-per-use-pay", "transfer-sublicense",
             "ai-training", "post-mortem", "no-deletion", "no-approval", "no-disclosure", "no-revocation",
             "harmful-uses", "power-of-attorney", "no-representation", "excessive-commission",
             "long-agency-term", "minor-model")

GOOD = """---
id: cl-test
title: "Test entry"
short_title: "Test"
checks: [test-check]
risks: [1]
sources:
  - {doc: some-law, section: "Art. 1"}
---

# Test

## Risk

A risky clause.

## Standard position

The Company uses [MODEL NAME]'s replica for [TERM MONTHS, at most 12] months.

What the model gives up: nothing.

## Fallback 1

The Company uses it for [TERM MONTHS, at most 24] months.

What the model gives up: a longer term.

## Unacceptable

- "Forever": no end.
- "Irrevocable":
  no exit.

## Sources

- [[some-law#Art. 1]]: the law says so.
- [[other-doc]]: background.
"""


@pytest.fixture(scope="module")
def library():
    return load_library(CORPUS)


def test_every_real_entry_is_complete(library):
    files = sorted(p.stem for p in (CORPUS / "clause-library").glob("cl-*.md"))
    assert sorted(library) == files and len(files) >= 17
    docs, _ = load_corpus(CORPUS)
    for entry in library.values():
        assert entry.standard.label == "Standard position" and entry.standard.text
        assert "[" in entry.standard.text, f"{entry.id}: standard position without placeholders"
        assert len(entry.fallbacks) >= 1 and all(f.label.startswith("Fallback ") for f in entry.fallbacks)
        assert all(p.gives_up and "What the model gives up" not in p.text for p in entry.positions)
        assert len(entry.unacceptable) >= 3 and all(len(u) > 10 for u in entry.unacceptable)
        assert entry.sources and len(entry.source_notes) == len(entry.sources)
        for doc_id, section in entry.sources:     # every source is a real corpus document
            assert doc_id in docs, (entry.id, doc_id)
            assert not section or section in docs[doc_id].labels, (entry.id, doc_id, section)
        assert entry.risk_text and entry.checks


def test_offsets_quote_the_loaded_document(library):
    for entry in library.values():
        doc, _ = load_file(CORPUS / "clause-library" / f"{entry.id}.md")
        for position in entry.positions:
            assert doc.text[position.start:position.end] == position.text


def test_every_canonical_check_has_an_entry(library):
    for check in CANONICAL:
        entry = entry_for_check(library, check)
        assert entry is not None and check in entry.checks
    assert entry_for_check(library, "no-such-check") is None


def test_parse_a_small_entry():
    entry = parse_entry(GOOD.encode(), "cl-test.md")
    assert entry.id == "cl-test" and entry.checks == ("test-check",) and entry.risks == (1,)
    assert entry.standard.text == "The Company uses [MODEL NAME]'s replica for [TERM MONTHS, at most 12] months."
    assert entry.standard.gives_up == "nothing."
    assert [f.gives_up for f in entry.fallbacks] == ["a longer term."]
    assert entry.unacceptable == ('"Forever": no end.', '"Irrevocable": no exit.')
    assert entry.sources == (("some-law", "Art. 1"), ("other-doc", ""))
    assert entry.source_notes == ("the law says so.", "background.")
    assert entry.risk_text == "A risky clause."


@pytest.mark.parametrize("broken, message", [
    (GOOD.replace("## Standard position", "## Standard"), "missing section(s) ## Standard position"),
    (GOOD.replace("## Fallback 1", "## Another"), "## Fallback 1"),
    (GOOD.replace("What the model gives up: nothing.", "Nothing."), "has no line starting 'What the model gives up:'"),
    (GOOD.replace('- "Forever": no end.\n- "Irrevocable":\n  no exit.', "None."), "has no '- ' items"),
    (GOOD.replace("id: cl-test\n", ""), "has no 'id'"),
    (GOOD.split("---", 2)[2], "no YAML front matter"),
    (GOOD.replace("sources:\n  - {doc: some-law, section: \"Art. 1\"}\n", "sources:\n  - just-a-string\n"),
     "each front-matter source needs 'doc'"),
    (GOOD.replace("checks: [test-check]", "checks: test-check"), "'checks' and 'risks' must be lists"),
])
def test_malformed_entries_say_what_is_wrong(broken, message):
    with pytest.raises(ClauseLibraryError) as info:
        parse_entry(broken.encode(), "cl-test.md")
    assert message in str(info.value) and "cl-test.md" in str(info.value)


def test_library_folder_errors(tmp_path):
    with pytest.raises(ClauseLibraryError, match="No clause library"):
        load_library(tmp_path)
    (tmp_path / "clause-library").mkdir()
    with pytest.raises(ClauseLibraryError, match="has no entries"):
        load_library(tmp_path)
    (tmp_path / "clause-library" / "cl-a.md").write_text(GOOD)
    (tmp_path / "clause-library" / "cl-b.md").write_text(GOOD)
    with pytest.raises(ClauseLibraryError, match="used twice"):
        load_library(tmp_path)
    (tmp_path / "clause-library" / "cl-b.md").unlink()
    assert list(load_library(tmp_path / "clause-library")) == ["cl-test"]


@pytest.mark.integration
def test_corpus_sections_match_the_index(indexed):
    """The index-free lookup returns the same passage, with the same offsets, as the indexed TwinGuard."""
    lookup = FileSections(indexed.settings.corpus)
    for doc_id, label in (("test-ny-fwa", "§ 1037"), ("test-ny-fwa", "§ 1035(10)"), ("test-ai-act", "Article 50(4)")):
        ours, theirs = lookup.section_hit(doc_id, label), indexed.section_hit(doc_id, label)
        assert (ours is None) == (theirs is None)
        if ours is not None:
            assert (ours.chunk.start, ours.chunk.end, ours.chunk.text) == (theirs.chunk.start, theirs.chunk.end,
                                                                           theirs.chunk.text)
    assert lookup.section_hit("test-ny-fwa", "§ 1035(10)") is not None
    assert lookup.section_hit("no-such-doc", "§ 1") is None
    assert lookup.section_hit("test-ny-fwa", "§ 9999") is None
