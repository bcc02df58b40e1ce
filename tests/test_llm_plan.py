"""The optional LLM path follows the same plan: the prompt carries the places and intent, sentences about
places the plan does not allow are dropped, and an uncovered place is said to be uncovered first."""

from assistant.answer.composer import compose_planned
from assistant.answer.llm import answer_with_llm
from assistant.config import Settings
from assistant.llm.prompting import build_messages
from assistant.plan.planner import make_plan
from tests.fakes import FakeGenerator, HashEmbedder
from tests.test_composer import EU, FAQ, FR, NY, meta_of

SETTINGS = Settings(home="/nonexistent")


def test_the_prompt_carries_the_places_and_the_intent():
    plan = make_plan("I live in Berlin. Can my agency sell my body scan?")
    user = build_messages(plan.question, [EU], plan=plan)[1][1]
    assert "The question is about: Germany (the passages contain none of its own law" in user
    assert "Begin with Yes, No or It depends" in user
    assert "The question is about" not in build_messages(plan.question, [EU])[1][1]


def test_sentences_about_other_places_are_dropped_and_the_gap_comes_first():
    plan = make_plan("I model in Paris. Can my agency sell my digital twin?")
    hits = [FR, NY]
    fallback = compose_planned(plan, [FR], SETTINGS, doc_meta=meta_of(FR))
    reply = f"{FR.chunk.text} [1] {NY.chunk.text} [2]"
    answer = answer_with_llm(plan.question, hits, FakeGenerator(reply), HashEmbedder(), fallback, plan=plan)
    assert answer.mode == "llm" and "French law" in answer.text and "New York" not in answer.text
    assert [c.doc_id for c in answer.citations] == ["fr-law"] and "removed" in answer.notice

    berlin = make_plan("I live in Berlin. Can my agency sell my body scan?")
    fallback = compose_planned(berlin, [EU], SETTINGS, doc_meta=meta_of(EU))
    answer = answer_with_llm(berlin.question, [EU, FAQ], FakeGenerator(f"{EU.chunk.text} [1]"), HashEmbedder(),
                             fallback, plan=berlin)
    assert answer.mode == "llm" and answer.text.startswith("TwinGuard has no digest of German law yet")
    assert answer.plan is berlin
