import io

import pytest

from assistant.config import Limits
from assistant.errors import LoadError
from assistant.ingest.loaders import (
    decode_text,
    iter_files,
    load_bytes,
    load_file,
    load_pdf,
)
from tests.conftest import FIXTURE_CORPUS
from tests.files import docx_bytes, image_only_pdf, pdf_bytes


def test_markdown_front_matter_becomes_metadata():
    doc, warnings = load_file(FIXTURE_CORPUS / "test-ai-act.md", root=FIXTURE_CORPUS)
    assert doc.id == "test-ai-act"
    assert doc.meta["jurisdiction"] == "EU" and doc.meta["as_of"] == "2026-11-28"
    assert doc.meta["aliases"] == "AI Act"
    assert not doc.text.startswith("---") and "Article 50(4)" in doc.text
    assert warnings == [] and len(doc.sha256) == 64


def test_text_without_front_matter_gets_path_id_and_title():
    doc, _ = load_bytes(b"\n\nENDORSEMENT AGREEMENT\n\nThis agreement...", "contracts/a.txt")
    assert doc.id == "contracts/a.txt" and doc.meta["title"] == "ENDORSEMENT AGREEMENT"


def test_pdf_pages_and_offsets():
    data = pdf_bytes(["First page talks about consent.", "Second page is about deletion of scans."])
    doc, warnings = load_bytes(data, "contract.pdf")
    assert [p.number for p in doc.pages] == [1, 2]
    for page, needle in zip(doc.pages, ("consent", "deletion")):
        assert needle in doc.text[page.start:page.end]
    assert doc.page_at(doc.text.index("deletion")) == 2
    assert warnings == []


def test_encrypted_pdf_is_refused_clearly():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_bytes(["secret"]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="pw", owner_password="owner")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(LoadError, match="password-protected"):
        load_bytes(buf.getvalue(), "locked.pdf")


def test_image_only_pdf_is_reported_as_scanned():
    with pytest.raises(LoadError, match="no extractable text \\(scanned"):
        load_bytes(image_only_pdf(), "scan.pdf")


@pytest.mark.parametrize("data,reason", [
    (b"%PDF-1.4\n%garbage that ends early", "corrupt or truncated PDF"),
    (b"just some text pretending", "not a PDF"),
])
def test_corrupt_pdfs(data, reason):
    with pytest.raises(LoadError, match=reason):
        load_bytes(data, "bad.pdf")


def test_docx_paragraphs_headings_and_tables():
    doc, _ = load_bytes(docx_bytes(), "rider.docx")
    assert "## 1. Term" in doc.text
    assert "The licence lasts twelve months." in doc.text
    assert "Use | Fee" in doc.text and "Instagram post | EUR 500" in doc.text


def test_docx_that_is_not_a_zip():
    with pytest.raises(LoadError, match="not a zip"):
        load_bytes(b"PK this is not really a zip archive", "fake.docx")


def test_empty_and_binary_files():
    with pytest.raises(LoadError, match="empty file"):
        load_bytes(b"", "empty.md")
    with pytest.raises(LoadError, match="binary"):
        load_bytes(bytes(range(256)) * 20, "blob.txt")


def test_encodings():
    text, warnings = decode_text("Cláusula de imagen".encode("latin-1"))
    assert text == "Cláusula de imagen" and "not UTF-8" in warnings[0]
    text, warnings = decode_text("Consentimiento — ok".encode("utf-16"))
    assert text == "Consentimiento — ok" and warnings == []
    text, warnings = decode_text(b"abc\x00def consent clause here")
    assert text == "abcdef consent clause here" and "NUL" in warnings[0]


def test_unsupported_and_unreadable(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"data")
    with pytest.raises(LoadError, match="unsupported file type"):
        load_file(tmp_path / "x.xlsx")
    with pytest.raises(LoadError, match="cannot read file"):
        load_file(tmp_path / "missing.md")


def test_iter_files_skips_top_level_readme(tmp_path):
    (tmp_path / "README.md").write_text("# readme")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("# a")
    assert [p.name for p in iter_files(tmp_path)] == ["a.md"]


def test_a_page_that_inflates_to_megabytes_is_skipped_and_the_rest_kept():
    from benchmarks.bad_input import SENTENCE, flate_bomb_pdf

    text, pages, warnings = load_pdf(flate_bomb_pdf(20, text_page=True), "bomb.pdf")
    assert text.startswith("Page one: " + SENTENCE) and len(pages) == 2
    assert pages[1].start == pages[1].end                       # the bomb page is kept as an empty page
    assert any("page 2 skipped" in w and "8.0 MB per page" in w for w in warnings), warnings


def test_pdf_content_beyond_the_expansion_limit_is_refused():
    from benchmarks.bad_input import flate_bomb_pdf

    with pytest.raises(LoadError, match="expands to more than 1.0 MB; refusing"):
        load_pdf(flate_bomb_pdf(2, text_page=True), "bomb.pdf", Limits(max_expanded=2**20))
    text, _, warnings = load_pdf(flate_bomb_pdf(2, text_page=True), "small.pdf")   # 2 MB is a normal page
    assert "Page one" in text and not any("skipped" in w for w in warnings)


def test_a_one_page_bomb_is_named_as_such_not_as_a_scan():
    from benchmarks.bad_input import flate_bomb_pdf

    with pytest.raises(LoadError, match="decompression bomb"):
        load_pdf(flate_bomb_pdf(100), "bomb.pdf")      # beyond pypdf's own 75 MB stream cap
