"""The question plan: places (covered or not), what applies above them, topic, intent and scope."""

import pytest

from assistant.plan.intent import figure_pattern, intent_of
from assistant.plan.planner import answering_for, gap_sentence, law_of, make_plan
from assistant.plan.scope import out_of_scope
from assistant.plan.topics import specific, topics_in


@pytest.mark.parametrize("question, intent", [
    ("Can my agency in Paris sell my digital twin?", "yes-no"),
    ("My agency is in Paris. Can they sell my digital twin?", "yes-no"),       # the question is the 2nd sentence
    ("shooting for a chinese brand, can they swap my face", "yes-no"),
    ("What is the difference between NY's Fashion Workers Act and California's AB 2602?", "compare"),
    ("Which has higher fines for an unlabelled deepfake, the EU or South Korea?", "compare"),
    ("A brand used an AI model that looks like me but has a different name. Is that still me?", "yes-no"),
    ("Is the NO FAKES Act law yet?", "status"),
    ("How much commission can my agency in New York take?", "amount"),
    ("When does Article 50 apply?", "amount"),
    ("What should I write in my contract about AI training?", "wording"),
    ("In our standard withdrawal clause, how many days does withdrawal take?", "wording"),
    ("What can I do if a brand used my AI twin without consent?", "action"),
    ("What is a digital replica?", "define"),
    ("Tell me about Denmark", "explain"),
])
def test_intent(question, intent):
    assert intent_of(question) == intent


def test_a_how_much_question_wants_the_kind_of_figure_it_asks_for():
    assert figure_pattern("What are the fines in Spain?").search("up to EUR 15 million")
    assert not figure_pattern("What are the fines in Spain?").search("since 2 August 2026")
    assert figure_pattern("How long can a licence last?").search("for 10 years")
    assert figure_pattern("Since when have the rules applied?").search("since 1 September 2025")


@pytest.mark.parametrize("question, reason", [
    ("How do I register a trademark for my modelling brand?", "trademark"),
    ("How much tax do I pay on my modelling income?", "tax"),
    ("Which photo studio in Madrid is the best for test shoots?", "a recommendation"),
    ("Which model agencies in Seoul are the most reputable?", "a recommendation"),
    ("hi!", "chit-chat"),
    ("Can I get a work visa for Dubai as a model?", "immigration"),
    ("Can my agency make a digital twin of me without asking?", ""),
    ("Do I have to pay my agency commission on digital twin fees?", ""),
    ("Which law applies if I live in Italy and the brand is in the US?", ""),
])
def test_out_of_scope_by_topic(question, reason):
    assert out_of_scope(question) == reason


def test_topics_and_the_generic_ones():
    assert topics_in("Can they keep my scans forever after the shoot?") == ("duration", "biometric")
    assert specific(topics_in("an agency's AI replica contract")) == set()
    assert "after-death" in topics_in("what happens to my twin when I'm dead")


def test_a_covered_place_from_a_city():
    plan = make_plan("My agency is in Paris. Can they sell my digital twin?")
    assert plan.places == ("FR",) and plan.covered == ("FR",) and plan.uncovered == ()
    assert plan.allowed == ("FR", "EU", "INTL") and plan.origin == "question"
    assert plan.tier("FR") == 0 and plan.tier("EU") == 1 and plan.tier("INTL") == 3 and plan.tier("US-NY") == 4
    assert not plan.allows("US-NY") and plan.allows("EU") and plan.allows("")


def test_an_uncovered_eu_country_gets_eu_law_and_says_so():
    plan = make_plan("I live in Berlin. Do I have rights over a body scan?")
    assert plan.places == ("DE",) and plan.uncovered == ("DE",) and plan.applies("DE") == ("EU",)
    assert answering_for(plan) == "Germany — no German digest yet; EU law applies"
    assert gap_sentence(plan, "DE").startswith("TwinGuard has no digest of German law yet")
    assert "EU law" in gap_sentence(plan, "DE")


def test_an_uncovered_place_with_nothing_above_it_gets_guidance_only():
    plan = make_plan("I model in Toronto. Can they use my twin forever?")
    assert plan.allowed == ("CAN", "INTL") and plan.applies("CAN") == ()
    assert "general guidance" in answering_for(plan) and "not Canadian law" in gap_sentence(plan, "CAN")
    texas = make_plan("I'm a model in Texas")
    assert texas.applies("US-TX") == ("US",) and law_of("US-TX") == "the law of Texas"


def test_places_come_from_the_question_then_named_laws_then_the_selector_then_the_conversation():
    assert make_plan("Is it legal in Spain?", selected="US-NY").places == ("ES",)
    named = make_plan("Is the NO FAKES Act law yet?", selected="ES", documents={"us-no-fakes-act": "US"})
    assert named.places == ("US",) and named.origin == "named source" and named.tier("US", "us-no-fakes-act") == 0
    assert make_plan("Can they keep my scans?", selected="UK").places == ("UK",)
    follow = make_plan("and what are the fines?", history=["Do brands in Denmark have to label AI images?"])
    assert follow.places == ("DK",) and follow.origin == "conversation"
    assert make_plan("Can they keep my scans?", selected="all").places == ()


def test_a_comparison_allows_every_side():
    plan = make_plan("How do New York and California compare on post-mortem rights?")
    assert plan.compare and plan.places == ("US-NY", "US-CA")
    assert {"US-NY", "US-CA", "US", "INTL"} == set(plan.allowed)


def test_out_of_scope_plans_and_the_json_shape():
    plan = make_plan("How do I register a trademark in France?")
    assert not plan.in_scope and answering_for(plan) == "out of scope (trademark)"
    shape = make_plan("I work in Milan").to_dict()
    assert shape["places"] == [{"code": "IT", "name": "Italy", "covered": True, "applies": []}]
    assert {"question", "intent", "topics", "places", "origin", "allowed", "documents", "in_scope", "out_of_scope",
            "summary"} == set(shape)
