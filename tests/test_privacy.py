"""Privacy: a contract checked by a user never reaches the shared index, the data directory, temporary
files or the logs; a question typed in one browser session never shows in another session or on disk."""

from __future__ import annotations

import io
import logging
import tempfile
import uuid
from pathlib import Path

import pytest

from assistant.ingest.loaders import load_bytes

pytestmark = pytest.mark.integration

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def marker() -> str:
    return "Zqx" + uuid.uuid4().hex


def contract_docx(mark: str) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(f"Digital replica agreement {mark}", level=0)
    for n, text in enumerate((
            f"The Model, {mark}, grants the Agency the right to create a digital replica of the Model.",
            f"The Agency may use the digital replica in perpetuity, worldwide, in any media, for {mark}.",
            "The Agency may use the scans to train artificial intelligence models without further consent.",
            f"Payment: a one-time fee of EUR 100 to account {mark}."), start=1):
        document.add_heading(f"{n}. Clause", level=1)
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def files_containing(root: Path, needle: str) -> list[str]:
    patterns = [needle.encode(), needle.lower().encode(), needle.encode("utf-16-le")]
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if any(p in data for p in patterns):
                found.append(str(path))
    return found


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """A temp folder of the test's own, used by every library that writes temp files, to be searched after."""
    folder = tmp_path / "private-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))
    return folder


def test_reviewed_contract_stays_out_of_index_disk_temp_and_logs(fresh, private_tmp, caplog, capfd):
    fresh.index()
    home = fresh.settings.home
    before_files = {p: p.stat().st_mtime_ns for p in home.rglob("*") if p.is_file()}
    before_chunks = fresh.store.count()
    caplog.set_level(logging.DEBUG)
    mark = marker()

    doc, _ = load_bytes(contract_docx(mark), "my-contract.docx")      # the upload, in memory
    result = fresh.review(doc, "EU")
    assert result.findings, "the review must actually run over the contract"
    assert mark in result.text
    result_text = fresh.review(doc.text, None)                        # pasted text, too
    assert mark in result_text.text

    # not in the shared index
    assert fresh.store.count() == before_chunks
    assert not fresh.store._connect().get(where_document={"$contains": mark}, include=[])["ids"]
    assert not any(mark in c.text for c in fresh.catalog.iter_chunks())
    assert not any(mark in str(rec.meta) for rec in fresh.catalog.documents().values())
    other = type(fresh)(fresh.settings, embedder=fresh.embedder)         # another user's view of the index
    assert not any(mark.lower() in h.chunk.text.lower() for h in other.search(f"{mark} digital replica", 20))
    assert other.retriever.refresh().keyword.search(mark, 5) == []
    # not on disk: data dir unchanged apart from reads, no temp files, no library copy
    assert files_containing(home, mark) == []
    changed = [p for p in home.rglob("*") if p.is_file() and before_files.get(p) != p.stat().st_mtime_ns
               and p.suffix not in {".sqlite3-shm", ".sqlite3-wal", ".lock"}]
    assert not any("library" in str(p) for p in changed), changed
    assert list(private_tmp.iterdir()) == []
    # not in the logs or the console
    assert mark not in caplog.text
    out, err = capfd.readouterr()
    assert mark not in out and mark not in err


def test_a_contract_asked_about_stays_out_of_index_disk_temp_and_logs(fresh, private_tmp, caplog, capfd):
    """Asking about an uploaded contract (issue 16): it is read, indexed and reviewed in memory only."""
    fresh.index()
    home = fresh.settings.home
    before_chunks = fresh.store.count()
    caplog.set_level(logging.DEBUG)
    mark = marker()

    session = fresh.open_contract(contract_docx(mark), "my-contract.docx")      # the upload, in memory
    assert mark not in repr(session)
    answer = fresh.ask("How long can the Agency use my digital replica?", contract=session)
    assert any(c.kind == "contract" for c in answer.citations), "the answer must quote the contract"
    assert answer.contract_findings or session.review.findings, "the contract must have been reviewed"
    fresh.ask(f"Who is {mark}?", contract=session)

    assert fresh.store.count() == before_chunks
    assert not fresh.store._connect().get(where_document={"$contains": mark}, include=[])["ids"]
    assert not any(mark in c.text for c in fresh.catalog.iter_chunks())
    other = type(fresh)(fresh.settings, embedder=fresh.embedder)         # another user's view of the index
    assert not any(mark.lower() in h.chunk.text.lower() for h in other.search(f"{mark} digital replica", 20))
    assert files_containing(home, mark) == []
    assert list(private_tmp.iterdir()) == []
    assert mark not in caplog.text
    out, err = capfd.readouterr()
    assert mark not in out and mark not in err


def all_text(at) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.label for e in at.expander]
    return " ".join(str(p) for p in parts)


def test_a_question_stays_in_its_own_browser_session(app_env, caplog):
    from streamlit.testing.v1 import AppTest

    caplog.set_level(logging.DEBUG)
    mark = marker()
    first = AppTest.from_file(APP, default_timeout=240)
    first.run()
    first.chat_input[0].set_value(f"Can my agency scan me? My name is {mark}").run()
    assert not first.exception and mark in all_text(first)
    second = AppTest.from_file(APP, default_timeout=240)
    second.run()
    assert not second.exception
    assert mark not in all_text(second) and len(second.chat_message) == 0
    assert files_containing(app_env, mark) == []
    assert mark not in caplog.text


def test_check_contract_page_keeps_uploads_private(app_env):
    """A contract checked in one browser session is not on disk, not in the index, not in another session."""
    from streamlit.testing.v1 import AppTest

    home = app_env
    mark = "ZEBRAQUOKKA" + uuid.uuid4().hex[:10].upper()
    clause = (f"7. Digital Twin. {mark} grants the Company a perpetual, irrevocable licence to create and use "
              "a digital replica of the Model's face and voice in all media, and the Company may sublicense it.")
    first = AppTest.from_file(str(Path(APP).parent / "app_pages" / "check.py"), default_timeout=240)
    first.run()
    first.text_area(key="pasted").input(clause)
    first.button[0].click().run()
    assert not first.exception
    assert any(mark in m.value for m in first.markdown), "the review should show the clause"
    for path in home.rglob("*"):
        if path.is_file():
            assert mark.encode() not in path.read_bytes(), path
    from assistant.config import Settings
    from assistant.twinguard import TwinGuard

    tg = TwinGuard(Settings.from_env())
    assert all(mark not in c.text for c in tg.catalog.iter_chunks())
    second = AppTest.from_file(str(Path(APP).parent / "app_pages" / "check.py"), default_timeout=240)
    second.run()
    assert "review" not in second.session_state and not any(mark in m.value for m in second.markdown)
