"""Redlines: word-level differences between an original and a suggested text, shown as Markdown or HTML,
and the edits (`Edit`) a review proposes, applied to a text.

    word_diff("The licence is perpetual.", "The licence lasts 12 months.")
    # [("equal", "The licence "), ("delete", "is perpetual"), ("insert", "lasts 12 months"), ("equal", ".")]

Invariants of `word_diff`: the equal and deleted pieces, in order, rebuild `old`; the equal and
inserted pieces rebuild `new`. Everything here is pure Python; the DOCX with real tracked changes is
written by `assistant.redline.tracked` from `edited_pieces`.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from typing import Iterator, Literal, Sequence

Op = Literal["equal", "delete", "insert"]
TOKEN_RE = re.compile(r"\n|[^\S\n]+|\w+(?:['’\-]\w+)*|[^\w\s]")


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] with `new_text`; `comment` explains why (shown as a Word comment)."""

    start: int
    end: int
    new_text: str
    comment: str = ""


def tokens(text: str) -> list[str]:
    """Words, single punctuation marks, runs of spaces and newlines; ''.join(tokens(t)) == t."""
    return TOKEN_RE.findall(text)


def _trivial(text: str) -> bool:
    """An equal stretch too small to keep between two changes (it would make the redline choppy)."""
    words = [t for t in tokens(text) if t[0].isalnum() or t[0] == "_"]
    return "\n" not in text and len(words) <= 1 and len(text) <= 5


def _push(groups: list[list[str]], group: list[str]) -> None:
    """Append a group, joining neighbours of the same kind and swallowing a trivial equal stretch
    between two changes."""
    if not group[1] and (group[0] == "equal" or not group[2]):
        return
    if groups and groups[-1][0] == group[0]:
        last = groups.pop()
        group = [group[0], last[1] + group[1]] + ([last[2] + group[2]] if group[0] == "change" else [])
    if (group[0] == "change" and len(groups) >= 2 and groups[-1][0] == "equal" and groups[-2][0] == "change"
            and _trivial(groups[-1][1])):
        here, before = groups.pop(), groups.pop()
        group = ["change", before[1] + here[1] + group[1], before[2] + here[1] + group[2]]
    groups.append(group)


def _token_groups(old: str, new: str) -> list[list[str]]:
    """Token-level groups of one changed block; common ends are trimmed before matching."""
    a, b = tokens(old), tokens(new)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    mid_a, mid_b = a[head:len(a) - tail], b[head:len(b) - tail]
    out = [["equal", "".join(a[:head])]]
    matcher = difflib.SequenceMatcher(None, mid_a, mid_b, autojunk=len(mid_a) + len(mid_b) > 4000)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        out.append(["equal", "".join(mid_a[i1:i2])] if tag == "equal"
                   else ["change", "".join(mid_a[i1:i2]), "".join(mid_b[j1:j2])])
    return out + [["equal", "".join(a[len(a) - tail:])]]


def word_diff(old: str, new: str) -> list[tuple[Op, str]]:
    """Word-level difference of two texts as (op, text) pieces; deletions come before insertions.

    Lines are matched first, then words inside each changed block of lines, so long documents with
    a few changes stay fast."""
    a_lines, b_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    groups: list[list[str]] = []          # ["equal", text] or ["change", deleted, inserted]
    matcher = difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=len(a_lines) + len(b_lines) > 400)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _push(groups, ["equal", "".join(a_lines[i1:i2])])
            continue
        pairs = ([(a_lines[i], b_lines[j1 + i - i1]) for i in range(i1, i2)] if i2 - i1 == j2 - j1
                 else [("".join(a_lines[i1:i2]), "".join(b_lines[j1:j2]))])
        for old_block, new_block in pairs:
            for group in _token_groups(old_block, new_block):
                _push(groups, group)
    out: list[tuple[Op, str]] = []
    for group in groups:
        if group[0] == "equal":
            out.append(("equal", group[1]))
        else:
            out += [(op, text) for op, text in (("delete", group[1]), ("insert", group[2])) if text]
    return out


def _wrap(text: str, mark: str) -> str:
    """Markdown emphasis that renders: markers inside the whitespace, never across a newline."""
    pieces = []
    for line in text.split("\n"):
        core = line.strip()
        if not core:
            pieces.append(line)
            continue
        lead = line[:len(line) - len(line.lstrip())]
        trail = line[len(line.rstrip()):]
        pieces.append(f"{lead}{mark}{core}{mark}{trail}")
    return "\n".join(pieces)


def _md_escape(text: str) -> str:
    return re.sub(r"([\\*~])", r"\\\1", text)


def redline_markdown(old: str, new: str) -> str:
    """~~deleted~~ and **inserted** words, the rest as is (Markdown markers in the text escaped)."""
    out = []
    for op, text in word_diff(old, new):
        text = _md_escape(text)
        out.append(text if op == "equal" else _wrap(text, "~~" if op == "delete" else "**")
                   if text.strip() else (text if op == "insert" else ""))
    return "".join(out)


def redline_html(old: str, new: str) -> str:
    """An HTML fragment: <del>deleted</del> and <ins>inserted</ins>, all text escaped."""
    out = []
    for op, text in word_diff(old, new):
        text = html.escape(text)
        out.append(text if op == "equal" else f"<{op[:3]}>{text}</{op[:3]}>")
    return "".join(out)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """The text with every edit applied (edits may come in any order but must not overlap)."""
    out, cursor = [], 0
    for edit in checked_edits(text, edits):
        out += [text[cursor:edit.start], edit.new_text]
        cursor = edit.end
    return "".join(out) + text[cursor:]


def checked_edits(text: str, edits: Sequence[Edit]) -> list[Edit]:
    """The edits in text order; ValueError if one lies outside the text or two overlap."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    previous_end = 0
    for edit in ordered:
        if not 0 <= edit.start <= edit.end <= len(text):
            raise ValueError(f"Edit {edit.start}-{edit.end} is outside the text (0-{len(text)}).")
        if edit.start < previous_end:
            raise ValueError(f"Edits overlap at character {edit.start}; give each clause one edit.")
        previous_end = edit.end
    return ordered


def edited_pieces(text: str, edits: Sequence[Edit]) -> Iterator[tuple[Op, str, int | None]]:
    """The whole document as diff pieces: untouched text is equal; each edit is diffed word by word.
    Each piece carries the number of its edit in `checked_edits` order (None for untouched text)."""
    cursor = 0
    for n, edit in enumerate(checked_edits(text, edits)):
        if cursor < edit.start:
            yield "equal", text[cursor:edit.start], None
        old = text[edit.start:edit.end]
        if old == edit.new_text:                 # comment only: the text stays, marked as this edit's
            if old:
                yield "equal", old, n
        else:
            for op, piece in word_diff(old, edit.new_text):
                yield op, piece, n
        cursor = edit.end
    if cursor < len(text):
        yield "equal", text[cursor:], None
