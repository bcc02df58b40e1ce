"""Word-level redlines and a DOCX with real tracked changes, checked by reading the XML back."""

import io
import random
import shutil
import subprocess
import zipfile

import pytest
from lxml import etree

from assistant.redline.diff import (
    Edit,
    apply_edits,
    redline_html,
    redline_markdown,
    tokens,
    word_diff,
)
from assistant.redline.tracked import tracked_changes_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CONTRACT = ("DIGITAL REPLICA AGREEMENT\n"
            "1. Grant. The Model grants the Company an irrevocable licence in perpetuity to use the Digital "
            "Replica in any media now known or later devised.\n"
            "2. Fee. The Company pays a one-time fee of EUR 2,000 for all uses.\n"
            "\n"
            "3. Transfer. The Company may sublicense the Digital Replica to any third party.\n"
            "4. Law. This agreement is governed by the laws of New York.")


def rebuild(ops, keep):
    return "".join(text for op, text in ops if op in ("equal", keep))


def test_word_diff_marks_only_changed_words():
    assert word_diff("The licence is perpetual.", "The licence lasts 12 months.") == [
        ("equal", "The licence "), ("delete", "is perpetual"), ("insert", "lasts 12 months"), ("equal", ".")]
    assert word_diff("same text", "same text") == [("equal", "same text")]
    assert word_diff("", "new") == [("insert", "new")] and word_diff("old", "") == [("delete", "old")]


def test_small_common_words_do_not_chop_the_redline():
    ops = word_diff("The licence is perpetual and irrevocable.", "The licence lasts 12 months and then ends.")
    assert ops == [("equal", "The licence "), ("delete", "is perpetual and irrevocable"),
                   ("insert", "lasts 12 months and then ends"), ("equal", ".")]


def test_word_diff_rebuilds_both_texts_on_random_edits():
    rng = random.Random(4)
    words = "the model may use a digital replica for twelve months , fee EUR 500 per use \n".split(" ")
    for _ in range(300):
        old = " ".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        new_tokens = tokens(old)
        for _ in range(rng.randint(0, 6)):
            i = rng.randint(0, len(new_tokens))
            if rng.random() < 0.5 and new_tokens[i:]:
                del new_tokens[i]
            else:
                new_tokens.insert(i, rng.choice(words + [" ", "\n"]))
        new = "".join(new_tokens)
        ops = word_diff(old, new)
        assert rebuild(ops, "delete") == old and rebuild(ops, "insert") == new
        assert all(text for _, text in ops)
        assert all(not (a == "equal" and b == "equal") for (a, _), (b, _) in zip(ops, ops[1:]))


def test_tokens_keep_every_character():
    text = "Art. 7.6 — the Model’s fee: EUR 1,500.50 (per use)\n\tend"
    assert "".join(tokens(text)) == text
    assert "Model’s" in tokens(text) and "\n" in tokens(text)


def test_markdown_and_html_redlines():
    md = redline_markdown("Fees: *all* uses included.", "Fees: EUR 500 per use.")
    assert md == "Fees: ~~\\*all\\* uses included~~**EUR 500 per use**."
    html = redline_html("Use <any> media", "Use <print> media & web")
    assert html == "Use &lt;<del>any</del><ins>print</ins>&gt; media<ins> &amp; web</ins>"
    across = redline_markdown("one two\nthree", "one\nthree")
    assert "~~" not in across.split("\n")[1] and across.startswith("one")


# --- DOCX -------------------------------------------------------------------------------------

def paragraphs(data: bytes):
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    return root.find(f"{W}body").findall(f"{W}p")


def view(data: bytes, accept: bool) -> str:
    """The document text after accepting (or rejecting) every tracked change, title paragraph left out."""
    out: list[str] = []
    joined = False
    for p in paragraphs(data)[1:]:
        text = ""
        for node in p.iter(f"{W}t", f"{W}delText"):
            inside = {a.tag for a in node.iterancestors()}
            if accept and node.tag == f"{W}t" and f"{W}del" not in inside:
                text += node.text or ""
            if not accept and (node.tag == f"{W}delText" or f"{W}ins" not in inside):
                text += node.text or ""
        mark = p.find(f"{W}pPr/{W}rPr")
        gone = mark is not None and mark.find(f"{W}{'del' if accept else 'ins'}") is not None
        if joined:
            out[-1] += text
        else:
            out.append(text)
        joined = gone
    return "\n".join(out)


def clause(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, text.index("\n", start) if "\n" in text[start:] else len(text)


EDITS = [
    Edit(*clause(CONTRACT, "1. Grant."), "1. Grant. The Model grants the Company a licence for 12 months to use "
         "the Digital Replica in the media listed in the Schedule.", comment="Perpetual licence: ask for 12 months."),
    Edit(*clause(CONTRACT, "2. Fee."), "2. Fee. The Company pays EUR 500 for each use.\n"
         "2A. Reports. The Company reports every use each quarter."),
    Edit(CONTRACT.index("3. Transfer."), CONTRACT.index("4. Law."), ""),
]


@pytest.fixture(scope="module")
def docx():
    return tracked_changes_docx(CONTRACT, EDITS, "Contract review — suggested changes")


def test_accepting_gives_the_edited_text_and_rejecting_the_original(docx):
    assert view(docx, accept=True) == apply_edits(CONTRACT, EDITS)
    assert view(docx, accept=False) == CONTRACT


def test_revisions_are_word_level_with_ids_authors_and_dates(docx):
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    inserted = ["".join(t.text for t in ins.iter(f"{W}t")) for ins in root.iter(f"{W}ins")]
    deleted = ["".join(t.text for t in d.iter(f"{W}delText")) for d in root.iter(f"{W}del")]
    assert {"an irrevocable", "in perpetuity", "now known or later devised"} <= set(deleted)
    assert {"for 12 months", "listed in the Schedule"} <= set(inserted)
    assert "2A. Reports. The Company reports every use each quarter" in inserted      # its "." is the old one
    assert "3. Transfer. The Company may sublicense the Digital Replica to any third party." in deleted
    assert "The Model grants the Company" not in "".join(deleted + inserted)      # unchanged words stay plain
    revisions = list(root.iter(f"{W}ins", f"{W}del"))
    ids = [r.get(f"{W}id") for r in revisions]
    assert len(ids) == len(set(ids)) and all(ids)
    assert {r.get(f"{W}author") for r in revisions} == {"TwinGuard"}
    assert all(r.get(f"{W}date", "").endswith("Z") for r in revisions)
    assert not any(list(d.iter(f"{W}t")) for d in root.iter(f"{W}del"))       # deleted runs use w:delText
    # Untouched paragraphs carry no revision at all.
    law = [p for p in paragraphs(docx) if "".join(t.text for t in p.iter(f"{W}t")).startswith("4. Law.")]
    assert law and not list(law[0].iter(f"{W}ins", f"{W}del"))


def test_paragraphs_stay_paragraphs(docx):
    from docx import Document

    document = Document(io.BytesIO(docx))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Contract review — suggested changes" and document.paragraphs[0].style.name == "Title"
    assert "DIGITAL REPLICA AGREEMENT" in texts
    assert "4. Law. This agreement is governed by the laws of New York." in texts
    assert len(paragraphs(docx)) == 1 + CONTRACT.count("\n") + 1 + 1   # title, lines, one inserted paragraph
    # The inserted clause 2A is a paragraph of its own, its mark tracked as inserted.
    marks = [p for p in paragraphs(docx) if p.find(f"{W}pPr/{W}rPr/{W}ins") is not None]
    assert len(marks) == 1


def test_comment_is_anchored_on_the_edit(docx):
    archive = zipfile.ZipFile(io.BytesIO(docx))
    comments = etree.fromstring(archive.read("word/comments.xml"))
    assert "Perpetual licence: ask for 12 months." in "".join(comments.itertext())
    body = etree.fromstring(archive.read("word/document.xml"))
    start = next(body.iter(f"{W}commentRangeStart"))
    assert start.getnext().tag in (f"{W}del", f"{W}ins")
    assert len(list(body.iter(f"{W}commentReference"))) == 1


def test_one_word_change_is_one_revision_pair():
    text = "The Company may use the replica in any media."
    data = tracked_changes_docx(text, [Edit(0, len(text), "The Company may use the replica in print media.")], "T")
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    assert ["".join(d.itertext()) for d in root.iter(f"{W}del")] == ["any"]
    assert ["".join(i.itertext()) for i in root.iter(f"{W}ins")] == ["print"]
    assert view(data, accept=True) == "The Company may use the replica in print media."


def test_text_with_leading_spaces_and_symbols_survives():
    text = "  (a) Fee: EUR 500 & 10% <net>.\n(b) Term: 12 months."
    edits = [Edit(text.index("12"), text.index("12") + 2, "6")]
    data = tracked_changes_docx(text, edits, "Symbols")
    assert view(data, accept=False) == text and view(data, accept=True) == apply_edits(text, edits)


def test_bad_edits_are_refused_with_a_message():
    with pytest.raises(ValueError, match="overlap"):
        tracked_changes_docx("abcdef", [Edit(0, 4, "x"), Edit(2, 5, "y")], "T")
    with pytest.raises(ValueError, match="outside the text"):
        apply_edits("abc", [Edit(2, 9, "x")])
    assert apply_edits("abc", []) == "abc"
    assert view(tracked_changes_docx("abc", [], "T"), accept=True) == "abc"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_tracked_changes(tmp_path, docx):
    source = tmp_path / "redline.docx"
    source.write_bytes(docx)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, timeout=120, capture_output=True)
    assert (tmp_path / "redline.pdf").stat().st_size > 1000


def test_characters_xml_cannot_hold_become_spaces():
    text = "Page one\x0cPage two: the licence is perpetual."
    edits = [Edit(text.index("perpetual"), text.index("perpetual") + 9, "for 12 months")]
    data = tracked_changes_docx(text, edits, "Form feed")
    assert view(data, accept=True) == apply_edits(text, edits).replace("\x0c", " ")
    assert view(data, accept=False) == text.replace("\x0c", " ")


def test_long_contract_keeps_every_paragraph():
    text = "\n".join(f"{i}. The Company may use the Model's likeness as stated in Schedule {i}." for i in range(3000))
    start = text.index("1500. The")
    edits = [Edit(start, text.index("\n", start), "1500. The Company may use the likeness in print only.")]
    data = tracked_changes_docx(text, edits, "Long")
    assert len(paragraphs(data)) == 3001
    assert view(data, accept=True) == apply_edits(text, edits) and view(data, accept=False) == text


def test_long_texts_diff_fast_and_line_by_line():
    old = "\n".join(f"{i}. The Company may use the likeness of the Model in any media, clause {i}."
                    for i in range(5000))
    new = old.replace("2500. The Company may use", "2500. The Company may not use")
    ops = word_diff(old, new)
    assert [o for o in ops if o[0] != "equal"] == [("insert", "not ")]
    every = word_diff("\n".join(["the model may use it"] * 500), "\n".join(["a model may use it"] * 500))
    assert [text for op, text in every if op == "delete"] == ["the"] * 500
