"""Verification of a generated reply: every sentence must cite a retrieved passage that supports it.

The reply is split into sentences. A sentence is kept only if it cites at least one [n] that exists and
whose passage supports it; markers to passages that were not retrieved, and markers whose passage does
not support the sentence, are removed; sentences without a supporting citation are dropped. Kept markers
are renumbered in order of use, so the citation list holds exactly the sources the text cites.

How well a passage supports a sentence is `assistant.answer.support.SupportScorer`'s score, compared
with its THRESHOLD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from assistant.answer.citations import append_markers, make_citation
from assistant.answer.support import THRESHOLD, Support, SupportScorer
from assistant.domain.jurisdictions import places_in
from assistant.domain.schema import REF_RE
from assistant.protocols import Embedder
from assistant.text.sentences import ABBREVIATIONS, LIST_MARK_RE, Sentence
from assistant.types import Citation, Hit

MARKER_RE = re.compile(r"\[(?:passage\s*|source\s*)?(\d{1,3}(?:\s*[,;]\s*(?:passage\s*)?\d{1,3})*)\]", re.I)
# A marker after the full stop belongs to the sentence before it; no sentence starts with "[", so a
# half-streamed "… 2026. [" is not split yet.
SENTENCE_END_RE = re.compile(r"(?<=[.!?])((?:\s*\[[^\]\n]{1,30}\])*)[\"'”’)]?\s+(?=[A-Z\"“(*_])")


@dataclass(frozen=True)
class VerifiedCitation(Citation):
    """A citation with the support score of the sentences that cite it (the lowest of them)."""

    support: float = 0.0

    def to_dict(self) -> dict:
        return {**super().to_dict(), "support": round(self.support, 3)}


@dataclass(frozen=True)
class Piece:
    """One sentence of the reply as written (markers included), its line, and that line's list mark."""

    text: str
    line: int
    mark: str = ""


@dataclass(frozen=True)
class Checked:
    """The verdict on one sentence: supported, no-citation, bad-marker, other-place or unsupported."""

    piece: Piece
    claim: str                          # the sentence without markers
    cited: tuple[int, ...]              # markers as written
    kept: tuple[int, ...]               # markers that exist and support the claim
    scores: dict[int, Support] = field(default_factory=dict)
    verdict: str = "unsupported"

    @property
    def ok(self) -> bool:
        return self.verdict == "supported"


@dataclass(frozen=True)
class Verification:
    checked: tuple[Checked, ...]
    text: str
    citations: tuple[VerifiedCitation, ...]

    @property
    def dropped(self) -> tuple[Checked, ...]:
        return tuple(c for c in self.checked if not c.ok)


def split_reply(reply: str) -> list[Piece]:
    """Sentences of a reply, line by line; a marker written after the full stop stays with its sentence."""
    pieces = []
    for number, line in enumerate(reply.splitlines()):
        body = line.strip()
        mark = LIST_MARK_RE.match(body)
        prefix = "- " if mark else ""
        body = body[mark.end():] if mark else body.lstrip("#").strip()
        cursor = 0
        for match in SENTENCE_END_RE.finditer(body):
            head = body[cursor:match.start()].rsplit(None, 1)
            if head and head[-1].lower() in ABBREVIATIONS:
                continue
            pieces.append(Piece(body[cursor:match.start(1) + len(match.group(1))].strip(), number, prefix))
            cursor = match.end()
        if body[cursor:].strip():
            pieces.append(Piece(body[cursor:].strip(), number, prefix))
    return pieces


def markers(text: str) -> tuple[int, ...]:
    """The passage numbers a sentence cites ([2], [1, 3], [passage 4]), each once, in order of use."""
    found: list[int] = []
    for match in MARKER_RE.finditer(text):
        for n in re.findall(r"\d+", match.group(1)):
            if int(n) not in found:
                found.append(int(n))
    return tuple(found)


def strip_markers(text: str) -> str:
    """The sentence without [n] markers, [[doc#section]] references and bold marks: the claim to check."""
    text = MARKER_RE.sub("", REF_RE.sub("", text)).replace("**", "").replace("__", "")
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split())).strip()


class Verifier:
    """Checks sentences against the retrieved passages (numbered 1..len(hits)) and renders the kept ones
    with renumbered markers. Use `verify()` for a whole reply, or `add()` piece by piece when streaming."""

    def __init__(self, hits: Sequence[Hit], embedder: Embedder, threshold: float = THRESHOLD,
                 scorer: SupportScorer | None = None, allows: Callable[[str], bool] | None = None):
        """`allows` (a question plan's `allows`) says which jurisdiction codes an answer may speak for: a
        sentence citing a passage from another place, or naming one, is dropped."""
        self.hits = list(hits)
        self.allows = allows
        self.scorer = scorer or SupportScorer(embedder, threshold)
        self.threshold = threshold
        self.checked: list[Checked] = []
        self._numbering: dict[int, int] = {}
        self._support: dict[int, Support] = {}
        self._last: Piece | None = None

    def check(self, piece: Piece) -> Checked:
        claim, cited = strip_markers(piece.text), markers(piece.text)
        valid = [n for n in cited if 1 <= n <= len(self.hits)]
        if not cited:
            return Checked(piece, claim, cited, (), {}, "no-citation")
        if not valid or sum(ch.isalpha() for ch in claim) < 3:
            return Checked(piece, claim, cited, (), {}, "bad-marker")
        if self.allows is not None:
            places = {self.hits[n - 1].meta.get("jurisdiction", "") for n in valid} | set(places_in(claim))
            if not all(self.allows(p) for p in places):
                return Checked(piece, claim, cited, (), {}, "other-place")
        self.scorer.prepare([claim], [self.hits[n - 1] for n in valid])
        scores = {n: self.scorer.score(claim, self.hits[n - 1]) for n in valid}
        kept = tuple(n for n in valid if scores[n].score >= self.threshold)
        return Checked(piece, claim, cited, kept, scores, "supported" if kept else "unsupported")

    def add(self, piece: Piece) -> str:
        """Check one sentence; return the text to show for it ("" when dropped)."""
        result = self.check(piece)
        self.checked.append(result)
        if not result.ok:
            return ""
        labels = []
        for n in result.kept:
            self._numbering.setdefault(n, len(self._numbering) + 1)
            labels.append(self._numbering[n])
            if n not in self._support or result.scores[n].score < self._support[n].score:
                self._support[n] = result.scores[n]
        body = append_markers(result.claim, labels)
        previous, self._last = self._last, piece
        if previous is None:
            sep = ""
        elif previous.line == piece.line:
            sep = " "
        else:
            sep = "\n" if previous.mark and piece.mark else "\n\n"
        return sep + (piece.mark if (previous is None or previous.line != piece.line) else "") + body

    def citations(self) -> tuple[VerifiedCitation, ...]:
        out = []
        for n, m in sorted(self._numbering.items(), key=lambda item: item[1]):
            hit, sup = self.hits[n - 1], self._support[n]
            quote = sup.quote or Sentence(hit.chunk.text, hit.chunk.start, hit.chunk.end)
            base = make_citation(m, hit, quote)
            out.append(VerifiedCitation(**base.__dict__, support=sup.score))
        return tuple(out)

    def verify(self, reply: str) -> Verification:
        pieces = split_reply(reply)
        cited = {n for p in pieces for n in markers(p.text) if 1 <= n <= len(self.hits)}
        self.scorer.prepare([strip_markers(p.text) for p in pieces if markers(p.text)],
                            [self.hits[n - 1] for n in sorted(cited)])
        text = "".join(self.add(p) for p in pieces)
        return self.result(text)

    def result(self, text: str) -> Verification:
        return Verification(tuple(self.checked), text, self.citations())


def verify(reply: str, hits: Sequence[Hit], embedder: Embedder, threshold: float = THRESHOLD) -> Verification:
    """Verify a whole reply against the passages it was given (numbered 1..len(hits))."""
    return Verifier(hits, embedder, threshold).verify(reply)
