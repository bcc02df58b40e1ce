"""Answers about the user's own contract, side by side with the law.

    Your contract, clause 7.2 (page 3), says: “The Agency may … sublicense it to any brand.” [1].
    Under the NY Fashion Workers Act:
    A model management company may not … [2].

The question plan decides the places and the intent as for any question; the contract's governing-law
clause is the place when the user picked none (the plan's origin says so: "from your contract's
governing-law clause"). The contract part quotes the contract's best sentence(s) for the question — found
with its in-memory `ContractIndex`, then sentence by sentence — cited with clause number, page and exact
offsets, so the app highlights them like any source. When nothing in the contract is about the question
(a topic it never mentions, or nothing similar enough), the answer says so plainly ("Your contract does not
mention AI training.") and then gives what the law or guidance says. The law part is the normal planned
answer, its citations renumbered after the contract's into one list. Playbook findings of the cited
clauses go beside the answer (`contract_findings`).

The contract part is always extractive — quoted, never written by a model — also when an LLM is configured:
the LLM (when set) writes only the law part, through the existing verified path.

The selection and wording functions are pure; `ask_stream` wires them to the facade.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np

from assistant.answer.composer import compose_planned
from assistant.contract.sentences import (
    ContractSentence,
    body_start,
    candidates,
    clause_heading,
    clause_label,
    own_number,
    sentence_spans,
)
from assistant.domain import jurisdictions as J
from assistant.domain.schema import LAW_KINDS
from assistant.domain.wording import DISCLAIMER
from assistant.index.keyword import tokenize
from assistant.plan.planner import QuestionPlan
from assistant.plan.topics import topics_in
from assistant.review.detect import GOVERNING_RE
from assistant.types import Answer, Citation

if TYPE_CHECKING:
    from assistant.contract.session import ContractSession
    from assistant.review.findings import Finding
    from assistant.twinguard import TwinGuard

CONTRACT_KIND = "contract"          # Citation.kind of a quote from the user's contract
CONTRACT_ORIGIN = "contract"        # QuestionPlan.origin when the place came from the governing-law clause
K_PASSAGES = 6                      # contract passages searched for sentences to quote
FLOOR = 0.45                        # a contract sentence less similar than this to the question says nothing on it
TOPIC_FLOOR = 0.25                  # … unless it is about the question's distinctive topic ("commission" for pay)
                                    # or shares its words, in its text or its clause's heading ("parties")
STRONG = 0.55                       # … and one this similar is on point even without the question's topic words
RANK_WEIGHT = 0.25                  # how much the passage's rank adds to a sentence's own similarity
ON_TOPIC, OFF_TOPIC = 1.2, 0.8      # a sentence about the question's distinctive topic, or not
SECOND_SHARE = 0.85                 # a second quote (another clause) scores at least this share of the first,
                                    # and is at least this share as similar to the question
SUPPORTED = 1.1                     # a sentence that shares the question's words or topic scores this much more
MAX_QUOTES = 2
#: Topics a contract either speaks to or does not: when none of its sentences mentions the question's
#: topic, the contract is silent on it. (Broad topics such as consent, scope or duration are judged by
#: similarity alone: a clause that lets the agency create a replica answers "without asking?".)
DISTINCT = ("training", "deletion", "after-death", "sexual", "minors", "withdrawal", "transfer", "labelling",
            "voice", "pay", "union", "penalties")
TOPIC_WORDS = {
    "training": "AI training", "deletion": "deleting your scans or data",
    "after-death": "what happens after your death", "sexual": "sexual or intimate content",
    "minors": "minors", "withdrawal": "withdrawing your consent",
    "transfer": "selling, transferring or sublicensing your likeness", "labelling": "labelling AI-generated content",
    "voice": "your voice", "pay": "payment", "union": "unions", "penalties": "penalties",
}
MARKER_RE = re.compile(r"\[(\d+)\]")


# --- choosing what to quote -------------------------------------------------------------------------------

def distinct_topics(plan: QuestionPlan) -> list[str]:
    """The question's topics that a contract either mentions or is silent on, most telling first."""
    return [t for t in DISTINCT if t in plan.topics]


def mentions(topics: Sequence[str], text: str) -> bool:
    return bool(set(topics) & set(topics_in(text)))


#: Words that name no clause in particular: "my contract", "the agreement".
PLAIN_TERMS = frozenset(tokenize("contract contracts agreement agreements clause clauses section terms hereunder "
                                 "herein thereof shall"))
#: Words of the question itself: "when", "can they", "how much".
QUESTION_TERMS = frozenset(tokenize(
    "what which when where who whom whose why how much many does do did doing done can could may might will would "
    "should must is are was were be been being have has had get got i me my mine myself you your they them their "
    "it its this that these those there here the a an of to in on at for with by about any all some please tell "
    "say says said if or and not no yes also still just only ok"))
GOVERNING_QUESTION_RE = re.compile(r"\b(?:governing law|(?:which|what) (?:law|laws|country's law|state's law)|"
                                   r"law (?:applies|governs)|laws? of which|governed by)\b", re.I)


@dataclass(frozen=True)
class Quote:
    sentence: ContractSentence
    similarity: float
    score: float


def content_terms(text: str) -> set[str]:
    """The words of a text that say what it is about (stems; no question words, no "my contract")."""
    return set(tokenize(text)) - PLAIN_TERMS - QUESTION_TERMS


def choose_quotes(plan: QuestionPlan, sentences: Sequence[ContractSentence], similarities: Sequence[float],
                  extra_terms: Sequence[str] = ()) -> list[Quote]:
    """The sentence(s) of the contract that answer the question, best first; [] when the contract is
    silent on it. `similarities[i]` is the cosine similarity of sentence i with the question; `extra_terms`
    are contract words for the question's lay words ("assign" for "pass it on")."""
    if not sentences or not plan.in_scope and plan.out_of_scope == "chit-chat":
        return []
    wanted = distinct_topics(plan)
    terms = content_terms(plan.question) | (set(extra_terms) - PLAIN_TERMS - QUESTION_TERMS)
    scored = []
    for sentence, sim in zip(sentences, similarities):
        score = float(sim) + RANK_WEIGHT * sentence.rank
        about = mentions(wanted, f"{sentence.text} {sentence.context}") if wanted else True
        if wanted:
            score *= ON_TOPIC if about else OFF_TOPIC
        # supported: about the question's distinctive topic, or sharing its words (in the text or the heading)
        supported = bool(wanted and about) or bool(terms & content_terms(f"{sentence.label} {sentence.text}"))
        scored.append((Quote(sentence, float(sim), score * (SUPPORTED if supported else 1.0)), about, supported))
    pool = [(q, ok) for q, about, ok in scored if about]
    if wanted and not pool:                    # the contract never touches the topic asked about …
        pool = [(q, ok) for q, _, ok in scored if q.similarity >= STRONG]   # … unless a sentence is plainly on point
    pool = [(q, ok) for q, ok in pool if q.similarity >= (TOPIC_FLOOR if ok else FLOOR)]
    if not pool:
        return []
    pool.sort(key=lambda pair: -pair[0].score)
    chosen = [pool[0][0]]
    for quote, ok in pool[1:]:
        if len(chosen) >= MAX_QUOTES or quote.score < SECOND_SHARE * chosen[0].score:
            break
        if quote.similarity < SECOND_SHARE * chosen[0].similarity or not (ok or quote.similarity >= STRONG):
            continue
        if all(quote.sentence.clause != q.sentence.clause or not quote.sentence.clause for q in chosen) \
                and all(quote.sentence.start >= q.sentence.end or quote.sentence.end <= q.sentence.start
                        for q in chosen):
            chosen.append(quote)
    return sorted(chosen, key=lambda q: q.sentence.start)


def asks_governing_law(question: str) -> bool:
    return bool(GOVERNING_QUESTION_RE.search(question))


def governing_sentences(contract: "ContractSession") -> list[ContractSentence]:
    """The sentence(s) of the governing-law clause ("This Agreement is governed by the laws of …")."""
    text, out = contract.text, []
    for match in GOVERNING_RE.finditer(text):
        clause = contract.clause_at(match.start())
        if clause is None:
            continue
        begin = body_start(text, clause)
        for a, b in sentence_spans(text, begin, clause.end):
            if a <= match.start() < b:
                a, ref = own_number(text, a, b, clause.ref)
                out.append(ContractSentence(
                    text=text[a:b], start=a, end=b, clause=ref, heading=clause_heading(clause),
                    page=contract.document.page_at(a), context="", passage_start=clause.start,
                    passage_end=max(clause.end, b), rank=1.0,
                    label=clause_label(text, clause, begin, contract.document.title)))
                break
    return out[:1]


# --- writing the contract part ----------------------------------------------------------------------------

def where(sentence: ContractSentence) -> str:
    """"clause 7.2 (page 3)", "under “Payment” (page 2)", or "" when the text has neither."""
    if sentence.clause:
        at = f"clause {sentence.clause}"
    elif sentence.heading:
        at = f"under “{sentence.heading.split(' › ')[-1].strip()}”"
    else:
        at = ""
    if sentence.page:
        at = f"{at} (page {sentence.page})" if at else f"on page {sentence.page}"
    return at


def quote_lines(quotes: Sequence[Quote], first: int = 1) -> list[str]:
    """"Your contract, clause 7.2 (page 3), says: “…” [1]." — one line per quote, numbered from `first`."""
    lines = []
    for i, quote in enumerate(quotes):
        at = where(quote.sentence)
        if i == 0:
            head = f"Your contract, {at}, says" if at else "Your contract says"
        else:
            head = f"{at[:1].upper()}{at[1:]} says" if at else "It also says"
        lines.append(f"{head}: “{quote.sentence.words}” [{first + i}].")
    return lines


def silence_line(plan: QuestionPlan) -> str:
    """What an answer says when the contract says nothing on the question."""
    wanted = distinct_topics(plan)
    if asks_governing_law(plan.question):
        return "Your contract does not say which law governs it."
    if wanted:
        return f"Your contract does not mention {TOPIC_WORDS[wanted[0]]}."
    return "Nothing in your contract speaks to this directly."


def contract_citation(n: int, contract: "ContractSession", sentence: ContractSentence) -> Citation:
    """A quote from the contract as a numbered source: clause, page, exact offsets and its passage, so it
    is highlighted like any other source."""
    if sentence.clause:
        section = f"Clause {sentence.clause}"
    else:
        section = sentence.heading.split(" › ")[-1] if sentence.heading else ""
    text = contract.text
    return Citation(n=n, doc_id=contract.doc_id, title=contract.title, section=section, page=sentence.page,
                    url="", quote=text[sentence.start:sentence.end], start=sentence.start, end=sentence.end,
                    kind=CONTRACT_KIND, passage=text[sentence.passage_start:sentence.passage_end],
                    passage_start=sentence.passage_start)


# --- putting the two parts together --------------------------------------------------------------------------

def renumber(text: str, offset: int, upto: int | None = None) -> str:
    """Shift the [n] markers of `text` by `offset` (only n <= `upto`, when given)."""
    if not offset:
        return text

    def shift(match: re.Match) -> str:
        n = int(match.group(1))
        return f"[{n + offset}]" if n >= 1 and (upto is None or n <= upto) else match.group(0)

    return MARKER_RE.sub(shift, text)


def body_of(answer: Answer) -> str:
    """An answer's text without its closing disclaimer."""
    return answer.text.strip().removesuffix(f"_{DISCLAIMER}_").rstrip()


def law_lead_in(plan: QuestionPlan, law: Answer, titles: Mapping[str, str]) -> str:
    """"Under the NY Fashion Workers Act:" before the law part, when its lead cites a law; "What the
    guidance says:" when it cites guidance; "" when the law part explains itself (a gap, a table)."""
    if law.refused or plan.uncovered or not law.citations or "\n|" in f"\n{body_of(law)}":
        return ""
    lead = law.citations[0]
    if lead.kind in LAW_KINDS:
        title = titles.get(lead.doc_id) or lead.title
        return f"Under {title if title.lower().startswith('the ') else 'the ' + title}:"
    place = J.place_name(lead.jurisdiction).split(" (")[0]        # guidance is "US", not "US (federal)"
    return f"What the guidance says{f' ({place})' if place else ''}:"


def law_reason(plan: QuestionPlan) -> str:
    """The law part of an answer whose law sources say nothing (the contract part still stands)."""
    if not plan.in_scope:
        return f"On the law: this question is about {plan.out_of_scope}, which TwinGuard does not cover."
    return "TwinGuard's sources on the law and guidance do not answer this reliably, so it will not guess."


def finding_line(finding: "Finding") -> str:
    """"Playbook: Perpetual licence (high) — clause 7.2"."""
    if finding.scope != "clause" and finding.check_id != "three-part-test":
        where_ = "whole contract"           # a protection missing everywhere
    elif finding.clause_id:
        where_ = f"clause {finding.clause_id}"
    else:
        where_ = f"the cited text, page {finding.page}" if finding.page else "the cited text"
    return f"Playbook: {finding.title} ({finding.severity}) — {where_}"


def finding_dict(finding: "Finding") -> dict:
    return {"check_id": finding.check_id, "title": finding.title, "severity": finding.severity,
            "clause": finding.clause_id, "page": finding.page, "scope": finding.scope,
            "line": finding_line(finding)}


@dataclass(frozen=True)
class ContractAnswer(Answer):
    """An answer about the user's contract: the contract's quotes and the law, in one citation list."""

    contract: dict = field(default_factory=dict)                  # ContractSession.to_dict()
    contract_findings: tuple[dict, ...] = ()                      # playbook findings of the cited clauses
    contract_silent: bool = False                                 # nothing in the contract answers the question

    def to_dict(self) -> dict:
        out = super().to_dict()
        out.update({"contract": self.contract, "contract_findings": list(self.contract_findings),
                    "contract_silent": self.contract_silent})
        return out


def combine(plan: QuestionPlan, contract: "ContractSession", quotes: Sequence[Quote], law: Answer,
            titles: Mapping[str, str], findings: Sequence["Finding"] = ()) -> ContractAnswer:
    """The contract's quotes (or its silence) first, then the law part renumbered after them."""
    cited = tuple(contract_citation(i, contract, q.sentence) for i, q in enumerate(quotes, start=1))
    m = len(cited)
    law_citations = tuple(replace(c, n=c.n + m) for c in law.citations)
    parts = [("\n".join(quote_lines(quotes)) if quotes else "")]
    if not quotes and plan.in_scope:
        parts = [silence_line(plan)]
    if law.refused and quotes:
        parts.append(law_reason(plan))
    elif law.refused:
        parts.append(body_of(law))
    else:
        lead_in = law_lead_in(plan, law, titles)
        body = renumber(body_of(law), m, len(law.citations))
        parts.append(f"{lead_in}\n{body}" if lead_in else body)
    text = "\n\n".join(p for p in parts if p) + f"\n\n_{DISCLAIMER}_"
    return ContractAnswer(
        question=law.question, text=text, citations=cited + law_citations, refused=law.refused and not quotes,
        mode=law.mode, hits=law.hits, notice=law.notice, plan=plan, contract=contract.to_dict(),
        contract_findings=tuple(finding_dict(f) for f in findings), contract_silent=not quotes)


# --- wired to the facade ----------------------------------------------------------------------------------------

def place_for(jurisdiction: str | None, contract: "ContractSession") -> tuple[str | None, bool]:
    """The place the plan starts from: the user's choice; else the contract's governing law (a strong
    signal of which law applies). Returns (place, whether it came from the contract)."""
    if jurisdiction and jurisdiction not in ("all", J.NEUTRAL):
        return jurisdiction, False
    if contract.governing_law:
        return contract.governing_law, True
    return jurisdiction, False


def contract_quotes(tg: "TwinGuard", contract: "ContractSession", plan: QuestionPlan) -> list[Quote]:
    """Search the contract for the question, then pick the sentence(s) to quote."""
    if asks_governing_law(plan.question):       # "which law governs my contract?": its governing-law clause
        return [exact_quote(s) for s in governing_sentences(contract)]
    hits = contract.index.search(plan.question, K_PASSAGES)
    found = candidates(contract, hits)
    if not found:
        return []
    cache = contract.sentence_vectors           # each sentence is embedded once per session
    new = [s for s in dict.fromkeys((s.start, s.end) for s in found) if s not in cache]
    texts = {(s.start, s.end): s.for_similarity for s in found}
    vectors = np.asarray(tg.embedder.encode([plan.question, *(texts[key] for key in new)]), dtype=np.float32)
    cache.update(zip(new, vectors[1:]))
    question = vectors[0]
    return choose_quotes(plan, found, [float(cache[(s.start, s.end)] @ question) for s in found],
                         extra_terms=lay_to_contract(plan.question))


def exact_quote(sentence: ContractSentence) -> Quote:
    return Quote(sentence, 1.0, 1.0)


def lay_to_contract(question: str) -> list[str]:
    """Contract words for the question's lay words ("assign" for "pass it on"), from the contract
    retrieval's query rewriting; [] when that is not available."""
    try:
        from assistant.contract.rewrite import rewrite

        return tokenize(rewrite(question).keyword)
    except (ImportError, AttributeError, TypeError):
        return []


def findings_beside(contract: "ContractSession", plan: QuestionPlan, quotes: Sequence[Quote]) -> list["Finding"]:
    """Playbook findings of the cited clauses; when the contract is silent on a distinctive topic, the
    protections on that topic it lacks everywhere."""
    if quotes:
        spans = []
        for q in quotes:
            clause = contract.clause_at(q.sentence.start)
            spans.append((clause.start, clause.block_end or clause.end) if clause
                         else (q.sentence.start, q.sentence.end))
        return contract.findings_for(spans)
    wanted = distinct_topics(plan)
    if not wanted or not plan.in_scope:
        return []
    return [f for f in contract.missing() if mentions(wanted, f.title)]


def ask_stream(tg: "TwinGuard", contract: "ContractSession", question: str, jurisdiction: str | None,
               history: Sequence[str], stream: bool) -> typing.Generator[str | Answer, None, None]:
    """The facade's ask_stream with a contract: yields the LLM's verified law sentences while it writes
    (renumbered after the contract's quotes, which come first), then the ContractAnswer."""
    place, from_contract = place_for(jurisdiction, contract)
    plan = tg._plan(question, place, history)
    if from_contract and plan.origin == "selector":
        plan = replace(plan, origin=CONTRACT_ORIGIN)
    quotes = contract_quotes(tg, contract, plan)
    hits, by_place = tg._evidence(plan)
    titles = tg.titles()
    law = compose_planned(plan, hits, tg.settings, titles=titles, sections=tg, doc_meta=tg.retriever.docs,
                          by_place=by_place)
    if tg.settings.llm and not law.refused and not plan.compare:
        # The law part may be written by the LLM (verified sentence by sentence, as for any question); the
        # contract part above stays quoted word for word.
        m = len(quotes)
        if stream:
            yield "\n".join(quote_lines(quotes)) if quotes else silence_line(plan)
            yield "\n\n"
        writer = tg._llm(plan, hits, titles, law, stream)
        while True:
            try:
                piece = next(writer)
            except StopIteration as done:
                law = done.value
                break
            yield renumber(piece, m)
    answer = combine(plan, contract, quotes, law, titles, findings_beside(contract, plan, quotes))
    if plan.question != question:
        answer = replace(answer, question=question,
                         notice=" ".join(x for x in (f"Understood as: {plan.question}", answer.notice) if x))
    yield answer
