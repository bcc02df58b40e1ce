"""First answer for a newcomer: seconds from starting the web app to the first cited answer in a real browser.

    .venv/bin/python benchmarks/first_answer.py [--question "..."] [--out first_answer.json]

Two runs on the built-in corpus, each with a fresh TWINGUARD_HOME:
- `cold`: the app is started on an empty home, as before issue 18 (the first question waits while the
  whole corpus is embedded by the app);
- `make run`: what `make run` now does — `twinguard index` first (timed on its own: it is part of the
  install-and-start step, with its own progress bar), then the app, which finds the index ready.
Each run starts Streamlit exactly as `make run` does (no file watcher, warnings only), opens the page in
headless Chromium (Debian's /usr/bin/chromium through Playwright), asks one question and waits for an
answer with a citation. Printed and written as JSON: seconds from process start to the page, to the
first cited answer, and the index step; the server log's line count.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import free_port, stop  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
BIN = Path(sys.executable).parent
QUESTION = "Can my agency make a digital twin of me without asking?"


def serve(home: Path, log: Path) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    env = dict(os.environ, TWINGUARD_HOME=str(home), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    started = time.perf_counter()
    proc = subprocess.Popen([str(BIN / "streamlit"), "run", str(ROOT / "streamlit_app.py"), "--server.port",
                             str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--server.fileWatcherType", "none", "--logger.level", "warning"],
                            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            return proc, url, started
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(log.read_text())
            time.sleep(0.2)


def first_answer(browser, url: str, question: str) -> float:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url, wait_until="domcontentloaded")
    box = page.get_by_placeholder("Ask a question", exact=False)
    box.wait_for(timeout=600_000)
    box.fill(question)
    box.press("Enter")
    page.locator("[data-testid='stChatMessage']").filter(has_text="[1]").last.wait_for(timeout=600_000)
    done = time.perf_counter()
    page.close()
    return done


def run(label: str, browser, question: str, prebuild: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        home, log = Path(tmp) / "home", Path(tmp) / "server.log"
        env = dict(os.environ, TWINGUARD_HOME=str(home), HF_HUB_OFFLINE="1")
        index_s = None
        if prebuild:
            t0 = time.perf_counter()
            subprocess.run([str(BIN / "twinguard"), "index"], env=env, check=True, capture_output=True)
            index_s = time.perf_counter() - t0
        proc, url, started = serve(home, log)
        page_s = time.perf_counter() - started
        try:
            answer_s = first_answer(browser, url, question) - started
        finally:
            stop(proc)
        lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    result = {"run": label, "index_step_s": index_s, "server_up_s": round(page_s, 1),
              "first_answer_s": round(answer_s, 1), "server_log_lines": len(lines)}
    print(json.dumps(result))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--only", choices=("cold", "make-run"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        for label, prebuild in (("cold", False), ("make-run", True)):
            if args.only in (None, label):
                results.append(run(label, browser, args.question, prebuild))
        browser.close()
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
