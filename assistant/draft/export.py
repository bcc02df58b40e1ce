"""Rider exports: the signed wording alone, Markdown with sources, and a DOCX with a sources line per clause."""

from __future__ import annotations

import io

from assistant.answer.citations import readable
from assistant.domain.wording import DISCLAIMER
from assistant.draft.rider import Rider
from assistant.types import Citation


def _source_line(rider: Rider, sources: tuple[Citation, ...]) -> str:
    short = dict(rider.short_titles)
    return "; ".join(f"[{c.n}] {short.get(c.doc_id, c.title)}{', ' + c.section if c.section else ''}" for c in sources)


def rider_text(rider: Rider) -> str:
    """The contract wording alone (numbered clauses), as it would be signed: what a review should read."""
    lines = [rider.title, ""]
    for c in rider.clauses:
        lines += [f"{c.number}. {c.heading}", "", c.text, ""]
    return "\n".join(lines).rstrip() + "\n"


def rider_markdown(rider: Rider) -> str:
    """The rider with a sources line per clause, the fallbacks to offer, notes and the source list."""
    out = [f"# {rider.title}", "", f"_Drafted by TwinGuard from the clause library. {DISCLAIMER}_", ""]
    for c in rider.clauses:
        out += [f"## {c.number}. {c.heading}", "", c.text, "", f"_Sources: {_source_line(rider, c.sources)}_", ""]
        out += [f"> **If the client pushes back** — {f}" for f in c.fallbacks] + ([""] if c.fallbacks else [])
    if rider.notes:
        out += ["## Notes", ""] + [f"- {n}" for n in rider.notes] + [""]
    out += ["## Sources", ""]
    for c in rider.citations:
        quote = f": “{readable(c.quote, {})}”" if c.quote else ""
        out.append(f"[{c.n}] {c.title}{', ' + c.section if c.section else ''}{quote}")
    return "\n".join(out + ["", f"_{DISCLAIMER}_", ""])


def rider_docx(rider: Rider) -> bytes:
    """A DOCX: title, numbered clause headings, the clause text, a sources line per clause, and a footer."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = rider.title
    document.add_heading(rider.title, level=0)
    document.add_paragraph("Drafted by TwinGuard from the clause library. " + DISCLAIMER).runs[0].italic = True
    for c in rider.clauses:
        document.add_heading(f"{c.number}. {c.heading}", level=1)
        document.add_paragraph(c.text)
        line = document.add_paragraph().add_run(f"Sources: {_source_line(rider, c.sources)}")
        line.italic, line.font.size = True, Pt(8)
    document.add_heading("Signatures", level=1)
    for party in (rider.model or "[MODEL NAME]", rider.company or "[COMPANY NAME]"):
        document.add_paragraph(f"Signed: ____________________  for {party}   Date: __________")
    document.sections[0].footer.paragraphs[0].text = DISCLAIMER
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
