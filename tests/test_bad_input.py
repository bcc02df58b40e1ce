"""Bad input end to end: the indexer, the staff upload and the question path give each hostile file or
question a clear message, keep the good documents, and render document markup as text.
Worst cases at full size (200 MB PDF, 1 GB bombs, peak RSS): benchmarks/bad_input.py."""

from __future__ import annotations

import re

import pytest

from app_pages.render import escape_markdown, highlight
from assistant.errors import AssistantError, LoadError, QuestionError
from assistant.index.library import add_to_library
from benchmarks.bad_input import (
    SENTENCE,
    billion_laughs_docx,
    docx_with,
    encrypted_pdf,
    hostile_markdown,
    nested_array_pdf,
    nested_pages_pdf,
    text_pdf,
)
from tests.files import image_only_pdf, pdf_bytes

BAD = {  # file name -> (bytes, words the message must contain)
    "zero-byte.pdf": (b"", "empty file"),
    "corrupt.pdf": (b"%PDF-1.7\n" + bytes(range(256)) * 40, "corrupt or truncated PDF"),
    "truncated.pdf": (text_pdf()[:300], "corrupt or truncated PDF"),
    "encrypted.pdf": (encrypted_pdf(), "password-protected PDF"),
    "image-only.pdf": (image_only_pdf(), "no extractable text (scanned"),
    "nested-array.pdf": (nested_array_pdf(20_000), "corrupt or truncated PDF"),
    "nested-pages.pdf": (nested_pages_pdf(300), "corrupt or truncated PDF"),
    "three-pages.pdf": (pdf_bytes(["one", "two", "three"]), "PDF has 3 pages; the limit is 2"),
    "not-a-zip.docx": (b"PK\x03\x04 not a zip archive", "not a valid DOCX file"),
    "zip-bomb.docx": (docx_with(filler_mb=201), "zip bomb"),
    "billion-laughs.docx": (billion_laughs_docx(), "corrupt DOCX"),
    "binary.txt": (bytes(range(256)) * 20, "binary file"),
    "oversized.md": (b"# Big\n\n" + b"consent " * 200_000, "the limit is"),
}
GOOD = {  # file name -> (bytes, warning expected)
    "latin1.txt": (("Cl\u00e1usula de imagen. " + SENTENCE).encode("latin-1"), "Windows-1252"),
    "utf16.txt": (("Cl\u00e1usula. " + SENTENCE).encode("utf-16"), ""),
    "utf16-no-bom.txt": (SENTENCE.encode("utf-16-le"), "UTF-16-LE"),
    "nul-bytes.txt": (SENTENCE.encode().replace(b" ", b" \x00", 3), "NUL bytes removed"),
}


@pytest.mark.integration
def test_indexer_gives_every_bad_file_a_message_and_keeps_the_rest(fresh):
    for name, (data, _) in {**BAD, **GOOD}.items():
        (fresh.settings.corpus / name).write_bytes(data)
    tg = type(fresh)(fresh.settings.with_(max_file_bytes=1_200_000, max_pages=2), embedder=fresh.embedder)
    report = tg.index()
    for name, (_, reason) in BAD.items():
        messages = [p for p in report.problems if p.startswith(name + ":")]
        assert len(messages) == 1 and reason in messages[0], (name, report.problems)
    assert len(report.problems) == len(BAD)
    indexed = {rec.path for rec in tg.catalog.documents().values()}
    assert set(GOOD) <= indexed and len(indexed) == 4 + len(GOOD)
    for name, (_, warning) in GOOD.items():
        if warning:
            assert any(w.startswith(name) and warning in w for w in report.warnings), (name, report.warnings)
    text = " ".join(c.text for c in tg.catalog.iter_chunks())
    assert "\x00" not in text and "Cl\u00e1usula de imagen" in text


@pytest.mark.parametrize("name", ["encrypted.pdf", "zip-bomb.docx", "oversized.md", "zero-byte.pdf"])
def test_staff_upload_refuses_bad_files_and_stores_nothing(tmp_path, name):
    from assistant.config import Settings

    settings = Settings(home=tmp_path / "home", max_file_bytes=1_200_000)
    with pytest.raises(AssistantError) as caught:
        add_to_library(settings, name, BAD[name][0])
    assert BAD[name][1] in str(caught.value) or "larger than" in str(caught.value)
    assert not settings.library_dir.exists() or not any(settings.library_dir.iterdir())


@pytest.mark.integration
def test_huge_and_empty_questions_get_a_message(indexed):
    question = "Can my agency scan me? " * 4500          # ~100k characters
    for call in (indexed.ask, indexed.search):
        with pytest.raises(QuestionError, match=r"103,499 characters long; the limit is 2,000"):
            call(question)
    for empty in ("", "   ", "\x00\x00", "?!"):
        with pytest.raises(QuestionError):
            indexed.ask(empty)
    answer = indexed.ask("<script>alert(1)</script> consent\x00 before a scan?")
    assert answer.text


@pytest.mark.integration
def test_markup_in_documents_is_shown_inert(fresh):
    (fresh.settings.corpus / "hostile.md").write_bytes(hostile_markdown())
    fresh.index()
    answer = fresh.ask("Must the agency get written consent before any body scan of the model?")
    cited = [c for c in answer.citations if c.doc_id == "hostile"]
    assert cited, [c.doc_id for c in answer.citations]
    html = highlight(cited[0], {"hostile": cited[0].title})
    assert not re.search(r"<(script|img|a)\b", html, re.I)
    assert "](" not in html and "href" not in html and "&#93;&#40;javascript" in html
    assert "&#60;script&#62;" in html or "&lt;script&gt;" in html
    title = escape_markdown(cited[0].title)
    assert "\\<script\\>" in title


def test_load_errors_are_assistant_errors():
    """The boundary catches AssistantError; every loader refusal must be one."""
    assert issubclass(LoadError, AssistantError)
