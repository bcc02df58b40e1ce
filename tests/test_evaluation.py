"""The gold-set evaluation: metric functions on synthetic data, the gold set against the corpus text, and
`twinguard eval` on a slice of the gold set over a real index of the built-in corpus (with thresholds)."""

from __future__ import annotations

import json

import pytest
import typer
import yaml
from typer.testing import CliRunner

from assistant.cli.evaluate import default_gold, register
from assistant.config import Settings, builtin_corpus
from assistant.errors import GoldError
from assistant.evaluate.gold import (
    Expected,
    GoldItem,
    check_gold,
    load_gold,
    parse_gold,
    spread,
)
from assistant.evaluate.metrics import (
    best_threshold,
    citation_precision,
    citation_recall,
    fact_recall,
    first_rank,
    percentile,
    reciprocal_rank,
)
from assistant.evaluate.runner import check_thresholds, parse_limit, summarize
from assistant.ingest.corpus_check import load_corpus
from assistant.twinguard import TwinGuard

runner = CliRunner()


# -- metrics on synthetic data -------------------------------------------------------------------

def test_first_rank_by_document_and_by_section():
    ranked = [("faq", "Q1", "FAQ › Q1"), ("law", "§ 2", "Law › § 2"), ("law", "§ 1", "Law › § 1")]
    assert first_rank(ranked, [Expected("law", "§ 1")]) == 2                  # document level
    assert first_rank(ranked, [Expected("law", "§ 1")], sections=True) == 3   # section level
    assert first_rank(ranked, [Expected("other")]) is None
    assert first_rank([("law", "", "Law › § 1 — heading › (a)")], [Expected.parse("law#§ 1 — heading")],
                      sections=True) == 1
    assert reciprocal_rank(2) == 0.5 and reciprocal_rank(None) == 0.0


def test_citation_precision_and_recall():
    assert citation_precision(["a", "b", "faq", "x"], {"a", "b", "faq"}) == 0.75
    assert citation_precision([], {"a"}) is None
    assert citation_recall(["a", "a", "x"], ["a", "b"]) == 0.5
    assert citation_recall(["a", "b"], ["a", "b"]) == 1.0


def test_fact_recall_uses_whole_words_and_alternatives():
    text = "Fines reach **USD 5,000** after 2030; contracts last 3 years."
    assert fact_recall([("USD 5,000",), ("three years", "3 years")], text) == 1.0
    assert fact_recall([("30",)], text) == 0.0          # "30" is not "2030"
    assert fact_recall([("USD 3,000",), ("usd 5,000",)], text) == 0.5
    assert fact_recall([], text) is None


def test_percentile_and_spread():
    assert percentile([10, 20, 30, 40], 0.5) == 25
    assert percentile([5], 0.95) == 5 and percentile([], 0.5) is None
    assert spread(list(range(10)), 3) == [0, 3, 6]
    assert spread([1, 2], 5) == [1, 2]


def test_summarize_counts_refusals_and_ranks():
    items = [GoldItem("a", "q", (Expected("d"),), facts=(("x",),)),
             GoldItem("b", "q", (Expected("d"),), facts=(("x",),)),
             GoldItem("c", "q", expect="decline")]
    base = {"search_ms": 10.0, "answer_ms": 20.0, "has_sections": False, "section_rank": None,
            "source_recall": {1: 1.0, 3: 1.0}}
    records = [dict(base, rank=1, refused=False, correct_refusal=True, citation_precision=1.0,
                    citation_recall=1.0, fact_recall=1.0),
               dict(base, rank=3, refused=True, correct_refusal=False, citation_precision=None,
                    citation_recall=0.0, fact_recall=0.0),
               dict(base, search_ms=30.0, refused=True, correct_refusal=True)]
    s = summarize(items, records, (1, 3))
    assert s["hit@1"] == 0.5 and s["hit@3"] == 1.0 and s["mrr"] == pytest.approx((1 + 1 / 3) / 2)
    assert s["answered_in_scope"] == 0.5 and s["declined_out_of_scope"] == 1.0
    assert s["refusal_accuracy"] == pytest.approx(2 / 3) and s["fact_recall"] == 0.5
    assert s["citation_precision"] == 1.0 and s["search_p50_ms"] == 10.0


def test_thresholds_pass_fail_and_unknown_metric():
    report = {"variants": {"dense": {"mrr": 0.5, "answer_p95_ms": 900.0}, "ask": {"hit@6": 0.9}}}
    assert check_thresholds(report, ["hit@6=0.8", "dense/mrr=0.5"], ["dense/answer_p95_ms=1000"]) == []
    problems = check_thresholds(report, ["hit@6=0.95"], ["dense/answer_p95_ms=500"])
    assert len(problems) == 2 and "below 0.95" in problems[0] and "above 500" in problems[1]
    with pytest.raises(ValueError, match="no figure"):
        check_thresholds(report, ["dense/fact_recall=0.1"])
    with pytest.raises(ValueError, match="metric=value"):
        parse_limit("hit@6>0.8")
    assert parse_limit("hybrid+doc/hit@6=0.8") == ("hybrid+doc", "hit@6", 0.8)


def test_best_threshold_prefers_accuracy_then_current_value():
    sweep = [{"threshold": t, "refusal_accuracy": a} for t, a in ((0.3, 0.9), (0.35, 0.95), (0.4, 0.95))]
    assert best_threshold(sweep, 0.35) == 0.35
    assert best_threshold(sweep, 0.45) == 0.4


def test_bad_gold_files_get_clear_messages(tmp_path):
    with pytest.raises(GoldError, match="needs `sources` and `facts`"):
        parse_gold({"items": [{"id": "a", "question": "q?", "sources": ["d"]}]})
    with pytest.raises(GoldError, match="duplicate id"):
        parse_gold({"items": [{"id": "a", "question": "q", "expect": "decline"}] * 2})
    with pytest.raises(GoldError, match="`items` list"):
        parse_gold(["not", "a", "mapping"])
    broken = tmp_path / "gold.yaml"
    broken.write_text("items: [unclosed", encoding="utf-8")
    with pytest.raises(GoldError, match="cannot read gold file"):
        load_gold(broken)


# -- the gold set itself -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gold():
    return load_gold(default_gold())


@pytest.fixture(scope="module")
def corpus_docs():
    docs, problems = load_corpus(builtin_corpus())
    assert not problems
    return docs


def test_gold_set_size_and_mix(gold):
    items = gold.items
    assert len(items) >= 80
    assert sum(not i.in_scope for i in items) >= 15
    kinds = {i.type for i in items}
    assert {"comparison", "follow-up", "clause", "fact", "out-of-scope"} <= kinds
    assert all(i.context for i in items if i.type == "follow-up")
    assert sum(i.persona == "worried" for i in items) >= 10 and any(i.persona == "union" for i in items)
    assert all(len(i.source_docs) >= 2 for i in items if i.type == "comparison")


def test_gold_set_covers_every_jurisdiction_and_kind(gold, corpus_docs):
    expected = {d for i in gold.items for d in i.source_docs}
    for field in ("jurisdiction", "kind"):
        in_corpus = {doc.meta[field] for doc in corpus_docs.values()}
        covered = {corpus_docs[d].meta[field] for d in expected}
        assert in_corpus - covered == set(), f"gold set misses {field}s {in_corpus - covered}"


def test_every_expected_fact_and_section_is_in_the_corpus_text(gold, corpus_docs):
    texts = {d: doc.text for d, doc in corpus_docs.items()}
    labels = {d: doc.labels for d, doc in corpus_docs.items()}
    assert check_gold(gold, texts, labels) == []
    # The check can fail: a fact the corpus does not contain is reported.
    wrong = parse_gold({"items": [{"id": "x", "question": "q", "sources": ["eu-ai-act#Article 50(4)"],
                                   "facts": ["EUR 99 million"]},
                                  {"id": "y", "question": "q", "sources": ["eu-ai-act#Article 9999"], "facts": ["AI"]}]})
    problems = check_gold(wrong, texts, labels)
    assert any("EUR 99 million" in p for p in problems) and any("Article 9999" in p for p in problems)


# -- `twinguard eval` over a real index of the built-in corpus -----------------------------------

@pytest.fixture(scope="session")
def builtin_home(tmp_path_factory, embedder):
    """The built-in corpus indexed once per test session with the real model and embedded Chroma."""
    home = tmp_path_factory.mktemp("builtin-index")
    report = TwinGuard(Settings(home=home, corpus=builtin_corpus()), embedder=embedder).index()
    assert not report.problems and len(report.added) >= 50
    return home


@pytest.fixture
def cli(builtin_home):
    app = typer.Typer()
    register(app)

    @app.command("noop", hidden=True)
    def _noop():  # a second command keeps typer from collapsing the app into `eval` alone
        pass

    env = {"TWINGUARD_HOME": str(builtin_home), "TWINGUARD_CORPUS": str(builtin_corpus())}
    return lambda *args: runner.invoke(app, list(args), env=env)


@pytest.mark.slow
@pytest.mark.integration
def test_eval_slice_meets_thresholds(cli, tmp_path):
    out = tmp_path / "report.json"
    result = cli("eval", "--limit", "12", "--variants", "dense,assembled,ask", "--report", str(out),
                 "--min", "hit@6=0.6", "--min", "mrr=0.45", "--min", "citation_precision=0.5",
                 "--min", "fact_recall=0.5", "--min", "refusal_accuracy=0.8", "--min", "dense/hit@10=0.6",
                 "--min", "lead_ok=0.6", "--min", "place_precision=0.9", "--max", "ask/answer_p95_ms=20000")
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["items"] == 12 and set(report["variants"]) == {"dense", "assembled", "ask"}
    assert report["variants"]["ask"]["gap_honesty"] == 1.0        # the slice holds uncovered-place items
    assert set(report["splits"]) == {"dev", "heldback"}
    assert report["out_of_scope"] >= 1 and report["threshold_failures"] == []
    assert [row["threshold"] for row in report["sweep"]][0] == 0.25 and "best_threshold" in report
    assert {"retrieval_miss", "refused_in_scope", "answered_out_of_scope", "lead_not_expected",
            "gap_not_said"} <= set(report["failures"])
    assert "hit@6" in result.output and "refusal_accuracy" in result.output


@pytest.mark.slow
@pytest.mark.integration
def test_eval_exits_non_zero_below_a_threshold(cli):
    result = cli("eval", "--limit", "2", "--variants", "dense", "--min", "dense/hit@10=1.01")
    assert result.exit_code == 1
    assert "below threshold" in result.output and "hit@10" in result.output


@pytest.mark.integration
def test_eval_rejects_bad_options_before_running(cli, tmp_path):
    assert cli("eval", "--variants", "dense,magic").exit_code == 2
    assert cli("eval", "--min", "hit@6").exit_code == 2
    missing = cli("eval", "--gold", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 1 and "cannot read gold file" in missing.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"items": [{"id": "a", "question": "q", "sources": ["no-such-doc"],
                                              "facts": ["x"]}]}), encoding="utf-8")
    result = cli("eval", "--gold", str(bad), "--variants", "dense")
    assert result.exit_code == 1 and "no-such-doc" in result.output
