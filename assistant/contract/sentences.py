"""The quotable sentences of a user's contract: where a clause's own words start, its sentences (headings
and fragments left out), their clause numbers, labels and pages — what `answer.py` chooses quotes from.

Pure functions over the contract text and its segmented clauses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from assistant.review.segmenter import NUMBER_RE, Clause
from assistant.text.sentences import CONTRACT_SENTENCE_RE, ends_with_abbreviation

if TYPE_CHECKING:
    from assistant.contract.index import ContractHit, ContractPassage
    from assistant.contract.session import ContractSession

MIN_SENTENCE = 20                   # characters; shorter pieces are headings or fragments
HEADING_LEAD_RE = re.compile(r"([A-Z][\w'’&/-]*(?:[ \t]+[\w'’&/-]+){0,3})[ \t]*[.:][ \t]+(?=[A-Z(\"“])")
ARTICLES = ("The", "This", "A", "An", "Each", "Any", "It", "We", "You", "I", "If", "All", "No", "Such")


@dataclass(frozen=True)
class ContractSentence:
    """A quotable sentence of the contract. Invariant: contract text[start:end] == text."""

    text: str
    start: int
    end: int
    clause: str                    # "7.2(a)"; "" when unnumbered
    heading: str                   # the headings above it: "7. Digital Twin"
    page: int | None
    context: str                   # its clause's headings and lead-in, for reading its topic
    passage_start: int             # the passage (with the sentence inside) the citation opens on
    passage_end: int
    rank: float = 0.0              # the passage's retrieval score, scaled to the best passage (0..1)
    label: str = ""                # its clause's own heading words: "Parties", "Digital Twin"

    @property
    def words(self) -> str:
        """The sentence on one line (PDF text is wrapped)."""
        return " ".join(self.text.split())

    @property
    def for_similarity(self) -> str:
        """What is compared with the question: the sentence under its clause's heading ("Parties: This
        agreement is between …"), since the heading often carries what the clause is about."""
        return f"{self.label}: {self.words}" if self.label else self.words


def body_start(text: str, clause: Clause) -> int:
    """Where a clause's own words start: after its number ("7.2", "(a)") and a short run-in heading
    ("Governing law. ")."""
    i = clause.start
    head = text[i:clause.end]
    match = NUMBER_RE.match(head)
    if match and clause.id:
        i += match.end()
        while i < clause.end and text[i] in " \t.):":
            i += 1
    lead = HEADING_LEAD_RE.match(text, i, clause.end)
    if lead and lead.group(1).split()[0] not in ARTICLES and "\n" not in lead.group(0):
        i = lead.end()
    while i < clause.end and text[i].isspace():
        i += 1
    return i


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of a contract's text[start:end], as the review reads them (a blank line also ends one);
    heading lines are left out."""
    out, cursor = [], start
    for match in CONTRACT_SENTENCE_RE.finditer(text, start, end):
        if ends_with_abbreviation(text[cursor:match.start()]):
            continue
        out.append((cursor, match.start()))
        cursor = match.end()
    out.append((cursor, end))
    spans = []
    for a, b in out:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        tail = TRAILING_MARK_RE.search(text, a, b)      # "… Termination Date. 11." : the next clause's number
        if tail:
            b = tail.start()
        body = text[a:b]
        if (len(body) >= MIN_SENTENCE and sum(ch.isalpha() for ch in body) >= 12 and len(body.split()) >= MIN_WORDS
                and not is_heading(body)):
            spans.append((a, b))
    return spans


TRAILING_MARK_RE = re.compile(r"(?<=[.;:])\s+(?:\d{1,3}(?:\.\d{1,3})*|[ivx]{1,5}|[a-zA-Z])[.)]?\s*$")
MIN_WORDS = 5


def is_heading(body: str) -> bool:
    """A heading line rather than a sentence: "## 7. Digital Twin", "7. DIGITAL TWIN AND LIKENESS"."""
    if body.startswith("#"):
        return True
    if "\n" in body or len(body) > 80 or body.rstrip()[-1:] in ".;:,)":
        return False
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", body) if w.lower() not in SMALL_WORDS]
    return bool(words) and all(w[0].isupper() for w in words)


SMALL_WORDS = frozenset({"a", "an", "and", "of", "the", "to", "in", "on", "for", "or", "by", "with"})
SUB_NUMBER_RE = re.compile(r"(\d{1,3}(?:\.\d{1,3})+|\([a-z]{1,2}\)|\([ivx]{1,5}\))[ \t]+(?=\S)")


def own_number(text: str, a: int, b: int, ref: str) -> tuple[int, str]:
    """A sentence that opens with its own number ("7.2 The Brand may …", "(b) sell …" inside a clause
    the segmenter kept whole): where its words start, and its full clause number."""
    match = SUB_NUMBER_RE.match(text, a, b)
    if not match:
        return a, ref
    number = match.group(1)
    if number.startswith("("):
        return match.end(), f"{ref}{number}" if ref and not ref.endswith(number) else (ref or number)
    return match.end(), number


def heading_words(line: str) -> str:
    """"## 7. Digital Twin" -> "Digital Twin"; "1. Parties." -> "Parties"."""
    line = line.strip().lstrip("#").strip()
    match = NUMBER_RE.match(line)
    if match:
        line = line[match.end():]
    return " ".join(line.strip(" \t.:-–—)").split())


def clause_label(text: str, clause: Clause, start: int, title: str) -> str:
    """The heading words of a clause: its section's heading, its own heading line and its run-in heading
    ("1. Parties. This …"), without numbers and without the document's title."""
    parts = [heading_words(h) for h in clause.path[:-1] if h.strip().lstrip("#").strip() != title][-1:]
    own = clause.path[-1] if clause.path else ""
    if own and is_heading(own.strip()):
        parts.append(heading_words(own))
    run_in = heading_words(text[clause.start:start])
    if run_in and len(run_in) <= 40 and "\n" not in run_in:
        parts.append(run_in)
    return " — ".join(dict.fromkeys(p for p in parts if p))


def clause_heading(clause: Clause) -> str:
    """The headings above a clause, without the clause's own first line ("7. Digital Twin")."""
    return " › ".join(p for p in clause.path[:-1] if p) if len(clause.path) > 1 else ""


def candidates(contract: "ContractSession", hits: Sequence["ContractHit"]) -> list[ContractSentence]:
    """Every quotable sentence of the clauses the hits' passages cover, once each, in rank order."""
    text = contract.text
    top = max((h.score for h in hits), default=0.0) or 1.0
    seen: set[tuple[int, int]] = set()
    out: list[ContractSentence] = []
    for hit in hits:
        p = hit.passage
        clauses = [c for c in contract.clauses if c.start < p.end and p.start < c.end] or [_whole(p)]
        for clause in clauses:
            begin = body_start(text, clause)
            label = clause_label(text, clause, begin, contract.document.title)
            for a, b in sentence_spans(text, begin, clause.end):
                numbered, ref = own_number(text, a, b, clause.ref)
                if text[numbered:numbered + 1].islower() and numbered == a:
                    continue                    # a fragment cut from its sentence ("related to this Agreement.")
                a = numbered
                if (a, b) in seen or not (a < p.end and p.start < b):
                    continue
                seen.add((a, b))
                context = " ".join((*clause.path[:-1], clause.lead, label))
                out.append(ContractSentence(
                    text=text[a:b], start=a, end=b, clause=ref, heading=clause_heading(clause),
                    page=contract.document.page_at(a), context=context, passage_start=min(p.start, a),
                    passage_end=max(p.end, b), rank=max(0.0, hit.score) / top, label=label))
    return out


def _whole(p: "ContractPassage") -> Clause:
    """A passage outside every clause, read as one unnumbered clause."""
    return Clause(id="", text=p.text, start=p.start, end=p.end, path=(p.heading,) if p.heading else (),
                  page=p.page)
