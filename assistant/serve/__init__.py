"""TwinGuard for other programs: an HTTP API (`twinguard serve`) and an MCP server (`twinguard mcp`).

Both call only the facade and answer with the JSON the CLI prints with `--json` (see `shapes.py`).
"""
