"""A DOCX with real tracked changes (w:ins / w:del revisions Word and LibreOffice can accept or reject one
by one), written with python-docx from a text and the edits proposed for it.

    data = tracked_changes_docx(contract_text, [Edit(start, end, safer_clause, comment="why")], "Contract")

Each edit is diffed word by word (`diff.edited_pieces`), so only the changed words are marked. Newlines
separate paragraphs: they become paragraph marks, and a deleted or inserted newline is a tracked
paragraph-mark change. An edit with a `comment` gets a Word comment anchored on its changes; an edit that
keeps its text (`new_text == text[start:end]`) is a comment only, anchored on the text it explains.
`preface` paragraphs (a review's summary) go between the title and the contract.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
from typing import Sequence

from assistant.redline.diff import Edit, checked_edits, edited_pieces

XML_NS = "http://www.w3.org/XML/1998/namespace"
NOT_XML_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")   # no XML 1.0 form; a space in Word


class _Revisions:
    """Makes w:ins / w:del elements with unique ids, one author and one date."""

    def __init__(self, author: str, date: str):
        self.author, self.date, self.next_id = author, date, 100

    def mark(self, tag: str):
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self.next_id))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        self.next_id += 1
        return element


def _run(text: str, deleted: bool):
    from docx.oxml import OxmlElement

    run = OxmlElement("w:r")
    body = OxmlElement("w:delText" if deleted else "w:t")
    body.set(f"{{{XML_NS}}}space", "preserve")
    body.text = NOT_XML_RE.sub(" ", text)
    run.append(body)
    return run


def _paragraph_maker(document):
    """Makes empty body paragraphs at the end (python-docx's add_paragraph is quadratic in long documents)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    body = document.element.body
    tail = body.find(qn("w:sectPr"))

    def make():
        element = OxmlElement("w:p")
        if tail is None:
            body.append(element)
        else:
            tail.addprevious(element)
        return Paragraph(element, document._body)

    return make


def _mark_paragraph(paragraph, revision) -> None:
    """Track the paragraph's own mark as inserted or deleted (how Word records split/joined paragraphs)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.append(rpr)
    rpr.append(revision)


def tracked_changes_docx(text: str, edits: Sequence[Edit], title: str, author: str = "TwinGuard",
                         date: _dt.datetime | None = None, preface: Sequence[tuple[str, str]] = ()) -> bytes:
    """A DOCX of `text` (one paragraph per line) under heading `title`, with `edits` as tracked changes.

    Each edit is diffed word by word against the text it replaces, so only the changed words are marked.
    Edits with a `comment` get a Word comment anchored on their changes.
    """
    from docx import Document

    stamp = (date or _dt.datetime.now(_dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    revisions = _Revisions(author, stamp)
    document = Document()
    document.core_properties.title = title
    document.core_properties.author = author
    document.add_heading(title, level=0)
    for style, line in preface:
        if style.startswith("Heading"):
            document.add_heading(NOT_XML_RE.sub(" ", line), level=int(style.split()[-1]))
        else:
            document.add_paragraph(NOT_XML_RE.sub(" ", line), style=style or None)
    new_paragraph = _paragraph_maker(document)
    paragraph = new_paragraph()
    anchors: dict[int, list] = {}
    ordered = checked_edits(text, edits)
    comment_only = {n for n, e in enumerate(ordered) if text[e.start:e.end] == e.new_text}
    for op, piece, edit_no in edited_pieces(text, edits):
        for i, part in enumerate(piece.split("\n")):
            if i:
                if op != "equal":
                    mark = revisions.mark("w:ins" if op == "insert" else "w:del")
                    _mark_paragraph(paragraph, mark)
                paragraph = new_paragraph()
            if not part:
                continue
            if op == "equal":
                run = _run(part, deleted=False)
                paragraph._p.append(run)
                if edit_no in comment_only:      # a comment-only edit: the comment spans the kept text
                    anchors.setdefault(edit_no, []).append((paragraph, run))
                continue
            wrapper = revisions.mark("w:ins" if op == "insert" else "w:del")
            wrapper.append(_run(part, deleted=op == "delete"))
            paragraph._p.append(wrapper)
            if edit_no is not None:
                anchors.setdefault(edit_no, []).append((paragraph, wrapper))
    for edit_no, placed in anchors.items():
        if ordered[edit_no].comment.strip():
            _comment(document, placed, ordered[edit_no].comment.strip(), author)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _comment(document, placed: list, text: str, author: str) -> None:
    """Anchor a comment from the first to the last revision element of one edit."""
    first_paragraph, first = placed[0]
    _, last = placed[-1]
    temp = first_paragraph.add_run("")
    document.add_comment(temp, text=text, author=author, initials="".join(w[0] for w in author.split())[:3])
    start = temp._r.getprevious()
    end = temp._r.getnext()
    reference = end.getnext()
    first.addprevious(start)
    last.addnext(end)
    end.addnext(reference)
    temp._r.getparent().remove(temp._r)
