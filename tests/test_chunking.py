from pathlib import Path

import pytest

from assistant.ingest.chunking import chunk_document, find_boundaries, section_label
from assistant.ingest.loaders import iter_files, load_bytes, load_file
from tests.files import pdf_bytes

REPO = Path(__file__).resolve().parent.parent
CUAD = REPO.parent / "shared" / "data" / "cuad" / "contracts"


def roundtrip(doc, **kw):
    chunks = chunk_document(doc, **kw)
    assert chunks, "no chunks"
    for c in chunks:
        assert doc.text[c.start:c.end] == c.text
        assert c.text.strip() == c.text and c.text
    return chunks


def test_markdown_heading_path_and_labels():
    doc, _ = load_file(REPO / "tests/data/corpus/test-ai-act.md")
    chunks = roundtrip(doc, size=1000, overlap=100, min_size=50)
    paths = [c.section for c in chunks]
    assert any(p.endswith("Article 50 › Article 50(4)") for p in paths) or any(
        "Article 50(4)" in c.text for c in chunks)
    assert all(p.startswith("EU AI Act") for p in paths)
    assert section_label("Article 50(4) — deep fakes") == "Article 50(4)"


def test_small_sections_stay_separate_when_they_are_siblings():
    doc, _ = load_file(REPO / "tests/data/corpus/test-ny-fwa.md")
    chunks = roundtrip(doc, size=1000, overlap=100, min_size=20)
    labels = [c.label for c in chunks]
    assert "§ 1035(10)" in labels and "§ 1038" in labels


def test_contract_numbering_is_structure():
    text = ("ENDORSEMENT AGREEMENT\n\nThis Agreement is made between A and B.\n\n"
            "1. TERM\n\nThe term is two years.\n\n2. GRANT OF RIGHTS\n\n2.1 Licence. B may use the likeness.\n"
            "(a) only in print;\n(b) only in the United States.\n\n2.2 Approval. A approves all uses.\n\n"
            "ARTICLE 3 PAYMENT\n\nSection 3.1 Fees are paid monthly.\n")
    levels = {b.label: b.level for b in find_boundaries(text)}
    assert levels["1. TERM"] < levels["2.1 Licence. B may use the likeness"] < levels["(a) only in print;"]
    doc, _ = load_bytes(text.encode(), "contract.txt")
    chunks = roundtrip(doc, size=120, overlap=10, min_size=10)
    assert any("GRANT OF RIGHTS" in c.section and "2.1" in c.section for c in chunks)


def test_long_sections_are_bounded_and_exact():
    body = " ".join(f"Sentence number {i} says the licence is limited to print." for i in range(400))
    doc, _ = load_bytes(f"# Title\n\n## Long section\n\n{body}\n\n## Short\n\nEnd.".encode(), "long.md")
    chunks = roundtrip(doc, size=500, overlap=50, min_size=50)
    assert max(len(c.text) for c in chunks) <= 500
    assert sum(1 for c in chunks if c.label == "Long section") >= 40


def test_pdf_chunks_carry_pages():
    doc, _ = load_bytes(pdf_bytes(["1. TERM\nThe term is one year.", "2. FEES\nA fee is paid per use."]), "c.pdf")
    chunks = roundtrip(doc, size=200, overlap=20, min_size=5)
    assert {c.page for c in chunks} == {1, 2}


def test_builtin_corpus_offsets_roundtrip():
    root = REPO / "corpus"
    for path in iter_files(root):
        doc, _ = load_file(path, root=root)
        roundtrip(doc)


@pytest.mark.skipif(not CUAD.exists(), reason="shared CUAD data not present")
def test_real_contracts_offsets_roundtrip():
    for path in sorted(CUAD.glob("*.txt"))[:15]:
        doc, _ = load_file(path, root=CUAD)
        chunks = roundtrip(doc)
        assert max(len(c.text) for c in chunks) <= 1000


def test_repeated_text_gets_distinct_ordered_chunks():
    """A long run of identical table rows (real CUAD exhibits have them) once mapped several parts to
    the same span, and the duplicate chunk ids broke the store's upsert."""
    row = "[*]                    [*]                       1                      verified\n"
    text = "SCHEDULE A\n\n" + row * 60 + "\nEnd of schedule. " + "More words follow here. " * 80
    doc, _ = load_bytes(text.encode(), "rows.txt")
    chunks = chunk_document(doc, size=1000, overlap=100, min_size=200)
    ids = [c.id for c in chunks]
    assert len(ids) == len(set(ids))
    starts = [c.start for c in chunks]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for c in chunks:
        assert doc.text[c.start:c.end] == c.text
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(doc.text) if not ch.isspace())
