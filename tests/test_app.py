"""The web chat through Streamlit's AppTest: a question gets a cited answer."""

import shutil
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import FIXTURE_CORPUS

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def test_chat_question_gets_cited_answer(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    monkeypatch.setenv("TWINGUARD_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TWINGUARD_CORPUS", str(corpus))
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    assert not at.exception
    at.chat_input[0].set_value("Can my agency make a digital twin of me without asking?").run()
    assert not at.exception
    reply = at.chat_message[-1]
    assert reply.name == "assistant"
    text = " ".join(m.value for m in reply.markdown)
    assert "[1]" in text and "not legal advice" in text
    labels = [e.label for e in at.expander]
    assert any(label.startswith("[1] ") for label in labels)
    assert any("Fashion Workers Act" in label for label in labels)


def test_starter_question_button(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    monkeypatch.setenv("TWINGUARD_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TWINGUARD_CORPUS", str(corpus))
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    at.button[0].click().run()
    assert not at.exception
    assert at.chat_message[0].name == "user" and at.chat_message[-1].name == "assistant"
