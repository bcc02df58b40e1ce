"""Asking about one's own contract (issue 16): the contract's clause quoted and cited beside the law, its
silence said plainly, its governing-law clause as the place, the CLI's --contract, and privacy."""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import uuid

import pytest

from app_pages.render import citation_facts, citation_label, highlight
from assistant.contract import answer as A
from assistant.contract.session import ContractSession, open_session, upload_name
from assistant.plan.planner import QuestionPlan, answering_for, make_plan
from assistant.review.segmenter import segment
from assistant.types import Answer, Citation, Document
from tests.conftest import FIXTURE_CORPUS
from tests.files import pdf_bytes

PAGES = [
    "MODEL MANAGEMENT AGREEMENT\n\n1. Parties. This agreement is between Ada Model (the Model) and North Star "
    "Models LLC (the Agency).\n\n2. Services. The Model will appear in photo shoots, campaigns and runway shows "
    "booked by the Agency.",
    "7. Digital Twin\n\n7.1 The Agency may create a digital replica of the Model from body scans taken at the "
    "Agency's studio.\n\n7.2 The Agency may use the digital replica in all media throughout the world in "
    "perpetuity and may sublicense it to any brand.",
    "9. Payment. The Agency shall pay the Model within thirty days of each booking, less a commission of twenty "
    "percent.\n\n12. Governing law. This agreement is governed by the laws of the State of New York.",
]
CLAUSE_71 = "The Agency may create a digital replica of the Model from body scans taken at the Agency's studio."


def contract_docx(mark: str = "") -> bytes:
    from docx import Document as Docx

    document = Docx()
    document.add_heading("Digital replica agreement", level=0)
    document.add_heading("7. Digital Twin", level=1)
    document.add_paragraph(f"7.1 The Brand may create a digital replica of the Model{mark} from body scans.")
    document.add_paragraph("7.2 The Brand may sublicense the digital replica to any third party without "
                           "further consent.")
    document.add_heading("12. Governing law", level=1)
    document.add_paragraph("This agreement is governed by the laws of the State of New York.")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


# --- pure logic (no model) ---------------------------------------------------------------------------------

def sentence(text: str, clause: str = "7.2", page: int | None = 3, start: int = 100, context: str = "",
             rank: float = 1.0) -> A.ContractSentence:
    return A.ContractSentence(text=text, start=start, end=start + len(text), clause=clause, heading="7. Term",
                              page=page, context=context, passage_start=start, passage_end=start + len(text),
                              rank=rank)


def test_the_best_on_topic_sentence_is_quoted():
    plan = make_plan("Can they sublicense my digital twin?")
    found = [sentence("The Agency may create a digital replica.", "7.1", start=0),
             sentence("The Agency may sublicense the replica to any brand.", "7.2", start=50)]
    quotes = A.choose_quotes(plan, found, [0.5, 0.45])
    assert [q.sentence.clause for q in quotes] == ["7.2"]        # the one about sublicensing, though less similar


def test_a_topic_the_contract_never_mentions_is_silence():
    plan = make_plan("Can they use my scans to train AI?")
    found = [sentence("The Agency may create a digital replica of the Model from body scans.", "7.1")]
    assert A.choose_quotes(plan, found, [0.41]) == []
    assert A.silence_line(plan) == "Your contract does not mention AI training."
    assert A.choose_quotes(plan, found, [0.7]) != []             # … unless a sentence is plainly on point


def test_nothing_similar_enough_is_silence_without_a_topic():
    plan = make_plan("What does my contract say about my digital twin?")
    assert A.choose_quotes(plan, [sentence("The Model will appear in runway shows.", "2")], [0.2]) == []
    assert A.silence_line(plan) == "Nothing in your contract speaks to this directly."


def test_a_second_clause_is_quoted_only_when_nearly_as_good():
    plan = make_plan("Does my contract let them use my likeness in all media for an AI twin?")
    one = sentence("The Agency may create a digital replica of your likeness.", "7.1", start=0)
    two = sentence("The Agency may use the digital replica in all media.", "7.2", start=60)
    assert [q.sentence.clause for q in A.choose_quotes(plan, [one, two], [0.50, 0.49])] == ["7.1", "7.2"]
    assert [q.sentence.clause for q in A.choose_quotes(plan, [one, two], [0.55, 0.40])] == ["7.1"]
    other = sentence("This agreement is the entire understanding of the parties.", "12", start=120)
    assert [q.sentence.clause for q in A.choose_quotes(plan, [one, other], [0.50, 0.50])] == ["7.1"]  # shares no word


def test_quote_lines_name_the_clause_and_page():
    one = A.Quote(sentence("The licence lasts\nforever.", "7.2", 3), 0.6, 0.6)
    assert A.quote_lines([one]) == ["Your contract, clause 7.2 (page 3), says: “The licence lasts forever.” [1]."]
    two = A.Quote(sentence("Payment is due in thirty days.", "", None), 0.6, 0.6)
    assert A.where(two.sentence) == "under “7. Term”"
    assert A.quote_lines([one, two], first=4)[1] == "Under “7. Term” says: “Payment is due in thirty days.” [5]."


def test_renumber_shifts_only_the_law_parts_markers():
    assert A.renumber("Consent is needed [1][2]. See [7].", 2, upto=2) == "Consent is needed [3][4]. See [7]."
    assert A.renumber("No change [1].", 0) == "No change [1]."


def test_run_in_headings_and_numbers_are_not_quoted():
    text = "12. Governing law. This agreement is governed by the laws of New York.\n7.1 The Agency may scan."
    doc = Document(id="c", text=text, meta={})
    first, second = segment(doc).clauses[:2]
    assert text[A.body_start(text, first):first.end].startswith("This agreement is governed")
    assert text[A.body_start(text, second):second.end].startswith("The Agency may scan")
    assert [text[a:b] for a, b in A.sentence_spans(text, 0, first.end)][-1].startswith("This agreement")


def test_the_next_clauses_number_and_cut_fragments_are_not_quoted():
    first, second = "The Agency stops using the Property when the Term ends.", "Other terms of this deal follow here."
    text = f"{first} 11.\n\n{second} i."
    assert [text[a:b] for a, b in A.sentence_spans(text, 0, len(text))] == [first, second]
    assert A.own_number("7.2 The Brand may sublicense it.", 0, 32, "7") == (4, "7.2")
    assert A.own_number("(b) sell it to any brand.", 0, 25, "7.2") == (4, "7.2(b)")


def test_the_governing_law_is_the_place_unless_the_user_chose_one():
    session = ContractSession(name="c.pdf", document=Document(id="c", text="x", meta={}), index=None,
                              governing_law="US-NY")
    assert A.place_for(None, session) == ("US-NY", True)
    assert A.place_for("all", session) == ("US-NY", True)
    assert A.place_for("EU", session) == ("EU", False)
    plan = QuestionPlan(question="q", places=("US-NY",), origin=A.CONTRACT_ORIGIN)
    assert answering_for(plan) == "New York (from your contract's governing-law clause)"
    assert upload_name("C:\\Users\\ada\\my contract.pdf") == "my contract.pdf"


def test_combine_puts_the_contract_first_and_renumbers_the_law():
    session = ContractSession(name="c.pdf", document=Document(id="c", text="x" * 100 + CLAUSE_71, meta={}),
                              index=(), governing_law="US-NY")
    quote = A.Quote(sentence(CLAUSE_71, "7.1", 2, start=100), 0.6, 0.6)
    law_cite = Citation(n=1, doc_id="test-ny-fwa", title="NY FWA digest", section="§ 1035(10)", page=None, url="",
                        quote="A company may not.", start=0, end=18, kind="law")
    law = Answer(question="q", text="A company may not [1].\n\n_Legal information, not legal advice. For your own "
                 "contract, talk to your union or a lawyer._", citations=(law_cite,))
    plan = make_plan("Can my agency make a digital twin of me?", "US-NY")
    answer = A.combine(plan, session, [quote], law, {"test-ny-fwa": "NY Fashion Workers Act"})
    assert answer.text.startswith(f"Your contract, clause 7.1 (page 2), says: “{CLAUSE_71}” [1].")
    assert "Under the NY Fashion Workers Act:\nA company may not [2]." in answer.text
    assert [(c.n, c.kind) for c in answer.citations] == [(1, "contract"), (2, "law")]
    contract_cite = answer.citations[0]
    assert contract_cite.doc_id == "contract:c.pdf" and contract_cite.title == "Your contract (c.pdf)"
    assert (contract_cite.section, contract_cite.page) == ("Clause 7.1", 2)
    assert session.text[contract_cite.start:contract_cite.end] == contract_cite.quote == CLAUSE_71
    assert "<mark>" in highlight(contract_cite) and citation_label(contract_cite).endswith("Clause 7.1 · p. 2")
    assert "stays in this browser session" in citation_facts(contract_cite)
    data = answer.to_dict()
    assert data["contract"]["name"] == "c.pdf" and data["contract_findings"] == [] and not data["contract_silent"]


def test_a_session_shows_its_name_but_never_its_text(hash_embedder):
    from assistant.config import Settings

    secret = "Zqx" + uuid.uuid4().hex
    session = open_session(f"1. Parties. {secret} signs.\n\n2. Law. This agreement is governed by the laws of "
                           "the State of New York.", "pasted", hash_embedder, Settings())
    assert session.name == "pasted.txt" and session.governing_law == "US-NY"
    assert secret not in repr(session) and "pasted.txt" in repr(session)
    assert session.summary() == "pasted.txt — governed by New York law"
    assert session.to_dict()["clauses"] >= 2


# --- with the real model over the fixture corpus ----------------------------------------------------------------

@pytest.fixture(scope="module")
def pdf_session(indexed):
    return indexed.open_contract(pdf_bytes(PAGES), "contract.pdf")


@pytest.mark.integration
def test_an_answer_quotes_the_clause_with_its_page_and_cites_the_law(indexed, pdf_session):
    answer = indexed.ask("Can my agency make a digital twin of me without asking?", contract=pdf_session)
    assert answer.text.startswith(f"Your contract, clause 7.1 (page 2), says: “{CLAUSE_71}” [1].")
    first = answer.citations[0]
    assert (first.n, first.kind, first.section, first.page) == (1, "contract", "Clause 7.1", 2)
    assert pdf_session.text[first.start:first.end] == first.quote
    assert "<mark>" in highlight(first)
    law = [c for c in answer.citations if c.doc_id == "test-ny-fwa"]
    assert law and all(f"[{c.n}]" in answer.text for c in answer.citations)
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert not answer.refused and not answer.contract_silent


@pytest.mark.integration
def test_findings_of_the_cited_clause_are_beside_the_answer(indexed, pdf_session):
    answer = indexed.ask("Can they sublicense my digital twin?", contract=pdf_session)
    assert "Your contract, clause 7.2 (page 2), says:" in answer.text
    checks = {f["check_id"]: f for f in answer.contract_findings}
    assert "transfer-sublicense" in checks and checks["transfer-sublicense"]["severity"] == "high"
    assert all(f["clause"] == "7.2" for f in answer.contract_findings)
    assert checks["transfer-sublicense"]["line"].startswith("Playbook: ")


@pytest.mark.integration
def test_silence_is_said_and_the_law_still_answers(indexed, pdf_session):
    answer = indexed.ask("Do brands have to label AI images of me?", jurisdiction="EU", contract=pdf_session)
    assert answer.text.startswith("Your contract does not mention labelling AI-generated content.")
    assert answer.contract_silent and not answer.refused
    assert answer.plan.places == ("EU",)                           # the user's choice wins over the contract
    assert any(c.doc_id == "test-ai-act" for c in answer.citations)
    assert not any(c.kind == "contract" for c in answer.citations)
    trained = indexed.ask("Can they use my scans to train AI?", contract=pdf_session)
    assert trained.text.startswith("Your contract does not mention AI training.")


@pytest.mark.integration
def test_the_governing_law_clause_sets_the_place(indexed, pdf_session):
    answer = indexed.ask("Can they sublicense my digital twin?", contract=pdf_session)
    assert answer.plan.places == ("US-NY",) and answer.plan.origin == "contract"
    assert answer.to_dict()["plan"]["summary"] == "New York (from your contract's governing-law clause)"
    plain = indexed.ask("Can they sublicense my digital twin?")          # without a contract: as before
    assert type(plain) is Answer and plain.plan.places == ()


@pytest.mark.integration
def test_which_law_quotes_the_governing_law_clause_or_says_there_is_none(indexed, pdf_session):
    answer = indexed.ask("Which law governs my contract?", contract=pdf_session)
    assert answer.text.startswith("Your contract, clause 12 (page 3), says: “This agreement is governed by the laws "
                                  "of the State of New York.” [1].")
    none = indexed.open_contract("1. Parties. Ada Model works with North Star Models LLC on photo shoots and "
                                 "campaigns booked by the agency.", "pasted.txt")
    answer = indexed.ask("Which law governs my contract?", contract=none)
    assert answer.text.startswith("Your contract does not say which law governs it.")


@pytest.mark.integration
def test_a_docx_contract_is_cited_by_clause(indexed):
    session = indexed.open_contract(contract_docx(), "rider.docx")
    assert session.governing_law == "US-NY"
    answer = indexed.ask("Can they sublicense my digital twin?", contract=session)
    assert answer.text.startswith("Your contract, clause 7.2, says: “The Brand may sublicense")
    assert answer.citations[0].page is None and answer.citations[0].title == "Your contract (rider.docx)"


@pytest.mark.integration
def test_cli_ask_with_a_contract_prints_json(tmp_path):
    from typer.testing import CliRunner

    from assistant.cli.app import app

    runner = CliRunner()
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    env = {"TWINGUARD_HOME": str(tmp_path / "home"), "TWINGUARD_CORPUS": str(corpus)}
    assert runner.invoke(app, ["index"], env=env).exit_code == 0
    mark = "Zqx" + uuid.uuid4().hex
    contract = tmp_path / "upload" / "contract.pdf"
    contract.parent.mkdir()
    contract.write_bytes(pdf_bytes([PAGES[0].replace("Ada Model", mark), *PAGES[1:]]))
    result = runner.invoke(app, ["ask", "--contract", str(contract), "Can they sublicense my digital twin?",
                                 "--json"], env=env)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["contract"]["name"] == "contract.pdf" and answer["contract"]["governing_law"] == "US-NY"
    assert answer["contract"]["clauses"] >= 5
    first = answer["citations"][0]
    assert first["doc_id"] == "contract:contract.pdf" and first["section"] == "Clause 7.2" and first["page"] == 2
    assert any(c["kind"] == "law" for c in answer["citations"])
    assert any(f["check_id"] == "transfer-sublicense" for f in answer["contract_findings"])
    text = runner.invoke(app, ["ask", "--contract", str(contract), "Can they sublicense my digital twin?"], env=env)
    assert text.exit_code == 0 and "Playbook: " in text.stdout and "[1] Your contract (contract.pdf)" in text.stdout
    missing = runner.invoke(app, ["ask", "--contract", str(tmp_path / "nope.pdf"), "Can they?"], env=env)
    assert missing.exit_code == 1 and "no such file" in missing.output
    # nothing of the contract in the data folder
    for path in (tmp_path / "home").rglob("*"):
        assert not path.is_file() or mark.encode() not in path.read_bytes(), path


@pytest.mark.integration
def test_nothing_of_the_contract_stays_on_disk_or_in_the_store(fresh, tmp_path, monkeypatch):
    fresh.index()
    before = fresh.store.count()
    private_tmp = tmp_path / "private-tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    monkeypatch.setenv("TMPDIR", str(private_tmp))
    mark = "Zqx" + uuid.uuid4().hex
    session = fresh.open_contract(pdf_bytes([PAGES[0].replace("Ada Model", mark), *PAGES[1:]]), "contract.pdf")
    answer = fresh.ask("Who are the parties to my contract?", contract=session)
    assert mark in answer.text or any(mark in c.passage for c in answer.citations)   # it was read and used
    fresh.ask("Can they sublicense my digital twin?", contract=session)
    assert fresh.store.count() == before
    assert not fresh.store._connect().get(where_document={"$contains": mark}, include=[])["ids"]
    assert not any(mark in h.chunk.text for h in fresh.search(f"{mark} parties", 20))
    for path in fresh.settings.home.rglob("*"):
        assert not path.is_file() or mark.encode() not in path.read_bytes(), path
    assert list(private_tmp.iterdir()) == []


@pytest.mark.integration
def test_with_an_llm_the_law_part_is_written_and_the_contract_part_stays_quoted(indexed):
    pytest.importorskip("langchain_openai")
    from assistant.twinguard import TwinGuard
    from tests.llm_server import ScriptedLLM, Step

    good = ("A model management company may not create or alter a model's digital replica using artificial "
            "intelligence without the model's clear, conspicuous and separate written consent [{§ 1035(10)}].")
    with ScriptedLLM() as server:
        tg = TwinGuard(indexed.settings.with_(llm="openai:scripted", llm_base_url=server.url, llm_api_key="test-key",
                                              llm_timeout=5.0), embedder=indexed.embedder)
        session = tg.open_contract(pdf_bytes(PAGES), "contract.pdf")
        server.enqueue(Step(good))
        items = list(tg.ask_stream("Can my agency make a digital twin of me without asking?", contract=session))
    answer = items[-1]
    assert answer.mode == "llm" and answer.text.startswith("Your contract, clause 7.1 (page 2), says: “")
    assert items[0].startswith("Your contract, clause 7.1 (page 2), says")      # streamed first, word for word
    quoted = [c for c in answer.citations if c.kind == "contract"]
    law = [c for c in answer.citations if c.doc_id == "test-ny-fwa"]
    assert [c.n for c in quoted] == list(range(1, len(quoted) + 1))
    assert law and law[0].n == len(quoted) + 1 and f"[{law[0].n}]" in answer.text
    assert "separate written consent" in answer.text
