"""The /v1 routes. Each calls the facade and returns the JSON of the matching `--json` CLI command.

Blocking work runs in the threadpool (plain `def` routes, or `run_in_threadpool` in the async ones that
read uploads); indexing is serialised by `Service.index_lock`.
"""

from __future__ import annotations

from itertools import chain
from pathlib import Path
from typing import Optional

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from assistant.ingest.loaders import SUPPORTED
from assistant.serve import sse
from assistant.serve.auth import require_staff
from assistant.serve.schemas import AskRequest, DraftRequest, ReviewText, SearchRequest
from assistant.serve.service import Service
from assistant.serve.shapes import hit_rows, report_dict, source_rows
from assistant.serve.uploads import is_multipart, read_upload
from assistant.twinguard import TwinGuard

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UPLOAD_BODY = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}, "jurisdiction": {"type": "string"}}}},
    "application/json": {"schema": ReviewText.model_json_schema()}}}}
STAFF_UPLOAD = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}}}

router = APIRouter(prefix="/v1")


def service(request: Request) -> Service:
    return request.app.state.service


def guard(request: Request) -> TwinGuard:
    return service(request).tg


def accepts(request: Request, media_type: str) -> bool:
    return media_type in request.headers.get("accept", "")


@router.post("/ask", tags=["answers"], summary="Answer a question with citations (JSON, or server-sent events)",
             responses={200: {"content": {sse.MEDIA_TYPE: {}}, "description": "The answer, as `ask --json` prints "
                              "it; with `Accept: text/event-stream` or `?stream=true`, `delta` events then one "
                              "`answer` event holding that JSON."}})
def ask(body: AskRequest, request: Request, stream: bool = Query(False, description="Stream server-sent events.")):
    tg = guard(request)
    if stream or accepts(request, sse.MEDIA_TYPE):
        items = tg.ask_stream(body.question, jurisdiction=body.jurisdiction, history=body.history)
        first = next(items)             # a bad question fails here, as a 4xx, before the stream starts
        return StreamingResponse(sse.answer_events(chain([first], items)), media_type=sse.MEDIA_TYPE,
                                 headers=sse.HEADERS)
    return tg.ask(body.question, jurisdiction=body.jurisdiction, history=body.history).to_dict()


@router.post("/search", tags=["answers"], summary="The passages that best match a query (as `search --json`)")
def search(body: SearchRequest, request: Request) -> list[dict]:
    hits = guard(request).search(body.query, body.k, jurisdiction=body.jurisdiction, mode=body.mode)
    return hit_rows(hits)


@router.post("/review", tags=["contracts"], openapi_extra=UPLOAD_BODY,
             summary="Review a contract: a file upload (field `file`) or JSON {text}; never stored or logged")
async def review(request: Request, jurisdiction: Optional[str] = Query(None, description="e.g. US-NY, EU")):
    tg = guard(request)
    if is_multipart(request):
        upload = await read_upload(request, tg.settings.max_file_bytes)
        name, data = upload.name, upload.data
        if Path(name).suffix.lower() not in SUPPORTED:
            raise HTTPException(415, f"{name}: unsupported file type (send a .pdf, .docx, .txt or .md file).")
        jurisdiction = jurisdiction or upload.fields.get("jurisdiction") or None
    elif request.headers.get("content-type", "").lower().startswith("application/json"):
        try:
            pasted = ReviewText.model_validate_json(await request.body())
        except ValidationError as exc:
            raise HTTPException(422, "Send JSON {\"text\": \"...\"} with the contract as text "
                                     f"({exc.error_count()} problem(s) with the body).") from None
        name, data = "pasted.txt", pasted.text.encode("utf-8")
        jurisdiction = jurisdiction or pasted.jurisdiction
    else:
        raise HTTPException(415, "Send the contract as a multipart file upload (field 'file') or as JSON "
                                 "{\"text\": \"...\"}.")
    result = await run_in_threadpool(review_contract, tg, data, name, jurisdiction)
    return result.to_dict()


def review_contract(tg: TwinGuard, data: bytes, name: str, jurisdiction: str | None):
    doc, _ = tg.read_contract(data, name)
    return tg.review(doc, jurisdiction)


@router.post("/draft", tags=["contracts"], summary="Draft a digital-replica rider (JSON, or DOCX)",
             responses={200: {"content": {DOCX: {}}, "description": "The rider as `draft --json` prints it; "
                              f"with `Accept: {DOCX}` or `?format=docx`, the DOCX file."}})
def draft(body: DraftRequest, request: Request,
          fmt: Optional[str] = Query(None, alias="format", pattern="^(json|docx)$")):
    rider = guard(request).draft(body.params())
    if fmt == "docx" or (fmt is None and accepts(request, DOCX)):
        from assistant.draft.export import rider_docx

        return Response(rider_docx(rider), media_type=DOCX,
                        headers={"Content-Disposition": 'attachment; filename="rider.docx"'})
    return rider.to_dict()


@router.get("/sources", tags=["sources"], summary="The library: every indexed document")
def sources(request: Request) -> list[dict]:
    from assistant.index.library import list_sources

    return source_rows(list_sources(guard(request).catalog))


@router.post("/sources", tags=["sources"], status_code=201, openapi_extra=STAFF_UPLOAD,
             summary="Staff: add a document to the library and index it (Authorization: Bearer <token>)")
async def add_source(request: Request, authorization: Optional[str] = Header(None)):
    svc = service(request)
    require_staff(svc.tg.settings, authorization)
    upload = await read_upload(request, svc.tg.settings.max_file_bytes)
    path, report = await run_in_threadpool(svc.add, upload.name, upload.data)
    return JSONResponse({"added": path.name, "index": report_dict(report)}, status_code=201)
