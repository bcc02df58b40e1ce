"""Ask about my contract, end to end in a real headless Chromium against the app served on loopback: upload a
contract PDF in the chat, ask two questions, see the contract's clause and a law cited and highlighted.

Screenshots at phone and desktop widths: test-output/screenshots/ask-contract-{phone,desktop}.png.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration   # the served app loads the real model

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    if os.environ.get("TWINGUARD_REQUIRE_BROWSER"):
        raise RuntimeError("Chromium is required for the browser tests (apt-get install chromium)")
    pytest.skip("Chromium not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

from tests.files import pdf_bytes  # noqa: E402
from tests.servers import stop  # noqa: E402
from tests.test_browser import FLAGS, fixture_app, shoot  # noqa: E402
from tests.test_contract_ask import PAGES  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    proc, url = fixture_app(tmp_path_factory.mktemp("browser-contract"), prebuild=False)
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()




@pytest.fixture(scope="module")
def contract_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("upload") / "contract.pdf"
    path.write_bytes(pdf_bytes(PAGES))
    return path


def ask(page, question: str, expect: str):
    """Type a question; wait for the answer that contains `expect`; return it."""
    box = page.get_by_placeholder("Ask a question", exact=False)
    box.fill(question)
    box.press("Enter")
    reply = page.locator("[data-testid='stChatMessage']").filter(has_text=expect).last
    reply.wait_for(timeout=120_000)
    return reply


def open_citation(reply, label: str):
    """Open the citation whose label contains `label` (one click away); return its highlighted sentence."""
    summary = reply.locator("[data-testid='stExpander'] summary").filter(has_text=label).first
    summary.click()
    mark = reply.locator("[data-testid='stExpander']").filter(has_text=label).first.locator("mark").first
    mark.wait_for(timeout=30_000)
    return mark


@pytest.mark.parametrize("width,height,label", [(390, 844, "phone"), (1280, 900, "desktop")])
def test_upload_a_contract_and_ask_about_it(server, browser, contract_pdf, width, height, label):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_placeholder("Ask a question", exact=False).wait_for(timeout=180_000)
    page.get_by_text("Ask about my contract", exact=False).first.wait_for(timeout=60_000)
    page.locator("input[type='file']").first.set_input_files(str(contract_pdf))
    page.get_by_text("Using your contract: contract.pdf — governed by New York law").wait_for(timeout=120_000)

    first = ask(page, "Can my agency make a digital twin of me without asking?",
                "Your contract, clause 7.1 (page 2), says")
    text = first.inner_text()
    assert "New York (from your contract's governing-law clause)" in text
    assert "not legal advice" in text
    mark = open_citation(first, "[1] Your contract (contract.pdf) · Clause 7.1 · p. 2")
    assert "The Agency may create a digital replica of the Model" in mark.inner_text()
    law = open_citation(first, "New York Fashion Workers Act")           # the law, highlighted too
    assert "digital replica" in law.inner_text()

    second = ask(page, "Can they sublicense my digital twin?", "Your contract, clause 7.2 (page 2), says")
    assert "Playbook: Replica rights can be transferred or sublicensed (high)" in second.inner_text()
    mark = open_citation(second, "[1] Your contract (contract.pdf) · Clause 7.2")
    assert "sublicense it to any brand" in mark.inner_text()
    page.set_viewport_size({"width": width, "height": 3200 if label == "phone" else 2000})   # the whole chat
    page.wait_for_timeout(1000)                                   # expanders finish opening
    shoot(page, f"ask-contract-{label}")

    page.get_by_role("button", name="Remove", exact=True).click()
    page.get_by_text("Using your contract:", exact=False).wait_for(state="detached", timeout=60_000)
    page.close()
