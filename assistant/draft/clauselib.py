"""The clause library as data: each corpus/clause-library/cl-<check>.md file parsed into an Entry.

An entry has a standard position, one or two fallbacks, positions never to accept, and sources. Every
position keeps its offsets in the document text (the body after the front matter, exactly as the loader
and the index see it), so a finding or a rider can cite and quote it.

    library = load_library(Path("corpus"))
    entry = entry_for_check(library, "perpetual-term")
    entry.standard.text          # the wording we ask for, with [PLACEHOLDERS]

Citing a section without an index: `index.sections.FileSections`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assistant.domain.schema import REF_RE
from assistant.errors import ClauseLibraryError, LoadError
from assistant.ingest.chunking import MD_HEADING, section_label, strip_span
from assistant.ingest.loaders import load_text

LIBRARY_DIR = "clause-library"
GIVES_UP = "What the model gives up:"
REQUIRED_SECTIONS = ("Risk", "Standard position", "Fallback 1", "Unacceptable", "Sources")


@dataclass(frozen=True)
class Position:
    """One negotiating position: the clause wording, what the model gives up, and its offsets."""

    label: str                # "Standard position", "Fallback 1", "Fallback 2"
    text: str                 # the clause wording, [PLACEHOLDERS] included
    gives_up: str             # the sentence after "What the model gives up:"
    start: int                # document.text[start:end] == text
    end: int


@dataclass(frozen=True)
class Entry:
    """One clause-library file."""

    id: str
    title: str
    short_title: str
    checks: tuple[str, ...]
    risks: tuple[int, ...]
    standard: Position
    fallbacks: tuple[Position, ...]
    unacceptable: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]          # (document id, section label)
    risk_text: str
    source_notes: tuple[str, ...] = ()            # the "## Sources" note for each source ("" if none)
    path: str = ""

    @property
    def positions(self) -> tuple[Position, ...]:
        return (self.standard, *self.fallbacks)


def _sections(text: str) -> dict[str, tuple[int, int]]:
    """`## ` sections of a document: label -> (body start, body end) offsets."""
    heads: list[tuple[str, int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        match = MD_HEADING.match(line.strip())
        if match and len(match.group(1)) == 2:
            heads.append((section_label(match.group(2)), offset, offset + len(line)))
        elif match and len(match.group(1)) == 1 and heads:
            heads.append(("", offset, offset + len(line)))
        offset += len(line)
    out: dict[str, tuple[int, int]] = {}
    for i, (label, _, body_start) in enumerate(heads):
        body_end = heads[i + 1][1] if i + 1 < len(heads) else len(text)
        if label:
            out.setdefault(label, (body_start, body_end))
    return out


def _position(text: str, label: str, span: tuple[int, int], where: str) -> Position:
    start, end = strip_span(text, *span)
    body = text[start:end]
    cut = body.find(GIVES_UP)
    if cut < 0:
        raise ClauseLibraryError(f"{where}: section '{label}' has no line starting '{GIVES_UP}'.")
    gives_up = " ".join(body[cut + len(GIVES_UP):].split())
    clause_start, clause_end = strip_span(text, start, start + cut)
    if clause_end <= clause_start:
        raise ClauseLibraryError(f"{where}: section '{label}' has no clause wording before '{GIVES_UP}'.")
    return Position(label, text[clause_start:clause_end], gives_up, clause_start, clause_end)


def _bullets(block: str) -> list[str]:
    items: list[str] = []
    for line in block.splitlines():
        stripped = line.strip()
        if stripped.startswith(("- ", "* ")):
            items.append(stripped[2:].strip())
        elif stripped and items:
            items[-1] += " " + stripped
    return items


def _front_sources(meta: dict, where: str) -> list[tuple[str, str]]:
    out = []
    for item in meta.get("sources") or []:
        if not isinstance(item, dict) or not item.get("doc"):
            raise ClauseLibraryError(f"{where}: each front-matter source needs 'doc' (and 'section'); got {item!r}.")
        out.append((str(item["doc"]), str(item.get("section") or "")))
    return out


def parse_entry(data: bytes, name: str) -> Entry:
    """Parse one clause-library file's bytes; raise ClauseLibraryError naming what is wrong."""
    try:
        text, meta, _, _ = load_text(data, name)
    except LoadError as exc:
        raise ClauseLibraryError(str(exc)) from exc
    if not meta:
        raise ClauseLibraryError(f"{name}: no YAML front matter.")
    entry_id = str(meta.get("id") or "")
    if not entry_id:
        raise ClauseLibraryError(f"{name}: front matter has no 'id'.")
    sections = _sections(text)
    missing = [s for s in REQUIRED_SECTIONS if s not in sections]
    if missing:
        raise ClauseLibraryError(f"{name}: missing section(s) {', '.join('## ' + s for s in missing)}.")
    standard = _position(text, "Standard position", sections["Standard position"], name)
    fallbacks = tuple(_position(text, label, sections[label], name)
                      for label in sorted((s for s in sections if re.fullmatch(r"Fallback \d+", s)),
                                          key=lambda s: int(s.split()[1])))
    unacceptable = tuple(_bullets(text[slice(*sections["Unacceptable"])]))
    if not unacceptable:
        raise ClauseLibraryError(f"{name}: '## Unacceptable' has no '- ' items.")
    sources = _front_sources(meta, name)
    notes: dict[tuple[str, str], str] = {}
    for item in _bullets(text[slice(*sections["Sources"])]):
        match = REF_RE.match(item)
        if match:
            key = (match.group(1), (match.group(2) or "").strip())
            notes[key] = item[match.end():].lstrip(": ").strip()
            if key not in sources:
                sources.append(key)
    if not sources:
        raise ClauseLibraryError(f"{name}: no sources (front matter 'sources' or '## Sources' references).")
    checks = meta.get("checks") or []
    risks = meta.get("risks") or []
    if not isinstance(checks, list) or not isinstance(risks, list):
        raise ClauseLibraryError(f"{name}: 'checks' and 'risks' must be lists.")
    risk_span = strip_span(text, *sections["Risk"])
    return Entry(
        id=entry_id, title=str(meta.get("title") or entry_id),
        short_title=str(meta.get("short_title") or meta.get("title") or entry_id),
        checks=tuple(str(c) for c in checks), risks=tuple(int(r) for r in risks),
        standard=standard, fallbacks=fallbacks, unacceptable=unacceptable, sources=tuple(sources),
        risk_text=text[slice(*risk_span)], source_notes=tuple(notes.get(s, "") for s in sources), path=name)


def library_folder(corpus_root: Path) -> Path:
    """`corpus_root`/clause-library, or `corpus_root` itself when it is that folder."""
    root = Path(corpus_root)
    return root if root.name == LIBRARY_DIR else root / LIBRARY_DIR


def has_library(corpus_root: Path) -> bool:
    return library_folder(corpus_root).is_dir()


def load_library(corpus_root: Path) -> dict[str, Entry]:
    """Every entry under `corpus_root`/clause-library (or `corpus_root` itself if it is that folder)."""
    folder = library_folder(corpus_root)
    if not folder.is_dir():
        raise ClauseLibraryError(f"No clause library at {folder}.")
    library: dict[str, Entry] = {}
    for path in sorted(folder.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ClauseLibraryError(f"{path}: cannot read ({exc.strerror or exc.__class__.__name__}).") from exc
        entry = parse_entry(data, f"{LIBRARY_DIR}/{path.name}")
        if entry.id in library:
            raise ClauseLibraryError(f"{path}: id '{entry.id}' is used twice.")
        library[entry.id] = entry
    if not library:
        raise ClauseLibraryError(f"The clause library at {folder} has no entries.")
    return library


def entry_for_check(library: dict[str, Entry], check_id: str) -> Entry | None:
    """The entry that fixes playbook check `check_id` (by its `checks` list, else by id cl-<check>)."""
    for entry in library.values():
        if check_id in entry.checks:
            return entry
    return library.get(f"cl-{check_id}")
