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
