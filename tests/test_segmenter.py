"""Segmentation of contracts into clauses: ids, heading paths, exact offsets, pages, defined terms."""

from __future__ import annotations

import re

from assistant.ingest.loaders import load_bytes
from assistant.review.segmenter import MAX_CLAUSE, expand_terms, segment
from tests.files import docx_bytes, pdf_bytes

CONTRACT = """DIGITAL TWIN LICENCE AGREEMENT

This agreement is made between Acme Fashion Ltd (the "Company") and Jane Doe (the "Model").

1. Definitions

1.1 "Digital Twin" means any digital simulation of the Model's face, body or voice made from the Scans.

1.2 "Scans" means the photogrammetry captures taken at the session on 3 March 2026.

1.3 "Materials" means the Digital Twin and all images made with it.

2. Fees

2.1 The Company pays the Model EUR 2,000 for the session.

7. Licence

7.1 The Company may use the Materials in the Spring campaign.

7.2 The Company may:
(a) publish the Materials on its website; and
(b) print the Materials in its catalogue.

SCHEDULE 1 - PERMITTED USES

Website banners and the printed catalogue for Spring 2026.
"""


def by_id(seg, ref):
    return next(c for c in seg.clauses if c.ref == ref)


def test_offsets_ids_and_paths():
    seg = segment(CONTRACT)
    for clause in seg.clauses:
        assert CONTRACT[clause.start:clause.end] == clause.text
    refs = [c.ref for c in seg.clauses]
    for expected in ("1.1", "1.2", "1.3", "2.1", "7.1", "7.2", "7.2(a)", "7.2(b)"):
        assert expected in refs
    sub = by_id(seg, "7.2(b)")
    assert sub.id == "(b)"
    assert any(p.startswith("7. Licence") for p in sub.path)
    assert sub.lead.startswith("7.2 The Company may:")
    parent = by_id(seg, "7.2")
    assert CONTRACT[parent.start:parent.block_end].endswith("in its catalogue.")
    # a numbered heading with no body ("7. Licence") is not a clause of its own
    assert not any(c.text.strip() == "7. Licence" for c in seg.clauses)


def test_definitions_and_terms_used():
    seg = segment(CONTRACT)
    assert {"Digital Twin", "Scans", "Materials", "Company", "Model"} <= set(seg.definitions)
    assert "face, body or voice" in seg.definitions["Digital Twin"].text
    assert by_id(seg, "1.1").kind == "definition"
    assert "Materials" in by_id(seg, "7.1").terms
    assert "Digital Twin" not in by_id(seg, "1.1").terms       # defined there, not used
    relevant = expand_terms(seg.definitions, lambda text: "voice" in text)
    assert {"Digital Twin", "Materials"} <= relevant              # Materials through Digital Twin
    assert "Scans" not in relevant


def test_schedule_is_marked():
    seg = segment(CONTRACT)
    schedule = [c for c in seg.clauses if c.kind == "schedule"]
    assert schedule and "Website banners" in schedule[-1].text


def test_single_pasted_clause_is_one_clause():
    text = "The Company may use the Model's digital twin for any purpose whatsoever."
    seg = segment(text)
    assert len(seg.clauses) == 1
    assert seg.clauses[0].text == text and seg.clauses[0].start == 0


def test_long_unnumbered_text_is_cut_exactly():
    sentence = "The parties shall cooperate in good faith on the marketing plan for the products. "
    text = ("Preamble paragraph one. " + sentence * 60 + "\n\n" + sentence * 80).strip()
    seg = segment(text)
    assert len(seg.clauses) > 2
    for clause in seg.clauses:
        assert text[clause.start:clause.end] == clause.text
        assert len(clause.text) <= MAX_CLAUSE
    covered = "".join(re.sub(r"\s", "", c.text) for c in seg.clauses)
    assert covered == re.sub(r"\s", "", text)


def test_pdf_pages():
    pages = ["1. Term\n\nThe agreement lasts one year from signature.",
             "2. Licence\n\nThe Company may use the Model's likeness in the campaign."]
    doc, _ = load_bytes(pdf_bytes(pages), "contract.pdf")
    seg = segment(doc)
    licence = next(c for c in seg.clauses if "likeness" in c.text)
    term = next(c for c in seg.clauses if "one year" in c.text)
    assert (term.page, licence.page) == (1, 2)
    for clause in seg.clauses:
        assert doc.text[clause.start:clause.end] == clause.text


def test_docx_offsets():
    doc, _ = load_bytes(docx_bytes(), "rider.docx")
    seg = segment(doc)
    assert seg.clauses
    for clause in seg.clauses:
        assert doc.text[clause.start:clause.end] == clause.text
    assert any("twelve months" in c.text for c in seg.clauses)
