"""The MCP server: `twinguard mcp` as a subprocess, driven through the official SDK's stdio client."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.serve.shapes import hit_rows
from assistant.twinguard import TwinGuard
from tests.conftest import FIXTURE_CORPUS

pytest.importorskip("mcp")

from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Can my agency make a digital twin of me without asking?"
CLAUSE = ("The Company may create a digital replica of the Model and use it in perpetuity for any purpose "
          "without further consent.")
REQUEST = "12-month e-commerce licence, EUR 500 per use, EU"
TOOLS = {"ask", "search", "review_text", "draft_rider"}


async def session_calls(params: StdioServerParameters, errlog) -> dict:
    """List the tools and call each once (and one bad call); the results as plain data."""
    out: dict = {}
    async with stdio_client(params, errlog=errlog) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            out["tools"] = {tool.name: tool for tool in (await session.list_tools()).tools}
            for name, args in (("ask", {"question": QUESTION}), ("review_text", {"text": CLAUSE}),
                               ("search", {"query": "label deep fakes as AI-generated", "k": 3}),
                               ("draft_rider", {"request": REQUEST}), ("ask", {"question": "   "})):
                result = await asyncio.wait_for(session.call_tool(name, args), timeout=240)
                out[name if args.get("question") != "   " else "bad"] = result
    return out


@pytest.mark.integration      # the server process loads the real model
def test_mcp_tools_over_stdio(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    home = tmp_path / "home"
    env = {**os.environ, "TWINGUARD_HOME": str(home), "TWINGUARD_CORPUS": str(corpus)}
    exe = Path(sys.executable).with_name("twinguard")
    with (tmp_path / "stderr.log").open("w") as errlog:
        got = asyncio.run(session_calls(StdioServerParameters(command=str(exe), args=["mcp"], env=env), errlog))

    assert set(got["tools"]) == TOOLS
    assert set(got["tools"]["ask"].inputSchema["properties"]) == {"question", "jurisdiction"}
    assert set(got["tools"]["search"].inputSchema["properties"]) == {"query", "k", "jurisdiction"}
    for name in ("ask", "review_text", "search", "draft_rider"):
        assert not got[name].isError, got[name].content
    answer = got["ask"].structuredContent
    assert json.loads(got["ask"].content[0].text) == answer          # the text content is the same JSON
    findings = got["review_text"].structuredContent["findings"]
    hits = got["search"].structuredContent["result"]
    rider = got["draft_rider"].structuredContent
    assert got["bad"].isError and "Please type a question." in got["bad"].content[0].text

    # The same JSON as the CLI's --json, i.e. the facade's, over the index the server built.
    tg = TwinGuard(Settings(home=home, corpus=corpus), embedder=embedder)
    assert answer == tg.ask(QUESTION).to_dict()
    assert not answer["refused"] and "test-ny-fwa" in {c["doc_id"] for c in answer["citations"]}
    doc, _ = tg.read_contract(CLAUSE.encode("utf-8"), "pasted.txt")
    assert got["review_text"].structuredContent == tg.review(doc).to_dict()
    assert "perpetual-term" in {f["check_id"] for f in findings}
    assert hits == hit_rows(tg.search("label deep fakes as AI-generated", 3))
    assert rider["clauses"] and rider["disclaimer"]


NOISY_CHILD = r"""
from assistant.serve import mcp_server
real = mcp_server.build_server

def noisy(**kwargs):
    print("NOISE FROM A LIBRARY", flush=True)       # after start-up, as a chatty library would
    return real(**kwargs)

mcp_server.build_server = noisy
mcp_server.run_stdio()
"""


def test_only_the_protocol_is_written_to_stdout(tmp_path):
    """A library that prints cannot corrupt the protocol: its output goes to stderr."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TWINGUARD_HOME": str(tmp_path / "home")}
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                       "clientInfo": {"name": "test", "version": "0"}}}
    proc = subprocess.run([sys.executable, "-c", NOISY_CHILD], input=json.dumps(init) + "\n", env=env,
                          capture_output=True, text=True, timeout=120)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert lines, proc.stderr[-2000:]
    reply = json.loads(lines[0])
    assert reply["id"] == 1 and reply["result"]["serverInfo"]["name"] == "TwinGuard"
    assert all(json.loads(line) for line in lines)
    assert "NOISE FROM A LIBRARY" in proc.stderr and "NOISE" not in proc.stdout
