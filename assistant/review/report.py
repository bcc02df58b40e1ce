"""Review results as documents: a Markdown report and the tracked-change edits for the DOCX."""

from __future__ import annotations

from assistant.domain.jurisdictions import named
from assistant.domain.wording import DISCLAIMER
from assistant.redline.diff import Edit
from assistant.review.findings import THREE_PART_TEST, Review

SEVERITY_MARK = {"high": "HIGH", "medium": "MEDIUM", "low": "LOW"}


def to_markdown(result: Review, title: str = "Contract review") -> str:
    """The review as a Markdown report: findings by severity, each with why, sources and suggestion."""
    lines = [f"# {title}", ""]
    place = named(result.jurisdiction) if result.jurisdiction else "not determined"
    origin = f" (from the {result.jurisdiction_from})" if result.jurisdiction_from else ""
    lines.append(f"Jurisdiction: {place}{origin}. Clauses read: {len(result.clauses)}.")
    lines.append("")
    if not result.replica_clauses_found:
        lines.append("**No digital-replica clauses found** (nothing about likeness, voice, scans, "
                     "digital replicas or AI).")
        lines.append("")
    if not result.findings:
        lines.append("No risky clauses found by the playbook.")
    for i, f in enumerate(result.findings, 1):
        where = f"clause {f.clause_id}" if f.clause_id else "clause"
        page = f", page {f.page}" if f.page else ""
        scope = " (missing from the whole contract)" if f.scope == "contract" and f.check_id != THREE_PART_TEST else ""
        lines += [f"## {i}. [{SEVERITY_MARK.get(f.severity, f.severity)}] {f.title}{scope}", "",
                  f"*{where}{page}, characters {f.start}–{f.end}*", "",
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


def edits_for(result: Review) -> list[Edit]:
    """Tracked-change edits: each flagged clause replaced by its suggestion (the most severe finding
    wins where spans overlap); a protection missing everywhere is inserted after its anchor clause."""
    replaced: list[tuple[int, int, str, str]] = []
    inserted: dict[int, list[tuple[str, str]]] = {}
    for f in result.findings:  # already ordered by severity
        if not f.suggestion:
            continue
        comment = f"{f.title}: {f.why}"
        if f.scope == "contract" and f.check_id != THREE_PART_TEST:
            inserted.setdefault(f.end, []).append((f.suggestion, comment))
        elif not any(s < f.end and f.start < e for s, e, _, _ in replaced):
            replaced.append((f.start, f.end, f.suggestion, comment))
    edits = [Edit(start=s, end=e, new_text=new, comment=c) for s, e, new, c in replaced]
    for point, items in inserted.items():
        if any(s < point < e for s, e, _, _ in replaced):
            continue
        edits.append(Edit(start=point, end=point, new_text="".join("\n\n" + t for t, _ in items),
                          comment=" ".join(c for _, c in items)))
    return sorted(edits, key=lambda e: (e.start, e.end))
