"""Contract review: playbook data, negation and carve-outs, defined terms, whole-contract checks,
the three-part tests, citations, the labelled set, and the `review` command."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from assistant.config import Settings, builtin_corpus
from assistant.ingest.corpus_check import load_corpus
from assistant.review.detect import (
    default_playbook,
    detect_checks,
    governing_jurisdiction,
)
from assistant.review.playbook import load_playbook, standard_position
from assistant.twinguard import TwinGuard
from tests.files import image_only_pdf, pdf_bytes

CANONICAL = ["perpetual-term", "vague-scope", "bundled-consent", "no-per-use-pay", "transfer-sublicense",
             "ai-training", "post-mortem", "no-deletion", "no-approval", "no-disclosure", "no-revocation",
             "harmful-uses", "power-of-attorney", "no-representation", "excessive-commission",
             "long-agency-term", "minor-model"]
LABELLED = Path(__file__).parent / "data" / "review_labelled.yaml"

RISKY = """DIGITAL TWIN LICENCE

This agreement is between Acme Fashion Ltd (the "Company") and Jane Doe (the "Model").

1. Definitions

1.1 "Digital Twin" means a digital simulation of the Model's face, body and voice made from body scans.

3. Fees

3.1 The Company pays the Model EUR 2,000 for the shoot day.

7. Licence

7.1 The Company may use the Digital Twin to create new advertisements in all media now known or hereafter devised, in perpetuity.

7.2 The Company may sublicense the Digital Twin to any third party.

9. Law

9.1 This agreement is governed by the laws of the State of New York.
"""

PROTECTIVE = """
10. Protections

10.1 Within 30 days after the licence ends the Company deletes all scans and the Digital Twin.

10.2 The Model may withdraw consent to the Digital Twin at any time by written notice.

10.3 Every image made with the Digital Twin is labelled as AI-generated.

10.4 The Model was represented by her own lawyer, who negotiated these digital replica terms.
"""


@pytest.fixture(scope="module")
def tg(hash_embedder, tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("review-home"), corpus=builtin_corpus())
    return TwinGuard(settings, embedder=hash_embedder)


@pytest.fixture(scope="module")
def corpus_docs():
    docs, problems = load_corpus(builtin_corpus())
    assert not problems, problems
    return docs


# --- the playbook as data ----------------------------------------------------------------------


def test_playbook_has_the_canonical_checks_with_valid_fields():
    playbook = load_playbook()
    assert list(playbook.ids)[:len(CANONICAL)] == CANONICAL
    for check in playbook.checks:
        assert check.severity in ("high", "medium", "low")
        assert check.fix == f"cl-{check.id}"
        assert check.sources and check.why


def test_every_playbook_source_resolves(corpus_docs):
    playbook = load_playbook()
    sources = [(c.id, s) for c in playbook.checks for s in (*c.sources, *c.jurisdictions.values())]
    sources += [("statute", t.source) for t in playbook.statutes]
    for check_id, source in sources:
        assert source.doc in corpus_docs, f"{check_id}: unknown document {source.doc}"
        assert source.section in corpus_docs[source.doc].labels, f"{check_id}: {source.doc}#{source.section}"


def test_every_fix_is_a_clause_library_entry_for_that_check(corpus_docs):
    for check in load_playbook().checks:
        entry = corpus_docs[check.fix]
        assert check.id in entry.meta.get("checks", [])
        assert standard_position((builtin_corpus() / entry.path).read_text(encoding="utf-8"))


def test_malformed_playbook_is_a_clear_error(tmp_path):
    from assistant.errors import PlaybookError

    bad = tmp_path / "playbook.yaml"
    bad.write_text(yaml.safe_dump({"checks": [{"id": "x", "title": "X", "severity": "urgent"}]}))
    with pytest.raises(PlaybookError, match="malformed"):
        load_playbook(bad)


# --- clause-level detection --------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("The Company may sublicense the Digital Twin to its affiliates.", {"transfer-sublicense"}),
    ("The Company shall not sublicense the Digital Twin.", set()),
    ("The Company may not assign the digital replica except with the Model's prior written consent.", set()),
    ("Sublicensing of the Model's digital twin is not permitted.", set()),
    ("The Model may withdraw consent at any time, except that the Company may keep using the "
     "avatar in perpetuity.", {"perpetual-term"}),
    ("The Company shall not:\n(a) sublicense the Digital Twin; or\n(b) use the scans to train AI models.", set()),
    ("The Company may:\n(a) sublicense the Digital Twin; and\n(b) use the scans to train AI models.",
     {"transfer-sublicense", "ai-training"}),
])
def test_negation_and_carve_outs(text, expected):
    assert detect_checks(text) == expected


def test_defined_term_from_section_one_makes_section_seven_a_replica_clause():
    template = ('1. Definitions\n\n1.1 "Materials" means {what}.\n\n7. Licence\n\n'
                '7.1 The Company may sublicense the Materials to any third party.\n')
    assert "transfer-sublicense" in detect_checks(template.format(what="the scans and the Model's likeness"))
    assert detect_checks(template.format(what="the printed brochures and price lists")) == set()


def test_no_replica_contract_is_a_result_not_an_error(tg):
    text = ("1. Supply\n\nThe Supplier delivers the goods within 30 days.\n\n2. Payment\n\nThe Buyer pays "
            "each invoice within 30 days.\n\n3. Law\n\nThis agreement is governed by the laws of England.")
    result = tg.review(text)
    assert result.replica_clauses_found is False
    assert result.findings == ()
    assert result.jurisdiction == "UK"


# --- whole contract ----------------------------------------------------------------------------


def test_risky_contract_findings_offsets_citations_and_order(tg, corpus_docs):
    result = tg.review(RISKY)
    assert result.jurisdiction == "US-NY" and result.jurisdiction_from == "governing-law clause"
    assert result.replica_clauses_found
    ids = [f.check_id for f in result.findings]
    for expected in ("perpetual-term", "vague-scope", "transfer-sublicense", "three-part-test",
                     "no-deletion", "no-revocation", "no-disclosure"):
        assert expected in ids
    ranks = [{"high": 0, "medium": 1, "low": 2}[f.severity] for f in result.findings]
    assert ranks == sorted(ranks)
    texts = {doc.id: doc.text for doc in corpus_docs.values()}
    for f in result.findings:
        assert RISKY[f.start:f.end] == f.clause
        assert f.citations and f.suggestion
        assert "[1]" in f.why
        for c in f.citations:
            assert texts[c.doc_id][c.start:c.end] == c.quote
    sub = next(f for f in result.findings if f.check_id == "transfer-sublicense")
    assert sub.clause.startswith("7.2") and sub.clause_id == "7.2"
    deletion = next(f for f in result.findings if f.check_id == "no-deletion")
    assert deletion.scope == "contract"


def test_protective_clauses_remove_the_missing_and_statutory_findings(tg):
    result = tg.review(RISKY + PROTECTIVE)
    ids = {f.check_id for f in result.findings}
    assert not ids & {"no-deletion", "no-revocation", "no-disclosure", "three-part-test"}
    assert {"perpetual-term", "transfer-sublicense"} <= ids


def test_jurisdiction_from_user_wins_and_california_test_runs(tg):
    result = tg.review(RISKY, "US-CA")
    assert result.jurisdiction == "US-CA" and result.jurisdiction_from == "user"
    test = next(f for f in result.findings if f.check_id == "three-part-test")
    assert "California Labor Code § 927" in test.title
    assert test.citations[0].doc_id == "us-ca-labor-code-927"


def test_governing_law_variants():
    playbook = default_playbook()
    assert governing_jurisdiction(playbook, "construed in accordance with the laws of California.") == "US-CA"
    assert governing_jurisdiction(playbook, "It is governed by the law of England and Wales.") == "UK"
    assert governing_jurisdiction(playbook, "The parties met in New York.") is None


def test_pdf_contract_pages(tg):
    from assistant.ingest.loaders import load_bytes

    doc, _ = load_bytes(pdf_bytes(["1. Fees\n\nThe Company pays EUR 900 for the shoot.",
                                   "2. Licence\n\nThe Company may use the Model's digital twin in perpetuity."]),
                        "c.pdf")
    result = tg.review(doc)
    perpetual = next(f for f in result.findings if f.check_id == "perpetual-term")
    assert perpetual.page == 2 and doc.text[perpetual.start:perpetual.end] == perpetual.clause


# --- quality on the labelled set ---------------------------------------------------------------


@pytest.mark.integration
def test_labelled_set_recall_and_false_positives(embedder):
    items = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))["items"]
    assert len(items) >= 80
    playbook = default_playbook()
    tp = fn = fp = clean = clean_flagged = 0
    for item in items:
        expected, got = set(item["expect"]), detect_checks(item["text"], playbook, embedder)
        tp, fn, fp = tp + len(got & expected), fn + len(expected - got), fp + len(got - expected)
        if not expected:
            clean += 1
            clean_flagged += bool(got)
    recall, precision = tp / (tp + fn), tp / (tp + fp)
    # Measured when written: recall 0.973 (72/74; patterns alone 0.946), precision 0.986,
    # 0 of 51 clean clauses flagged.
    assert recall >= 0.97, recall
    assert precision >= 0.95, precision
    assert clean_flagged / clean <= 0.02, (clean_flagged, clean)


# --- the command -------------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path, monkeypatch, hash_embedder):
    from assistant import twinguard
    from assistant.cli import review as cli_review

    monkeypatch.setenv("TWINGUARD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TWINGUARD_CORPUS", raising=False)
    monkeypatch.delenv("TWINGUARD_RAISE_ERRORS", raising=False)
    monkeypatch.setattr(twinguard, "MiniLMEmbedder", lambda **_: hash_embedder)   # the facade's model: a fake
    app = typer.Typer()

    @app.callback()
    def main():  # a group, so the command is invoked by name as in the real app
        pass

    cli_review.register(app)
    return app


def test_cli_json_shape(cli, tmp_path):
    path = tmp_path / "contract.txt"
    path.write_text(RISKY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["jurisdiction"] == "US-NY" and data["replica_clauses_found"] is True
    keys = {"check_id", "title", "severity", "clause", "start", "end", "page", "why", "citations", "suggestion"}
    for f in data["findings"]:
        assert keys <= set(f)
        assert {"n", "doc_id", "title", "section", "page", "url", "quote", "start", "end"} <= set(f["citations"][0])


def test_cli_pasted_clause_and_markdown(cli):
    result = CliRunner().invoke(cli, ["review", "-", "--markdown"],
                                input="The Company may use the Model's digital twin for any purpose whatsoever.")
    assert result.exit_code == 0, result.output
    assert "Vague scope" in result.stdout and "Suggested wording" in result.stdout
    clean = CliRunner().invoke(cli, ["review", "-"], input="The Buyer pays each invoice within 30 days.")
    assert clean.exit_code == 0 and "No digital-replica clauses found" in clean.stdout


@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"", "empty file"),
    ("scan.pdf", None, "no extractable text"),
    ("locked.pdf", "encrypted", "password-protected"),
])
def test_cli_bad_files_fail_with_one_line(cli, tmp_path, name, data, reason):
    if data is None:
        data = image_only_pdf()
    elif data == "encrypted":
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter()
        for page in PdfReader(io.BytesIO(pdf_bytes(["1. Licence\n\nSecret terms."]))).pages:
            writer.add_page(page)
        writer.encrypt("s3cret")
        buf = io.BytesIO()
        writer.write(buf)
        data = buf.getvalue()
    path = tmp_path / name
    path.write_bytes(data)
    result = CliRunner().invoke(cli, ["review", str(path)])
    assert result.exit_code == 1
    assert reason in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_cli_docx_has_tracked_changes(cli, tmp_path):
    import zipfile

    path, out = tmp_path / "contract.txt", tmp_path / "redline.docx"
    path.write_text(RISKY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", str(path), "--docx", str(out)])
    assert result.exit_code == 0, result.output
    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    assert "<w:ins " in xml and "<w:del " in xml


def test_cli_json_has_the_summary_and_four_outcomes(cli, tmp_path):
    path = tmp_path / "contract.txt"
    path.write_text(RISKY, encoding="utf-8")
    data = json.loads(CliRunner().invoke(cli, ["review", str(path), "--json"]).stdout)
    outcomes = {p["outcome"] for p in data["positions"]}
    assert outcomes <= {"met", "fallback", "unacceptable", "missing", "n/a"} and "unacceptable" in outcomes
    assert data["summary"]["fix_first"] and data["summary"]["read_as"] == data["read_as"]
    assert sum(data["summary"]["counts"].values()) == len(data["positions"])


def test_cli_comments_only_docx_keeps_the_text(cli, tmp_path):
    import zipfile

    path, out = tmp_path / "contract.txt", tmp_path / "comments.docx"
    path.write_text(RISKY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", str(path), "--docx", str(out), "--comments-only"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
        comments = docx.read("word/comments.xml").decode("utf-8")
    assert "<w:ins " not in xml and "<w:del " not in xml and "<w:commentRangeStart" in xml
    assert "Perpetual or open-ended licence" in comments


def test_cli_compare_with_the_template_reports_only_changes(cli, tmp_path):
    from assistant.review.compare import template_contract

    text = template_contract((builtin_corpus() / "templates" / "tpl-digital-replica-rider.md").read_text(encoding="utf-8"))
    edited = "\n".join("6.2 The Client may sublicense the Digital Replica to any third party." if line.startswith("6.2 ")
                       else line for line in text.split("\n"))
    path = tmp_path / "edited.txt"
    path.write_text(edited, encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", str(path), "--compare-with", "template", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [c["after"]["ref"] for c in data["changes"]] == ["6.2"]
    assert data["changes"][0]["judgement"] == "unacceptable" and data["unchanged_clauses"] > 20
    markdown = CliRunner().invoke(cli, ["review", str(path), "--compare-with", "template"]).stdout
    assert "Unacceptable: clause 6.2 changed" in markdown and "~~" in markdown
