"""Check a contract: upload or paste; a one-page summary, the four outcomes per playbook position, risky
clauses with reasons, sources and safer wording; or only what changed from our template or an earlier version."""

import json

import streamlit as st

from app_pages.render import JURISDICTION_CHOICES, escape_markdown, positions_table
from app_pages.ui import HELP_LINE, show_citations, twinguard
from assistant.errors import AssistantError
from assistant.redline.diff import redline_html
from assistant.review.report import (
    JUDGEMENT_LABEL,
    comparison_markdown,
    counts_line,
    fix_first_items,
    law_line,
    test_lines,
    to_markdown,
)

SEVERITY = {"high": (":material/error:", "High risk"), "medium": (":material/warning:", "Medium risk"),
            "low": (":material/info:", "Low risk")}
JUDGEMENT_ICON = {"unacceptable": ":material/error:", "weaker": ":material/warning:", "fallback": ":material/info:",
                  "standard": ":material/check_circle:", "neutral": ":material/remove:"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CHECK, COMPARE = "Check against the playbook", "Compare with our template or an earlier version"

tg = twinguard()
st.title("Check a contract")
st.caption("Upload a contract or paste a clause. TwinGuard reads it against a playbook of digital-replica risks "
           "(face, body, voice, scans, AI): for each position, whether the contract meets our standard, a "
           "fallback, is unacceptable or says nothing — with reasons, sources and safer wording.")
st.success("Private: your contract stays in this browser session. It is not saved, not added to the "
           "shared library and not visible to anyone else.", icon=":material/lock:")

mode = st.radio("What to do", [CHECK, COMPARE], horizontal=True)
upload = st.file_uploader("Contract file" if mode == CHECK else "The edited version", type=["pdf", "docx", "txt", "md"])
pasted = st.text_area("…or paste a contract or a single clause", height=160, key="pasted")
original = None
if mode == COMPARE:
    original = st.file_uploader("The original (leave empty to compare with TwinGuard's digital replica rider)",
                                type=["pdf", "docx", "txt", "md"], key="original")
place = st.selectbox("Which law applies?", ["From the contract's governing-law clause"] + list(JURISDICTION_CHOICES)[1:])


def read_input():
    if upload is not None:
        return tg.read_contract(upload.getvalue(), upload.name)
    if pasted.strip():
        return tg.read_contract(pasted.encode("utf-8"), "pasted.txt")
    raise AssistantError("Upload a file or paste some text first.")


if st.button("Check" if mode == CHECK else "Compare", type="primary"):
    st.session_state.pop("review", None)
    st.session_state.pop("comparison", None)
    try:
        with st.status("Reading the contract…", expanded=False) as status:
            doc, warnings = read_input()
            jurisdiction = JURISDICTION_CHOICES.get(place)
            if mode == CHECK:
                status.update(label="Reading clauses and comparing them with the playbook…")
                result = tg.review(doc, jurisdiction)
                st.session_state["review"] = (doc.title, result, warnings)
                status.update(label=f"Done: {len(result.findings)} findings", state="complete")
            else:
                base = tg.read_contract(original.getvalue(), original.name)[0] if original is not None else None
                status.update(label="Finding what changed and judging each change…")
                comparison = tg.compare(doc, base, jurisdiction)
                st.session_state["comparison"] = (doc.title, comparison, warnings)
                status.update(label=f"Done: {len(comparison.changes)} changes", state="complete")
    except AssistantError as exc:
        st.error(str(exc))

if "review" in st.session_state and mode == CHECK:
    title, result, warnings = st.session_state["review"]
    for warning in warnings:
        st.caption(f"Note: {warning}")
    st.subheader("Summary")
    st.markdown(escape_markdown(f"Read as {result.read_as or 'a contract'}. {law_line(result)}"))
    if not result.replica_clauses_found:
        st.info("No digital-replica clauses found: nothing in this text is about your likeness, voice, "
                "scans, digital replicas or AI.")
    else:
        counts = result.summary.counts
        cols = st.columns(4)
        for col, (key, label) in zip(cols, (("unacceptable", "Unacceptable"), ("missing", "Missing"),
                                            ("fallback", "Fallback"), ("met", "Meets standard"))):
            col.metric(label, counts.get(key, 0))
        st.caption(counts_line(result))
        fix = fix_first_items(result)
        if fix:
            st.markdown("**Fix these first**")
            st.markdown("\n".join(f"{i}. {escape_markdown(item)}" for i, item in enumerate(fix, 1)))
        st.markdown("**Jurisdiction tests**")
        st.markdown("\n".join(f"- {escape_markdown(line)}" for line in test_lines(result)))
        st.subheader("Playbook positions")
        st.markdown(positions_table(result.positions))
    if result.findings:
        st.subheader("Findings")
    elif result.replica_clauses_found:
        st.success("No risky digital-replica terms found by the playbook.")
    for finding in result.findings:
        icon, label = SEVERITY.get(finding.severity, (":material/help:", finding.severity))
        where = f"clause {finding.clause_id}" if finding.clause_id else "whole contract"
        with st.expander(f"{label}: {finding.title} — {where}", icon=icon, expanded=finding.severity == "high"):
            st.markdown("**The clause**")
            st.markdown(f"> {escape_markdown(' '.join(finding.clause.split())[:1500])}")
            st.markdown(f"**Why it matters:** {escape_markdown(finding.why)}")
            show_citations(finding.citations)
            if finding.suggestion:
                st.markdown("**Safer wording** (changes marked)")
                st.markdown(f'<div style="line-height:1.6">{redline_html(finding.clause, finding.suggestion)}</div>',
                            unsafe_allow_html=True)
    if result.findings:
        c1, c2, c3, c4 = st.columns(4)
        c1.download_button("Word (tracked changes)", tg.review_docx(result, title), file_name="twinguard-review.docx",
                           mime=DOCX)
        c2.download_button("Word (comments only)", tg.review_docx(result, title, comment_only=True),
                           file_name="twinguard-review-comments.docx", mime=DOCX)
        c3.download_button("Markdown", to_markdown(result, f"Contract review: {title}"),
                           file_name="twinguard-review.md", mime="text/markdown")
        c4.download_button("JSON", json.dumps(result.to_dict(), ensure_ascii=False, indent=2),
                           file_name="twinguard-review.json", mime="application/json")

if "comparison" in st.session_state and mode == COMPARE:
    title, comparison, warnings = st.session_state["comparison"]
    for warning in warnings:
        st.caption(f"Note: {warning}")
    st.subheader("What changed")
    st.caption(f"Compared with {comparison.base_title}: {len(comparison.changes)} changed, added or removed "
               f"clauses; {comparison.unchanged} unchanged.")
    if not comparison.changes:
        st.success("No clause changed.")
    for change in comparison.changes:
        ref = (change.after or change.before).ref or "(unnumbered)"
        with st.expander(f"{JUDGEMENT_LABEL[change.judgement]}: clause {ref} {change.kind}",
                         icon=JUDGEMENT_ICON[change.judgement], expanded=change.judgement in ("unacceptable", "weaker")):
            before = change.before.text if change.before else ""
            after = change.after.text if change.after else ""
            st.markdown(f'<div style="line-height:1.6">{redline_html(before, after)}</div>', unsafe_allow_html=True)
            st.markdown(f"**Why:** {escape_markdown(change.reason)}")
    c1, c2 = st.columns(2)
    c1.download_button("Markdown", comparison_markdown(comparison, f"Changes in {title}"),
                       file_name="twinguard-changes.md", mime="text/markdown")
    c2.download_button("JSON", json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2),
                       file_name="twinguard-changes.json", mime="application/json")
st.info(HELP_LINE)
