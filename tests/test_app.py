"""The web app through Streamlit's AppTest: every page renders; a question gets a cited answer."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.integration   # the app builds TwinGuard with the real model


APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


@pytest.fixture
def app(app_env):
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    assert not at.exception
    return at


def assistant_text(at) -> str:
    reply = at.chat_message[-1]
    assert reply.name == "assistant"
    return " ".join(m.value for m in reply.markdown).replace("\\", "")  # Markdown escapes removed


def test_chat_question_gets_cited_answer(app):
    app.chat_input[0].set_value("Can my agency make a digital twin of me without asking?").run()
    assert not app.exception
    text = assistant_text(app)
    assert "[1]" in text and "not legal advice" in text
    labels = [e.label for e in app.expander]
    assert any(label.startswith("[1] ") for label in labels)
    assert any("Fashion Workers Act" in label for label in labels)


def test_follow_up_keeps_the_conversation(app):
    app.chat_input[0].set_value("What are the penalties in New York?").run()
    app.chat_input[0].set_value("and in the EU?").run()
    assert not app.exception
    assert "Understood as:" in " ".join(c.value for c in app.caption)
    assert any("EU AI Act" in e.label for e in app.expander)


def test_starter_question_button(app):
    app.button(key="starter-0").click().run()
    assert not app.exception
    assert app.chat_message[0].name == "user" and app.chat_message[-1].name == "assistant"


def test_hostile_question_is_shown_as_text(app):
    app.chat_input[0].set_value("<script>alert(1)</script> ![x](http://example.com/a.png) consent?").run()
    assert not app.exception
    assert "\\<script\\>" in app.chat_message[0].markdown[0].value


def test_sources_and_about_pages(app):
    app.switch_page("app_pages/sources.py").run()
    assert not app.exception
    assert "4 of 4 documents" in " ".join(c.value for c in app.caption)
    app.switch_page("app_pages/about.py").run()
    assert not app.exception
    assert [m.value for m in app.metric][:1] == ["4"]


def test_staff_can_add_a_document_with_the_passphrase(app_env, monkeypatch):
    monkeypatch.setenv("TWINGUARD_STAFF_PASSPHRASE", "s3cret")
    from assistant.config import Settings
    from assistant.index.library import add_to_library, staff_allowed
    from assistant.twinguard import TwinGuard

    settings = Settings.from_env()
    assert staff_allowed(settings, "s3cret") and not staff_allowed(settings, "wrong")
    add_to_library(settings, "../evil name.md", b"# Guide\n\n## Scans\n\nAsk for deletion of body scans within 30 days.")
    assert (settings.library_dir / "evil-name.md").exists()
    tg = TwinGuard(settings)
    report = tg.index()
    assert "library/evil-name.md" in report.added
    assert tg.search("deletion of body scans within 30 days", k=1)[0].chunk.doc_id == "library/evil-name.md"


RISKY = ("7. Digital Twin. The Model grants the Company an irrevocable, perpetual licence to create and use "
         "a digital replica of the Model's face, body and voice in all media now known or hereafter devised, "
         "throughout the universe, and the Company may sublicense it to any third party.")


def test_check_a_pasted_clause_shows_findings_and_downloads(app):
    app.switch_page("app_pages/check.py").run()
    assert not app.exception
    app.text_area(key="pasted").input(RISKY)
    app.button[0].click().run()
    assert not app.exception
    titles = [e.label for e in app.expander]
    assert any("High risk" in t for t in titles), titles
    assert any("perpetual" in t.lower() or "term" in t.lower() for t in titles), titles
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["Word (tracked changes)", "Word (comments only)", "Markdown", "JSON"]
    assert [m.label for m in app.metric] == ["Unacceptable", "Missing", "Fallback", "Meets standard"]
    assert any("Fix these first" in m.value for m in app.markdown)


def test_compare_an_edited_clause_with_the_template(app):
    app.switch_page("app_pages/check.py").run()
    app.radio[0].set_value("Compare with our template or an earlier version").run()
    app.text_area(key="pasted").input("6.2 The Client may sublicense the Digital Replica to any third party.")
    app.button[0].click().run()
    assert not app.exception
    titles = [e.label for e in app.expander]
    assert any(t.startswith("Unacceptable: clause 6.2 changed") for t in titles), titles
    assert [b.label for b in app.get("download_button")] == ["Markdown", "JSON"]


def test_check_with_nothing_entered_is_a_friendly_message(app):
    app.switch_page("app_pages/check.py").run()
    app.button[0].click().run()
    assert not app.exception
    assert "Upload a file or paste some text first." in [e.value for e in app.error]


def test_draft_a_rider_from_the_form(app):
    app.switch_page("app_pages/draft.py").run()
    assert not app.exception
    app.text_input[1].input("Ada Model")
    app.text_input[2].input("Brand Ltd")
    app.button[0].click().run()
    assert not app.exception
    body = " ".join(m.value for m in app.markdown)
    assert "Ada Model" in body and "Brand Ltd" in body
    assert [b.label for b in app.get("download_button")] == ["Word (.docx)", "Markdown"]
    assert any(e.label.startswith("[1] ") for e in app.expander)


def test_draft_request_fills_the_form_and_keeps_a_monthly_fee(app):
    app.switch_page("app_pages/draft.py").run()
    app.text_input[0].input("Two-year social media campaign for Ada Lovelace, EUR 1,200 a month, New York").run()
    assert not app.exception
    assert app.text_input[1].value == "Ada Lovelace"
    assert app.selectbox[0].value == "per month"
    app.button[0].click().run()
    assert not app.exception
    body = " ".join(m.value for m in app.markdown).replace("\\", "")
    assert "EUR 1,200" in body and "for each month" in body
    assert "New York client consent" in body


def test_draft_request_that_cannot_be_read_warns_and_keeps_defaults(app):
    app.switch_page("app_pages/draft.py").run()
    app.text_input[0].input("hello there").run()
    assert not app.exception
    assert any("Could not read any terms" in w.value for w in app.warning)
    app.button[0].click().run()
    assert not app.exception
    assert [b.label for b in app.get("download_button")] == ["Word (.docx)", "Markdown"]
