"""Support of a claim by a passage: the score (0..1) the verifier compares with THRESHOLD.

Support is the mean of the bundled MiniLM embedding cosine (with the closest passage sentence) and the
share of the claim's key terms found in the passage (with its section, titles and place name). Every
number in the claim must appear in the passage (digits or number words; otherwise support is 0), and
each proper name or acronym missing from the passage halves the score; a flipped negation costs 40 %;
a claim that a bill is law, or one that repeats instruction-like text planted in a passage ("ignore
previous instructions ..."), gets 0. THRESHOLD was chosen on tests/data/support_labelled.yaml: the
lowest threshold with no false accept there (0.68), rounded up; see benchmarks/verifier.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from assistant.domain.jurisdictions import place_name, short_forms
from assistant.index.keyword import tokenize
from assistant.protocols import Embedder
from assistant.text.sentences import SENTENCE_END_RE as PASSAGE_END_RE
from assistant.text.sentences import Sentence
from assistant.types import Hit

THRESHOLD = 0.70
COSINE_WEIGHT = 0.5
NAME_PENALTY = 0.5
NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
REFERENCE_RE = re.compile(r"(?:§+|\b(?:Article|Art\.|Section|Sec\.|Recital|Annex|point)s?)\s*\d+[\w().-]*"
                          r"|\b\d+\(\d+\)[\w()]*", re.I)
NEGATORS = {"not": "not", "no": "not", "never": "not", "cannot": "not", "nor": "not", "none": "not",
            "unless": "unless", "without": "without", "lacks": "not", "lack": "not", "fails": "not"}
NOT_LAW_RE = re.compile(r"\bnot (?:confirmed as |yet )?law\b|\bis (?:a|still a) (?:bill|draft)\b", re.I)
IS_LAW_RE = re.compile(r"\b(?:is|are|became|has become) (?:now )?(?:a |an )?(?:\w+ )?law\b|\b(?:entered|is|are) "
                       r"(?:now )?in(?:to)? force\b|\benacted\b", re.I)
NEGATION_PENALTY = 0.6
SHORT_FORMS = {"artificial intelligence": "AI", **short_forms()}
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
class Support:
    """How well one passage supports one claim, and why not (`missing`)."""

    score: float
    cosine: float
    overlap: float
    missing: tuple[str, ...] = ()      # numbers or names of the sentence the passage does not contain
    quote: Sentence | None = None      # the passage sentence closest to the claim


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

    def __init__(self, embedder: Embedder, threshold: float = THRESHOLD, max_cached: int = 4096):
        self.embedder = embedder
        self.threshold = threshold
        self.max_cached = max_cached
        self._passages: dict[str, tuple[list[Sentence], np.ndarray, set[str], set[str]]] = {}
        self._claims: dict[str, np.ndarray] = {}

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.embedder.encode(list(texts)), dtype=np.float32)

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
                         hit.meta.get("short_title", ""), place_name(hit.meta.get("jurisdiction", ""))))
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
