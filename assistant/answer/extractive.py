"""Grounded, extractive answers: sentences taken from retrieved passages, each with an [n] citation.

No model writes anything here. The answer is the best-matching sentence first, then supporting points
from other passages (tagged with their jurisdiction when sources differ by place, and with "bill" or
"draft" when they are not law), then the source list and a legal-information note. When the evidence is
weak the question is declined with a pointer to what the corpus covers.
"""

from __future__ import annotations

import re
from typing import Sequence

from assistant.answer.citations import (
    Citer,
    append_markers,
    quote_section,
    readable,
    ref_words,
)
from assistant.config import Settings
from assistant.domain.jurisdictions import NEUTRAL, place_name
from assistant.domain.schema import REF_RE
from assistant.domain.wording import COVERAGE, DISCLAIMER, STATUS_TAGS
from assistant.errors import QuestionError
from assistant.index.keyword import tokenize
from assistant.protocols import SectionSource
from assistant.text.sentences import LIST_MARK_RE, Sentence, blocks, split_spans
from assistant.types import Answer, Hit

LEAD_IN_RE = re.compile(r"(?:\*\*|__)[^*_\n]{1,40}?[.:](?:\*\*|__)\s+")      # "**What this is.** ..."
LEADING_REF_RE = re.compile(r"^\[\[([^\]]+)\]\]\s*[:—–-]\s*(\w)")          # "[[doc#sec]]: under ..."


def check_question(question: str, settings: Settings) -> str:
    """Strip and validate a question; raise QuestionError with a clear message."""
    cleaned = " ".join((question or "").replace("\x00", " ").split())
    if not cleaned:
        raise QuestionError("Please type a question.")
    if len(cleaned) > settings.max_question_chars:
        raise QuestionError(f"Your question is {len(cleaned):,} characters long; the limit is "
                            f"{settings.max_question_chars:,}. Please shorten it.")
    if not tokenize(cleaned):
        raise QuestionError("Please ask a question in words (for example: Can my agency make a "
                            "digital twin of me without asking?).")
    return cleaned


def sentences(hit: Hit) -> list[Sentence]:
    """Sentences of a passage (across wrapped lines) with document offsets; headings, table rows,
    list marks and fragments skipped."""
    out = []
    chunk = hit.chunk
    text = chunk.text
    for b_start, b_end in blocks(text):
        for s_start, s_end in split_spans(text, b_start, b_end):
            raw = text[s_start:s_end]
            body = raw.strip()
            if not body or body.startswith(("#", "|", "---")):
                continue
            mark = LIST_MARK_RE.match(body)
            body = body[mark.end():].strip() if mark else body
            lead = LEAD_IN_RE.match(body)
            body = body[lead.end():] if lead and len(body) - lead.end() >= 25 else body
            if len(body) < 25 or sum(ch.isalpha() for ch in body) < 15:
                continue
            start = chunk.start + text.find(body, s_start)
            out.append(Sentence(body, start, start + len(body)))
    return out


PLACEHOLDER_RE = re.compile(r"\[[A-Z][A-Z0-9 ,.'’-]{2,}\]")
REPEAT_SHARE = 0.25      # a sentence with fewer new words than this share repeats what was said
SECOND_SENTENCE = 0.75   # the top passage's runner-up sentence is used when it scores this share of the best
NUMERIC_QUESTION_RE = re.compile(r"\b(?:how (?:much|long|many|old)|when|what (?:date|age|fine)|fines?|penalt\w*|"
                                 r"years?|days?|percent|commission)\b", re.I)


def score_sentence(sentence: Sentence, terms: set[str], rank_score: float, wants_number: bool = False) -> float:
    """Term overlap with the question, weighted by the passage's rank; a sentence with a number is
    preferred for "how much / how long / when" questions, template placeholders are avoided."""
    words = set(tokenize(sentence.text))
    if not words:
        return 0.0
    overlap = len(words & terms) / max(1, len(terms))
    brevity = 1.0 if len(sentence.text) <= 300 else 0.8
    score = rank_score * (0.35 + overlap) * brevity
    if wants_number and re.search(r"\d", sentence.text):
        score *= 1.5
    if PLACEHOLDER_RE.search(sentence.text) or sentence.text.startswith(("*Why", "_Why", "Why:")):
        score *= 0.5
    return score


def compose(question: str, hits: Sequence[Hit], settings: Settings, *,
            titles: dict[str, str] | None = None, best_similarity: float | None = None,
            sections: SectionSource | None = None) -> Answer:
    """Build the extractive answer from ranked hits (best first).

    `sections` finds the passage a [[doc#section]] reference points to, so a sentence from the FAQ or a
    template cites the law it relies on, not only our own summary.
    """
    titles = titles or {}
    best = best_similarity if best_similarity is not None else max(
        (h.dense or 0.0 for h in hits), default=0.0)
    if not hits or best < settings.min_relevance:
        return decline(question, hits)
    # Supporting points must be about as relevant as the best passage, not merely retrieved.
    floor = 0.6 * hits[0].score
    relevant = [h for h in hits if h.score >= floor and (1.0 if h.dense is None else h.dense) >= settings.min_relevance]
    picks = pick_sentences(question, relevant or hits[:1], settings.max_points + 1)
    if not picks:
        return decline(question, hits)
    places = {h.meta.get("jurisdiction", "") for h, _ in picks} - {"", NEUTRAL}
    citer = Citer()
    lines: list[str] = []
    for i, (hit, sentence) in enumerate(picks):
        n = citer.cite(hit, sentence)

        def swap(match: re.Match) -> str:
            inner = quote_section(sections, match.group(1), match.group(2), sentence.text, pick_sentences)
            return f"[{citer.cite(*inner)}]" if inner else ref_words(match, titles)

        text = readable(REF_RE.sub(swap, ref_last(sentence.text)), titles)
        tags = []
        place = place_name(hit.meta.get("jurisdiction", ""))
        if len(places) > 1 and place:
            tags.append(place)
        status = STATUS_TAGS.get(hit.meta.get("status", ""))
        if status:
            tags.append(status)
        prefix = f"**{' · '.join(tags)}:** " if tags else ""
        text = append_markers(text, [n])
        if i == 0:
            lines.append(f"{prefix}{text}")
            if len(picks) > 1:
                lines += ["", "Supporting points:"]
        else:
            lines.append(f"- {prefix}{text}")
    lines += ["", f"_{DISCLAIMER}_"]
    return Answer(question=question, text="\n".join(lines), citations=tuple(citer.citations), refused=False,
                  mode="extractive", hits=tuple(hits))


def ref_last(text: str) -> str:
    """"[[doc#sec]]: under the Act, ..." reads as "Under the Act, ... [[doc#sec]]" (the citation last)."""
    match = LEADING_REF_RE.match(text)
    if not match:
        return text
    body = match.group(2).upper() + text[match.end():]
    end = len(body.rstrip()) - (1 if body.rstrip()[-1:] in ".!?" else 0)
    return f"{body[:end]} [[{match.group(1)}]]{body[end:]}"


CORRECTION_RE = re.compile(r"^(?:However|But|That is (?:misleading|wrong|not)|This is (?:misleading|wrong|not)|"
                           r"That figure|Not so|In fact)\b")


def with_correction(hit: Hit, candidates: Sequence[Sentence], i: int) -> Sentence:
    """A sentence, extended by the next one when that one corrects or qualifies it ("That is
    misleading…", "However…"), so a quote never reports a claim without its correction."""
    chosen = candidates[i]
    if i + 1 < len(candidates) and CORRECTION_RE.match(candidates[i + 1].text):
        nxt = candidates[i + 1]
        offset = hit.chunk.start
        text = hit.chunk.text[chosen.start - offset:nxt.end - offset]
        return Sentence(text, chosen.start, nxt.end)
    return chosen


def repeats(words: set[str], said: set[str], share: float = REPEAT_SHARE) -> bool:
    """A sentence repeats what was said when it brings no new number and fewer than `share` new words."""
    new = words - said
    if any(w[:1].isdigit() for w in new):
        return False
    return len(new) < max(2, share * len(words))


def pick_sentences(question: str, hits: Sequence[Hit], limit: int,
                   lead_from: int = 3) -> list[tuple[Hit, Sentence]]:
    """The best sentence of each passage (two from the top passage when the second is nearly as good), at
    most one passage per section and two per document, skipping a sentence that mostly repeats one
    already picked. The lead (first pick) is the best-scoring sentence
    of the first `lead_from` picks, so a passage ranked second with the sentence that answers the
    question outright leads over a passage ranked first that only touches it."""
    terms = set(tokenize(question))
    wants_number = bool(NUMERIC_QUESTION_RE.search(question))
    scored: list[tuple[float, Hit, Sentence]] = []
    said: set[str] = set()
    sections: set[tuple[str, str]] = set()
    per_doc: dict[str, int] = {}
    for hit in hits:
        key = (hit.chunk.doc_id, hit.chunk.section)
        if key in sections or per_doc.get(hit.chunk.doc_id, 0) >= 2:
            continue
        candidates = sentences(hit)
        ranked = sorted(((score_sentence(c, terms, hit.score, wants_number), i) for i, c in enumerate(candidates)),
                        key=lambda pair: -pair[0])
        for score, i in ranked:
            words = set(tokenize(candidates[i].text))
            if not repeats(words, said):
                break
        else:
            continue
        sections.add(key)
        per_doc[hit.chunk.doc_id] = per_doc.get(hit.chunk.doc_id, 0) + 1
        said |= words
        scored.append((score, hit, with_correction(hit, candidates, i)))
        if len(scored) == 1 and limit > 2:   # the top passage gives a second sentence when it is nearly as good
            for score2, j in ranked:
                if j != i and score2 >= SECOND_SENTENCE * score:
                    words2 = set(tokenize(candidates[j].text))
                    if not repeats(words2, said):
                        said |= words2
                        scored.append((score2, hit, with_correction(hit, candidates, j)))
                        break
        if len(scored) >= limit:
            break
    if len(scored) > 1:
        lead = max(range(min(lead_from, len(scored))), key=lambda j: scored[j][0])
        scored.insert(0, scored.pop(lead))
    return [(hit, sentence) for _, hit, sentence in scored]


def decline(question: str, hits: Sequence[Hit]) -> Answer:
    text = ("I could not find a reliable answer to this in TwinGuard's sources, so I will not guess. "
            f"{COVERAGE} Try asking, for example: \"Can my agency make a digital twin of me without "
            "asking?\" or \"Do brands in the EU have to label AI-generated images?\"\n\n"
            f"_{DISCLAIMER}_")
    return Answer(question=question, text=text, citations=(), refused=True, mode="extractive",
                  hits=tuple(hits))
