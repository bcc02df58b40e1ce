"""The HTTP API: `create_app()` builds the FastAPI application (`twinguard serve` runs it under uvicorn).

One TwinGuard per process, made at start-up (or passed in, as tests do); the OpenAPI page is at /docs and
the schema at /openapi.json.
"""

from __future__ import annotations

import inspect
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI

from assistant.config import Settings
from assistant.serve import errors, health, routes
from assistant.serve.limits import MAX_JSON_BYTES, MULTIPART_OVERHEAD, BodyLimit
from assistant.serve.service import Service
from assistant.twinguard import TwinGuard

TITLE = "TwinGuard API"
DESCRIPTION = ("Cited answers, contract review and rider drafting on AI digital replicas of models. "
               "Legal information, not legal advice. Every answer is the JSON the `twinguard` CLI prints with "
               "`--json`; errors are `{\"error\": \"...\"}`.")
UPLOAD_PATHS = frozenset({"/v1/review", "/v1/sources"})
#: Newer FastAPI versions carry OpenTelemetry; it stays off (nothing leaves the machine).
TELEMETRY_OFF = {"auto_configure": False, "tracing": False, "metrics": False, "logs": False}


def package_version() -> str:
    try:
        return version("twinguard")
    except PackageNotFoundError:        # running from a source tree that is not installed
        return "0+unknown"


def create_app(tg: TwinGuard | None = None, settings: Settings | None = None, *, prepare: bool = True) -> FastAPI:
    """The application. Without `tg`, one is built at start-up from `settings` (default: the environment).
    `prepare`: load the model and build a missing index in the background at start-up (see /readyz)."""
    settings = tg.settings if tg is not None else settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        service = Service(tg if tg is not None else TwinGuard(settings))
        app.state.service = service
        if prepare:
            service.start()
        yield

    def limit_for(path: str) -> int:
        return settings.max_file_bytes + MULTIPART_OVERHEAD if path in UPLOAD_PATHS else MAX_JSON_BYTES

    extra = {"telemetry": TELEMETRY_OFF} if "telemetry" in inspect.signature(FastAPI).parameters else {}
    app = FastAPI(title=TITLE, version=package_version(), description=DESCRIPTION, lifespan=lifespan, **extra)
    app.add_middleware(BodyLimit, limit_for=limit_for)
    errors.install(app)
    app.include_router(health.router)
    app.include_router(routes.router)
    return app
