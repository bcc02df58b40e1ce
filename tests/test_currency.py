"""Currency of the corpus: re-check intervals, overdue, "status may have changed", `twinguard corpus status`
and the validator's rules for `checked` and official links. Every date is fixed (never the system date)."""

import json
from dataclasses import asdict
from datetime import date

import pytest
from typer.testing import CliRunner

from assistant.answer.citations import make_citation
from assistant.cli.app import app
from assistant.domain import currency
from assistant.domain.currency import (
    change_reasons,
    interval_days,
    next_check,
    overdue,
    status_report,
)
from assistant.domain.schema import KINDS, validate_meta
from assistant.index.library import SourceRow
from assistant.ingest.corpus_check import validate
from assistant.ingest.loaders import load_bytes
from assistant.text.sentences import Sentence
from assistant.types import Chunk, Hit

TODAY = date(2026, 11, 29)
runner = CliRunner()


def meta(**fields):
    base = {"id": "doc", "kind": "law", "status": "in-force", "as_of": date(2026, 1, 10),
            "checked": date(2026, 6, 1)}
    return {**base, **fields}


# -- intervals and due dates ------------------------------------------------------------------------

@pytest.mark.parametrize("kind,status,days", [
    ("bill", "bill", 30),
    ("draft", "draft", 30),
    ("law", "adopted-not-yet-applicable", 60),
    ("regulation", "adopted-not-yet-applicable", 60),
    ("law", "in-force", 180),
    ("regulation", "in-force", 180),
    ("guidance", "guidance", 120),
    ("company-statement", "statement", 120),
    ("faq", "guidance", 90),
    ("template", "guidance", 180),
    ("clause-library", "guidance", 180),
    ("other", "", 365),
])
def test_interval_by_kind_and_status(kind, status, days):
    assert interval_days({"kind": kind, "status": status}) == days


def test_every_kind_has_an_interval_and_pending_texts_the_shortest():
    assert set(currency.BY_KIND) == set(KINDS)
    assert interval_days({"kind": "bill"}) < interval_days({"kind": "law", "status": "adopted-not-yet-applicable"}) \
        < interval_days({"kind": "law", "status": "in-force"})


def test_next_check_counts_from_checked_then_as_of():
    assert next_check(meta()) == date(2026, 11, 28)                     # 2026-06-01 + 180 days
    assert next_check(meta(checked=None)) == date(2026, 7, 9)           # no check recorded: as_of + 180
    assert next_check(meta(checked="2026-06-01", as_of="2026-01-10")) == date(2026, 11, 28)   # flat strings
    assert next_check({"kind": "other"}) is None


def test_overdue_is_strictly_after_the_due_date():
    assert not overdue(meta(), date(2026, 11, 28))        # due that day, not yet overdue
    assert overdue(meta(), TODAY)
    assert not overdue(meta(checked=date(2026, 11, 1)), TODAY)
    assert not overdue({"kind": "other", "title": "an upload"}, TODAY)   # nothing to count from


# -- status may have changed ---------------------------------------------------------------------------

def test_planned_step_that_has_passed_flags_a_bill():
    bill = meta(kind="bill", status="bill", as_of=date(2026, 11, 1), checked=date(2026, 11, 1),
                dates={"introduced": date(2026, 2, 1), "planned_entry_into_force": date(2026, 11, 20)})
    reasons = change_reasons(bill, TODAY)
    assert reasons == ["planned_entry_into_force 2026-11-20 has passed (after as_of 2026-11-01)"]
    assert change_reasons(bill, date(2026, 11, 20)) == []            # not before the day itself has passed


def test_planned_label_counts_even_before_as_of():
    bill = meta(kind="bill", status="bill", as_of=date(2026, 11, 10),
                dates={"consultation_deadline": date(2026, 10, 1)})
    assert change_reasons(bill, TODAY) == ["consultation_deadline 2026-10-01 has passed"]


def test_old_as_of_flags_a_bill_but_not_a_law():
    assert change_reasons(meta(kind="bill", status="bill", as_of=date(2026, 10, 30)), TODAY) == []   # 30 days
    assert change_reasons(meta(kind="bill", status="bill", as_of=date(2026, 10, 29)), TODAY) == [
        "as_of 2026-10-29 is more than 30 days old"]
    assert change_reasons(meta(kind="draft", status="draft", as_of="2026-01-13"), TODAY) == [
        "as_of 2026-01-13 is more than 30 days old"]
    assert change_reasons(meta(as_of=date(2020, 1, 1), dates={"signed": date(2019, 5, 5)}), TODAY) == []


def test_a_dated_step_after_as_of_flags_any_kind():
    law = meta(status="adopted-not-yet-applicable", as_of=date(2026, 11, 28),
               dates={"published": date(2024, 7, 12), "applies": date(2026, 12, 2)})
    assert change_reasons(law, TODAY) == []
    assert change_reasons(law, date(2026, 12, 3)) == ["applies 2026-12-02 has passed (after as_of 2026-11-28)"]


def test_flattened_dates_of_the_index_are_read():
    flat = {"kind": "bill", "status": "bill", "as_of": "2026-11-01",
            "dates": "introduced: 2026-02-01; planned_vote: 2026-11-15"}
    assert change_reasons(flat, TODAY) == ["planned_vote 2026-11-15 has passed (after as_of 2026-11-01)"]


def test_status_report_rows_most_overdue_first():
    docs = [
        meta(id="fresh-law", checked=date(2026, 11, 1), source_url="https://example.org/law"),
        meta(id="old-law", checked=date(2026, 1, 1), source_url="https://example.org/old"),
        meta(id="slow-bill", kind="bill", status="bill", as_of=date(2026, 11, 25), checked=date(2026, 10, 1),
             source_note="No official address yet."),
        meta(id="moved-bill", kind="bill", status="bill", as_of=date(2026, 3, 1), checked=date(2026, 11, 20),
             dates={"planned_entry_into_force": date(2026, 6, 1)}),
        {"id": "upload", "kind": "other"},
    ]
    rows = status_report(docs, TODAY)
    assert [r.doc_id for r in rows] == ["old-law", "slow-bill", "moved-bill", "fresh-law", "upload"]
    old, slow, moved, fresh, upload = rows
    assert (old.due, old.days_overdue, old.is_due, old.source_url) == (date(2026, 6, 30), 152, True,
                                                                       "https://example.org/old")
    assert (slow.due, slow.days_overdue, slow.may_have_changed) == (date(2026, 10, 31), 29, False)
    assert slow.source_note == "No official address yet."
    assert moved.may_have_changed and not moved.is_due and moved.needs_attention
    assert moved.reasons == ("planned_entry_into_force 2026-06-01 has passed (after as_of 2026-03-01)",
                             "as_of 2026-03-01 is more than 30 days old")
    assert not fresh.needs_attention and fresh.days_overdue == -152
    assert upload.due is None and upload.checked is None and not upload.needs_attention
    data = old.to_dict()
    assert data["checked"] == "2026-01-01" and data["due"] == "2026-06-30" and json.dumps(data)


# -- `checked` reaches the index metadata and what the web app shows ------------------------------------

DOC = """---
id: flow
kind: bill
status: bill
as_of: 2026-01-10
checked: 2026-06-01
source_url: https://example.org/bill
---
# A bill

## Section 1 — scope

This bill is not law.
""".encode()


def test_checked_flows_to_metadata_citations_and_sources():
    doc, _ = load_bytes(DOC, "flow.md")
    assert doc.meta["checked"] == "2026-06-01" and doc.meta["as_of"] == "2026-01-10"
    assert overdue(doc.meta, TODAY)                                   # the flat string metadata works
    chunk = Chunk("c1", "flow", doc.text, 0, len(doc.text), label="Section 1")
    citation = make_citation(1, Hit(chunk, 1.0, meta=doc.meta), Sentence("This bill is not law.", 0, 10))
    assert citation.checked == "2026-06-01" and citation.to_dict()["checked"] == "2026-06-01"
    assert overdue(citation.to_dict(), TODAY) and not overdue(citation.to_dict(), date(2026, 7, 1))
    row = SourceRow("flow", "A bill", "bill", "EU", "bill", "2026-01-10", "", "flow.md", 1, False, "2026-06-01")
    assert overdue(asdict(row), TODAY)


# -- the validator ------------------------------------------------------------------------------------------

FRONT = {"id": "doc-a", "title": "T", "short_title": "T", "kind": "law", "jurisdiction": "EU", "status": "in-force",
         "as_of": date(2026, 11, 1), "checked": date(2026, 11, 28), "verification": "official",
         "source_url": "https://example.org/a"}


def test_validate_meta_accepts_a_complete_document():
    assert validate_meta(FRONT, today=TODAY) == []


@pytest.mark.parametrize("change,problem", [
    ({"checked": None}, "missing field 'checked'"),
    ({"checked": "29/11/2026"}, "checked '29/11/2026' is not an ISO date"),
    ({"checked": date(2026, 11, 30)}, "checked 2026-11-30 is in the future (today is 2026-11-29)"),
    ({"source_url": None}, "a law needs source_url (its official address) or source_note"),
    ({"source_url": None, "kind": "bill", "status": "bill"}, "a bill needs source_url"),
    ({"source_url": None, "source_note": ""}, "source_note must be a sentence"),
])
def test_validate_meta_problems(change, problem):
    problems = validate_meta({**FRONT, **change}, today=TODAY)
    assert any(problem in p for p in problems), problems


def test_source_note_replaces_the_url_and_guidance_needs_neither():
    assert validate_meta({**FRONT, "source_url": None, "source_note": "Not published online."}, today=TODAY) == []
    assert validate_meta({**FRONT, "source_url": None, "kind": "guidance", "status": "guidance"}, today=TODAY) == []


def test_uploads_are_not_held_to_corpus_rules():
    upload = {"title": "My contract", "kind": "law", "checked": "2026-11-01"}
    assert validate_meta(upload, strict=False, today=TODAY) == []
    assert validate_meta({"checked": "2026-12-25"}, strict=False, today=TODAY) == [
        "checked 2026-12-25 is in the future (today is 2026-11-29)"]


CORPUS_DOC = """---
id: {id}
title: T
short_title: T
kind: {kind}
jurisdiction: EU
status: {status}
as_of: {as_of}
{extra}verification: official
---
# T

## Article 1 — scope

Text.
"""


def write(folder, doc_id, kind="law", status="in-force", as_of="2026-11-01", extra=""):
    (folder / f"{doc_id}.md").write_text(CORPUS_DOC.format(id=doc_id, kind=kind, status=status, as_of=as_of,
                                                           extra=extra), encoding="utf-8")


def test_validator_on_a_small_corpus(tmp_path):
    write(tmp_path, "good", extra="checked: 2026-11-28\nsource_url: https://example.org/good\n")
    write(tmp_path, "no-check", extra="source_url: https://example.org/x\n")
    write(tmp_path, "future", extra="checked: 2026-12-01\nsource_url: https://example.org/y\n")
    write(tmp_path, "no-link", kind="bill", status="bill", extra="checked: 2026-11-28\n")
    write(tmp_path, "noted", kind="draft", status="draft",
          extra="checked: 2026-11-28\nsource_note: \"No official text is published yet.\"\n")
    problems = validate(tmp_path, today=TODAY)
    assert sorted(problems) == sorted([
        "future.md: checked 2026-12-01 is in the future (today is 2026-11-29)",
        "no-check.md: missing field 'checked'",
        "no-link.md: a bill needs source_url (its official address) or source_note (why there is none)",
    ])
    assert validate(tmp_path, today=date(2026, 12, 1)) != problems     # the future check follows `today`


# -- twinguard corpus status -----------------------------------------------------------------------------------

@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    write(root, "settled-law", as_of="2025-01-01",
          extra="checked: 2026-11-01\nsource_url: https://example.org/settled\n")
    write(root, "stale-law", as_of="2025-01-01", extra="checked: 2026-01-01\nsource_url: https://example.org/stale\n")
    write(root, "moving-bill", kind="bill", status="bill", as_of="2026-03-01",
          extra="checked: 2026-11-20\ndates: {planned_entry_into_force: 2026-06-01}\n"
                "source_url: https://example.org/bill\n")
    write(root, "unchecked-draft", kind="draft", status="draft", as_of="2026-10-01",
          extra="source_note: \"Only news reports so far.\"\n")
    return root


def test_cli_status_lists_what_needs_attention_most_overdue_first(corpus):
    result = runner.invoke(app, ["corpus", "status", str(corpus), "--today", "2026-11-29"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("stale-law") < out.index("unchecked-draft") < out.index("moving-bill")
    assert "settled-law" not in out
    assert "overdue by 152 days" in out and "https://example.org/stale" in out
    assert "(no official address: Only news reports so far.)" in out
    assert "status may have changed: planned_entry_into_force 2026-06-01 has passed" in out
    assert ("4 documents as of 2026-11-29: 2 due for a re-check (2 overdue), 2 whose status may have changed, "
            "1 without a 'checked' date (as_of used).") in out


def test_cli_status_json_and_all(corpus):
    result = runner.invoke(app, ["corpus", "status", str(corpus), "--today", "2026-11-29", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["today"] == "2026-11-29" and report["documents"] == 4 and report["due"] == 2
    assert [r["doc_id"] for r in report["rows"]] == ["stale-law", "unchecked-draft", "moving-bill"]
    assert report["rows"][0] == {
        "doc_id": "stale-law", "title": "T", "kind": "law", "status": "in-force", "checked": "2026-01-01",
        "due": "2026-06-30", "days_overdue": 152, "is_due": True, "may_have_changed": False, "reasons": [],
        "source_url": "https://example.org/stale", "source_note": ""}
    everything = json.loads(runner.invoke(app, ["corpus", "status", str(corpus), "--today", "2026-11-29",
                                                "--json", "--all"]).stdout)
    assert len(everything["rows"]) == 4 and everything["rows"][-1]["doc_id"] == "settled-law"


def test_cli_status_never_fails_as_time_passes(corpus):
    for day in ("2026-11-29", "2030-01-01", "2099-12-31"):
        result = runner.invoke(app, ["corpus", "status", str(corpus), "--today", day])
        assert result.exit_code == 0, result.output


def test_cli_status_bad_input_is_a_message(corpus, tmp_path):
    result = runner.invoke(app, ["corpus", "status", str(corpus), "--today", "29/11/2026"])
    assert result.exit_code == 1 and "--today '29/11/2026' is not a date (YYYY-MM-DD)" in result.stderr
    result = runner.invoke(app, ["corpus", "status", str(tmp_path / "missing"), "--today", "2026-11-29"])
    assert result.exit_code == 1 and "no such corpus folder" in result.stderr
