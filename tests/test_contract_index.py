"""ContractIndex: retrieval inside one uploaded contract, in memory only (issue 16)."""

from __future__ import annotations

import os
import tempfile

import pytest

from assistant.contract.index import ContractHit, ContractIndex, ContractPassage
from assistant.ingest.loaders import load_bytes
from tests.fakes import HashEmbedder
from tests.files import pdf_bytes

CLAUSES = [
    ("1. DEFINITIONS", '1.1 "Licensed Materials" means the photographs, video footage, voice recordings and '
     "three-dimensional body scans of the Model made during the Term.\n\n1.2 \"Territory\" means the world."),
    ("2. TERM", "2.1 This Agreement starts on the Effective Date and continues for two (2) years.\n\n"
     "2.2 It renews automatically for successive one-year periods unless either party gives ninety (90) "
     "days' written notice of non-renewal before the end of the then-current term."),
    ("3. GRANT OF RIGHTS", "3.1 The Model grants the Agency a non-exclusive licence to use the Licensed "
     "Materials in print and online advertising for the Brand's spring collection.\n\n3.2 The Agency may "
     "not create a digital replica, avatar or synthetic likeness of the Model without her separate written "
     "consent."),
    ("4. FEES", "4.1 The Agency shall pay the Model a day rate of USD 2,500 within thirty (30) days of each "
     "shoot.\n\n4.2 Late payments bear interest at one percent (1%) per month."),
    ("5. CONFIDENTIALITY", "5.1 Each party shall keep the terms of this Agreement confidential and shall not "
     "disclose them to any third party except its professional advisers."),
    ("6. NON-COMPETITION", "6.1 During the Term the Model shall not model for any competing fashion brand "
     "listed in Schedule A without the Agency's prior approval."),
    ("7. ASSIGNMENT", "7.1 Neither party may assign or transfer this Agreement or any of its rights to a third "
     "party without the prior written consent of the other party."),
    ("8. TERMINATION", "8.1 Either party may terminate this Agreement for material breach that is not cured "
     "within fifteen (15) days of written notice."),
    ("9. GOVERNING LAW", "9.1 This Agreement shall be governed by and construed in accordance with the laws "
     "of the State of New York, and the courts of New York County have exclusive jurisdiction."),
]


def contract_text(filler: int = 0) -> str:
    parts = ["MODEL SERVICES AGREEMENT\n\nThis Agreement is made between Studio Agency LLC (the \"Agency\") "
             "and Jane Doe (the \"Model\")."]
    for heading, body in CLAUSES:
        extra = "".join(f"\n\n{heading.split('.')[0]}.{9 + i} The parties record administrative detail "
                        f"number {i} about schedules, call sheets and wardrobe fittings." for i in range(filler))
        parts.append(f"{heading}\n\n{body}{extra}")
    return "\n\n".join(parts) + "\n"


def load(text: str, name: str = "contract.txt"):
    doc, _ = load_bytes(text.encode("utf-8"), name)
    return doc


def test_passages_keep_exact_offsets_and_structure():
    doc = load(contract_text(filler=3))
    index = ContractIndex.build(doc, HashEmbedder())
    assert index.passages and all(isinstance(p, ContractPassage) for p in index.passages)
    for p in index.passages:
        assert doc.text[p.start:p.end] == p.text and p.text.strip() == p.text
    assert len({p.id for p in index.passages}) == len(index.passages)
    refs = {p.clause_ref for p in index.passages}
    assert any(r.startswith("9") for r in refs), refs
    law = [p for p in index.passages if "State of New York" in p.text]
    assert law and "GOVERNING LAW" in law[0].heading
    covered = sorted((p.start, p.end) for p in index.passages)
    assert covered[0][0] <= doc.text.index("1. DEFINITIONS")


def test_search_ranks_by_words_and_respects_k():
    doc = load(contract_text())
    index = ContractIndex.build(doc, HashEmbedder())
    hits = index.search("governing law of the State of New York courts", k=3)
    assert 1 <= len(hits) <= 3 and all(isinstance(h, ContractHit) for h in hits)
    assert "State of New York" in hits[0].passage.text
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert index.search("", k=3) == [] and index.search("law", k=0) == []
    spans = [(h.passage.start, h.passage.end) for h in index.search("agreement", k=50)]
    assert len(spans) == len(set(spans))


def test_pdf_passages_carry_pages():
    term = "1. TERM\nThe term is one year from signature. " + "It covers the shoots in the call sheet. " * 8
    fees = "2. FEES\nA fee of USD 500 is paid per use of the photographs. " + "Invoices are sent monthly. " * 10
    doc = load_bytes(pdf_bytes([term, fees]), "c.pdf")[0]
    index = ContractIndex.build(doc, HashEmbedder())
    pages = {p.page for p in index.passages}
    assert pages <= {1, 2} and 2 in pages
    assert index.search("fee paid per use", k=1)[0].passage.page == 2


def _snapshot(*folders) -> set[str]:
    out = set()
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            out.update(os.path.join(root, name) for name in dirs + files)
    return out


def test_nothing_is_written_to_disk(tmp_path, monkeypatch):
    private_tmp = tmp_path / "tmp"
    home = tmp_path / "home"
    private_tmp.mkdir()
    home.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    monkeypatch.setenv("TMPDIR", str(private_tmp))
    monkeypatch.setenv("TWINGUARD_HOME", str(home))
    monkeypatch.chdir(tmp_path)
    before = _snapshot(tmp_path)
    doc = load(contract_text(filler=2), "private-contract.txt")
    index = ContractIndex.build(doc, HashEmbedder())
    assert index.search("Can the agency sublicense my likeness?", k=4)
    assert _snapshot(tmp_path) == before
    assert list(private_tmp.iterdir()) == [] and list(home.iterdir()) == []


def test_empty_index_searches_to_nothing():
    doc = load("Short note.\n")
    index = ContractIndex.build(doc, HashEmbedder())
    assert len(index.passages) == 1
    assert index.search("anything at all", k=5)[0].passage.text == "Short note."


@pytest.mark.parametrize("question, expect", [
    ("What is the governing law of this contract?", "State of New York"),
    ("Can they make an AI avatar or digital double of me?", "digital replica"),
    ("How much notice do I need to stop the contract renewing?", "ninety (90) days"),
    ("Can the agency transfer the contract to another company?", "assign or transfer"),
])
def test_real_model_ranks_the_right_clause_first(embedder, question, expect):
    doc = load(contract_text(filler=4))
    index = ContractIndex.build(doc, embedder)
    hits = index.search(question, k=8)
    assert expect in hits[0].passage.text, [h.passage.text[:80] for h in hits[:3]]


def test_clause_aware_passages_keep_headings_and_tile_the_contract():
    from assistant.contract.index import ContractOptions

    doc = load(contract_text(filler=6))
    index = ContractIndex.build(doc, HashEmbedder(), options=ContractOptions(chunker="clauses", size=400,
                                                                              min_size=150))
    spans = [(p.start, p.end) for p in index.passages]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "passages overlap"
    assert all(len(p.text) <= 400 for p in index.passages)
    for heading, _ in CLAUSES:             # a heading line always starts the passage of its first clause
        holder = [p for p in index.passages if heading in p.text]
        assert holder and holder[0].text.startswith(heading), heading
    # nothing but whitespace is left between passages
    gaps = [doc.text[a[1]:b[0]] for a, b in zip(spans, spans[1:])]
    assert all(not g.strip() for g in gaps)


def test_long_clause_is_split_at_sentences_with_its_heading_repeated():
    from assistant.contract.passages import clause_pieces, heading_text
    from assistant.review.segmenter import segment

    body = " ".join(f"The Agency shall deliver report number {i} to the Model by email." for i in range(40))
    doc = load(f"SERVICES AGREEMENT\n\n1. REPORTING\n\n1.1 Reports. {body}\n\n2. FEES\n\n2.1 Fees are fixed.\n")
    pieces = clause_pieces(doc, 500, 100, segment(doc))
    parts = [p for p in pieces if p.clause_ref == "1.1"]
    assert len(parts) >= 5 and all(p.end - p.start <= 500 for p in parts)
    assert all(doc.text[p.end - 1] == "." for p in parts), "cut at sentence ends"
    assert all("1. REPORTING" in heading_text(p) for p in parts)
    assert all("1.1 Reports" in heading_text(p) for p in parts[1:])


def test_definitions_are_resolved_into_the_embedded_text():
    from assistant.contract.passages import clause_pieces, embed_text
    from assistant.review.segmenter import segment

    doc = load(contract_text())
    seg = segment(doc)
    pieces = clause_pieces(doc, 1000, 200, seg)
    grant = next(p for p in pieces if "non-exclusive licence" in doc.text[p.start:p.end])
    text = embed_text(doc, grant, seg, definitions=300)
    assert "Licensed Materials: means the photographs" in text or "Licensed Materials: the photographs" in text \
        or "Licensed Materials:" in text and "body scans" in text
    assert "body scans" not in embed_text(doc, grant, seg, definitions=0)


def test_query_rewriting():
    from assistant.contract.rewrite import expansions, rewrite, strip_name

    question = "Consider the Endorsement Agreement between Acme Inc. and Jane Doe; What is the governing law?"
    assert strip_name(question) == "What is the governing law?"
    assert strip_name("What is the governing law?") == "What is the governing law?"
    r = rewrite(question, expand="both")
    assert r.dense.startswith("What is the governing law?") and "construed in accordance" in r.dense
    assert r.keyword == r.dense
    r = rewrite(question, expand="dense")
    assert r.keyword == "What is the governing law?"
    assert any("digital replica" in e for e in expansions("Can they make an AI twin of me?"))
    assert any("assign" in e for e in expansions("Can they pass the contract on to another agency?"))
    assert expansions("Hello there") == []
    assert len(expansions("Can they terminate, assign or audit and compete?", limit=2)) == 2


def test_top_hit_focus_is_the_best_sentences_inside_it():
    doc = load(contract_text(filler=1))
    index = ContractIndex.build(doc, HashEmbedder())
    hits = index.search("notice of non-renewal before the end of the then-current term", k=3)
    top = hits[0]
    assert top.focus is not None and all(h.focus is None for h in hits[1:])
    f = top.focus
    assert doc.text[f.start:f.end] == f.text
    assert top.passage.start <= f.start < f.end <= top.passage.end
    assert "non-renewal" in f.text and len(f.text) < len(top.passage.text)
    assert f.clause_ref == top.passage.clause_ref and f.page == top.passage.page


def test_search_options_and_widened_hits():
    from assistant.config import Settings
    from assistant.contract.index import ContractOptions

    doc = load(contract_text(filler=4))
    index = ContractIndex.build(doc, HashEmbedder(), options=ContractOptions(chunker="clauses", size=300))
    with pytest.raises(ValueError):
        index.with_options(size=500)
    plain = index.with_options(focus=0)
    assert all(h.focus is None for h in plain.search("governing law", k=4))
    wide = index.with_options(widen_after=1, widen=1, focus=0)
    hits = wide.search("governing law", k=4)
    for h in hits:
        assert doc.text[h.passage.start:h.passage.end] == h.passage.text
    assert len(hits[1].passage.text) > len(plain.search("governing law", k=4)[1].passage.text)
    small = ContractIndex.build(doc, HashEmbedder(), Settings(chunk_size=300, chunk_overlap=30, min_chunk=50))
    assert small.options.size == 300 and max(len(p.text) for p in small.passages) <= 300
