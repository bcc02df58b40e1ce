"""`twinguard serve`: the HTTP API under uvicorn. `twinguard mcp`: the MCP server over stdio.

    twinguard serve [--host 127.0.0.1] [--port 8080] [--workers 1]
    twinguard mcp
"""

from __future__ import annotations

import os

import typer

from assistant.cli.common import VERBOSE, boundary, err, settings
from assistant.errors import AssistantError


def register(app: typer.Typer) -> None:
    @app.command("serve")
    @boundary
    def serve(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every "
                                                                        "interface)."),
              port: int = typer.Option(8080, "--port", min=1, max=65535),
              workers: int = typer.Option(1, "--workers", min=1, help="Processes, each with its own model "
                                                                     "(more than 1 needs a Chroma server).")):
        """Start the HTTP API (OpenAPI page at /docs). Settings come from TWINGUARD_* variables."""
        import uvicorn

        config = settings()             # bad settings fail here, with a message, not in every worker
        if workers > 1 and not config.server_mode:
            raise AssistantError("--workers above 1 needs a Chroma server (TWINGUARD_CHROMA_HOST): the embedded "
                                 "index belongs to one process.")
        if VERBOSE["on"]:
            os.environ["TWINGUARD_VERBOSE"] = "1"
        err.print(f"TwinGuard API on http://{host}:{port} (docs at /docs; Ctrl-C stops it)")
        uvicorn.run("assistant.serve.api:create_app", factory=True, host=host, port=port, workers=workers,
                    log_level="info", access_log=True)     # the access log has the path, never a body

    @app.command("mcp")
    @boundary
    def mcp():
        """Run the MCP server over stdio, for agents and desktop assistants (tools: ask, search, review_text,
        draft_rider)."""
        from assistant.serve.mcp_server import run_stdio

        run_stdio(settings())
