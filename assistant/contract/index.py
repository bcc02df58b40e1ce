"""Retrieval inside one contract, in memory: passages with exact offsets, dense vectors in numpy and BM25.

`ContractIndex.build(doc, embedder)` cuts the contract into passages, embeds them and builds a keyword index;
`search(query, k)` ranks the passages by a convex mix of cosine similarity and BM25 (scaled by its best
score), like the corpus retriever. Nothing is written to disk, to Chroma or to a log: the index lives as
long as the object. Every passage satisfies `doc.text[p.start:p.end] == p.text`.

How passages are cut and how a question is searched are `ContractOptions`; the defaults are the best
variant measured on CUAD (docs/EVALUATION.md § 11): the corpus index's chunks, the question rewritten
(`contract.rewrite`: no contract name, contract wording added), and the best sentences of the top hit as its
`focus` (what to quote and highlight). `ContractOptions.today()` is the corpus retriever's way (the same
chunks and embedding text, the question as asked, no focus), kept for comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from assistant.config import Settings
from assistant.contract.passages import (
    Piece,
    clause_pieces,
    embed_text,
    passage_id,
    today_pieces,
)
from assistant.contract.rewrite import rewrite
from assistant.index.keyword import KeywordIndex, tokenize
from assistant.ingest.chunking import PATH_SEP, strip_span
from assistant.protocols import Embedder
from assistant.retrieve.fusion import drop_overlapping
from assistant.review.segmenter import segment
from assistant.text.sentences import CLAUSE_PART_END_RE
from assistant.types import Document


@dataclass(frozen=True)
class ContractPassage:
    """A retrievable piece of one contract. Invariant: doc.text[start:end] == text."""

    id: str
    text: str
    start: int
    end: int
    clause_ref: str        # "7.2(a)"; "" when the passage is not under numbered text
    heading: str           # heading path inside the contract: "7. TERM › 7.2 Renewal"
    page: int | None


@dataclass(frozen=True)
class ContractHit:
    passage: ContractPassage
    score: float
    # The sentences of the passage that best match the question (exact offsets, inside the passage), for the
    # top hits when `ContractOptions.focus` is on: what to quote and highlight. None otherwise.
    focus: ContractPassage | None = None


@dataclass(frozen=True)
class ContractOptions:
    """How passages are cut (build) and how a question is searched (search). The defaults are the best
    variant measured on CUAD (docs/EVALUATION.md § 11): the corpus index's chunks, the question without the
    contract's name and with contract wording added (`rewrite.LEXICON`), and the best sentences of the top
    hit as its `focus`."""

    # passages
    chunker: str = "today"          # "today" (assistant.ingest.chunking, as the corpus) | "clauses" (clause-aware)
    size: int = 1000                # longest passage, characters
    overlap: int = 100              # "today" only
    min_size: int = 200             # smaller pieces merge with their neighbours / siblings
    heading: bool = True            # heading path before the passage text (encoder and BM25)
    definitions: int = 0            # "clauses" only: characters of definitions of used terms, for the encoder
    # search
    strip_name: bool = True         # drop a "Consider the <contract>;" lead-in
    expand: str = "both"            # lexicon words for: "none" | "dense" | "keyword" | "both"
    expand_limit: int = 2
    dense_weight: float = 0.7       # convex mix: w * cosine + (1 - w) * bm25 / max(bm25)
    neighbours: float = 0.0         # share of the better neighbour's score a passage gets
    focus: int = 1                  # how many top hits get their best sentences as `focus`
    focus_max: int = 500            # longest focus, characters (a single longer sentence is kept whole)
    widen_after: int = 0            # hits ranked below this come back with `widen` neighbours on each side
    widen: int = 1                  # (a longer span: more recall far down the list, less precision); 0 = off

    @classmethod
    def today(cls, settings: Settings | None = None) -> "ContractOptions":
        s = settings or Settings()
        return cls(chunker="today", size=s.chunk_size, overlap=s.chunk_overlap, min_size=s.min_chunk,
                   heading=True, definitions=0, strip_name=False, expand="none", dense_weight=s.dense_weight,
                   neighbours=0.0, focus=0, widen_after=0)

    def build_key(self) -> tuple:
        """What changes the passages or their vectors (the rest only changes how they are searched)."""
        return (self.chunker, self.size, self.overlap if self.chunker == "today" else 0, self.min_size,
                self.heading, self.definitions)


DEFAULT_OPTIONS = ContractOptions()


class ContractIndex:
    """Passages of one contract with their vectors and a BM25 index, all in memory."""

    def __init__(self, doc_id: str, passages: Sequence[ContractPassage], vectors: np.ndarray,
                 keyword: KeywordIndex, embedder: Embedder, options: ContractOptions = DEFAULT_OPTIONS,
                 text: str = ""):
        self.doc_id = doc_id
        self._text = text          # the contract's text (for widened spans)
        self._passages = tuple(passages)
        self._vectors = np.asarray(vectors, dtype=np.float32).reshape(len(self._passages), -1)
        self._keyword = keyword
        self._embedder = embedder
        self.options = options
        self._shared: dict = {}    # computed on first use, shared with `with_options` twins (word idf)

    @classmethod
    def build(cls, doc: Document, embedder: Embedder, settings: Settings | None = None,
              options: ContractOptions | None = None) -> "ContractIndex":
        """Cut, embed and index one contract with `options` (default: the measured best variant,
        `ContractOptions()`, with the chunk sizes and fusion weight of `settings` when they are given)."""
        if options is None:
            options = DEFAULT_OPTIONS if settings is None else replace(
                DEFAULT_OPTIONS, size=settings.chunk_size, overlap=settings.chunk_overlap,
                min_size=settings.min_chunk, dense_weight=settings.dense_weight)
        seg = segment(doc)
        if options.chunker == "today":
            pairs = today_pieces(doc, options.size, options.overlap, options.min_size, seg)
            pieces = [p for p, _ in pairs]
            texts = [t if options.heading else doc.text[p.start:p.end] for p, t in pairs]
        else:
            pieces = clause_pieces(doc, options.size, options.min_size, seg)
            texts = [embed_text(doc, p, seg, heading=options.heading, definitions=options.definitions)
                     for p in pieces]
        keyword_texts = [embed_text(doc, p, seg, heading=options.heading, definitions=0)
                         if options.chunker != "today" else t for p, t in zip(pieces, texts)]
        passages = [_passage(doc, p) for p in pieces]
        vectors = embedder.encode(texts) if texts else np.zeros((0, embedder.dim), dtype=np.float32)
        keyword = KeywordIndex.build([p.id for p in passages], keyword_texts)
        return cls(doc.id, passages, vectors, keyword, embedder, options, doc.text)

    def with_options(self, **changes) -> "ContractIndex":
        """The same passages and vectors searched another way (search options only)."""
        options = replace(self.options, **changes)
        if options.build_key() != self.options.build_key():
            raise ValueError("these options change the passages: build a new index")
        twin = ContractIndex(self.doc_id, self._passages, self._vectors, self._keyword, self._embedder, options,
                             self._text)
        twin._shared = self._shared
        return twin

    @property
    def passages(self) -> tuple[ContractPassage, ...]:
        return self._passages

    def __len__(self) -> int:
        return len(self._passages)

    def scores(self, query: str) -> np.ndarray:
        """The fused score of every passage (in `passages` order) for the query."""
        return self._scores(query)[0]

    def _scores(self, query: str):
        o = self.options
        q = rewrite(query, strip=o.strip_name, expand=o.expand, limit=o.expand_limit)
        qvec = np.asarray(self._embedder.encode([q.dense])[0], dtype=np.float32)
        cosine = self._vectors @ qvec
        bm25 = self._keyword.scores(q.keyword)
        top = float(bm25.max()) if bm25.size else 0.0
        fused = o.dense_weight * cosine + ((1.0 - o.dense_weight) * bm25 / top if top > 0 else 0.0)
        if o.neighbours > 0 and fused.size > 1:
            left = np.concatenate([[-np.inf], fused[:-1]])
            right = np.concatenate([fused[1:], [-np.inf]])
            fused = fused + o.neighbours * np.maximum(left, right)
        return fused, q, qvec

    def search(self, query: str, k: int = 8) -> list[ContractHit]:
        """The k best passages for the query, best first; overlapping passages are not repeated."""
        if not self._passages or k <= 0 or not query.strip():
            return []
        fused, q, qvec = self._scores(query)
        order = np.argsort(-fused, kind="stable")
        if self.options.chunker == "today":       # today's chunks may overlap: as the corpus retriever does
            kept = drop_overlapping((int(i), (self.doc_id, self._passages[i].start, self._passages[i].end))
                                    for i in order[: max(4 * k, k + 16)])
        else:
            kept = [int(i) for i in order[:k]]
        hits = [ContractHit(self._passages[i], float(fused[i])) for i in kept[:k]]
        if self.options.widen_after and self.options.widen > 0 and self._text:
            hits = hits[:self.options.widen_after] + [
                ContractHit(self._widened(i), float(fused[i])) for i in kept[self.options.widen_after:k]]
        for n in range(min(self.options.focus, len(hits))):
            hits[n] = replace(hits[n], focus=self._focus(hits[n].passage, q.keyword, qvec))
        return hits

    def _widened(self, i: int) -> ContractPassage:
        lo = max(0, i - self.options.widen)
        hi = min(len(self._passages) - 1, i + self.options.widen)
        first, last, own = self._passages[lo], self._passages[hi], self._passages[i]
        return replace(own, id=f"{own.id}+{lo}-{hi}", text=self._text[first.start:last.end], start=first.start,
                       end=last.end)

    # -- focus: the best sentences of a passage ------------------------------------------------------

    def _focus(self, passage: ContractPassage, keyword_query: str, qvec: np.ndarray) -> ContractPassage:
        """The run of sentences of `passage` that best matches the question: each sentence is scored like a
        passage (cosine with the question, and the share of the question's words it has, weighted by
        rarity in this contract); the best one is widened to a neighbour while that neighbour scores
        nearly as well, or the focus is still shorter than a sentence should be, up to `focus_max`."""
        spans = sentence_spans(passage.text)
        if len(spans) <= 1:
            return passage
        texts = [passage.text[s:e] for s, e in spans]
        dense = self._embedder.encode(texts) @ qvec
        idf = self._word_idf()
        words = set(tokenize(keyword_query))
        total = sum(idf.get(w, 0.0) for w in words) or 1.0
        lexical = np.array([sum(idf.get(w, 0.0) for w in words & set(tokenize(t))) / total for t in texts])
        w = self.options.dense_weight
        score = w * dense + (1 - w) * lexical
        best = int(np.argmax(score))
        lo = hi = best
        limit = self.options.focus_max
        while True:
            length = spans[hi][1] - spans[lo][0]
            options = [i for i in (lo - 1, hi + 1) if 0 <= i < len(spans)]
            if not options:
                break
            nxt = max(options, key=lambda i: score[i])
            grown = max(spans[hi][1], spans[nxt][1]) - min(spans[lo][0], spans[nxt][0])
            if grown > limit or not (length < MIN_FOCUS or score[nxt] >= 0.9 * score[best]):
                break
            lo, hi = min(lo, nxt), max(hi, nxt)
        start, end = passage.start + spans[lo][0], passage.start + spans[hi][1]
        text = passage.text[spans[lo][0]:spans[hi][1]]
        return replace(passage, id=f"{passage.id}:{spans[lo][0]}-{spans[hi][1]}", text=text, start=start, end=end)

    def _word_idf(self) -> dict[str, float]:
        idf = self._shared.get("idf")
        if idf is None:
            df: dict[str, int] = {}
            for p in self._passages:
                for word in set(tokenize(p.heading + "\n" + p.text)):
                    df[word] = df.get(word, 0) + 1
            n = len(self._passages)
            idf = self._shared["idf"] = {word: float(np.log(1 + (n - c + 0.5) / (c + 0.5))) for word, c in df.items()}
        return idf


MIN_FOCUS = 120          # characters: a shorter best sentence (a heading, "(a) the Term;") takes a neighbour
SENTENCE_RE = re.compile(CLAUSE_PART_END_RE.pattern + r"|\n\s*\n")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences (and semicolon-ended parts) of a passage, trimmed."""
    out, cursor = [], 0
    for match in SENTENCE_RE.finditer(text):
        out.append(strip_span(text, cursor, match.start()))
        cursor = match.end()
    out.append(strip_span(text, cursor, len(text)))
    return [(s, e) for s, e in out if e > s]


def _passage(doc: Document, piece: Piece) -> ContractPassage:
    return ContractPassage(passage_id(doc, piece), doc.text[piece.start:piece.end], piece.start, piece.end,
                           piece.clause_ref, PATH_SEP.join(piece.path), doc.page_at(piece.start))
