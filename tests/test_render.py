from app_pages.render import escape_markdown, highlight
from assistant.types import Citation


def citation(passage, quote):
    start = passage.index(quote)
    return Citation(1, "d", "T", "s", None, "", quote, 100 + start, 100 + start + len(quote),
                    passage=passage, passage_start=100)


def test_quote_is_marked_and_passage_is_inert():
    html = highlight(citation("## Heading\nSee [x](http://evil) <script>alert(1)</script> and the quote.", "the quote"))
    assert "<mark>the quote</mark>" in html
    assert "<script>" not in html and "](" not in html and "<strong>Heading</strong>" in html


def test_mismatched_offsets_show_plain_passage():
    c = citation("some passage text", "passage")
    broken = Citation(**{**c.__dict__, "start": c.start + 1, "end": c.end + 1})
    assert "<mark>" not in highlight(broken)


def test_escape_markdown():
    assert escape_markdown("![x](http://a) <b>") == "\\!\\[x\\]\\(http://a\\) \\<b\\>"


def test_references_read_as_titles():
    html = highlight(citation("Needs consent [[fwa#§ 1035(10)]] first.", "Needs consent"), {"fwa": "NY FWA"})
    assert "[[" not in html and "NY FWA, § 1035&#40;10&#41;" in html


def test_answer_markdown_keeps_our_tags_and_neutralises_document_markup():
    from app_pages.render import answer_markdown
    from assistant.domain.wording import DISCLAIMER

    text = (f"**New York:** Consent needed [1].\n\nSupporting points:\n- **Spain · a bill, not law:** "
            f"See ![img](http://evil/x.png) and <b>bold</b> [2].\n\n_{DISCLAIMER}_")
    md = answer_markdown(text)
    assert md.startswith("**New York:** Consent needed \\[1\\].")
    assert "- **Spain · a bill, not law:** See \\!\\[img\\]\\(http://evil/x.png\\)" in md
    assert "\\<b\\>" in md and md.endswith(f"_{DISCLAIMER}_")


def test_a_comparison_table_renders_as_a_table_with_its_cells_inert():
    from app_pages.render import answer_markdown

    text = ("| Place | What its sources say | Status |\n|---|---|---|\n"
            "| New York | Consent *must* be [written](javascript:x) \\| separate [1]. | in force |")
    lines = answer_markdown(text).splitlines()
    assert lines[0] == "| Place | What its sources say | Status |" and lines[1] == "|---|---|---|"
    assert lines[2].startswith("| New York | Consent \\*must\\* be \\[written\\]\\(javascript:x\\) \\| separate")
    assert lines[2].endswith(" | in force |")


def test_answering_for_and_checked_on():
    import datetime as dt

    from app_pages.render import answering_for, citation_facts
    from assistant.plan.planner import make_plan

    assert answering_for(make_plan("I work in Milan").to_dict()) == "Answering for: Italy"
    assert answering_for(None) == ""
    law = Citation(n=1, doc_id="d", title="T", section="§ 1", page=None, url="", quote="q", start=0, end=1,
                   status="bill", as_of="2026-11-01", jurisdiction="US", kind="bill", checked="2026-11-01")
    assert citation_facts(law, dt.date(2026, 11, 20)).endswith("checked on 2026-11-01")
    assert citation_facts(law, dt.date(2027, 3, 1)).endswith("checked on 2026-11-01 — re-check overdue")
