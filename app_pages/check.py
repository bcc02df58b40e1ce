"""Check a contract: upload or paste, see risky digital-replica clauses with reasons, sources and safer wording."""

import json

import streamlit as st

from app_pages.render import JURISDICTION_CHOICES, escape_markdown
from app_pages.ui import HELP_LINE, show_citations, twinguard
from assistant.errors import AssistantError
from assistant.redline.diff import redline_html
from assistant.review.report import to_markdown

SEVERITY = {"high": (":material/error:", "High risk"), "medium": (":material/warning:", "Medium risk"),
            "low": (":material/info:", "Low risk")}

tg = twinguard()
st.title("Check a contract")
st.caption("Upload a contract or paste a clause. TwinGuard flags terms about your digital twin (face, body, "
           "voice, scans, AI), explains the risk with sources, and suggests safer wording.")
st.success("Private: your contract stays in this browser session. It is not saved, not added to the "
           "shared library and not visible to anyone else.", icon=":material/lock:")

upload = st.file_uploader("Contract file", type=["pdf", "docx", "txt", "md"])
pasted = st.text_area("…or paste a contract or a single clause", height=160, key="pasted")
place = st.selectbox("Which law applies?", ["From the contract's governing-law clause"] + list(JURISDICTION_CHOICES)[1:])
if st.button("Check", type="primary"):
    try:
        with st.status("Checking the contract…", expanded=False) as status:
            if upload is not None:
                doc, warnings = tg.read_contract(upload.getvalue(), upload.name)
            elif pasted.strip():
                doc, warnings = tg.read_contract(pasted.encode("utf-8"), "pasted.txt")
            else:
                raise AssistantError("Upload a file or paste some text first.")
            status.update(label="Reading clauses and comparing them with the playbook…")
            jurisdiction = JURISDICTION_CHOICES.get(place)
            result = tg.review(doc, jurisdiction)
            status.update(label=f"Done: {len(result.findings)} findings", state="complete")
        st.session_state["review"] = (doc.title, result, warnings)
    except AssistantError as exc:
        st.session_state.pop("review", None)
        st.error(str(exc))

if "review" in st.session_state:
    title, result, warnings = st.session_state["review"]
    for warning in warnings:
        st.caption(f"Note: {warning}")
    if not result.replica_clauses_found:
        st.info("No digital-replica clauses found: nothing in this text is about your likeness, voice, "
                "scans, digital replicas or AI.")
    elif not result.findings:
        st.success("No risky digital-replica terms found by the playbook.")
    if result.jurisdiction:
        st.caption(f"Law applied: {result.jurisdiction}"
                   + (f" (from the {result.jurisdiction_from})" if result.jurisdiction_from else ""))
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
        c1, c2, c3 = st.columns(3)
        c1.download_button("Word (tracked changes)", tg.review_docx(result, title),
                           file_name="twinguard-review.docx",
                           mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        c2.download_button("Markdown", to_markdown(result, f"Contract review: {title}"),
                           file_name="twinguard-review.md", mime="text/markdown")
        c3.download_button("JSON", json.dumps(result.to_dict(), ensure_ascii=False, indent=2),
                           file_name="twinguard-review.json", mime="application/json")
st.info(HELP_LINE)
