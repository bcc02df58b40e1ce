"""LLM answers: a fluent reply from the configured model, kept only where the sources support it.

The extractive answer (answer/extractive.py `compose`) is always built first and passed in as `fallback`.
The model gets the same passages, numbered, and its reply is verified sentence by sentence
(assistant/answer/verifier.py). If the model fails (timeout, connection, rate limit, malformed reply) or nothing
it said is supported, the user gets the extractive answer with a one-line notice saying why.

    answer = answer_with_llm(question, hits, generator, embedder, fallback=compose(...))

`stream_answer` does the same while the model is still writing: it yields each verified sentence as soon
as it is complete (text never shown before it is checked), then the final `Answer`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator, Mapping, Sequence

from assistant.answer.support import THRESHOLD, SupportScorer
from assistant.answer.verifier import (
    Verification,
    VerifiedCitation,
    Verifier,
    split_reply,
)
from assistant.domain.wording import DISCLAIMER
from assistant.errors import GenerationError
from assistant.llm.prompting import build_messages, build_rephrase_messages
from assistant.plan.planner import QuestionPlan, gap_sentence
from assistant.protocols import Embedder, Generator
from assistant.types import Answer, Hit

UNVERIFIED = ("The language model's answer could not be verified against the sources, so this is the "
              "extractive answer.")


def fall_back(fallback: Answer, reason: str) -> Answer:
    """The extractive answer with a visible one-line note saying why the LLM answer is not shown."""
    notice = " ".join(reason.split())
    if fallback.notice:
        notice = f"{fallback.notice} · {notice}"
    return replace(fallback, mode="extractive", notice=notice)


def failure_note(exc: GenerationError) -> str:
    return f"Language model unavailable ({exc}); showing the extractive answer."


def finish(question: str, hits: Sequence[Hit], fallback: Answer, result: Verification,
           plan: QuestionPlan | None = None) -> Answer:
    """Turn a verification into the answer the user sees (or the fallback when nothing survived). An
    uncovered place is said to be uncovered first, in TwinGuard's words, not the model's."""
    if not result.citations or not result.text.strip():
        return fall_back(fallback, UNVERIFIED)
    dropped = [c for c in result.dropped if c.claim]
    notice = ""
    if dropped:
        notice = (f"{len(dropped)} sentence{'s' if len(dropped) > 1 else ''} of the language model's answer "
                  f"{'were' if len(dropped) > 1 else 'was'} removed because the cited sources did not support "
                  f"{'them' if len(dropped) > 1 else 'it'}.")
    gaps = ""
    if plan is not None:
        cited = {c.jurisdiction for c in result.citations}
        gaps = " ".join(gap_sentence(plan, p, bool(cited & set(plan.applies(p)))) for p in plan.uncovered)
    text = "\n\n".join(x for x in (gaps, result.text, f"_{DISCLAIMER}_") if x)
    return Answer(question=question, text=text, citations=result.citations, refused=False, mode="llm",
                  hits=tuple(hits), notice=notice, plan=plan)


def _usable(fallback: Answer, hits: Sequence[Hit]) -> bool:
    """Ask the model only when the extractive step found evidence; a declined question stays declined."""
    return bool(hits) and not fallback.refused


def answer_with_llm(question: str, hits: Sequence[Hit], generator: Generator, embedder: Embedder,
                    fallback: Answer, *, titles: Mapping[str, str] | None = None,
                    threshold: float = THRESHOLD, scorer: SupportScorer | None = None,
                    plan: QuestionPlan | None = None) -> Answer:
    """The verified LLM answer (mode "llm"), or `fallback` with a notice when that is not possible.
    Pass one long-lived `scorer` to reuse passage vectors across questions. With a `plan`, the prompt
    carries its places and intent, and sentences about places it does not allow are dropped."""
    if not _usable(fallback, hits):
        return fallback
    try:
        reply = generator.complete(build_messages(question, hits, titles, plan=plan))
    except GenerationError as exc:
        return fall_back(fallback, failure_note(exc))
    verifier = Verifier(hits, embedder, threshold, scorer, allows=plan.allows if plan else None)
    return finish(question, hits, fallback, verifier.verify(reply), plan)


def stream_answer(question: str, hits: Sequence[Hit], generator: Generator, embedder: Embedder,
                  fallback: Answer, *, titles: Mapping[str, str] | None = None,
                  threshold: float = THRESHOLD, scorer: SupportScorer | None = None,
                  plan: QuestionPlan | None = None) -> Iterator[str | Answer]:
    """Yield verified text pieces (str) while the model writes, then the final Answer.

    A piece is a whole sentence that passed verification, with its renumbered markers and the space or
    line break before it; concatenated, the pieces are the final answer's text before its disclaimer.
    If the final Answer is the fallback (mode "extractive"), replace what was shown with it.
    """
    if not _usable(fallback, hits):
        yield fallback
        return
    verifier = Verifier(hits, embedder, threshold, scorer, allows=plan.allows if plan else None)
    buffer, done, shown = "", 0, []
    try:
        for token in generator.stream(build_messages(question, hits, titles, plan=plan)):
            buffer += token
            pieces = split_reply(buffer)
            for piece in pieces[done:len(pieces) - 1]:     # the last piece may still be growing
                out = verifier.add(piece)
                if out:
                    shown.append(out)
                    yield out
            done = max(done, len(pieces) - 1)
    except GenerationError as exc:
        yield fall_back(fallback, failure_note(exc))
        return
    for piece in split_reply(buffer)[done:]:
        out = verifier.add(piece)
        if out:
            shown.append(out)
            yield out
    yield finish(question, hits, fallback, verifier.result("".join(shown)), plan)


def rephrase_with_llm(text: str, hits: Sequence[Hit], generator: Generator, embedder: Embedder, *,
                      titles: Mapping[str, str] | None = None, threshold: float = THRESHOLD,
                      scorer: SupportScorer | None = None) -> tuple[str, tuple[VerifiedCitation, ...]] | None:
    """A plain-language rewording of a review finding or rider note, under the same verification.

    Returns (text with [n] markers, citations) or None when the model fails or nothing it wrote is
    supported by `hits`; the caller then keeps its own wording."""
    if not hits or not text.strip():
        return None
    try:
        reply = generator.complete(build_rephrase_messages(text, hits, titles))
    except GenerationError:
        return None
    result = Verifier(hits, embedder, threshold, scorer).verify(reply)
    return (result.text, result.citations) if result.citations else None
