import re

import pytest

from assistant.answer.extractive import check_question, compose, sentences
from assistant.config import Settings
from assistant.errors import QuestionError
from assistant.types import Chunk, Hit

SETTINGS = Settings(home="/nonexistent")
TEXT = ("Under the law, an agency may not create a digital replica without\nseparate written consent. "
        "The penalty is USD 3,000 for a first violation. Short one.")


class Sections:
    """A SectionSource over a few hand-made hits: the section of a document is its one hit."""

    def __init__(self, hits):
        self.hits = hits

    def section_hit(self, doc_id, label):
        return self.hits.get(doc_id)


def hit(doc_id, text, score=0.8, dense=0.7, start=100, **meta):
    chunk = Chunk(id=f"{doc_id}-{start}", doc_id=doc_id, text=text, start=start, end=start + len(text),
                  section=f"{doc_id} › § 1", label="§ 1")
    base = {"title": doc_id.upper(), "jurisdiction": "US-NY", "status": "in-force"}
    base.update(meta)
    return Hit(chunk=chunk, score=score, meta=base, dense=dense)


def test_sentences_span_wrapped_lines_and_keep_offsets():
    h = hit("a", TEXT)
    found = sentences(h)
    assert [s.text.split()[0] for s in found] == ["Under", "The"]
    for s in found:
        assert TEXT[s.start - 100:s.end - 100] == s.text


def test_answer_cites_only_what_it_uses_and_every_marker_resolves():
    hits = [hit("a", TEXT), hit("b", "Brands in the EU must label deep fakes as AI-generated content.",
                                 jurisdiction="EU", start=0)]
    answer = compose("Can an agency make a replica without consent?", hits, SETTINGS)
    assert not answer.refused
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers == {c.n for c in answer.citations}
    assert answer.text.splitlines()[0].startswith("**New York:** Under the law")
    assert "Legal information, not legal advice" in answer.text
    first = answer.citations[0]
    assert first.quote.startswith("Under the law") and first.end - first.start == len(first.quote)


def test_bills_are_tagged_as_not_law():
    answer = compose("licence term", [hit("nofakes", "The bill would cap licences at ten years for adults.",
                                           status="bill", jurisdiction="US")], SETTINGS)
    assert "a bill, not law" in answer.text


def test_weak_evidence_is_declined():
    answer = compose("best pasta recipe?", [hit("a", TEXT, dense=0.1)], SETTINGS)
    assert answer.refused and answer.citations == ()
    assert "will not guess" in answer.text and "not legal advice" in answer.text


def test_references_become_citations_of_the_law():
    faq = hit("faq", "An agency needs your separate written consent first [[law#§ 1035(10)]].",
              jurisdiction="INTL", status="guidance", start=0)
    law = hit("law", "A company may not create a digital replica without separate written consent.", start=0)
    answer = compose("consent for a twin", [faq], SETTINGS, sections=Sections({"law": law}))
    assert {c.doc_id for c in answer.citations} == {"faq", "law"}
    assert "[[" not in answer.text


@pytest.mark.parametrize("question,message", [("", "type a question"), ("   ", "type a question"),
                                              ("x" * 3000, "limit is 2,000"), ("?!?", "in words")])
def test_bad_questions(question, message):
    with pytest.raises(QuestionError, match=message):
        check_question(question, SETTINGS)


def test_a_reported_claim_is_quoted_with_its_correction():
    text = ("News reports said the fine for missing labels is EUR 35 million. That is misleading: "
            "the cap for labelling breaches is EUR 15 million. Other facts follow here in this passage.")
    answer = compose("fine for missing labels", [hit("es", text, jurisdiction="ES")], SETTINGS)
    assert "That is misleading" in answer.citations[0].quote
    assert answer.citations[0].quote == text[:answer.citations[0].end - 100]


def test_number_questions_prefer_the_sentence_with_the_figure():
    text = ("The Labor Commissioner can impose civil penalties on agencies and clients. "
            "The penalties are USD 3,000 for a first violation and USD 5,000 for later ones.")
    answer = compose("How much are the penalties?", [hit("fwa", text)], SETTINGS)
    assert "3,000" in answer.citations[0].quote


def test_bold_lead_ins_are_not_quoted():
    text = "**What this is.** The Fashion Workers Act is a New York law for model agencies and clients."
    found = sentences(hit("a", text, start=0))
    assert [s.text for s in found] == ["The Fashion Workers Act is a New York law for model agencies and clients."]
    assert text[found[0].start:found[0].end] == found[0].text


def test_a_leading_reference_is_cited_at_the_end():
    note = hit("cl", "- [[law#§ 1]]: under the law, a deep fake must be labelled as AI-made content.", start=0,
               jurisdiction="EU", status="guidance")
    law = hit("law", "Anyone who deploys AI to publish deep fakes must label them as AI-made.", start=0)
    answer = compose("must a deep fake be labelled", [note], SETTINGS, sections=Sections({"law": law}))
    first = answer.text.splitlines()[0]
    assert first.startswith("Under the law, a deep fake must be labelled as AI-made content [")
    assert not re.search(r"^\[\d+\]:", first)


def test_a_point_that_repeats_the_lead_is_left_out_but_a_new_fact_is_kept():
    lead = hit("a", "New York law requires adverts to disclose synthetic performers.", score=0.9, start=0)
    same = hit("b", "New York law now requires adverts to disclose synthetic performers.", score=0.8, start=0)
    dated = hit("c", "New York law requires adverts to disclose synthetic performers from 9 June 2026.",
                score=0.7, start=0)
    answer = compose("Must New York adverts disclose synthetic performers?", [lead, same, dated], SETTINGS)
    cited = [c.doc_id for c in answer.citations]
    assert "b" not in cited and "c" in cited


def test_the_lead_is_the_sentence_that_answers_not_the_first_passage():
    side = hit("a", "Small companies pay the lower of the two amounts under the fine rules.", score=0.9, start=0)
    direct = hit("b", "Failing to label a deep fake can be fined up to EUR 15 million or 3% of turnover.",
                 score=0.85, start=0)
    answer = compose("What is the fine for failing to label a deep fake?", [side, direct], SETTINGS)
    assert answer.text.startswith("**New York:** Failing to label") or answer.text.startswith("Failing to label")
    assert answer.citations[0].doc_id == "b"


def test_the_top_passage_gives_a_second_sentence_when_it_is_nearly_as_good():
    top = hit("a", "An agency must get a model's written consent before making a digital replica. "
                   "The consent must state the scope, the pay and how long the replica may be used. "
                   "The office is closed on Sundays.", score=0.9, start=0)
    other = hit("b", "Agencies in some places register with the state labour department each year.",
                score=0.6, start=0)
    answer = compose("What must an agency's digital replica consent state, and is written consent needed?",
                     [top, other], SETTINGS)
    quotes = [c.quote for c in answer.citations if c.doc_id == "a"]
    assert len(quotes) == 2 and not any("Sundays" in q for q in quotes)
