"""Liveness and readiness, for a load balancer or an orchestrator."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is alive")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", summary="The index is ready (503 with the reason when not)",
            responses={503: {"description": "Not ready; `error` says why."}})
def readyz(request: Request):
    ready, why = request.app.state.service.readiness()
    if not ready:
        return JSONResponse({"status": "not ready", "error": why}, status_code=503)
    return {"status": "ready"}
