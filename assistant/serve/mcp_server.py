"""The MCP server (`twinguard mcp`): TwinGuard's answers, search, contract review and drafting as tools
for an agent or a desktop assistant, over stdio, offline.

Each tool returns the JSON the CLI prints with `--json`. Errors reach the client as tool errors with the
message a CLI user would see. Only the protocol is written to stdout; logging goes to stderr.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import threading
from typing import Any, Callable, Optional, TypeVar

import anyio
from mcp.server.fastmcp import FastMCP

from assistant.config import Settings
from assistant.serve.shapes import hit_rows

T = TypeVar("T")
INSTRUCTIONS = ("TwinGuard answers questions on AI digital replicas (digital twins) of fashion models from a "
                "curated library of laws, bills and union guidance, each point with numbered citations. It "
                "reviews contract text for risky digital-replica clauses and drafts riders. Legal information, "
                "not legal advice.")


class Guard:
    """The facade, made on first use (so the client's handshake is not kept waiting for the model), with
    the index built if nothing is indexed yet."""

    def __init__(self, tg=None, settings: Settings | None = None):
        self._tg = tg
        self._settings = settings
        self._lock = threading.Lock()

    def get(self):
        with self._lock:
            if self._tg is None:
                from assistant.twinguard import TwinGuard

                self._tg = TwinGuard(self._settings or Settings.from_env())
            if not self._tg.indexed:
                self._tg.index()
            return self._tg

    async def run(self, work: Callable[..., T]) -> T:
        """`work(tg)` in a worker thread: the facade blocks, the protocol loop must not."""
        return await anyio.to_thread.run_sync(lambda: work(self.get()))


def build_server(tg=None, settings: Settings | None = None) -> FastMCP:
    guard = Guard(tg, settings)
    server = FastMCP("TwinGuard", instructions=INSTRUCTIONS, log_level="WARNING")

    @server.tool()
    async def ask(question: str, jurisdiction: Optional[str] = None) -> dict[str, Any]:
        """Answer a question on AI digital replicas of models with numbered citations to the sources.
        jurisdiction: EU, US-NY, US-CA, US-IL, UK, … or 'all' (default: the places the question names)."""
        return await guard.run(lambda tg: tg.ask(question, jurisdiction=jurisdiction).to_dict())

    @server.tool()
    async def search(query: str, k: int = 6, jurisdiction: Optional[str] = None) -> list[dict[str, Any]]:
        """The k passages of the library that best match a query, best first."""
        return await guard.run(lambda tg: hit_rows(tg.search(query, k, jurisdiction=jurisdiction)))

    @server.tool()
    async def review_text(text: str, jurisdiction: Optional[str] = None) -> dict[str, Any]:
        """Review contract text (a whole contract or one clause) for risky digital-replica clauses, with
        reasons, sources and safer wording. The text is not stored."""
        def work(tg):
            doc, _ = tg.read_contract(text.encode("utf-8"), "pasted.txt")
            return tg.review(doc, jurisdiction).to_dict()

        return await guard.run(work)

    @server.tool()
    async def draft_rider(request: str) -> dict[str, Any]:
        """Draft a digital-replica rider from a plain request, e.g. "12-month e-commerce licence, EUR 500 per
        use, EU"; every clause with its sources; unfilled values stay as [PLACEHOLDERS]."""
        from assistant.draft.request import parse_request

        return await guard.run(lambda tg: tg.draft(parse_request(request)).to_dict())

    return server


def run_stdio(settings: Settings | None = None) -> None:
    """Serve over stdin/stdout until the client closes. The protocol keeps the real stdout; file
    descriptor 1 is pointed at stderr, so a library that prints cannot corrupt the stream."""
    from mcp.server.stdio import stdio_server

    sys.stdout.flush()
    protocol = io.TextIOWrapper(os.fdopen(os.dup(sys.stdout.fileno()), "wb"), encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    server = build_server(settings=settings)
    for handler in logging.getLogger().handlers:     # FastMCP's stderr handler: warnings only (bm25s debugs)
        handler.setLevel(logging.WARNING)

    async def serve() -> None:
        lowlevel = server._mcp_server            # FastMCP.run() would take sys.stdout itself
        async with stdio_server(stdout=anyio.wrap_file(protocol)) as (read, write):
            await lowlevel.run(read, write, lowlevel.create_initialization_options())

    anyio.run(serve)
