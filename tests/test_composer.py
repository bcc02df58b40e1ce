"""The planned composer: the lead from the asked place, honest gaps, gated points, shapes by intent.

Hand-made hits, so every case is exact; ranking with the real model is covered by `twinguard eval`.
"""

from assistant.answer.composer import compose_planned
from assistant.answer.extractive import sentences
from assistant.answer.points import is_furniture, is_wording, warned_against, with_context
from assistant.answer.shapes import Row, status_line, table, verdict
from assistant.config import Settings
from assistant.evaluate.metrics import cited_lines, gap_honest, lead_ok, place_precision, point_relevance
from assistant.plan.planner import make_plan
from assistant.types import Chunk, Hit

SETTINGS = Settings(home="/nonexistent")


def hit(doc_id, text, *, place="INTL", kind="law", status="in-force", label="§ 1", score=0.8, dense=0.7, start=0):
    chunk = Chunk(id=f"{doc_id}-{start}", doc_id=doc_id, text=text, start=start, end=start + len(text),
                  section=f"{doc_id} › {label}", label=label)
    meta = {"title": doc_id.upper(), "short_title": doc_id, "jurisdiction": place, "kind": kind, "status": status,
            "as_of": "2026-11-29"}
    return Hit(chunk=chunk, score=score, meta=meta, dense=dense)


def meta_of(*hits):
    return {h.chunk.doc_id: dict(h.meta) for h in hits}


NY = hit("ny-law", "Under New York law an agency may not sell a model's digital replica without her separate "
                   "written consent.", place="US-NY", score=0.9)
FR = hit("fr-law", "Under French law a Paris agency may not sell an AI twin of a model without her consent to "
                   "that specific use.", place="FR", score=0.6)
EU = hit("eu-law", "Under the GDPR a face scan used to identify a model is biometric data that needs her explicit "
                   "consent before it is sold or shared.", place="EU", score=0.7)
FAQ = hit("faq", "In New York, agencies need written consent for replicas. Ask for a clause that bans any sale "
                 "or transfer of your twin without your written approval.", kind="faq", status="guidance",
          label="Can my agency sell my twin?", score=0.85)


def compose(question, hits, **kw):
    plan = make_plan(question)
    return compose_planned(plan, hits, SETTINGS, doc_meta=meta_of(*hits), **kw)


def test_the_asked_place_leads_and_another_country_never_stands_in():
    answer = compose("My agency is in Paris. Can they sell my digital twin?", [NY, FAQ, EU, FR])
    lead = answer.text.splitlines()[0]
    assert "French law" in lead and lead.startswith("**No, not without your consent.**")
    assert {c.doc_id for c in answer.citations} <= {"fr-law", "eu-law", "faq"}
    assert "New York" not in answer.text            # the FAQ sentence naming New York is gated out
    assert answer.plan.places == ("FR",)


def test_an_uncovered_place_is_said_first_then_what_applies_there():
    answer = compose("I live in Berlin. Can my agency sell my body scan?", [NY, FAQ, EU])
    first, second = answer.text.splitlines()[:2]
    assert first.startswith("TwinGuard has no digest of German law yet") and "EU law" in first
    assert second.startswith("**EU:**") and "[1]" in second
    assert [c.doc_id for c in answer.citations][0] == "eu-law"
    assert "ny-law" not in {c.doc_id for c in answer.citations}


def test_a_place_with_nothing_above_it_gets_labelled_guidance_only():
    answer = compose("I model in Toronto. Can my agency sell my twin?", [NY, FAQ, EU])
    assert answer.text.startswith("TwinGuard has no digest of Canadian law yet")
    assert {c.doc_id for c in answer.citations} == {"faq"}
    assert "transfer of your twin" in answer.text and "New York" not in answer.text


def test_out_of_scope_is_declined_by_topic_even_with_similar_passages():
    answer = compose("How much tax do I pay on my digital twin fees in New York?", [NY, FAQ])
    assert answer.refused and "tax" in answer.text and not answer.citations


def test_a_comparison_is_a_table_with_one_row_per_place():
    ca = hit("ca-law", "Under California law a studio may not use a digital replica of a performer unless the "
                       "contract describes the uses.", place="US-CA", score=0.8)
    plan = make_plan("What is the difference between New York and California on selling a replica?")
    answer = compose_planned(plan, [NY, ca], SETTINGS, doc_meta=meta_of(NY, ca),
                             by_place={"US-NY": [NY], "US-CA": [ca]})
    rows = [line for line in answer.text.splitlines() if line.startswith("|")]
    assert rows[0] == "| Place | What its sources say | Status |" and len(rows) == 4
    assert rows[2].startswith("| New York | Under New York law") and rows[3].startswith("| California |")
    assert "in force (as of 2026-11-29)" in rows[2]


def test_a_status_question_leads_with_the_status_and_its_date():
    bill = hit("us-bill", "The NO FAKES Act is a proposed US federal law on digital replicas.", place="US",
               kind="bill", status="bill")
    answer = compose("Is the NO FAKES Act law yet?", [bill])
    assert answer.text.startswith("**Status:** us-bill — bill (not law), as of 2026-11-29.")
    assert "a bill, not law" in answer.text.splitlines()[1]


def test_template_and_form_text_only_when_wording_is_asked():
    form = hit("tpl-form", "I withdraw my consent to any use of my digital twin from the date of this notice.",
               kind="template", status="guidance", score=0.95)
    plain = compose("Can I withdraw consent to my digital twin in New York?", [form, NY])
    assert "tpl-form" not in {c.doc_id for c in plain.citations}
    wording = compose("Give me wording to withdraw consent to my digital twin", [form, NY])
    assert "tpl-form" in {c.doc_id for c in wording.citations}


def test_gates_on_sentences():
    lone = hit("faq", "It also applies to agencies in the state. The Act covers models in New York.", kind="faq")
    assert with_context(lone, sentences(lone), 0) is None            # "It …" with nothing before it
    faq = hit("faq", "The Act covers models in New York. It also applies to agencies in the state.", kind="faq")
    joined = with_context(faq, sentences(faq), 1)
    assert joined.text == faq.chunk.text and (joined.start, joined.end) == (0, len(faq.chunk.text))
    assert is_furniture("NY Department of Labor FAQ: https://dol.ny.gov/fashion", faq)
    assert not is_furniture("The agency must get consent first, see https://example.org for the rest of the "
                            "rules that apply to every booking in the state.", faq)
    assert is_wording("3.1 The Client will not scan the Model without consent.", faq)
    caution = hit("es-bill", 'News reports said Spain fines "EUR 35 million" for unlabelled AI content.',
                  label="Caution on the EUR 35 million figure")
    assert warned_against(caution.chunk.text, caution)


def test_verdict_status_line_and_table():
    yes_no = make_plan("Can a brand use my face in an ad without asking?")
    assert verdict(yes_no, "A brand may not use your image in advertising without consent.").startswith("No")
    assert verdict(yes_no, "Brands often use AI images.") == ""
    must = make_plan("Do brands have to label AI images?")
    assert verdict(must, "Brands must disclose that the image is AI-generated.") == "Yes."
    assert verdict(make_plan("What is a replica?"), "A replica may not be used.") == ""
    assert status_line({"status": "guidance"}) == ""
    assert table([Row("Spain", "a | b", "bill")]).splitlines()[2] == "| Spain | a \\| b | bill |"


def test_answer_metrics():
    text = "Gap sentence.\n**EU:** Lead [1].\n\nSupporting points:\n- Point [2][3].\n- Other [4]."
    docs = {1: "eu-law", 2: "faq", 3: "x", 4: "ny-law"}
    assert cited_lines(text) == [(1,), (2, 3), (4,)]
    assert lead_ok(text, docs, ["eu-law"]) and not lead_ok(text, docs, ["faq"])
    assert point_relevance(text, docs, ["faq"]) == 0.5
    assert place_precision(["EU", "INTL", "US-NY", ""], ["DE", "EU"]) == 0.75
    assert gap_honest("TwinGuard has no digest of German law yet.", [("Germany", "german")])
    assert not gap_honest("German law protects you.", [("Germany", "german")])


def test_wording_the_clause_library_calls_unacceptable_is_never_quoted():
    bad = hit("cl-ai-training", "The Company may use the Materials to train and improve its AI models.",
              kind="clause-library", status="guidance", label="Unacceptable", score=0.95)
    good = hit("cl-ai-training", "The Client will not use the Model's scans to train any AI system.",
               kind="clause-library", status="guidance", label="Standard position", score=0.7, start=500)
    answer = compose("Give me clause wording that stops a client from training AI on a model's scans", [bad, good])
    assert "train any AI system" in answer.text and "may use the Materials" not in answer.text


def test_risky_phrasings_quoted_in_a_risk_section_are_never_the_answer():
    risk = hit("cl-ai-training", 'The risky clause lets the client train AI on the data. Typical risky phrasings:\n\n'
               '- "The Company may use the Materials to train and improve its AI models."',
               kind="clause-library", status="guidance", label="Risk", score=0.95)
    good = hit("cl-ai-training", "The Client will not use the Model's scans to train any AI system.",
               kind="clause-library", status="guidance", label="Standard position", score=0.7, start=500)
    answer = compose("Give me clause wording that stops a client from training AI on a model's scans", [risk, good])
    assert answer.text.startswith("The Client will not use") and "may use the Materials" not in answer.text
