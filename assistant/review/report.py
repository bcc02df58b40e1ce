"""Review results as documents: the one-page summary, a Markdown report, and the edits for the DOCX (tracked
changes or comments only), each edit carrying its reason and citations as a Word comment."""

from __future__ import annotations

from typing import Sequence

from assistant.domain.jurisdictions import named
from assistant.domain.wording import DISCLAIMER
from assistant.redline.diff import Edit, redline_markdown
from assistant.review.compare import JUDGEMENTS, Comparison
from assistant.review.findings import THREE_PART_TEST, Finding, Review
from assistant.review.outcomes import OUTCOME_LABEL, PositionResult

SEVERITY_MARK = {"high": "HIGH", "medium": "MEDIUM", "low": "LOW"}
COUNTED = ("unacceptable", "missing", "fallback", "met")


# --- the summary ---------------------------------------------------------------------------------


def law_line(result: Review) -> str:
    place = named(result.jurisdiction) if result.jurisdiction else "not determined"
    origin = f" (from the {result.jurisdiction_from})" if result.jurisdiction_from else ""
    return f"Law: {place}{origin}."


def counts_line(result: Review) -> str:
    counts = result.summary.counts if result.summary else {}
    parts = [f"{counts.get(o, 0)} {OUTCOME_LABEL[o].lower()}" for o in COUNTED]
    skipped = counts.get("n/a", 0)
    return "Playbook positions: " + ", ".join(parts) + (f" ({skipped} do not apply)." if skipped else ".")


def where(position: PositionResult) -> str:
    refs = [c.ref for c in position.clauses if c.ref]
    pages = sorted({c.page for c in position.clauses if c.page})
    out = ("clause " if len(refs) == 1 else "clauses ") + ", ".join(refs[:4]) if refs else ""
    if pages:
        out += (", " if out else "") + ("page " if len(pages) == 1 else "pages ") + ", ".join(map(str, pages[:4]))
    return out


def fix_first_items(result: Review) -> list[str]:
    """The (at most three) positions to fix first, worst first: "Scope of use: unacceptable (clause 2.1). …"."""
    if not result.summary:
        return []
    out = []
    for p in result.summary.fix_first:
        at = where(p)
        out.append(f"{p.position}: {p.label.lower()}{f' ({at})' if at else ''}. {p.reason}")
    return out


def fix_first_lines(result: Review) -> list[str]:
    return [f"{i}. {item}" for i, item in enumerate(fix_first_items(result), 1)]


def test_lines(result: Review) -> list[str]:
    if not result.summary:
        return []
    return [f"{t.title}: {t.result}" for t in result.summary.tests if t.applies] or [
        "No jurisdiction test applies: TwinGuard runs the three-part tests of New York, California and "
        "Illinois when the contract is governed by their law."]


def summary_lines(result: Review) -> list[tuple[str, str]]:
    """The one-page summary as (kind, text): kind is "line", "heading" or "item"."""
    out: list[tuple[str, str]] = [
        ("line", f"Read as {result.read_as or 'a contract'}. {law_line(result)} Clauses read: {len(result.clauses)}."),
    ]
    if not result.replica_clauses_found:
        out.append(("line", "No digital-replica clauses found (nothing about likeness, voice, scans, digital "
                            "replicas or AI)."))
        return out
    out.append(("line", counts_line(result)))
    fix = fix_first_lines(result)
    if fix:
        out.append(("heading", "Fix these first"))
        out += [("item", line) for line in fix]
    out.append(("heading", "Jurisdiction tests"))
    out += [("item", line) for line in test_lines(result)]
    return out


# --- Markdown ------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def to_markdown(result: Review, title: str = "Contract review") -> str:
    """The review as Markdown: the summary, one row per playbook position, then every finding with why,
    sources and suggestion."""
    lines = [f"# {title}", "", "## Summary", ""]
    for kind, text in summary_lines(result):
        lines += ([f"**{text}**"] if kind == "heading" else [f"- {text}" if kind == "item" else text]) + [""]
    graded = [p for p in result.positions if p.outcome != "n/a"]
    if graded:
        lines += ["## Playbook positions", "", "| Position | Outcome | Rests on | What you give up |",
                  "|---|---|---|---|"]
        for p in graded:
            lines.append(f"| {_cell(p.position)} | {_cell(p.label)} | {_cell(where(p) or '—')} | "
                         f"{_cell(p.gives_up or '—')} |")
        lines.append("")
    lines += ["## Findings", ""]
    if not result.findings:
        lines += ["No risky clauses found by the playbook.", ""]
    for i, f in enumerate(result.findings, 1):
        at = f"clause {f.clause_id}" if f.clause_id else "clause"
        page = f", page {f.page}" if f.page else ""
        scope = " (missing from the whole contract)" if f.scope == "contract" and f.check_id != THREE_PART_TEST else ""
        lines += [f"### {i}. [{SEVERITY_MARK.get(f.severity, f.severity)}] {f.title}{scope}", "",
                  f"*{at}{page}, characters {f.start}–{f.end}*", "",
                  "> " + " ".join(f.clause.split())[:1200], "", f"**Why:** {f.why}", ""]
        for c in f.citations:
            lines.append(f"[{c.n}] {c.title}, {c.section}: \"{' '.join(c.quote.split())}\""
                         + (f" {c.url}" if c.url else ""))
        if f.suggestion:
            lines += ["", f"**Suggested wording** (clause library `{f.clause_library_id}`):", "",
                      f.suggestion]
        lines.append("")
    lines += [f"_{DISCLAIMER}_", ""]
    return "\n".join(lines)


# --- the DOCX ------------------------------------------------------------------------------------


def reason(f: Finding) -> str:
    """A Word comment: what is wrong, why, and the sources behind it."""
    sources = "; ".join(f"[{c.n}] {c.title}, {c.section}" for c in f.citations)
    return f"{f.title}: {f.why}" + (f" Sources: {sources}." if sources else "")


def docx_preface(result: Review) -> list[tuple[str, str]]:
    """The summary as DOCX paragraphs (style, text), before the contract."""
    style = {"line": "", "heading": "Heading 2", "item": "List Bullet"}
    out = [("Heading 1", "Summary")] + [(style[k], t) for k, t in summary_lines(result)]
    graded = [p for p in result.positions if p.outcome != "n/a"]
    if graded:
        out.append(("Heading 2", "Playbook positions"))
        out += [("List Bullet", f"{p.position}: {p.label}" + (f" ({where(p)})" if where(p) else "") + f". {p.reason}")
                for p in graded]
    out += [("", DISCLAIMER), ("Heading 1", "The contract")]
    return out


def edits_for(result: Review, *, comment_only: bool = False) -> list[Edit]:
    """The DOCX edits. Tracked changes: each flagged clause replaced by its suggestion (the most severe
    finding wins where spans overlap; the others' reasons join its comment); a protection missing
    everywhere is inserted after its anchor clause. Comment only: the text is kept and each flagged clause
    carries one comment with every finding's reason."""
    if comment_only:
        return _comments(result.findings, result.text)
    replaced: list[list] = []          # [start, end, suggestion, [reasons]]
    inserted: dict[int, list[tuple[str, str]]] = {}
    leftover: list[Finding] = []
    for f in result.findings:  # already ordered by severity
        if f.scope == "contract" and f.check_id != THREE_PART_TEST and f.suggestion:
            inserted.setdefault(f.end, []).append((f.suggestion, reason(f)))
            continue
        clash = next((r for r in replaced if r[0] < f.end and f.start < r[1]), None)
        if clash is not None:
            clash[3].append(reason(f))
        elif f.suggestion:
            replaced.append([f.start, f.end, f.suggestion, [reason(f)]])
        else:
            leftover.append(f)
    edits = [Edit(start=s, end=e, new_text=new, comment="\n\n".join(why)) for s, e, new, why in replaced]
    for point, items in inserted.items():
        if any(s < point < e for s, e, _, _ in replaced):
            continue
        edits.append(Edit(start=point, end=point, new_text="".join("\n\n" + t for t, _ in items),
                          comment="\n\n".join(c for _, c in items)))
    taken = [(e.start, e.end) for e in edits]
    edits += [e for e in _comments(leftover, result.text) if not any(s < e.end and e.start < t for s, t in taken)]
    return sorted(edits, key=lambda e: (e.start, e.end))


def _comments(findings: Sequence[Finding], text: str) -> list[Edit]:
    """One comment-only edit per flagged span; findings on overlapping spans share the first one."""
    spans: list[list] = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if f.end <= f.start:
            continue
        host = next((s for s in spans if s[0] < f.end and f.start < s[1]), None)
        if host is None:
            spans.append([f.start, f.end, [reason(f)]])
        else:
            host[2].append(reason(f))
    return [Edit(start=s, end=e, new_text=text[s:e], comment="\n\n".join(why)) for s, e, why in spans]


# --- a comparison --------------------------------------------------------------------------------

JUDGEMENT_LABEL = {"unacceptable": "Unacceptable", "weaker": "Weaker than our standard position",
                   "fallback": "A fallback", "standard": "Meets our standard position", "neutral": "No playbook issue"}


def comparison_markdown(comparison: Comparison, title: str = "Changes") -> str:
    """Only what changed against the base version, worst first, each with a redline and a judgement."""
    counts = {j: sum(1 for c in comparison.changes if c.judgement == j) for j in JUDGEMENTS}
    lines = [f"# {title}", "", f"Compared with {comparison.base_title}: {len(comparison.changes)} changed, added or "
             f"removed clauses; {comparison.unchanged} unchanged.", "",
             "- " + ", ".join(f"{counts[j]} {JUDGEMENT_LABEL[j].lower()}" for j in JUDGEMENTS), ""]
    for i, c in enumerate(comparison.changes, 1):
        ref = (c.after or c.before).ref
        lines += [f"## {i}. {JUDGEMENT_LABEL[c.judgement]}: clause {ref or '(unnumbered)'} {c.kind}", "",
                  redline_markdown(c.before.text if c.before else "", c.after.text if c.after else ""), "",
                  f"**Why:** {c.reason}", ""]
    lines += [f"_{DISCLAIMER}_", ""]
    return "\n".join(lines)
