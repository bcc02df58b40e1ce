"""The HTTP API (assistant/serve): every route through FastAPI's TestClient over a facade wired with the fast
test doubles, plus one real `twinguard serve` (uvicorn, real model) on loopback."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.domain.wording import DISCLAIMER
from assistant.draft.request import parse_request
from assistant.errors import IndexBusyError
from assistant.index.library import list_sources
from assistant.serve.api import create_app
from assistant.serve.limits import MAX_JSON_BYTES
from assistant.serve.shapes import hit_rows, source_rows
from assistant.twinguard import TwinGuard
from tests.conftest import FIXTURE_CORPUS
from tests.fakes import FakeGenerator, HashEmbedder, InMemoryStore
from tests.files import pdf_bytes
from tests.llm_server import fill
from tests.servers import free_port, stop

TOKEN = "staff-secret-token"
QUESTION = "Can my agency make a digital twin of me without asking?"
CLAUSES = ("1. The Company may create a digital replica of the Model and use it in perpetuity for any purpose "
           "without further consent.\n2. This agreement is governed by the laws of New York.")
GOOD = ("A model management company may not create, alter or manipulate a model's digital replica using artificial "
        "intelligence without the model's clear, conspicuous and separate written consent [{§ 1035(10)}].")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REQUEST = "12-month e-commerce licence, EUR 500 per use, EU"


@pytest.fixture(autouse=True)
def no_model(monkeypatch):
    """The TestClient tests run on the test doubles: loading MiniLM in this process is a failure."""
    from assistant.index.embeddings import MiniLMEmbedder

    def refuse(self):
        raise AssertionError("an API test tried to load the MiniLM model")

    monkeypatch.setattr(MiniLMEmbedder, "warm_up", refuse)


def make_guard(root: Path, index: bool = True, **settings) -> TwinGuard:
    corpus = root / "corpus"
    if not corpus.exists():
        shutil.copytree(FIXTURE_CORPUS, corpus)
    tg = TwinGuard(Settings(home=root / "home", corpus=corpus, **settings), embedder=HashEmbedder(),
                   store=InMemoryStore())
    if index:
        assert not tg.index().problems
    return tg


@pytest.fixture(scope="module")
def guard(tmp_path_factory) -> TwinGuard:
    """Indexed once per module; read-only use."""
    return make_guard(tmp_path_factory.mktemp("api"), api_token=TOKEN)


@pytest.fixture(scope="module")
def client(guard):
    with TestClient(create_app(guard)) as c:
        yield c


def sibling(guard: TwinGuard, generator=None, **changes) -> TwinGuard:
    """Another facade over the same index (same store) with changed settings."""
    return TwinGuard(guard.settings.with_(**changes), embedder=guard.embedder, store=guard.store,
                     generator=generator)


def events(body: str) -> list[tuple[str, str]]:
    """(event, data) pairs of a server-sent event stream."""
    out = []
    for block in body.split("\n\n"):
        lines = block.split("\n")
        name = next((x[len("event: "):] for x in lines if x.startswith("event: ")), "")
        data = [x[len("data: "):] for x in lines if x.startswith("data: ")]
        if name:
            out.append((name, "\n".join(data)))
    return out


def wait_ready(client: TestClient) -> None:
    deadline = time.time() + 10
    while client.get("/readyz").status_code != 200:
        assert time.time() < deadline, client.get("/readyz").json()
        time.sleep(0.05)


# --- health, OpenAPI ---------------------------------------------------------------------------


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    wait_ready(client)
    assert client.get("/readyz").json() == {"status": "ready"}


def test_not_ready_until_something_is_indexed(tmp_path):
    tg = make_guard(tmp_path, index=False)
    with TestClient(create_app(tg, prepare=False)) as c:
        assert c.get("/healthz").status_code == 200
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["error"] == "Nothing is indexed yet."
        r = c.post("/v1/search", json={"query": "deep fakes"})
        assert r.status_code == 503 and "Nothing is indexed yet" in r.json()["error"]
        tg.index()
        assert c.get("/readyz").status_code == 200


def test_start_up_builds_a_missing_index(tmp_path):
    tg = make_guard(tmp_path, index=False)
    with TestClient(create_app(tg)) as c:
        wait_ready(c)
        assert c.post("/v1/search", json={"query": "deep fakes", "k": 1}).json()[0]["doc_id"] == "test-ai-act"


def test_ready_once_another_process_has_indexed(tmp_path, monkeypatch):
    """Two processes starting on a fresh shared store: the one that cannot index becomes ready when the
    other has."""
    tg = make_guard(tmp_path, index=False)
    real_index = tg.index

    def busy(*args, **kwargs):
        raise IndexBusyError("Another indexer is already running.")

    monkeypatch.setattr(tg, "index", busy)
    with TestClient(create_app(tg)) as c:
        service = c.app.state.service
        deadline = time.time() + 10
        while service.preparing and time.time() < deadline:
            time.sleep(0.02)
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["error"] == "Another indexer is already running."
        real_index()                                     # the other process finishes
        assert c.get("/readyz").status_code == 200


def test_openapi_page(client):
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "TwinGuard API" and spec["info"]["version"] == version("twinguard")
    routes = {"/v1/ask", "/v1/search", "/v1/review", "/v1/draft", "/v1/sources", "/healthz", "/readyz"}
    assert routes <= set(spec["paths"])
    upload = spec["paths"]["/v1/review"]["post"]["requestBody"]["content"]
    assert {"multipart/form-data", "application/json"} <= set(upload)
    assert client.get("/docs").status_code == 200


# --- ask ---------------------------------------------------------------------------------------


def test_ask_answers_with_the_cli_json(client, guard):
    r = client.post("/v1/ask", json={"question": QUESTION})
    assert r.status_code == 200
    assert r.json() == guard.ask(QUESTION).to_dict()
    assert r.json()["citations"] and not r.json()["refused"]
    follow_up = {"question": "and in the EU?", "history": [QUESTION], "jurisdiction": "EU"}
    assert client.post("/v1/ask", json=follow_up).json() == guard.ask(
        "and in the EU?", history=[QUESTION], jurisdiction="EU").to_dict()


@pytest.mark.parametrize("how", [{"headers": {"Accept": "text/event-stream"}}, {"params": {"stream": "true"}}])
def test_ask_streams_server_sent_events(client, guard, how):
    r = client.post("/v1/ask", json={"question": QUESTION}, **how)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    got = events(r.text)
    assert [name for name, _ in got] == ["answer"]          # extractive: no pieces, just the answer
    assert json.loads(got[0][1]) == guard.ask(QUESTION).to_dict()


def test_streamed_llm_answer_sends_verified_pieces_then_the_answer(guard):
    generator = FakeGenerator(lambda messages: fill(GOOD, messages[-1][1]), pieces=5)
    tg = sibling(guard, generator, llm="openai:fake")
    with TestClient(create_app(tg, prepare=False)) as c:
        r = c.post("/v1/ask?stream=true", json={"question": QUESTION})
    got = events(r.text)
    names = [name for name, _ in got]
    assert names[-1] == "answer" and names.count("answer") == 1 and "delta" in names
    answer = json.loads(got[-1][1])
    assert answer["mode"] == "llm" and answer["citations"]
    assert answer["answer"] == "".join(data for name, data in got if name == "delta") + f"\n\n_{DISCLAIMER}_"


def test_question_limits(client, guard):
    too_long = "Can they scan me? " * 200
    for how in ({}, {"params": {"stream": "true"}}):       # a streamed request fails before the stream starts
        r = client.post("/v1/ask", json={"question": too_long}, **how)
        assert r.status_code == 422 and r.headers["content-type"] == "application/json"
        assert f"the limit is {guard.settings.max_question_chars:,}" in r.json()["error"]
    assert client.post("/v1/ask", json={"question": "   "}).json() == {"error": "Please type a question."}
    r = client.post("/v1/ask", json={"jurisdiction": "EU"})
    assert r.status_code == 422 and "question" in r.json()["error"]
    assert client.post("/v1/ask", json={"question": QUESTION, "typo": 1}).status_code == 422


def test_bodies_over_the_limit_are_refused(client):
    big = json.dumps({"question": "x" * (MAX_JSON_BYTES + 10)})
    r = client.post("/v1/ask", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "limit of 1.0 MB" in r.json()["error"]
    chunks = (b" " * 65536 for _ in range(MAX_JSON_BYTES // 65536 + 2))       # no Content-Length: counted
    r = client.post("/v1/search", content=chunks, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "limit" in r.json()["error"]


# --- search, sources ---------------------------------------------------------------------------


def test_search_returns_the_cli_rows(client, guard):
    r = client.post("/v1/search", json={"query": "label deep fakes as AI-generated", "k": 3})
    assert r.status_code == 200
    assert r.json() == hit_rows(guard.search("label deep fakes as AI-generated", 3))
    assert r.json()[0]["doc_id"] == "test-ai-act" and [x["rank"] for x in r.json()] == [1, 2, 3]
    in_ny = client.post("/v1/search", json={"query": "deep fakes", "k": 9, "jurisdiction": "US-NY",
                                            "mode": "keyword"}).json()
    assert in_ny == hit_rows(guard.search("deep fakes", 9, jurisdiction="US-NY", mode="keyword"))
    assert client.post("/v1/search", json={"query": "x", "mode": "magic"}).status_code == 422
    assert client.post("/v1/search", json={"query": "deep fakes", "k": 0}).status_code == 422


def test_sources_lists_the_library(client, guard):
    rows = client.get("/v1/sources").json()
    assert rows == source_rows(list_sources(guard.catalog))
    assert {r["doc_id"] for r in rows} == {"test-ai-act", "test-faq", "test-ny-fwa", "test-rider"}


# --- review ------------------------------------------------------------------------------------


def test_review_of_pasted_text(client, guard):
    r = client.post("/v1/review", json={"text": CLAUSES})
    assert r.status_code == 200
    doc, _ = guard.read_contract(CLAUSES.encode("utf-8"), "pasted.txt")
    assert r.json() == guard.review(doc).to_dict()
    assert "perpetual-term" in {f["check_id"] for f in r.json()["findings"]}
    eu = client.post("/v1/review?jurisdiction=EU", json={"text": CLAUSES}).json()
    assert eu["jurisdiction"] == "EU"


def test_review_of_an_uploaded_pdf(client, guard):
    data = pdf_bytes([CLAUSES])
    r = client.post("/v1/review", files={"file": ("contract.pdf", data, "application/pdf")},
                    data={"jurisdiction": "US-NY"})
    assert r.status_code == 200, r.text
    doc, _ = guard.read_contract(data, "contract.pdf")
    assert r.json() == guard.review(doc, "US-NY").to_dict()
    assert r.json()["jurisdiction"] == "US-NY" and "perpetual-term" in {f["check_id"] for f in r.json()["findings"]}


def test_bad_uploads_get_clear_errors(client, guard):
    def upload(name, data, **kw):
        return client.post("/v1/review", files={"file": (name, data, "application/octet-stream")}, **kw)

    r = upload("contract.exe", b"MZ\x90\x00")
    assert r.status_code == 415 and "contract.exe" in r.json()["error"]
    r = upload("contract.pdf", b"%PDF-1.4 this is not really a PDF")
    assert r.status_code == 422 and r.json()["error"].startswith("contract.pdf: ")
    r = client.post("/v1/review", files={"other": ("c.txt", CLAUSES.encode(), "text/plain")})
    assert r.status_code == 422 and "'file'" in r.json()["error"]
    r = client.post("/v1/review", content=CLAUSES, headers={"content-type": "text/plain"})
    assert r.status_code == 415
    assert client.post("/v1/review", json={"txt": CLAUSES}).status_code == 422
    small = sibling(guard, max_file_bytes=2000)
    with TestClient(create_app(small, prepare=False)) as c:
        r = c.post("/v1/review", files={"file": ("big.txt", (CLAUSES + "\n") * 20, "text/plain")})
        assert r.status_code == 413 and "the limit is" in r.json()["error"]        # the loaders' own limit
        r = c.post("/v1/review", files={"file": ("big.txt", b"x" * 200_000, "text/plain")})
        assert r.status_code == 413 and "limit" in r.json()["error"]               # refused before reading
        r = c.post("/v1/review", json={"text": "x" * 200_000})
        assert r.status_code == 413


def padded_docx(text: str, padding: bytes) -> bytes:
    """A DOCX with the contract, made larger than 1 MB by a stored (uncompressed) extra part."""
    from docx import Document

    document = Document()
    document.add_heading("Digital replica agreement", level=0)
    for line in text.splitlines():
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    with zipfile.ZipFile(buf, "a", compression=zipfile.ZIP_STORED) as z:
        z.writestr("customXml/padding.bin", padding)
    return buf.getvalue()


def test_an_uploaded_contract_is_neither_stored_nor_logged(client, guard, monkeypatch, caplog):
    marker = "Zephyrine Quillfeather-Okonkwo"
    padding = os.urandom(1_200_000)
    data = padded_docx(CLAUSES.replace("the Model", f"the Model ({marker})"), padding)
    spilled = []
    real_temporary_file = tempfile.TemporaryFile

    def recording_temporary_file(*args, **kwargs):      # where an upload spooled to disk would go
        spilled.append(args)
        return real_temporary_file(*args, **kwargs)

    monkeypatch.setattr(tempfile, "TemporaryFile", recording_temporary_file)
    caplog.set_level("DEBUG")
    before = {p: p.stat().st_mtime_ns for p in guard.settings.home.rglob("*") if p.is_file()}
    r = client.post("/v1/review", files={"file": ("contract.docx", data, DOCX)})
    assert r.status_code == 200, r.text
    assert "perpetual-term" in {f["check_id"] for f in r.json()["findings"]}
    assert spilled == [], "the upload was written to a temporary file"
    for path in guard.settings.home.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert marker.encode() not in content and padding[:64] not in content, path
            assert before.get(path) == path.stat().st_mtime_ns, f"{path} changed during a review"
    assert marker not in caplog.text


# --- draft -------------------------------------------------------------------------------------


def test_draft_as_json_and_docx(client, guard):
    from docx import Document

    body = {"request": REQUEST, "model_name": "Jane Doe", "placeholders": {"approval days": "5"}}
    r = client.post("/v1/draft", json=body)
    assert r.status_code == 200, r.text
    expected = guard.draft(replace(parse_request(REQUEST), model_name="Jane Doe",
                                   placeholders=(("APPROVAL DAYS", "5"),)))
    assert r.json() == expected.to_dict()
    for how in ({"params": {"format": "docx"}}, {"headers": {"Accept": DOCX}}):
        r = client.post("/v1/draft", json=body, **how)
        assert r.status_code == 200 and r.headers["content-type"] == DOCX
        text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
        assert "Jane Doe" in text


def test_draft_errors(client):
    r = client.post("/v1/draft", json={"jurisdiction": "Atlantis"})
    assert r.status_code == 422 and "Atlantis" in r.json()["error"]
    assert client.post("/v1/draft", json={"request": "   "}).status_code == 422
    assert client.post("/v1/draft", json={"model": "Jane"}).status_code == 422
    assert client.post("/v1/draft?format=pdf", json={"request": REQUEST}).status_code == 422


# --- staff: adding documents -------------------------------------------------------------------

NEW_DOC = (b"---\nid: staff-note\ntitle: Staff note on holograms\nkind: faq\njurisdiction: EU\n---\n\n"
           b"# Staff note\n\n## Holograms\n\nA hologram performance of a model needs a separate fee per "
           b"performance, agreed in writing before the hologram tour starts.\n")


def test_adding_a_document_needs_the_staff_token(tmp_path):
    tg = make_guard(tmp_path, api_token=TOKEN)
    files = {"file": ("staff-note.md", NEW_DOC, "text/markdown")}
    with TestClient(create_app(tg, prepare=False)) as c:
        r = c.post("/v1/sources", files=files)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert c.post("/v1/sources", files=files, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.post("/v1/sources", files=files, headers={"Authorization": TOKEN}).status_code == 401
        r = c.post("/v1/sources", files=files, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 201, r.text
        assert r.json()["added"] == "staff-note.md" and r.json()["index"]["added"] == ["staff-note"]
        rows = {row["doc_id"]: row for row in c.get("/v1/sources").json()}
        assert rows["staff-note"]["added_by_staff"] and len(rows) == 5
        hits = c.post("/v1/search", json={"query": "hologram tour fee", "k": 1}).json()
        assert hits[0]["doc_id"] == "staff-note"
        bad = c.post("/v1/sources", files={"file": ("x.exe", b"MZ", "application/octet-stream")},
                     headers={"Authorization": f"Bearer {TOKEN}"})
        assert bad.status_code == 400 and "x.exe" in bad.json()["error"]
    assert (tg.settings.library_dir / "staff-note.md").read_bytes() == NEW_DOC


def test_adding_documents_is_off_without_a_token(guard):
    tg = sibling(guard, api_token="")
    with TestClient(create_app(tg, prepare=False)) as c:
        r = c.post("/v1/sources", files={"file": ("n.md", NEW_DOC, "text/markdown")},
                   headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403 and "turned off" in r.json()["error"]


# --- a real server -----------------------------------------------------------------------------


@pytest.mark.integration
def test_twinguard_serve_answers_over_http(tmp_path):
    """`twinguard serve` on a free loopback port, with the real model; it indexes the corpus at start-up."""
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    env = {**os.environ, "TWINGUARD_HOME": str(tmp_path / "home"), "TWINGUARD_CORPUS": str(corpus)}
    port = free_port()
    exe = Path(sys.executable).with_name("twinguard")
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 180
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.time() < deadline, "the server was not ready in 180 s"
            time.sleep(0.3)
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        r = httpx.post(f"{base}/v1/ask", json={"question": QUESTION}, timeout=60)
        assert r.status_code == 200
        answer = r.json()
        assert not answer["refused"] and "test-ny-fwa" in {c["doc_id"] for c in answer["citations"]}
    finally:
        stop(proc)
        log.close()
    assert "POST /v1/ask" in (tmp_path / "server.log").read_text()      # the access log: method and path


def test_several_workers_need_a_chroma_server():
    from typer.testing import CliRunner

    from assistant.cli.app import app

    result = CliRunner().invoke(app, ["serve", "--workers", "2"])
    assert result.exit_code == 1 and "needs a Chroma server" in result.output
