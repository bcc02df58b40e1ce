"""Lay terms: everyday words in a question bring the legal terms along; legal questions are untouched."""

import pytest

from assistant.domain.lexicon import expand, legal_terms


@pytest.mark.parametrize("question, needed", [
    ("what happens to my ai double when im dead", ["post-mortem", "digital replica"]),
    ("someone put my face on a naked pic online", ["intimate image", "image"]),
    ("signed last year and regret it, can i take it back", ["revoke withdraw consent"]),
    ("my agency takes 35% of everything", ["commission"]),
    ("im 16 and my mom signed something", ["minor parent guardian"]),
])
def test_lay_words_bring_legal_terms(question, needed):
    expanded = expand(question)
    assert expanded.startswith(question)
    for term in needed:
        assert term in expanded


@pytest.mark.parametrize("question", [
    "What does Article 50(4) of the EU AI Act require from deployers?",
    "Consider the Endorsement Agreement between Acme and Beta; what is the governing law?",
])
def test_questions_in_legal_terms_are_unchanged(question):
    assert legal_terms(question) == [] and expand(question) == question


def test_terms_are_not_repeated():
    assert expand("photos and pictures and pics") == "photos and pictures and pics (image)"
