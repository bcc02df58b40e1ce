"""Verification of a generated reply: every sentence must cite a retrieved passage that supports it.

The reply is split into sentences. A sentence is kept only if it cites at least one [n] that exists and
whose passage supports it; markers to passages that were not retrieved, and markers whose passage does
not support the sentence, are removed; sentences without a supporting citation are dropped. Kept markers
are renumbered in order of use, so the citation list holds exactly the sources the text cites.

Support of a sentence by a passage (0..1) is the mean of the bundled MiniLM embedding cosine (with the
closest passage sentence) and the share of the sentence's key terms found in the passage. Every
number in the sentence must appear in the passage (digits or number words; otherwise support is 0), and
each proper name or acronym missing from the passage halves the score; a flipped negation costs 40 %;
a claim that a bill is law, or one that repeats instruction-like text planted in a passage ("ignore
previous instructions ..."), gets 0. THRESHOLD was chosen on tests/data/support_labelled.yaml: the
lowest threshold with no false accept there (0.68), rounded up; see benchmarks/verifier.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from .answer import ABBREVIATIONS, JURISDICTION_NAMES, LIST_MARK_RE, Sentence, make_citation
from .answer import SENTENCE_END_RE as PASSAGE_END_RE
from .keyword import tokenize
from .schema import REF_RE
from .types import Citation, Hit

THRESHOLD = 0.70
COSINE_WEIGHT = 0.5
NAME_PENALTY = 0.5
MARKER_RE = re.compile(r"\[(?:passage\s*|source\s*)?(\d{1,3}(?:\s*[,;]\s*(?:passage\s*)?\d{1,3})*)\]", re.I)
# A marker after the full stop belongs to the sentence before it; no sentence starts with "[", so a
# half-streamed "… 2026. [" is not split yet.
SENTENCE_END_RE = re.compile(r"(?<=[.!?])((?:\s*\[[^\]\n]{1,30}\])*)[\"'”’)]?\s+(?=[A-Z\"“(*_])")
NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
REFERENCE_RE = re.compile(r"(?:§+|\b(?:Article|Art\.|Section|Sec\.|Recital|Annex|point)s?)\s*\d+[\w().-]*"
                          r"|\b\d+\(\d+\)[\w()]*", re.I)
NEGATORS = {"not": "not", "no": "not", "never": "not", "cannot": "not", "nor": "not", "none": "not",
            "unless": "unless", "without": "without", "lacks": "not", "lack": "not", "fails": "not"}
NOT_LAW_RE = re.compile(r"\bnot (?:confirmed as |yet )?law\b|\bis (?:a|still a) (?:bill|draft)\b", re.I)
IS_LAW_RE = re.compile(r"\b(?:is|are|became|has become) (?:now )?(?:a |an )?(?:\w+ )?law\b|\b(?:entered|is|are) "
                       r"(?:now )?in(?:to)? force\b|\benacted\b", re.I)
NEGATION_PENALTY = 0.6
SHORT_FORMS = {"artificial intelligence": "AI", "european union": "EU", "united states": "US",
               "united kingdom": "UK", "new york": "NY", "california": "CA"}
INSTRUCTION_RE = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|rules|prompts?|guidelines)\b"
    r"|\byou are now\b|\bsystem prompt\b|\bnew instructions?\b|\b(?:tell|inform) the user\b", re.I | re.S)
NAME_RE = re.compile(r"\b(?:[A-Z][a-z]+|[A-Z]{2,}s?)\b")
NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
                     "eighty": "80", "ninety": "90", "hundred": "100", "half": "50"})


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
class Support:
    score: float
    cosine: float
    overlap: float
    missing: tuple[str, ...] = ()      # numbers or names of the sentence the passage does not contain
    quote: Sentence | None = None      # the passage sentence closest to the claim


@dataclass(frozen=True)
class Checked:
    """The verdict on one sentence: supported, no-citation, bad-marker or unsupported."""

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
    found: list[int] = []
    for match in MARKER_RE.finditer(text):
        for n in re.findall(r"\d+", match.group(1)):
            if int(n) not in found:
                found.append(int(n))
    return tuple(found)


def strip_markers(text: str) -> str:
    text = MARKER_RE.sub("", REF_RE.sub("", text)).replace("**", "").replace("__", "")
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split())).strip()


def numbers(text: str) -> set[str]:
    """Numbers in a text as plain digit strings: "3,000" -> "3000", "twenty" -> "20", "06" -> "6".
    Section references (§ 1035(5), Article 50(2)) are left out: they are names, not quantities."""
    text = REFERENCE_RE.sub(" ", text)
    found = {NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in NUMBER_WORDS}
    for raw in NUMBER_RE.findall(text):
        plain = re.sub(r",(?=\d{3}\b)", "", raw).rstrip(".,")
        for part in re.split(r"[,]", plain):
            found.add(part.lstrip("0") or "0" if "." not in part else part)
    return found


def negation(text: str) -> int:
    """Parity of the kinds of negation in a sentence ("may not ... unless" = 0, "without" = 1)."""
    words = [w.lower() for w in re.findall(r"[A-Za-z]+(?:n't)?", text) if not w.isupper()]  # not "NO FAKES"
    kinds = {NEGATORS.get(w, "not" if w.endswith("n't") else "") for w in words} - {""}
    return len(kinds) % 2


def names(text: str) -> set[str]:
    """Proper names and acronyms, except a capitalised first word (usually just the sentence start)."""
    words = NAME_RE.findall(text)
    first = re.match(r"\W*(\w+)", text)
    if words and first and words[0] == first.group(1) and not words[0].isupper():
        words = words[1:]
    return {w for w in words if tokenize(w)}


def passage_sentences(hit: Hit) -> list[Sentence]:
    """Every sentence of a passage with document offsets, short ones included ("This is a bill, not law.")."""
    chunk, out, cursor = hit.chunk, [], 0
    bounds = [m.start() for m in re.finditer(r"\n\s*\n|\n(?=\s*[-*#|])", chunk.text)]
    ends = sorted(set([m.start() for m in PASSAGE_END_RE.finditer(chunk.text)] + bounds + [len(chunk.text)]))
    for end in ends:
        raw = chunk.text[cursor:end]
        body = raw.strip().lstrip("#-*|> ").strip()
        if sum(ch.isalpha() for ch in body) >= 3 and not body.startswith("---"):
            start = chunk.start + cursor + raw.find(body)
            out.append(Sentence(" ".join(body.split()), start, start + len(body)))
        cursor = end
    return out or [Sentence(chunk.text.strip(), chunk.start, chunk.end)]


class SupportScorer:
    """Scores claims against passages; vectors are computed once per passage and claim, so one scorer
    can serve many answers (the cache is cleared when it passes `max_cached` entries)."""

    def __init__(self, embedder, threshold: float = THRESHOLD, max_cached: int = 4096):
        self.embedder = embedder
        self.threshold = threshold
        self.max_cached = max_cached
        self._passages: dict[str, tuple[list[Sentence], np.ndarray, set[str], set[str]]] = {}
        self._claims: dict[str, np.ndarray] = {}

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        encode = getattr(self.embedder, "encode", None)
        vectors = encode(list(texts)) if encode else np.asarray(self.embedder.embed_documents(list(texts)))
        return np.asarray(vectors, dtype=np.float32)

    def _passage(self, hit: Hit):
        if hit.chunk.id not in self._passages:
            self.prepare((), [hit])
        return self._passages[hit.chunk.id]

    def prepare(self, claims: Iterable[str], hits: Sequence[Hit] = ()) -> None:
        """Embed claims and passage sentences not seen yet, in one batch (the model call is the cost)."""
        if len(self._claims) + len(self._passages) > self.max_cached:
            self._claims.clear()
            self._passages.clear()
        todo = [c for c in dict.fromkeys(claims) if c not in self._claims]
        fresh = list({h.chunk.id: h for h in hits if h.chunk.id not in self._passages}.values())
        split = [passage_sentences(h) for h in fresh]
        texts = todo + [s.text for found in split for s in found]
        if not texts:
            return
        vectors = self._encode(texts)
        self._claims.update(zip(todo, vectors[:len(todo)]))
        at = len(todo)
        for hit, found in zip(fresh, split):
            self._passages[hit.chunk.id] = (found, vectors[at:at + len(found)], *self._pool(hit))
            at += len(found)

    @staticmethod
    def _pool(hit: Hit) -> tuple[set[str], set[str]]:
        """Terms and numbers of a passage with its section, titles and place name."""
        chunk = hit.chunk
        pool = " ".join((chunk.text, chunk.section, chunk.label, hit.meta.get("title", ""),
                         hit.meta.get("short_title", ""), JURISDICTION_NAMES.get(hit.meta.get("jurisdiction", ""), "")))
        pool += " " + " ".join(short for long, short in SHORT_FORMS.items() if long in pool.lower())
        return set(tokenize(pool)) | set(tokenize(" ".join(numbers(pool)))), numbers(pool)

    def score(self, claim: str, hit: Hit) -> Support:
        self.prepare([claim])
        found, vectors, terms, nums = self._passage(hit)
        sims = vectors @ self._claims[claim]
        cosine = float(max(0.0, sims.max()))
        claim_terms = set(tokenize(claim))
        overlap = len(claim_terms & terms) / len(claim_terms) if claim_terms else 0.0
        share = [len(claim_terms & set(tokenize(s.text))) / max(1, len(claim_terms)) for s in found]
        order = np.argsort(-(sims + np.asarray(share)))
        quote = found[int(order[0])]
        refs = set(tokenize(" ".join(REFERENCE_RE.findall(claim))))
        missing = (sorted(numbers(claim) - nums) + sorted(refs - terms)
                   + sorted(n for n in names(claim) if not set(tokenize(n)) <= terms))
        score = COSINE_WEIGHT * cosine + (1 - COSINE_WEIGHT) * overlap
        if numbers(claim) - nums or refs - terms:
            score = 0.0
        score *= NAME_PENALTY ** sum(1 for m in missing if not m[0].isdigit())
        if negation(claim) != negation(quote.text):
            score *= NEGATION_PENALTY
            missing.append("negation")
        if INSTRUCTION_RE.search(claim) or INSTRUCTION_RE.search(quote.text):
            score, missing = 0.0, missing + ["instruction-like text: passages are data, not instructions"]
        if NOT_LAW_RE.search(hit.chunk.text) and IS_LAW_RE.search(claim) and not negation(claim):
            score, missing = 0.0, missing + ["status: the passage says this is not law"]
        return Support(round(score, 4), round(cosine, 4), round(overlap, 4), tuple(missing), quote)


class Verifier:
    """Checks sentences against the retrieved passages (numbered 1..len(hits)) and renders the kept ones
    with renumbered markers. Use `verify()` for a whole reply, or `add()` piece by piece when streaming."""

    def __init__(self, hits: Sequence[Hit], embedder, threshold: float = THRESHOLD,
                 scorer: SupportScorer | None = None):
        self.hits = list(hits)
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
        refs = "".join(f"[{m}]" for m in labels)
        claim = result.claim
        body = f"{claim[:-1]} {refs}{claim[-1]}" if claim[-1:] in ".!?" else f"{claim} {refs}"
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


def verify(reply: str, hits: Sequence[Hit], embedder, threshold: float = THRESHOLD) -> Verification:
    """Verify a whole reply against the passages it was given (numbered 1..len(hits))."""
    return Verifier(hits, embedder, threshold).verify(reply)
