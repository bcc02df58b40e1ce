import pytest

from assistant.retrieve.conversation import contextualize, place_in

PREVIOUS = ["Can my agency make a digital twin of me without asking in New York?"]


@pytest.mark.parametrize("follow_up,place", [("and in California?", "US-CA"), ("What about Spain", "ES"),
                                             ("and in the EU?", "EU")])
def test_follow_up_swaps_the_place(follow_up, place):
    question, found = contextualize(follow_up, PREVIOUS)
    assert found == place
    assert "digital twin" in question and "New York" not in question


def test_follow_up_without_place_keeps_the_previous_place():
    question, found = contextualize("And after I die?", PREVIOUS)
    assert "New York" in question and "after I die" in question and found is None


def test_standalone_questions_are_left_alone():
    assert contextualize("What does the GDPR say about scans?", PREVIOUS) == ("What does the GDPR say about scans?", None)
    assert contextualize("Can they use us in ads?", PREVIOUS)[1] is None


def test_place_in():
    assert place_in("Is this legal in California?") == "US-CA"
    assert place_in("New York vs California") is None
    assert place_in("tell us more") is None


def test_short_pronoun_questions_are_follow_ups():
    question, _ = contextualize("Is that already law?", PREVIOUS)
    assert "digital twin" in question and "already law" in question


def test_a_full_question_with_pronouns_stands_alone():
    assert contextualize("Can they use it after my contract ends?", PREVIOUS)[0] == "Can they use it after my contract ends?"


def test_a_city_names_its_jurisdiction():
    assert place_in("signed for a twin in madrid last year, can i take it back") == "ES"
    assert place_in("shoot in Brooklyn next week") == "US-NY"
    assert place_in("a casting in Berlin") == "EU"
    assert place_in("London or Los Angeles?") is None           # two places: no single filter
