"""Request-size limits, enforced while the body arrives (before it is parsed): uploads may be as large as
the configured file limit, every other body at most `MAX_JSON_BYTES`. Larger requests get a 413."""

from __future__ import annotations

from typing import Callable

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.ingest.loaders.sizes import human_size

MAX_JSON_BYTES = 1024 * 1024
MULTIPART_OVERHEAD = 64 * 1024          # boundaries and part headers around an uploaded file


class BodyTooLarge(HTTPException):
    """Raised while reading a body past its limit; an HTTPException so that the API answers 413."""

    def __init__(self, limit: int):
        super().__init__(413, f"The request is larger than the limit of {human_size(limit)}.")


class BodyLimit:
    """ASGI middleware: `limit_for(path)` is the most bytes a request to that path may send."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]):
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await too_large(limit, scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if started:
                raise
            await too_large(limit, scope, receive, send)


async def too_large(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
    from assistant.serve.errors import error

    await error(413, BodyTooLarge(limit).detail)(scope, receive, send)
