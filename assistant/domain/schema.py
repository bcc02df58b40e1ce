"""Front-matter schema of corpus documents: the one definition of what metadata a document carries.

Every corpus file starts with YAML front matter. `validate_meta` checks it and returns a list of
problems (empty when the metadata is valid); loaders use `normalise_meta` to turn it into the flat,
string-valued mapping that the index stores. How often each kind must be re-checked against its
sources is in `assistant.domain.currency`.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Mapping

from assistant.domain import jurisdictions

KINDS = (
    "law",
    "regulation",
    "bill",
    "draft",
    "guidance",
    "company-statement",
    "faq",
    "template",
    "clause-library",
    "contract",
    "other",
)
STATUSES = ("in-force", "adopted-not-yet-applicable", "bill", "draft", "guidance", "statement")
VERIFICATIONS = ("official", "secondary", "unverified")

#: Fields every corpus document must have. `as_of`: the date the status statements are true as of;
#: `checked`: the ISO date the document was last checked against its sources (never in the future).
REQUIRED = ("id", "title", "short_title", "kind", "jurisdiction", "status", "as_of", "checked", "verification")
#: Fields a document may have; anything else is reported as unknown.
OPTIONAL = (
    "source_url",      # official address where one exists
    "source_note",     # why a law or bill has no official address (source_url absent)
    "dates",           # mapping label -> ISO date, e.g. {signed: 2024-12-21, effective: 2025-06-19}
    "citation",        # the official citation, e.g. "Regulation (EU) 2024/1689"
    "aliases",         # other names people use for it ("FWA", "Fashion Workers Act")
    "sources",         # clause library: [{doc: id, section: label}, ...]
    "risks",           # clause library / FAQ: numbers of the common risks addressed (1-10)
    "checks",          # clause library: playbook check ids this entry fixes
    "summary",         # one or two sentences on what the document is
    "language",
)

#: Kinds that must give their official address (`source_url`) or say why there is none (`source_note`).
#: Kinds that are law (in force or proposed): they need an official address, and answers lead with them.
LAW_KINDS = ("law", "regulation", "bill", "draft")
#: Kinds that hold contract wording: quoted only when wording is asked for.
WORDING_KINDS = ("clause-library", "template")

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")
#: Internal reference in corpus text: [[doc-id#Section label]] or [[doc-id]].
REF_RE = re.compile(r"\[\[([a-z0-9][a-z0-9-]*)(?:#([^\]\n]+))?\]\]")


def as_date(value: Any) -> _dt.date | None:
    """A front-matter date (a YAML date or an ISO string, as stored in the index) or None."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def validate_meta(meta: Mapping[str, Any], *, strict: bool = True, today: _dt.date | None = None) -> list[str]:
    """Return the problems with one document's front matter (empty list when valid).

    `strict` requires every field in REQUIRED and, for the kinds in LAW_KINDS, `source_url` or
    `source_note` (corpus documents); user uploads are checked with strict=False, which only validates
    the fields that are present. `checked` may not be later than `today` (default: the system date).
    """
    today = today or _dt.date.today()
    problems: list[str] = []
    if strict:
        for field in REQUIRED:
            if field not in meta or meta[field] in (None, ""):
                problems.append(f"missing field '{field}'")
    for field in meta:
        if field not in REQUIRED and field not in OPTIONAL:
            problems.append(f"unknown field '{field}'")
    checks = (
        ("kind", KINDS),
        ("jurisdiction", jurisdictions.CODES),
        ("status", STATUSES),
        ("verification", VERIFICATIONS),
    )
    for field, allowed in checks:
        value = meta.get(field)
        if value not in (None, "") and value not in allowed:
            problems.append(f"{field} '{value}' is not one of {', '.join(allowed)}")
    doc_id = meta.get("id")
    if doc_id not in (None, "") and not (isinstance(doc_id, str) and ID_RE.match(doc_id)):
        problems.append(f"id '{doc_id}' must be lowercase letters, digits and hyphens")
    if "as_of" in meta and meta["as_of"] not in (None, "") and as_date(meta["as_of"]) is None:
        problems.append(f"as_of '{meta['as_of']}' is not an ISO date (YYYY-MM-DD)")
    checked = meta.get("checked")
    if checked not in (None, ""):
        day = as_date(checked)
        if day is None:
            problems.append(f"checked '{checked}' is not an ISO date (YYYY-MM-DD)")
        elif day > today:
            problems.append(f"checked {day.isoformat()} is in the future (today is {today.isoformat()})")
    dates = meta.get("dates")
    if dates is not None:
        if not isinstance(dates, Mapping):
            problems.append("dates must be a mapping of label to ISO date")
        else:
            for label, value in dates.items():
                if as_date(value) is None:
                    problems.append(f"dates.{label} '{value}' is not an ISO date")
    url = meta.get("source_url")
    if url not in (None, "") and not (isinstance(url, str) and url.startswith(("https://", "http://"))):
        problems.append(f"source_url '{url}' is not an http(s) address")
    note = meta.get("source_note")
    has_note = isinstance(note, str) and bool(note.strip())
    if note is not None and not has_note:
        problems.append("source_note must be a sentence saying why there is no official address")
    if strict and meta.get("kind") in LAW_KINDS and url in (None, "") and not has_note:
        problems.append(f"a {meta['kind']} needs source_url (its official address) "
                        "or source_note (why there is none)")
    for field in ("aliases", "checks", "risks", "sources"):
        if field in meta and not isinstance(meta[field], list):
            problems.append(f"{field} must be a list")
    for src in meta.get("sources") or []:
        if not (isinstance(src, Mapping) and src.get("doc")):
            problems.append(f"source {src!r} must be a mapping with 'doc' (and usually 'section')")
    return problems


def _scalar(value: Any) -> str:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, (list, tuple)):
        return "; ".join(_scalar(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_scalar(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def normalise_meta(meta: Mapping[str, Any]) -> dict[str, str]:
    """Flatten front matter into string values (Chroma metadata holds scalars only)."""
    return {str(k): _scalar(v) for k, v in meta.items()}
