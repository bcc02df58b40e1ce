"""End to end in a real headless Chromium against the app served on loopback.

Screenshots of each page at phone and desktop widths go to test-output/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_CORPUS
from tests.servers import free_port, stop

pytestmark = pytest.mark.integration   # the served app loads the real model

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "test-output" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

if not Path(CHROMIUM).exists():
    if os.environ.get("TWINGUARD_REQUIRE_BROWSER"):
        raise RuntimeError("Chromium is required for the browser tests (apt-get install chromium)")
    pytest.skip("Chromium not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")



def fixture_app(root: Path, prebuild: bool):
    """The app on the fixture corpus, on loopback; with `prebuild`, indexed by `twinguard index` first and
    started as `make run` starts it. Returns (process, url)."""
    corpus = root / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    env = dict(os.environ, TWINGUARD_HOME=str(root / "home"), TWINGUARD_CORPUS=str(corpus),
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", HF_HUB_OFFLINE="1")
    if prebuild:
        built = subprocess.run([str(Path(sys.executable).parent / "twinguard"), "index"], env=env,
                               capture_output=True, text=True, timeout=300)
        assert built.returncode == 0, built.stderr
    port = free_port()
    log = open(root / "streamlit.log", "w")
    quiet = ["--server.fileWatcherType", "none", "--logger.level", "warning"] if prebuild else []
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(REPO / "streamlit_app.py"),
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.headless", "true", *quiet], cwd=REPO, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            break
        except OSError:
            assert proc.poll() is None, (root / "streamlit.log").read_text()
            time.sleep(0.5)
    return proc, url


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    proc, url = fixture_app(tmp_path_factory.mktemp("browser"), prebuild=False)
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def prebuilt_server(tmp_path_factory):
    """The app as `make run` starts it: the index built by `twinguard index` before the server starts."""
    root = tmp_path_factory.mktemp("prebuilt")
    proc, url = fixture_app(root, prebuild=True)
    yield url, root / "streamlit.log"
    stop(proc)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width,height,label", [(390, 844, "phone"), (1280, 900, "desktop")])
def test_ask_a_question_and_see_a_cited_answer(server, browser, width, height, label):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server, wait_until="domcontentloaded")
    box = page.get_by_placeholder("Ask a question", exact=False)
    box.wait_for(timeout=180_000)
    shoot(page, f"ask-empty-{label}")
    box.fill("Can my agency make a digital twin of me without asking?")
    box.press("Enter")
    reply = page.locator("[data-testid='stChatMessage']").filter(has_text="[1]").last
    reply.wait_for(timeout=120_000)
    assert "not legal advice" in reply.inner_text()
    citation = page.locator("[data-testid='stExpander'] summary").filter(has_text="[1] ")
    citation.first.click()
    page.locator("mark").first.wait_for(timeout=30_000)
    shoot(page, f"ask-answer-{label}")
    for path, title, marker in (("check", "Check a contract", "Which law applies?"),
                                ("draft", "Draft a rider", "Draft the rider"),
                                ("sources", "Sources", "Add documents (staff)"),
                                ("about", "About TwinGuard", "Passages")):
        page.goto(f"{server}/{path}", wait_until="domcontentloaded")
        page.get_by_role("heading", name=title).wait_for(timeout=60_000)
        page.get_by_text(marker).first.wait_for(timeout=60_000)
        shoot(page, f"{path}-{label}")
    page.close()


@pytest.mark.parametrize("width,height,label", [(390, 844, "phone"), (1280, 900, "desktop")])
def test_the_plan_is_shown_and_a_comparison_is_a_table(server, browser, width, height, label):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server, wait_until="domcontentloaded")
    box = page.get_by_placeholder("Ask a question", exact=False)
    box.wait_for(timeout=180_000)
    box.fill("I model in Berlin. Do brands have to label AI images of me?")
    box.press("Enter")
    page.get_by_text("Answering for: Germany — no German digest yet; EU law applies").wait_for(timeout=120_000)
    page.get_by_text("TwinGuard has no digest of German law yet", exact=False).wait_for(timeout=30_000)
    box.fill("What is the difference between the EU and New York on penalties?")
    box.press("Enter")
    page.get_by_text("Answering for: EU · New York").wait_for(timeout=120_000)
    table = page.locator("[data-testid='stChatMessage'] table").last
    table.wait_for(timeout=30_000)
    rows = table.locator("tbody tr")
    assert rows.count() == 2
    assert "EU" in rows.nth(0).inner_text() and "New York" in rows.nth(1).inner_text()
    assert "[1]" in table.inner_text()
    shoot(page, f"ask-plan-comparison-{label}")
    page.close()


def test_after_make_runs_index_step_the_first_question_does_not_wait_for_indexing(prebuilt_server, browser):
    url, log = prebuilt_server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url, wait_until="domcontentloaded")
    box = page.get_by_placeholder("Ask a question", exact=False)
    box.wait_for(timeout=180_000)
    box.fill("Can my agency make a digital twin of me without asking?")
    box.press("Enter")
    page.locator("[data-testid='stChatMessage']").filter(has_text="[1]").last.wait_for(timeout=120_000)
    assert page.get_by_text("Preparing the library", exact=False).count() == 0   # no index build was needed
    assert page.get_by_text("Library ready", exact=False).count() == 0
    page.close()
    assert "Inotify" not in log.read_text() and "Watching" not in log.read_text()


CONTRACT = [
    "DIGITAL TWIN AGREEMENT\n\n1. Parties. This agreement is between Ada Model (the Model) and Brand Ltd (the Company).",
    "2. Licence. The Model grants the Company an irrevocable, perpetual licence to create and use a digital "
    "replica of the Model's face, body and voice in all media throughout the universe, and the Company may "
    "sublicense it to any third party.\n\n3. Governing law. This agreement is governed by the laws of the "
    "State of New York.",
]


@pytest.mark.parametrize("width,height,label", [(390, 844, "phone"), (1280, 900, "desktop")])
def test_upload_a_contract_pdf_see_the_summary_and_outcomes_and_download_both_word_files(
        server, browser, tmp_path, width, height, label):
    import zipfile

    from tests.files import pdf_bytes

    pdf = tmp_path / "contract.pdf"
    pdf.write_bytes(pdf_bytes(CONTRACT))
    page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
    page.goto(f"{server}/check", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Check a contract").wait_for(timeout=180_000)
    page.locator("input[type='file']").first.set_input_files(str(pdf))
    page.get_by_text("contract.pdf").first.wait_for(timeout=60_000)
    page.get_by_role("button", name="Check", exact=True).click()
    page.get_by_text("High risk").first.wait_for(timeout=180_000)
    page.get_by_role("heading", name="Summary").wait_for(timeout=30_000)
    page.get_by_text("Fix these first").wait_for(timeout=30_000)
    table = page.locator("table").filter(has_text="What you give up")
    assert table.count() == 1
    text = table.inner_text()
    for outcome in ("Unacceptable", "Missing"):
        assert outcome in text
    assert "Law: New York (from the governing-law clause)" in page.inner_text("body")
    shoot(page, f"check-findings-{label}")
    page.get_by_role("heading", name="Summary").scroll_into_view_if_needed()
    shoot(page, f"check-summary-{label}")
    table.scroll_into_view_if_needed()
    shoot(page, f"check-positions-{label}")
    for button, tracked in (("Word (tracked changes)", True), ("Word (comments only)", False)):
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name=button).click()
        target = tmp_path / f"review-{tracked}.docx"
        info.value.save_as(str(target))
        with zipfile.ZipFile(target) as docx:
            xml = docx.read("word/document.xml").decode("utf-8")
            comments = docx.read("word/comments.xml").decode("utf-8")
        assert ("<w:ins " in xml and "<w:del " in xml) == tracked
        assert "Perpetual or open-ended licence of the replica:" in comments   # the reason (the fixture corpus
        # holds none of the playbook's sources, so no citation here; tests/test_review_outcomes.py checks them)
    page.close()
