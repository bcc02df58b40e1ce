"""The same code against a real Chroma server (`chroma run`) on loopback."""

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.twinguard import TwinGuard
from tests.conftest import FIXTURE_CORPUS
from tests.servers import free_port, stop

pytestmark = pytest.mark.integration   # a real Chroma server and the real model



@pytest.fixture
def chroma_server(tmp_path):
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        exe = Path(shutil.which("chroma") or "chroma")
    port = free_port()
    env = {"ANONYMIZED_TELEMETRY": "False", "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen([str(exe), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("chroma run exited early")
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma server did not start in 60 s")
    yield port
    stop(proc)


def test_index_and_search_through_a_chroma_server(tmp_path, chroma_server, embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    settings = Settings(home=tmp_path / "home", corpus=corpus, chroma_host="127.0.0.1", chroma_port=chroma_server)
    tg = TwinGuard(settings, embedder=embedder)
    report = tg.index()
    assert len(report.added) == 4
    assert not (tmp_path / "home" / "chroma").exists(), "server mode must not create an embedded store"
    assert tg.store.count() == tg.catalog.count_chunks()
    hits = tg.search("label deep fakes as AI-generated", k=2)
    assert hits[0].chunk.doc_id == "test-ai-act"
    assert tg.index().unchanged == 4
    answer = tg.ask("Do brands have to label AI images of me?")
    assert not answer.refused and any(c.doc_id == "test-ai-act" for c in answer.citations)
