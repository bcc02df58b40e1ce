"""The shared library: documents staff add through the web app, stored in the library folder
(`Settings.library_dir`: under the data directory, or a shared volume set by TWINGUARD_LIBRARY_DIR) and
indexed with the corpus; over a Chroma server the indexer also keeps their extracted text on the server.
Also the listing behind the Sources page."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.index.catalog import CatalogStore
from assistant.ingest.loaders import SUPPORTED, load_bytes, too_big

SAFE_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class SourceRow:
    doc_id: str
    title: str
    kind: str
    jurisdiction: str
    status: str
    as_of: str
    url: str
    path: str
    chunks: int
    added_by_staff: bool
    checked: str = ""          # ISO date last checked against its sources; currency.overdue(asdict(row), today)


def staff_allowed(settings: Settings, passphrase: str) -> bool:
    """True when a staff passphrase is configured and `passphrase` matches it."""
    if not settings.staff_passphrase:
        return False
    return hmac.compare_digest(settings.staff_passphrase.encode(), (passphrase or "").encode())


def safe_name(name: str) -> str:
    stem = Path(name).name
    cleaned = SAFE_NAME_RE.sub("-", stem).strip("-.") or "document"
    return cleaned[:120]


def add_to_library(settings: Settings, name: str, data: bytes) -> Path:
    """Check that the file loads, then store it in the library folder. Raises AssistantError/LoadError."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise AssistantError(f"{name}: only PDF, DOCX, Markdown and text files can be added.")
    if len(data) > settings.max_file_bytes:
        raise AssistantError(f"{name}: {too_big(len(data), settings.max_file_bytes)}.")
    load_bytes(data, name, settings.limits)  # raises LoadError with the reason
    folder = settings.library_dir
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / safe_name(name)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target


def list_sources(catalog: CatalogStore) -> list[SourceRow]:
    rows = []
    for rec in catalog.documents().values():
        meta = rec.meta
        rows.append(SourceRow(
            doc_id=rec.doc_id, title=meta.get("title", rec.doc_id), kind=meta.get("kind", ""),
            jurisdiction=meta.get("jurisdiction", ""), status=meta.get("status", ""),
            as_of=meta.get("as_of", ""), url=meta.get("source_url", ""), path=rec.path, chunks=rec.n_chunks,
            added_by_staff=rec.path.startswith("library/"), checked=meta.get("checked", "")))
    return sorted(rows, key=lambda r: (r.jurisdiction, r.kind, r.title))
