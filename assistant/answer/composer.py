"""Planned extractive answers: the question plan decides the places, the lead and the shape.

The lead comes from the asked place's own law when it has some (else the law above it, else place-neutral
guidance); an uncovered place is said to be uncovered first; supporting points must each pass the gates in
`points.py` and be about the question's topic; the shape follows the intent (`shapes.py`). No model writes
anything: every sentence is quoted from a passage and cited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from assistant.answer.extractive import (
    NUMERIC_QUESTION_RE,
    repeats,
    score_sentence,
    sentences,
    with_correction,
)
from assistant.answer.points import (
    is_clause_text,
    is_furniture,
    is_wording,
    place_allowed,
    places_of,
    warned_against,
    with_context,
)
from assistant.answer.shapes import DIRECT_RE, Row, checklist, status_cell, status_line, table, verdict
from assistant.answer.writer import Writer
from assistant.config import Settings
from assistant.domain import jurisdictions as J
from assistant.domain.schema import LAW_KINDS, REF_RE, WORDING_KINDS
from assistant.domain.wording import COVERAGE, DISCLAIMER
from assistant.index.keyword import tokenize
from assistant.plan.intent import figure_pattern
from assistant.plan.planner import QuestionPlan, gap_sentence
from assistant.plan.topics import specific, topics_in
from assistant.protocols import SectionSource
from assistant.text.sentences import Sentence
from assistant.types import Answer, Hit

ON_TOPIC = 1.25        # a sentence about one of the question's specific topics scores this much more
OFF_TOPIC = 0.6        # … and one about none of them this much less
LEAD_SHARE = 0.35      # the lead comes from the most direct source whose best sentence scores this share of the best
TOPIC_LEAD = 0.6       # an on-topic lead is required when the best on-topic sentence scores this share of the best
POINT_SHARE = 0.45     # a supporting point scores at least this share of the lead
MAX_POINTS = 3         # fewer, better points
PLACED_SHARE = 0.75    # … and a point about one place, when the question names none, at least this share
MAX_PLACED = 2         # … and at most this many such points
POINT_NEW_WORDS = 0.4  # a point must bring at least this share of new words (it may not restate the lead)
ROW_SENTENCES = 2      # a comparison row: its lead and up to this many more sentences
SLACK = 0.08           # a passage may support the answer a little below the similarity that admits the question
FIGURE_BONUS = 1.5     # a how-much / how-long / when question's sentence with the kind of figure asked for
NAMED_BONUS = 1.3      # a sentence from a source the question names
DIRECT_BONUS = 1.3     # a yes/no question's sentence that opens "Yes"/"No" answers it outright


@dataclass(frozen=True)
class Pick:
    hit: Hit
    sentence: Sentence
    score: float
    tier: float            # how directly it answers: plan.tier of its source, +0.5 for guidance beside law
    places: frozenset[str]
    topics: frozenset[str]     # the specific topics the sentence is about


def candidates(plan: QuestionPlan, hits: Sequence[Hit], doc_places: Mapping[str, str]) -> list[Pick]:
    """Every quotable sentence of the hits, scored, one list per passage kept in rank order."""
    terms = set(tokenize(plan.question))
    wants_number = plan.intent == "amount" or bool(NUMERIC_QUESTION_RE.search(plan.question))
    figure = figure_pattern(plan.question)
    wanted = specific(plan.topics)
    wording = plan.intent == "wording"
    out: list[Pick] = []
    for hit in hits:
        code = hit.meta.get("jurisdiction", "")
        if not plan.allows(code):
            continue
        named = hit.chunk.doc_id in plan.documents
        if hit.meta.get("kind") == "template" and not (wording or named):
            continue
        found = sentences(hit)
        for i in range(len(found)):
            sentence = with_context(hit, found, i)
            if sentence is None:
                continue
            sentence = with_correction(hit, found, i) if sentence is found[i] else sentence
            text = sentence.text
            if sum(ch.isalpha() for ch in REF_RE.sub("", text)) < 15:     # a bare reference, not a sentence
                continue
            if is_furniture(text, hit) or warned_against(text, hit):
                continue
            if is_wording(text, hit) and not (wording or named):
                continue
            places = places_of(text, hit, doc_places)
            if not place_allowed(plan, places):
                continue
            score = score_sentence(sentence, terms, hit.score, False)
            if wants_number and figure.search(text):
                score *= FIGURE_BONUS
            about = set(topics_in(text))
            topics = frozenset(specific(about))
            if wanted:
                score *= ON_TOPIC if wanted & topics else OFF_TOPIC
            elif "replica" in about:
                score *= ON_TOPIC
            if plan.intent == "yes-no" and DIRECT_RE.match(text) and (plan.places or not places):
                score *= DIRECT_BONUS         # another place's "No: …" does not answer a question for no place
            if hit.chunk.doc_id in plan.documents:
                score *= NAMED_BONUS
            out.append(Pick(hit, sentence, score, sentence_tier(plan, hit, places, text), frozenset(places), topics))
    return out


def sentence_tier(plan: QuestionPlan, hit: Hit, places: set[str] | frozenset[str], text: str = "") -> float:
    """How directly a sentence answers for the plan's places: its source's tier (own law 0, the law above
    1, …, guidance 3), a half step down for guidance beside law of the same tier; a guidance sentence
    that speaks for the asked place itself ("In Spain, …") counts as half a step from its own law."""
    tier = plan.tier(hit.meta.get("jurisdiction", ""), hit.chunk.doc_id)
    if hit.chunk.doc_id not in plan.documents and hit.meta.get("kind") not in LAW_KINDS:
        tier += 0.5
    if plan.places and set(places) & set(plan.places):
        tier = min(tier, 0.5)
        if plan.intent == "yes-no" and DIRECT_RE.match(text):
            tier = 0                      # "No: in Italy, …" answers a yes/no question for Italy outright
    return tier


def choose(plan: QuestionPlan, picks: Sequence[Pick], limit: int) -> list[Pick]:
    """The lead (the best sentence from the most direct tier present) and then supporting points: the best
    sentence per passage, one per section, two per document, no repeats, each on topic and strong enough."""
    if not picks:
        return []
    wanted = specific(plan.topics)
    on_topic = [p for p in picks if wanted & p.topics] if wanted else []
    best_any = max(p.score for p in picks)
    picks_for_lead = on_topic if on_topic and max(p.score for p in on_topic) >= TOPIC_LEAD * best_any else list(picks)
    top = max(p.score for p in picks_for_lead)
    direct = min(p.tier for p in picks_for_lead if p.score >= LEAD_SHARE * top)
    pool = [p for p in picks_for_lead if p.tier == direct]
    if plan.intent == "amount":           # how much / how long / when: a lead with the figure, when there is one
        best, figure = max(p.score for p in pool), figure_pattern(plan.question)
        pool = ([p for p in pool if figure.search(p.sentence.text) and p.score >= 0.4 * best]
                or [p for p in picks_for_lead if figure.search(p.sentence.text) and p.score >= 0.5 * top] or pool)
    if plan.intent == "wording":         # wording asked: clause text leads when there is some
        clauses = [p for p in picks if is_clause_text(p.sentence.text, p.hit)]
        if clauses:                       # the best-matching clause, from its first sentence
            best = max(clauses, key=lambda p: p.score)
            pool = [min((p for p in clauses if p.hit.chunk.id == best.hit.chunk.id),
                        key=lambda p: p.sentence.start)]
    lead = max(pool, key=lambda p: p.score)
    chosen, said = [lead], set(tokenize(lead.sentence.text))
    sections = set()                      # the lead's section may give one more sentence
    per_doc = {lead.hit.chunk.doc_id: 1}
    placed = 0
    for pick in sorted(picks, key=lambda p: -p.score):
        if len(chosen) > limit:
            break
        if pick is lead:
            continue
        key = (pick.hit.chunk.doc_id, pick.hit.chunk.section)
        if key in sections or per_doc.get(key[0], 0) >= 2 or pick.score < POINT_SHARE * lead.score:
            continue
        if (key[0] == lead.hit.chunk.doc_id and pick.sentence.start < lead.sentence.end
                and pick.sentence.end > lead.sentence.start):
            continue                      # overlaps the lead (a sentence quoted with its context)
        if wanted and not wanted & pick.topics:
            continue
        if not plan.places and pick.places and (pick.score < PLACED_SHARE * lead.score or placed >= MAX_PLACED):
            continue                      # one place's law in an answer for no place must be strong, and rare
        words = set(tokenize(pick.sentence.text))
        if repeats(words, said, POINT_NEW_WORDS):
            continue
        chosen.append(pick)
        placed += bool(pick.places)
        said |= words
        sections.add(key)
        per_doc[key[0]] = per_doc.get(key[0], 0) + 1
    return [lead, *sorted(chosen[1:], key=lambda p: (p.tier, -p.score))]   # the asked place's law first


def compose_planned(plan: QuestionPlan, hits: Sequence[Hit], settings: Settings, *,
                    titles: Mapping[str, str] | None = None, sections: SectionSource | None = None,
                    doc_meta: Mapping[str, Mapping[str, str]] | None = None,
                    by_place: Mapping[str, Sequence[Hit]] | None = None) -> Answer:
    """The answer to `plan` from ranked hits (best first). `by_place` holds a comparison's hits per place."""
    doc_meta = doc_meta or {}
    doc_places = {d: m.get("jurisdiction", "") for d, m in doc_meta.items()}
    if not plan.in_scope:
        return declined(plan, hits, f"This question is about {plan.out_of_scope}, which TwinGuard does not cover.")
    best = max((h.dense or 0.0 for h in hits), default=0.0)
    if not hits or best < settings.min_relevance:
        return declined(plan, hits, _gaps(plan))
    writer = Writer(plan, titles or {}, sections, doc_meta)
    if plan.compare and by_place:
        text = _comparison(plan, by_place, writer, doc_places)
        if text:
            return _answer(plan, hits, writer, text)
    floor = 0.5 * max(h.score for h in hits)
    relevant = [h for h in hits if h.score >= floor and (h.dense is None or h.dense >= settings.min_relevance - SLACK)]
    picks = choose(plan, candidates(plan, relevant or hits[:1], doc_places), min(MAX_POINTS, settings.max_points))
    if not picks:
        return declined(plan, hits, _gaps(plan))
    return _answer(plan, hits, writer, _body(plan, picks, writer))


def _body(plan: QuestionPlan, picks: Sequence[Pick], writer: Writer) -> str:
    lead, points = picks[0], picks[1:]
    mixed = len({p for pick in picks for p in pick.places}) > 1 or bool(plan.uncovered) or not plan.places
    above = any(pick.tier <= 1 for pick in picks)
    lines = [_gaps(plan, above)] if plan.uncovered else []
    if plan.intent == "status":
        line = status_line(writer.doc_meta.get(lead.hit.chunk.doc_id, {}))
        if line:
            lines.append(line)
    first = writer.line(lead, tag_place=mixed and bool(lead.places))
    word = ""
    if lead.tier <= 1 and not plan.uncovered and lead.hit.meta.get("kind") not in WORDING_KINDS:
        word = verdict(plan, lead.sentence.text)
    lines.append(f"**{word}** {first}" if word else first)
    rendered = [writer.line(p, tag_place=mixed and bool(p.places)) for p in points]
    if rendered:
        lines += ["", *(checklist(rendered) if plan.intent == "action" else
                        ["Supporting points:", *(f"- {r}" for r in rendered)])]
    return "\n".join(lines)


def _comparison(plan: QuestionPlan, by_place: Mapping[str, Sequence[Hit]], writer: Writer,
                doc_places: Mapping[str, str]) -> str:
    """One row per place, the same question asked of each place's own sources."""
    rows = []
    for place in plan.places:
        if place in plan.uncovered:
            rows.append(Row(J.named(place), gap_sentence(plan, place), "not covered"))
            continue
        single = QuestionPlan(question=plan.question, places=(place,), origin=plan.origin, topics=plan.topics,
                              intent="amount" if NUMERIC_QUESTION_RE.search(plan.question) else "explain",
                              documents=plan.documents)
        own = [h for h in by_place.get(place, ()) if h.meta.get("jurisdiction") == place]
        picks = choose(single, [p for p in candidates(single, own, doc_places) if p.tier <= 0.5], ROW_SENTENCES)
        if not picks:
            rows.append(Row(J.named(place), "Nothing in this place's sources answers this directly.", ""))
            continue
        cells = [writer.line(p, tag_place=False) for p in picks]
        meta = writer.doc_meta.get(picks[0].hit.chunk.doc_id, {})
        rows.append(Row(J.named(place), " ".join(cells), status_cell(meta)))
    if sum(1 for r in rows if r.status not in ("", "not covered")) < 2:
        return ""
    return table(rows)


def _gaps(plan: QuestionPlan, above_answers: bool = True) -> str:
    return " ".join(gap_sentence(plan, p, above_answers) for p in plan.uncovered)


def _answer(plan: QuestionPlan, hits: Sequence[Hit], writer: Writer, body: str) -> Answer:
    return Answer(question=plan.question, text=f"{body}\n\n_{DISCLAIMER}_", citations=tuple(writer.citer.citations),
                  refused=False, mode="extractive", hits=tuple(hits), plan=plan)


def declined(plan: QuestionPlan, hits: Sequence[Hit], why: str = "") -> Answer:
    """No answer from the sources: say why (out of scope, an uncovered place) and what TwinGuard covers."""
    head = why or "I could not find a reliable answer to this in TwinGuard's sources, so I will not guess."
    text = (f"{head} {COVERAGE} Try asking, for example: \"Can my agency make a digital twin of me without "
            f"asking?\" or \"Do brands in the EU have to label AI-generated images?\"\n\n_{DISCLAIMER}_")
    return Answer(question=plan.question, text=text, citations=(), refused=True, mode="extractive",
                  hits=tuple(hits), plan=plan)
