"""Errors as HTTP responses: the one place the API turns exceptions into a status code and
`{"error": "<a sentence for the user>"}`. Library code only raises `assistant.errors` types."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from assistant.errors import (
    AssistantError,
    DraftError,
    GenerationError,
    IndexBusyError,
    IndexNotBuiltError,
    LoadError,
    QuestionError,
    StoreError,
)

#: Status of each kind of error (first match wins); any other AssistantError is a 400.
STATUS: tuple[tuple[type[AssistantError], int], ...] = (
    (QuestionError, 422),       # empty or too long
    (DraftError, 422),          # a value a rider cannot be drafted from
    (IndexNotBuiltError, 503),  # nothing to answer from yet
    (StoreError, 503),          # the vector store cannot be reached
    (IndexBusyError, 409),      # another process is indexing
    (GenerationError, 502),     # the language model failed
)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def status_for(exc: AssistantError) -> int:
    if isinstance(exc, LoadError):
        if exc.reason.startswith("unsupported file type"):
            return 415
        if exc.reason.startswith("file is "):      # sizes.too_big: larger than the configured limit
            return 413
        return 422                                  # corrupt, encrypted, scanned, empty …
    return next((status for kind, status in STATUS if isinstance(exc, kind)), 400)


async def assistant_error(request: Request, exc: AssistantError) -> JSONResponse:
    return error(status_for(exc), str(exc))


async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    return error(exc.status_code, str(exc.detail), getattr(exc, "headers", None))


async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """Which field is wrong and why, without echoing the input back (it may be a contract)."""
    problems = []
    for item in exc.errors():
        where = ".".join(str(part) for part in item.get("loc", ())[1:]) or "body"
        problems.append(f"{where}: {item.get('msg', 'invalid')}")
    return error(422, "Invalid request: " + "; ".join(problems) + ".")


def install(app: FastAPI) -> None:
    app.add_exception_handler(AssistantError, assistant_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
