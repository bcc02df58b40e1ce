"""The question plan: what an answer must be about before any source is read.

`make_plan` is pure: from the question, the place chosen in the selector and the conversation so far, it
decides the places (each marked covered or not), the jurisdictions whose sources may answer, the topics,
the intent, and whether the question is in scope at all. The composer, the LLM prompt, the web app
("Answering for: …") and `--json` all read the same plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from assistant.domain import jurisdictions as J
from assistant.plan.intent import intent_of
from assistant.plan.scope import out_of_scope
from assistant.plan.topics import topics_in


@dataclass(frozen=True)
class QuestionPlan:
    question: str
    places: tuple[str, ...] = ()      # codes asked about, in order of mention; () = no particular place
    origin: str = ""                  # where the places came from: "question", "selector", "conversation"
    topics: tuple[str, ...] = ()
    intent: str = "explain"
    out_of_scope: str = ""            # why the question is out of scope ("tax", "a recommendation"), or ""
    documents: tuple[str, ...] = ()   # ids of the sources the question names ("the NO FAKES Act")

    @property
    def in_scope(self) -> bool:
        return not self.out_of_scope

    @property
    def covered(self) -> tuple[str, ...]:
        return tuple(p for p in self.places if J.is_covered(p))

    @property
    def uncovered(self) -> tuple[str, ...]:
        return tuple(p for p in self.places if p not in self.covered)

    @property
    def compare(self) -> bool:
        return self.intent == "compare" and len(self.places) > 1

    @property
    def allowed(self) -> tuple[str, ...]:
        """Jurisdictions whose sources may answer (() = any): each place, the law above it, the covered
        places below it, and place-neutral guidance."""
        out: list[str] = []
        for place in self.places:
            out += [c for c in J.scope(place) if c not in out]
        return tuple(out)

    def allows(self, code: str) -> bool:
        return not self.places or not code or code in self.allowed

    def tier(self, code: str, doc_id: str = "") -> int:
        """How directly a source answers: 0 a source the question names or the place's own law, 1 the law
        above it, 2 a place below it, 3 place-neutral guidance, 4 not allowed."""
        if doc_id and doc_id in self.documents:
            return 0
        if not self.places:                      # no place asked: guidance that applies everywhere leads
            return 0 if code in ("", J.NEUTRAL) else 1
        if code in self.places:
            return 0
        if any(code in J.ancestors(p) for p in self.places):
            return 1
        if code in ("", J.NEUTRAL):
            return 3
        return 2 if code in self.allowed else 4

    def applies(self, place: str) -> tuple[str, ...]:
        """The covered jurisdictions whose law applies in an uncovered place (EU law in Germany)."""
        return tuple(c for c in J.ancestors(place) if J.is_covered(c))

    def to_dict(self) -> dict:
        return {"question": self.question, "intent": self.intent, "topics": list(self.topics),
                "places": [{"code": p, "name": J.named(p), "covered": p in self.covered,
                            "applies": list(self.applies(p)) if p in self.uncovered else []} for p in self.places],
                "origin": self.origin, "allowed": list(self.allowed), "documents": list(self.documents),
                "in_scope": self.in_scope,
                "out_of_scope": self.out_of_scope, "summary": answering_for(self)}


def make_plan(question: str, selected: str | None = None, history: Sequence[str] = (),
              documents: Mapping[str, str] | None = None) -> QuestionPlan:
    """Plan `question`. Places named in the question win; else the places of the laws it names
    (`documents`: id -> jurisdiction code of each source the question names); else the selector's place;
    else the places of the conversation's last question that named one."""
    documents = dict(documents or {})
    places, origin = tuple(J.places_in(question)), "question"
    if not places:
        places = tuple(dict.fromkeys(c for c in documents.values() if c and c != J.NEUTRAL))
        origin = "named source"
    if not places and selected and selected not in ("all", J.NEUTRAL) and J.get(selected):
        places, origin = (selected,), "selector"
    if not places:
        for earlier in reversed(list(history)):
            found = tuple(J.places_in(earlier))
            if found:
                places, origin = found, "conversation"
                break
    places = tuple(p for p in places if p != J.NEUTRAL)
    return QuestionPlan(question=question, places=places, origin=origin if places else "",
                        topics=topics_in(question), intent=intent_of(question), out_of_scope=out_of_scope(question),
                        documents=tuple(documents))


# --- the plan in words ---------------------------------------------------------------------------------

def law_of(code: str) -> str:
    """"Italian law", "the law of Hong Kong"."""
    j = J.get(code)
    if j and j.adjectives:
        return f"{j.adjectives[0].title()} law"
    return f"the law of {J.named(code)}"


def gap_sentence(plan: QuestionPlan, place: str, above_answers: bool = True) -> str:
    """What an answer says first about a place the corpus does not cover; `above_answers` says whether the
    law that applies above it (EU law for Germany) speaks to the question in the answer that follows."""
    above = plan.applies(place)
    head = f"TwinGuard has no digest of {law_of(place)} yet, so this answer cannot tell you what it says."
    names = " and ".join(J.named(c) if c != "US" else "US federal" for c in above)
    if above and above_answers:
        return f"{head} What does apply in {J.named(place)}: {names} law, below."
    if above:
        return (f"{head} {names} law also applies in {J.named(place)}, but TwinGuard's {names} sources do not "
                f"answer this; below is general guidance, not {law_of(place)}.")
    return f"{head} Below is general guidance that applies wherever you work, not {law_of(place)}."


def answering_for(plan: QuestionPlan) -> str:
    """The line shown above an answer: "Italy — no Italian digest yet; EU law applies"."""
    if not plan.in_scope:
        return f"out of scope ({plan.out_of_scope})"
    if not plan.places:
        return "no particular place — sources from every place, each labelled"
    parts = []
    for place in plan.places:
        if place in plan.covered:
            parts.append(J.named(place))
            continue
        above = plan.applies(place)
        note = f"{J.named(place)} — no {law_of(place).removesuffix(' law').removeprefix('the law of ')} digest yet"
        if above:
            note += f"; {' and '.join('US federal' if c == 'US' else J.named(c) for c in above)} law applies"
        else:
            note += "; general guidance only"
        parts.append(note)
    if plan.origin == "contract":            # the place came from the user's contract (assistant/contract/)
        return " · ".join(parts) + " (from your contract's governing-law clause)"
    return " · ".join(parts)
