"""Contract segmentation: clauses with ids, heading paths, exact offsets, pages and defined terms.

A contract (a Document from `load_bytes`, or pasted text) is cut at its legal numbering with
`chunking.find_boundaries` ("7.2", "(a)", "Section 4", "SCHEDULE 1", ALL-CAPS headings). A numbered
line with no body of its own (a heading such as "7. Digital Twin") stays in the heading path of the
clauses under it. Long unnumbered stretches are cut at blank lines and then at sentence ends, so no
clause is a whole page. Every clause satisfies `doc.text[clause.start:clause.end] == clause.text`.

Defined terms — `"Digital Twin" means ...` or `(the "Scans")` — are collected with their definitions,
so a later clause that only says "the Digital Twin" can be linked back to what the term covers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.ingest.chunking import find_boundaries, strip_span
from assistant.text.sentences import CLAUSE_PART_END_RE
from assistant.types import Document

MAX_CLAUSE = 2500          # characters; longer unnumbered text is cut at blank lines, then sentences
TARGET_PART = 1200
HEADING_MAX = 90
SCHEDULE_RE = re.compile(r"\b(?:schedule|exhibit|annex|appendix|attachment)\b", re.I)
DEFINITIONS_RE = re.compile(r"\b(?:definitions?|interpretation|defined terms)\b", re.I)
NUMBER_RE = re.compile(
    r"^(?:(?:ARTICLE|Article|SECTION|Section|Sec\.|Clause|CLAUSE|SCHEDULE|Schedule|EXHIBIT|Exhibit|"
    r"ANNEX|Annex|APPENDIX|Appendix|§{1,2})\s*)?"
    r"(\d{1,3}(?:\.\d{1,3})*[A-Za-z]?|\((?:[a-z]{1,2}|[ivx]{1,5}|\d{1,2})\)|[A-Z](?=\.)|[IVXLC]+(?=[.\s]))")
QUOTE = "\"“”'‘’"
TERM = rf"[{QUOTE}]\**([A-Z][\w’'\-]*(?:\s+[\w’'\-]+){{0,5}}?)\**[{QUOTE}]"
DEFINES_RE = re.compile(TERM + r"\s*(?:\([^)]{0,40}\)\s*)?(?:shall\s+)?(?:means?|refers?\s+to|includes?|"
                        r"has\s+the\s+meaning|shall\s+have\s+the\s+meaning|is\s+defined\s+as)\b")
INLINE_RE = re.compile(r"\((?:together,?\s+|collectively,?\s+)?(?:the\s+|hereinafter\s+(?:referred\s+to\s+as\s+)?"
                       r"(?:the\s+)?|each\s+an?\s+|an?\s+)?" + TERM + r"\)")


@dataclass(frozen=True)
class Definition:
    term: str
    text: str              # the sentence or clause that defines it
    start: int
    end: int


@dataclass(frozen=True)
class Clause:
    """One clause of a contract. Invariant: document.text[start:end] == text."""

    id: str                # its own number: "7.2", "(a)", "3"; "" when unnumbered
    text: str
    start: int
    end: int
    path: tuple[str, ...] = ()     # heading labels above and including this clause
    page: int | None = None
    kind: str = "clause"           # clause | definition | schedule | preamble
    terms: tuple[str, ...] = ()    # defined terms this clause uses (not the ones it defines)
    ordinal: int = 0
    level: int = 0                 # depth of its numbering (0 = unnumbered text)
    lead: str = ""                 # the parent's lead-in ("The Company may:") for a sub-clause
    block_end: int = 0             # end of this clause together with its sub-clauses

    @property
    def heading(self) -> str:
        return " › ".join(self.path)

    @property
    def ref(self) -> str:
        """The full number: "7.2(a)" for a lettered sub-clause of 7.2."""
        numbers = [_number(p) for p in self.path]
        numbers = [n for n in numbers if n]
        if not numbers:
            return self.id
        out = numbers[0]
        for n in numbers[1:]:
            out = out + n if n.startswith("(") else n
        return out


@dataclass(frozen=True)
class Segmentation:
    clauses: tuple[Clause, ...]
    definitions: dict[str, Definition] = field(default_factory=dict)


def _number(label: str) -> str:
    match = NUMBER_RE.match(label.strip())
    return match.group(1) if match else ""


def as_document(source: str | Document, name: str = "pasted text") -> Document:
    if isinstance(source, Document):
        return source
    return Document(id=name, text=source, meta={"title": name})


def segment(source: str | Document) -> Segmentation:
    """Cut a contract into clauses and collect its defined terms."""
    doc = as_document(source)
    text = doc.text
    spans = list(_spans(text))
    definitions = _definitions(text, spans)
    term_re = _term_regex(definitions)
    clauses: list[Clause] = []
    for start, end, path, level in spans:
        body = text[start:end]
        own = _number(path[-1]) if path else ""
        defined_here = {d.term for d in definitions.values() if start <= d.start < end}
        used = tuple(sorted({m.group(0) for m in term_re.finditer(body)} - defined_here)) if term_re else ()
        clauses.append(Clause(
            id=own, text=body, start=start, end=end, path=path, page=doc.page_at(start),
            kind=_kind(body, path, level, defined_here), terms=used, ordinal=len(clauses), level=level,
            block_end=end))
    return Segmentation(tuple(_nest(clauses)), definitions)


def _nest(clauses: list[Clause]) -> list[Clause]:
    """Give each clause the end of its block (with sub-clauses) and each sub-clause its parent's
    lead-in when the parent introduces a list ("The Company may:")."""
    out = list(clauses)
    for i, parent in enumerate(out):
        j = i + 1
        if parent.level <= 0:  # unnumbered lead-in ("The Company shall not:") before "(a)", "(b)"
            while j < len(out) and out[j].id.startswith("("):
                j += 1
        else:
            while j < len(out) and out[j].level > parent.level:
                j += 1
        if j == i + 1 or not _introduces_list(parent.text):
            continue
        out[i] = replace(parent, block_end=out[j - 1].end)
        for k in range(i + 1, j):
            if not out[k].lead:
                out[k] = replace(out[k], lead=parent.text)
    return out


def _introduces_list(text: str) -> bool:
    tail = text.rstrip()
    return tail.endswith((":", "—", "-", ",")) or not tail.endswith((".", ";", "!", "?", ")"))


def _kind(body: str, path: tuple[str, ...], level: int, defined_here: set[str]) -> str:
    if any(SCHEDULE_RE.search(p) for p in path[:2]):
        return "schedule"
    if defined_here and (DEFINES_RE.search(body[:300]) or any(DEFINITIONS_RE.search(p) for p in path)):
        return "definition"
    if level == 0:
        return "preamble"
    return "clause"


def _spans(text: str):
    """(start, end, heading path, level) of each clause, trimmed, in order."""
    boundaries = find_boundaries(text)
    starts = [(b.offset, b.level, b.label) for b in boundaries]
    if not starts or starts[0][0] > 0:
        starts.insert(0, (0, 0, ""))
    stack: list[tuple[int, str]] = []
    for i, (offset, level, label) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        while stack and stack[-1][0] >= level and level > 0:
            stack.pop()
        if level > 0:
            stack.append((level, label))
        path = tuple(lab for _, lab in stack)
        start, end = strip_span(text, offset, end)
        if end <= start:
            continue
        body = text[start:end]
        next_level = starts[i + 1][1] if i + 1 < len(starts) else 0
        if _is_heading_only(body) and next_level > level > 0:
            continue  # a heading with no body: it lives on in the path of what follows
        for s, e in _split_long(text, start, end):
            yield s, e, path, level


def _is_heading_only(body: str) -> bool:
    return "\n" not in body.strip() and len(body) <= HEADING_MAX and not body.rstrip().endswith((".", ";", ":"))


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start <= MAX_CLAUSE:
        return [(start, end)]
    parts: list[tuple[int, int]] = []
    for p_start, p_end in _paragraphs(text, start, end):
        if p_end - p_start <= MAX_CLAUSE:
            parts.append((p_start, p_end))
        else:
            parts.extend(_sentence_groups(text, p_start, p_end))
    return _merge_small(parts)


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, cursor = [], start
    for match in re.finditer(r"\n[ \t]*\n", text[start:end]):
        out.append(strip_span(text, cursor, start + match.start()))
        cursor = start + match.end()
    out.append(strip_span(text, cursor, end))
    return [(s, e) for s, e in out if e > s]


def _sentence_groups(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [m.end() for m in CLAUSE_PART_END_RE.finditer(text, start, end)]
    out, cursor = [], start
    for cut in cuts:
        if cut - cursor >= TARGET_PART:
            out.append(strip_span(text, cursor, cut))
            cursor = cut
    out.append(strip_span(text, cursor, end))
    final = []
    for s, e in out:  # a run-on stretch with no sentence ends at all: hard cuts at spaces
        while e - s > MAX_CLAUSE:
            cut = text.rfind(" ", s + TARGET_PART, s + MAX_CLAUSE)
            cut = cut if cut > s else s + MAX_CLAUSE
            final.append(strip_span(text, s, cut))
            s = strip_span(text, cut, e)[0]
        final.append((s, e))
    return [(s, e) for s, e in final if e > s]


def _merge_small(parts: list[tuple[int, int]], minimum: int = 200) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in parts:
        if merged and (merged[-1][1] - merged[-1][0] < minimum) and e - merged[-1][0] <= MAX_CLAUSE:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _definitions(text: str, spans) -> dict[str, Definition]:
    """Defined terms: `"X" means ...` (the definition runs to the end of its clause or sentence) and
    inline `(the "X")` (the definition is the sentence around it)."""
    found: dict[str, Definition] = {}
    for start, end, _path, _level in spans:
        body = text[start:end]
        for match in DEFINES_RE.finditer(body):
            term = " ".join(match.group(1).split())
            stop = _sentence_end(body, match.end(), limit=1500)
            _add(found, Definition(term, body[match.start():stop], start + match.start(), start + stop))
        for match in INLINE_RE.finditer(body):
            term = " ".join(match.group(1).split())
            s = _sentence_start(body, match.start())
            e = _sentence_end(body, match.end(), limit=600)
            _add(found, Definition(term, body[s:e], start + s, start + e))
    return found


def _add(found: dict[str, Definition], definition: Definition) -> None:
    if len(definition.term) >= 2 and definition.term not in found:
        found[definition.term] = definition


def _sentence_end(body: str, offset: int, limit: int) -> int:
    nxt = re.search(r"(?<=[.;])\s+(?=[A-Z\"“(])|\n\s*\n|\n(?=\s*[\"“(])", body[offset:offset + limit])
    return offset + nxt.start() if nxt else min(len(body), offset + limit)


def _sentence_start(body: str, offset: int) -> int:
    before = body[:offset]
    cuts = [before.rfind(". ") + 2, before.rfind("; ") + 2, before.rfind("\n") + 1]
    return max(0, *[c for c in cuts if c > 0])


def _term_regex(definitions: dict[str, Definition]) -> re.Pattern | None:
    if not definitions:
        return None
    terms = sorted(definitions, key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(t) for t in terms) + r")(?![\w])")


def expand_terms(definitions: dict[str, Definition], is_relevant) -> set[str]:
    """Terms whose definition is relevant by `is_relevant(text)`, directly or through another such
    term ("Materials" means the Photographs and the Digital Twin)."""
    relevant = {t for t, d in definitions.items() if is_relevant(d.text)}
    changed = True
    while changed:
        changed = False
        for term, definition in definitions.items():
            if term in relevant:
                continue
            if any(re.search(r"(?<![\w])" + re.escape(r) + r"(?![\w])", definition.text) for r in relevant):
                relevant.add(term)
                changed = True
    return relevant
