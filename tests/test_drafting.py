"""Rider drafting from the real clause library: requests, positions, citations, exports, self-review."""

import dataclasses
import io
import shutil

import pytest

from assistant.config import Settings, builtin_corpus
from assistant.draft.assemble import draft_rider, fill, values
from assistant.draft.clauselib import load_library
from assistant.draft.export import rider_docx, rider_markdown, rider_text
from assistant.draft.request import parse_request
from assistant.draft.rider import RiderParams
from assistant.errors import DraftError
from assistant.index.sections import FileSections
from assistant.ingest.loaders import load_file
from assistant.twinguard import TwinGuard
from tests.conftest import FIXTURE_CORPUS

CORPUS = builtin_corpus()


@pytest.fixture(scope="module")
def library():
    return load_library(CORPUS)


@pytest.fixture(scope="module")
def lookup():
    return FileSections(CORPUS)


# --- requests ------------------------------------------------------------------------------------

@pytest.mark.parametrize("request_text, expected", [
    ("12-month e-commerce licence, EUR 500 per use, EU",
     dict(term_months=12, permitted_uses=("e-commerce product images",), fee_per_use=500.0, currency="EUR",
          jurisdiction="EU", territory="the European Union", fee_per_period=None)),
    ("two-year social media campaign for Jane Doe with Acme Fashion, $2k per post, New York, no approval",
     dict(term_months=24, media=("social media",), permitted_uses=("advertising campaign",), fee_per_use=2000.0,
          currency="USD", jurisdiction="US-NY", model_name="Jane Doe", company_name="Acme Fashion", approval=False)),
    ("€1.200 a month, lookbook and print, UK, delete within 14 days",
     dict(fee_per_period=1200.0, period="month", currency="EUR", permitted_uses=("lookbook",), media=("print",),
          jurisdiction="UK", deletion_days=14, term_months=12)),
    ("500€ per image, 6 months, California, SAG-AFTRA member, 16-year-old model",
     dict(fee_per_use=500.0, term_months=6, jurisdiction="US-CA", union="SAG-AFTRA", minor=True)),
    ("Licence for model Maria Lopez, brand Zeta, 3 months, GBP 750 per video, England",
     dict(model_name="Maria Lopez", company_name="Zeta", term_months=3, fee_per_use=750.0, currency="GBP",
          jurisdiction="UK")),
    ("annual licence, USD 10,000 per year, TV and billboards in Illinois",
     dict(term_months=12, fee_per_period=10000.0, period="year", media=("out-of-home", "TV"), jurisdiction="US-IL")),
    ("6 mo virtual try-on on our website, 300 EUR per use, Spain, model approval required",
     dict(term_months=6, permitted_uses=("virtual try-on",), media=("the Company's website",), fee_per_use=300.0,
          jurisdiction="ES", approval=True)),
    ("catalogue shoot, 18 months, 2500 dollars quarterly, worldwide",
     dict(term_months=18, permitted_uses=("catalogue",), fee_per_period=2500.0, period="quarter", currency="USD",
          territory="worldwide", jurisdiction="")),
    ("Instagram ads in Denmark for one year, DKK 4000 flat",
     dict(term_months=12, media=("social media",), jurisdiction="DK", fee_per_period=4000.0, currency="DKK",
          period="licence term")),
    ("editorial use only, minor aged 15, Equity, 30-day deletion, New York",
     dict(permitted_uses=("editorial",), minor=True, union="Equity", deletion_days=30, jurisdiction="US-NY")),
    ("e-commerce in the EU and UK, EUR 1.5k per image, 24 months",
     dict(fee_per_use=1500.0, term_months=24, jurisdiction="EU",
          territory="the European Union and the United Kingdom")),
    ("NYC campaign, without approval, 9 months",
     dict(jurisdiction="US-NY", approval=False, term_months=9)),
    ("rider negotiated with SAG-AFTRA for Ana Silva, client Nova Studio, 12 months, Illinois",
     dict(union="SAG-AFTRA", company_name="Nova Studio", model_name="Ana Silva", jurisdiction="US-IL")),
])
def test_parse_request_phrasings(request_text, expected):
    params = parse_request(request_text)
    for name, value in expected.items():
        assert getattr(params, name) == value, (name, getattr(params, name))


def test_unreadable_requests_say_so():
    with pytest.raises(DraftError, match="empty"):
        parse_request("   ")
    with pytest.raises(DraftError, match="Could not read any terms"):
        parse_request("please make it nice")
    with pytest.raises(DraftError, match="the limit is 1,000"):
        parse_request("EUR 500 per use " * 100)
    with pytest.raises(DraftError, match="Could not read any terms"):
        parse_request("1" * 999)                      # long digit runs are read in linear time


@pytest.mark.parametrize("bad, message", [
    (dict(term_months=0), "term"), (dict(deletion_days=0), "deletion"), (dict(fee_per_use=-1), "negative"),
    (dict(term_months="twelve"), "whole number"), (dict(term_months=1.5), "whole number"),
    (dict(start_date="next week"), "YYYY-MM-DD"),
])
def test_bad_params_are_refused(bad, message):
    with pytest.raises(DraftError, match=message):
        RiderParams(**bad)


# --- the rider -----------------------------------------------------------------------------------

BASE = RiderParams(model_name="Jane Doe", company_name="Acme Ltd", permitted_uses=("spring e-commerce",),
                   media=("online shop",), territory="the European Union", fee_per_use=500, currency="EUR")


def by_entry(rider):
    return {c.entry_id: c for c in rider.clauses if c.entry_id}


def test_clauses_are_the_filled_standard_positions(library):
    rider = draft_rider(BASE, library)
    clauses = by_entry(rider)
    assert "cl-no-approval" in clauses and "cl-minor-model" not in clauses and "cl-power-of-attorney" not in clauses
    for entry_id, clause in clauses.items():
        entry = library[entry_id]
        assert clause.position == "Standard position"
        expected, problems = fill(entry.standard.text, values(BASE))
        assert clause.text == expected and not problems
        assert [(c.doc_id, c.section) for c in clause.sources] == list(entry.sources)
        assert len(clause.fallbacks) == len(entry.fallbacks)
    term = clauses["cl-perpetual-term"].text
    assert "Jane Doe" in term and "lasts 12 months" in term and "[TERM MONTHS" not in term
    assert "EUR 500 for each use" in clauses["cl-no-per-use-pay"].text
    assert "[CREATION FEE]" in clauses["cl-no-per-use-pay"].text          # unfilled stays visible
    assert "[CREATION FEE]" in rider.unfilled and any("Still to fill in" in n for n in rider.notes)
    assert "within 30 days" in clauses["cl-no-deletion"].text.replace("Within", "within")
    assert [c.number for c in rider.clauses] == list(range(1, len(rider.clauses) + 1))


def test_longer_term_uses_a_fallback_and_says_so(library):
    rider = draft_rider(RiderParams(term_months=18, fee_per_use=100), library)
    term = by_entry(rider)["cl-perpetual-term"]
    assert term.position == "Fallback 1" and "lasts 18 months" in term.text
    assert any("Fallback 1" in n and "TERM MONTHS is 18" in n for n in rider.notes)
    with pytest.raises(DraftError, match="TERM MONTHS is 48"):
        draft_rider(RiderParams(term_months=48), library)


def test_fee_per_period_uses_the_period_position(library):
    rider = draft_rider(RiderParams(fee_per_period=1200, period="month", currency="USD"), library)
    pay = by_entry(rider)["cl-no-per-use-pay"]
    assert pay.position == "Fallback 1" and "USD 1,200 for each month" in pay.text


def test_fallbacks_keep_their_limits_visible(library):
    rider = draft_rider(BASE, library)
    offered = by_entry(rider)["cl-perpetual-term"].fallbacks
    assert offered[0].startswith("Fallback 1: ") and "[TERM MONTHS, at most 24]" in offered[0]
    assert "What the model gives up:" in offered[0]


def test_no_approval_and_minor_and_agency(library):
    rider = draft_rider(RiderParams(approval=False, minor=True, term_months=24, agency_name="Star Models"), library)
    clauses = by_entry(rider)
    assert "cl-no-approval" not in clauses and any("approve content" in n for n in rider.notes)
    assert "[PARENT OR GUARDIAN NAME]" in clauses["cl-minor-model"].text
    assert "lasts 12 months" in clauses["cl-perpetual-term"].text          # minors get the shorter term
    assert any("cut from 24 to 12 months" in n for n in rider.notes)
    assert "Star Models" in clauses["cl-power-of-attorney"].text


@pytest.mark.parametrize("place, heading, needles, source", [
    ("US-NY", "New York client consent", ("scope and purpose", "rate of pay", "duration", "separate"),
     ("us-ny-fashion-workers-act", "§ 1037")),
    ("US-NY", "Description of uses and representation", ("General Obligations Law § 5-302", "lawyer"),
     ("us-ny-gol-5-302", "§ 5-302(1)(c)")),
    ("US-CA", "Description of uses and representation", ("California Labor Code § 927",),
     ("us-ca-labor-code-927", "§ 927")),
    ("US-IL", "Description of uses and representation", ("Illinois",), ("us-il-hb-4762", "The three-part test")),
    ("EU", "EU AI labelling and data protection", ("Article 50(4)", "artificially generated"),
     ("eu-ai-act", "Article 50(4)")),
])
def test_jurisdiction_additions(library, place, heading, needles, source):
    rider = draft_rider(RiderParams(jurisdiction=place, model_name="Jane Doe"), library)
    added = [c for c in rider.clauses if c.heading == heading]
    assert len(added) == 1 and added[0].entry_id == ""
    assert all(n in added[0].text for n in needles), added[0].text
    assert source in [(c.doc_id, c.section) for c in added[0].sources]
    plain = draft_rider(RiderParams(), library)
    assert not [c for c in plain.clauses if c.heading == heading]


def test_union_named_in_the_representation_clause(library):
    rider = draft_rider(RiderParams(jurisdiction="US-CA", union="SAG-AFTRA"), library)
    clause = next(c for c in rider.clauses if c.heading == "Description of uses and representation")
    assert "by SAG-AFTRA, whose collective agreement expressly covers digital replicas" in clause.text


def test_citations_quote_the_cited_section(library, lookup):
    rider = draft_rider(dataclasses.replace(BASE, jurisdiction="US-NY"), library, lookup)
    texts = {}
    resolved = [c for c in rider.citations if c.quote]
    assert len(resolved) >= 0.9 * len(rider.citations) and len(rider.citations) > 30
    for c in resolved:
        path = next(CORPUS.rglob(f"{c.doc_id}.md"))
        text = texts.setdefault(c.doc_id, load_file(path, root=CORPUS)[0].text)
        assert text[c.start:c.end] == c.quote and c.section and c.title != c.doc_id
    numbers = [c.n for c in rider.citations]
    assert numbers == list(range(1, len(numbers) + 1))         # one number per source across the rider


@pytest.mark.integration
def test_citations_through_a_real_index(tmp_path, indexed):
    """With a TwinGuard, sources become quotes from the indexed passages (fixture corpus)."""
    root = tmp_path / "corpus" / "clause-library"
    shutil.copytree(CORPUS / "clause-library", root)
    entry = root / "cl-bundled-consent.md"
    text = entry.read_text(encoding="utf-8")
    head, body = text.split("\nsources:\n", 1)
    rest = body.split("\nsummary:", 1)[1]
    text = (head + '\nsources:\n  - {doc: test-ny-fwa, section: "§ 1035(10)"}\n  - {doc: test-ai-act, section: '
            '"Article 50(4)"}\nsummary:' + rest)
    text = text.split("## Sources")[0] + ("## Sources\n\n- [[test-ny-fwa#§ 1035(10)]]: separate written consent.\n"
                                          "- [[test-ai-act#Article 50(4)]]: deep fakes must be disclosed.\n")
    entry.write_text(text, encoding="utf-8")
    rider = draft_rider(BASE, load_library(root), indexed)
    cites = by_entry(rider)["cl-bundled-consent"].sources
    assert [(c.doc_id, c.section) for c in cites] == [("test-ny-fwa", "§ 1035(10)"), ("test-ai-act", "Article 50(4)")]
    for c in cites:
        doc = load_file(FIXTURE_CORPUS / f"{c.doc_id}.md")[0]
        assert c.quote and doc.text[c.start:c.end] == c.quote
    assert "separate written consent" in cites[0].quote and "disclose" in cites[1].quote
    # Sources the fixture index does not hold stay as (document, section) references.
    term = by_entry(rider)["cl-perpetual-term"].sources
    assert term and all(c.quote == "" and c.doc_id and c.section for c in term)


def test_missing_library_entry_is_a_clear_error(library):
    partial = {k: v for k, v in library.items() if k != "cl-no-deletion"}
    with pytest.raises(DraftError, match="cl-no-deletion"):
        draft_rider(BASE, partial)


# --- exports -------------------------------------------------------------------------------------

def test_markdown_export(library, lookup):
    rider = draft_rider(BASE, library, lookup)
    md = rider_markdown(rider)
    assert md.startswith("# Digital replica rider — Jane Doe and Acme Ltd")
    assert md.count("\n_Sources: [") == len(rider.clauses)
    assert all(f"## {c.number}. {c.heading}\n\n{c.text}\n" in md for c in rider.clauses)
    assert "If the client pushes back" in md and "## Notes" in md and "not legal advice" in md
    assert "[[" not in md.split("## Sources")[-1]                   # references made readable in quotes
    plain = rider_text(rider)
    assert "Sources" not in plain and "pushes back" not in plain and plain.count("\n") > 2 * len(rider.clauses)


def test_docx_export(library):
    from docx import Document

    rider = draft_rider(BASE, library)
    document = Document(io.BytesIO(rider_docx(rider)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:len(rider.clauses)] == [f"{c.number}. {c.heading}" for c in rider.clauses]
    sources = [p.text for p in document.paragraphs if p.text.startswith("Sources: [")]
    assert len(sources) == len(rider.clauses)
    body = "\n".join(p.text for p in document.paragraphs)
    assert all(c.text in body for c in rider.clauses) and "Jane Doe" in body
    assert "not legal advice" in document.sections[0].footer.paragraphs[0].text
    assert document.paragraphs[0].text == rider.title


# --- the rider passes its own review ------------------------------------------------------------

@pytest.fixture(scope="module")
def reviewer(embedder, tmp_path_factory):
    """The review engine over the real corpus, with the real model (no index: sections from the files)."""
    return TwinGuard(Settings(home=tmp_path_factory.mktemp("reviewer-home"), corpus=CORPUS), embedder=embedder)


@pytest.mark.parametrize("params", [
    parse_request("12-month e-commerce licence, EUR 500 per use, EU"),
    RiderParams(model_name="Jane Doe", company_name="Acme Inc", jurisdiction="US-NY", fee_per_use=1000,
                currency="USD", agency_name="Star Models"),
    RiderParams(jurisdiction="US-CA", minor=True, union="SAG-AFTRA", fee_per_period=800, currency="USD"),
], ids=["eu-request", "ny-agency", "ca-minor"])
@pytest.mark.integration
def test_drafted_rider_passes_review(params, library, reviewer):
    rider = draft_rider(params, library)
    result = reviewer.review(rider_text(rider), jurisdiction=params.jurisdiction or None)
    high = [(f.check_id, f.clause[:120]) for f in result.findings if f.severity == "high"]
    assert not high, high


# --- the command line ----------------------------------------------------------------------------

def cli_app():
    import typer

    from assistant.cli.draft import register

    app = typer.Typer()

    @app.callback()
    def main():
        """TwinGuard (test app)."""

    register(app)
    return app


def run(args, env=None):
    from typer.testing import CliRunner

    return CliRunner().invoke(cli_app(), ["draft", *args], env={"TWINGUARD_CORPUS": str(CORPUS), **(env or {})})


def test_cli_draft_json_from_a_request_with_overrides():
    import json

    result = run(["--request", "12-month e-commerce licence, EUR 500 per use, EU", "--model-name", "Jane Doe",
                  "--set", "CREATION FEE=EUR 1,000", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["title"].startswith("Digital replica rider — Jane Doe")
    texts = {c["entry_id"]: c["text"] for c in data["clauses"]}
    assert "EUR 500 for each use" in texts["cl-no-per-use-pay"] and "EUR 1,000" in texts["cl-no-per-use-pay"]
    assert "lasts 12 months" in texts["cl-perpetual-term"]
    assert any(c["heading"] == "EU AI labelling and data protection" for c in data["clauses"])
    cited = [s for c in data["clauses"] for s in c["sources"]]
    assert cited and all({"n", "doc_id", "section", "quote", "start", "end"} <= set(s) for s in cited)
    assert "[CREATION FEE]" not in data["unfilled"] and "not legal advice" in data["disclaimer"]


def test_cli_draft_writes_docx_and_markdown(tmp_path):
    from docx import Document

    out_docx, out_md = tmp_path / "rider.docx", tmp_path / "rider.md"
    result = run(["-j", "US-NY", "--term-months", "6", "--fee-per-use", "800", "--currency", "usd",
                  "--no-approval", "--docx", str(out_docx), "--markdown", str(out_md)])
    assert result.exit_code == 0, result.output
    md = out_md.read_text(encoding="utf-8")
    assert "New York client consent" in md and "USD 800 for each use" in md and "lasts 6 months" in md
    assert "## 8. Approval" not in md
    document = Document(str(out_docx))
    assert any(p.text.endswith("New York client consent") for p in document.paragraphs)


def test_cli_draft_prints_markdown_by_default():
    result = run(["--model-name", "Jane Doe"])
    assert result.exit_code == 0 and result.stdout.startswith("# Digital replica rider — Jane Doe")


@pytest.mark.parametrize("args, message", [
    (["--term-months", "48"], "TERM MONTHS is 48"),
    (["--request", "make it nice"], "Could not read any terms"),
    (["--set", "NO EQUALS SIGN"], "KEY=VALUE"),
    (["--start-date", "soon"], "YYYY-MM-DD"),
    (["--fee-per-use", "-5"], "negative"),
])
def test_cli_draft_bad_input_is_a_message(args, message):
    result = run(args)
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_cli_draft_bad_corpus_and_unwritable_output(tmp_path):
    result = run(["--corpus", str(tmp_path)])
    assert result.exit_code == 1 and "No clause library" in result.output
    result = run(["--docx", str(tmp_path / "missing" / "rider.docx")])
    assert result.exit_code == 1 and "Cannot write the rider" in result.output


def test_cli_draft_on_the_main_app():
    from typer.testing import CliRunner

    from assistant.cli.app import app

    result = CliRunner().invoke(app, ["draft", "--request", "6 months, EUR 300 per use, EU"],
                                env={"TWINGUARD_CORPUS": str(CORPUS)})
    assert result.exit_code == 0 and "EUR 300 for each use" in result.stdout


def test_jurisdiction_names_are_normalised_or_refused():
    assert RiderParams(jurisdiction="ny").jurisdiction == "US-NY"
    assert RiderParams(jurisdiction="California").jurisdiction == "US-CA"
    assert RiderParams(jurisdiction=" eu ").jurisdiction == "EU"
    with pytest.raises(DraftError, match="Unknown jurisdiction 'Narnia'"):
        RiderParams(jurisdiction="Narnia")


def test_unset_bounded_placeholders_take_the_model_friendly_value():
    assert fill("[NOTICE HOURS, at least 48] hours", {})[0] == "48 hours"
    assert fill("[WITHDRAWAL DAYS, at most 14] days", {})[0] == "14 days"
    assert fill("[TERM MONTHS, suggested 12 to 24, never more than 36]", {})[0] == "12"
    assert fill("[TERM MONTHS, suggested 12 to 24, never more than 36]", {"TERM MONTHS": "40"})[1] == [
        "TERM MONTHS is 40; this position allows at most 36"]
    assert fill("[VENDOR NAME] and [TERM MONTHS, at most 12]", {}, keep_bounded=True)[0] == \
        "[VENDOR NAME] and [TERM MONTHS, at most 12]"


def test_start_date_gives_the_end_date(library):
    rider = draft_rider(RiderParams(start_date="2026-03-01", term_months=12), library)
    term = by_entry(rider)["cl-perpetual-term"].text
    scope = by_entry(rider)["cl-vague-scope"].text
    assert "starts on 2026-03-01" in term and "2026-03-01 to 2027-02-28" in scope
    assert "2028-02-28" in fill("[END DATE]", values(RiderParams(start_date="2024-02-29", term_months=48)))[0]


@pytest.mark.integration
def test_review_control_a_risky_rider_is_flagged(library, reviewer):
    """The self-review can fail: the same rider with its term clause made perpetual gets a high finding."""
    rider = draft_rider(RiderParams(model_name="Jane Doe", jurisdiction="US-NY"), library)
    term = by_entry(rider)["cl-perpetual-term"].text
    risky = rider_text(rider).replace(term, "The Model grants the Company an irrevocable licence in perpetuity to "
                                            "use the Digital Replica of Jane Doe in any media, and the Company may "
                                            "sublicense it to any third party.")
    result = reviewer.review(risky, jurisdiction="US-NY")
    assert {"perpetual-term", "transfer-sublicense"} & {f.check_id for f in result.findings if f.severity == "high"}
