"""Rendering helpers for the web app: safe HTML for passages, labels for citations. No Streamlit here."""

from __future__ import annotations

import datetime as _dt
import re

from assistant.answer.citations import ref_words
from assistant.domain.currency import overdue
from assistant.domain.jurisdictions import place_name, selector_choices
from assistant.domain.schema import REF_RE
from assistant.domain.wording import DISCLAIMER, STATUS_LABELS
from assistant.types import Citation

JURISDICTION_CHOICES = selector_choices()
STARTERS = (
    "Can my agency make a digital twin of me without asking?",
    "Can they use my digital twin after my contract ends?",
    "What should I ask for before a body scan?",
    "Do brands in the EU have to label AI-generated images of me?",
)
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def escape_markdown(text: str) -> str:
    """Show text literally in Markdown: no links, images, HTML or emphasis from document content."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


INERT = {ch: f"&#{ord(ch)};" for ch in "&<>\"'\\`*_{}[]()#+!|~-"}


def _inert(text: str) -> str:
    """Escape HTML and Markdown syntax in one pass, so a passage shows literally."""
    return "".join(INERT.get(ch, ch) for ch in text)


def highlight(citation: Citation, titles: dict[str, str] | None = None) -> str:
    """The cited passage as inert HTML with the quoted sentence marked; heading lines shown in bold."""
    passage = citation.passage or citation.quote
    a = max(0, citation.start - citation.passage_start)
    b = max(a, citation.end - citation.passage_start)
    if not citation.passage or passage[a:b] != citation.quote:
        a, b = 0, 0
    parts = [(passage[:a], False), (passage[a:b], True), (passage[b:], False)] if b > a else [(passage, False)]
    out = []
    for text, marked in parts:
        text = REF_RE.sub(lambda m: ref_words(m, titles or {}), text)
        lines = []
        for line in text.split("\n"):
            heading = re.match(r"^(#{1,6})\s+(.*)$", line)
            lines.append(f"<strong>{_inert(heading.group(2))}</strong>" if heading else _inert(line))
        body = "<br>".join(lines)
        out.append(f"<mark>{body}</mark>" if marked else body)
    return f'<div style="font-size: 0.92em; line-height: 1.5">{"".join(out)}</div>'


def citation_label(citation: Citation) -> str:
    bits = [f"[{citation.n}] {citation.title}"]
    if citation.section:
        bits.append(citation.section)
    if citation.page:
        bits.append(f"p. {citation.page}")
    return " · ".join(bits)


def citation_facts(citation: Citation, today: _dt.date | None = None) -> str:
    """Place, status, as-of date and when the source was last checked ("re-check due" when overdue)."""
    if citation.kind == "contract":        # a quote from the user's own contract (assistant/contract/answer.py)
        return "Your contract, as uploaded — it stays in this browser session"
    bits = []
    if place_name(citation.jurisdiction):
        bits.append(place_name(citation.jurisdiction))
    if citation.status:
        bits.append(STATUS_LABELS.get(citation.status, citation.status))
    if citation.as_of:
        bits.append(f"as of {citation.as_of}")
    if citation.checked:
        meta = {"checked": citation.checked, "kind": citation.kind, "status": citation.status}
        late = overdue(meta, today or _dt.date.today())
        bits.append(f"checked on {citation.checked}" + (" — re-check overdue" if late else ""))
    return " · ".join(bits)


def answering_for(plan: dict | None) -> str:
    """The line above an answer: what the plan chose ("Answering for: Italy — no Italian digest yet …")."""
    if not plan or not plan.get("summary"):
        return ""
    return f"Answering for: {plan['summary']}"


TAG_RE = re.compile(r"^(- |\d+\. )?\\\*\\\*([^*\n]{1,80}?)([:.])\\\*\\\* ", re.M)     # "**New York:** ", "**No.** "
TABLE_LINE_RE = re.compile(r"^\|.*\|$")


def _table_line(line: str) -> str:
    """A comparison-table row: its cells escaped, its column bars kept."""
    if re.fullmatch(r"\|(?:-+\|)+", line):
        return line
    cells = re.split(r"(?<!\\) \| ", line[2:-2])
    return "| " + " | ".join(escape_markdown(c.replace("\\|", "|")) for c in cells) + " |"


def answer_markdown(text: str) -> str:
    """An answer's text for st.markdown: everything quoted from documents shows literally (no links,
    images or HTML), while TwinGuard's own tags ("**New York:**") and the closing note keep their style."""
    lines = [_table_line(line) if TABLE_LINE_RE.match(line) else escape_markdown(line) for line in text.split("\n")]
    safe = "\n".join(lines)
    safe = TAG_RE.sub(lambda m: f"{m.group(1) or ''}**{m.group(2)}{m.group(3)}** ", safe)
    return safe.replace(f"\\_{escape_markdown(DISCLAIMER)}\\_", f"_{DISCLAIMER}_")



def positions_table(positions) -> str:
    """The playbook positions as a Markdown table (escaped cells): position, outcome, clauses, what is given up."""
    from assistant.review.report import where

    rows = ["| Position | Outcome | Rests on | What you give up |", "|---|---|---|---|"]
    for p in positions:
        if p.outcome == "n/a":
            continue
        cells = [escape_markdown(p.position), f"**{escape_markdown(p.label)}**", escape_markdown(where(p) or "—"),
                 escape_markdown(" ".join((p.gives_up or "—").split()))]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)
