"""The one jurisdictions table: every place fact lives there, and the tables derived from it agree with
the corpus and with what questions, requests and contracts say."""

import re
from pathlib import Path

import pytest

from assistant.domain import jurisdictions as J
from assistant.ingest.corpus_check import load_corpus

ROOT = Path(__file__).resolve().parent.parent


def test_codes_are_unique_and_parents_known():
    codes = [j.code for j in J.TABLE]
    assert len(codes) == len(set(codes))
    for j in J.TABLE:
        assert not j.parent or j.parent in J.BY_CODE, j.code


def test_every_corpus_document_is_from_a_covered_place_and_every_covered_place_has_documents():
    docs, problems = load_corpus(ROOT / "corpus")
    assert not problems
    used = {d.meta["jurisdiction"] for d in docs.values()}
    assert used <= set(J.CODES)
    assert set(J.CODES) <= used, "a covered place with no document: set covered=False or add its documents"


@pytest.mark.parametrize("code, expected", [
    ("US-NY", ("US-NY", "US", "INTL")),
    ("US", ("US", "US-NY", "US-CA", "US-TN", "US-IL", "INTL")),
    ("ES", ("ES", "EU", "INTL")),
    ("EU", ("EU", "ES", "DK", "IT", "FR", "INTL")),
    ("UK", ("UK", "INTL")),
    ("INTL", ("INTL",)),
    ("DE", ("DE", "EU", "INTL")),          # not covered yet: EU law and general guidance still apply
    ("CAN", ("CAN", "INTL")),              # not covered and nothing above it: general guidance only
    ("US-TX", ("US-TX", "US", "INTL")),    # an uncovered state: US federal law applies
    ("all", ()),
    (None, ()),
])
def test_scope_is_the_place_the_law_above_it_the_places_below_it_and_guidance(code, expected):
    assert J.scope(code) == expected


@pytest.mark.parametrize("text, code", [
    ("Is this legal in California?", "US-CA"),
    ("a casting in Paris", "FR"),
    ("a casting in Berlin", "EU"),                   # Germany is not covered: EU law is what applies
    ("I work in Milan", "IT"),
    ("my agency in Toronto", None),                  # Canada is not covered and has no covered parent
    ("tell us more", None),                          # "us" the pronoun is not the United States
    ("is it legal in the US", "US"),
    ("New York vs California", None),                # two places: no single filter
    ("shoot in Brooklyn next week", "US-NY"),
    ("Spanish law on my image", "ES"),
    ("a Korean brand", "KR"),
])
def test_place_in_finds_the_covered_place_a_question_is_about(text, code):
    assert J.place_in(text) == code


def test_places_in_keeps_uncovered_places_so_an_answer_can_say_so():
    assert J.places_in("I live in Mumbai and shoot in Berlin, then Toronto") == ["IN", "DE", "CAN"]
    assert J.get("IN").covered and not J.get("DE").covered and J.get("DE").parent == "EU"
    assert J.places_in("a shoot in New Mexico") == ["US-NM"]     # not Mexico


@pytest.mark.parametrize("typed, code", [("ny", "US-NY"), ("New York", "US-NY"), (" eu ", "EU"), ("GB", "UK"),
                                         ("California", "US-CA"), ("none", ""), ("all", ""), ("France", "FR"), ("Germany", "DE"),
                                         ("Narnia", None)])
def test_resolve_reads_codes_names_and_abbreviations(typed, code):
    assert J.resolve(typed) == code


def test_selector_lists_every_covered_place_once():
    choices = J.selector_choices()
    assert list(choices)[0] == "All places" and choices["All places"] == "all"
    codes = [c for label, c in choices.items() if label != "All places"]
    assert sorted(codes) == sorted(c for c in J.CODES if c != J.NEUTRAL)
    assert choices["United Kingdom"] == "UK" and choices["US (federal)"] == "US"


def test_governing_law_and_deal_request_patterns():
    def governing(place):
        return next((code for pattern, code in J.governing_law_patterns() if pattern.search(place)), None)

    assert governing("England and Wales") == "UK" and governing("the State of New York") == "US-NY"
    assert governing("the People's Republic of China") == "CN" and governing("France") == "FR"
    assert governing("Germany") is None
    found = [code for pattern, code, _ in J.territory_patterns() if pattern.search("campaign in New York and Spain")]
    assert found == ["ES", "US-NY"]


def test_names_and_coverage_sentence():
    assert J.place_name("US") == "US (federal)" and J.place_name("INTL") == "" and J.place_name("DE") == ""
    assert J.named("FR") == "France" and J.named("XX") == "XX"
    sentence = J.coverage_list()
    for j in J.TABLE:
        if j.covered and not j.neutral:
            assert (j.coverage or j.name) in sentence
    assert J.within("ES", "EU") and J.within("US-NY", "US") and not J.within("UK", "EU") and not J.within("", "EU")


#: Tables keyed by place that hold facts about laws, not about places.
LAW_TABLES = {"assistant/draft/assemble.py"}      # TEST_LAW: the statute a rider cites for NY, CA and IL
CODE_LITERAL = re.compile(r"[\"'](?:" + "|".join(re.escape(c) for c in J.BY_CODE) + r")[\"']")


def test_no_other_module_keeps_a_table_of_places():
    """Every jurisdiction fact in one place: no other module lists three or more place codes."""
    offenders = {}
    for path in list((ROOT / "assistant").rglob("*.py")) + list((ROOT / "app_pages").rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        if path.name == "jurisdictions.py" or rel in LAW_TABLES:
            continue
        codes = set(CODE_LITERAL.findall(path.read_text(encoding="utf-8")))
        if len(codes) >= 3:
            offenders[rel] = sorted(codes)
    assert not offenders, offenders
