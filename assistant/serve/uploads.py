"""Uploaded files, read in memory: a contract sent for review never touches the disk (Starlette would
otherwise spool uploads over 1 MB to a temporary file)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

FIELD = "file"


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes
    fields: dict[str, str]      # the form's other (text) fields


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


async def read_upload(request: Request, max_bytes: int) -> Upload:
    """The one file of a multipart form (field `file`) and its text fields. The request's size is
    already limited (`limits.BodyLimit`), so the file is held in memory up to `max_bytes`."""
    parser = MultiPartParser(request.headers, request.stream(), max_files=1, max_fields=10)
    parser.spool_max_size = max_bytes           # the file stays in memory
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise HTTPException(400, f"Cannot read the upload: {exc.message}") from None
    try:
        upload = form.get(FIELD)
        if not isinstance(upload, UploadFile):
            raise HTTPException(422, f"Send the document as a file in the form field '{FIELD}'.")
        data = await upload.read()
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
        return Upload(name=upload.filename or "upload", data=data, fields=fields)
    finally:
        await form.close()
