"""Draft a rider: a form with sensible defaults, a preview with sources per clause, DOCX and Markdown."""

import streamlit as st

from app_pages.ui import HELP_LINE, show_citations, twinguard
from assistant.clauselib import load_library
from assistant.config import builtin_corpus
from assistant.drafting import RiderParams, draft_rider, parse_request, rider_docx, rider_markdown
from assistant.errors import AssistantError
from assistant.render import JURISDICTION_CHOICES, escape_markdown

USES = ["e-commerce product images", "social media posts", "print advertising", "online advertising",
        "video advertising", "lookbooks and catalogues"]
UNIONS = ["none", "SAG-AFTRA", "Equity", "Model Alliance member", "other union"]

tg = twinguard()
st.title("Draft a rider")
st.caption("Build a digital-replica rider from the clause library: the model-friendly standard position for "
           "each topic, with the sources that back it. Fallback positions are listed under each clause.")
request = st.text_input("Describe it in a sentence (optional)", placeholder="12-month e-commerce licence, EUR 500 per use, EU")
guess = parse_request(request) if request.strip() else RiderParams()
places = list(JURISDICTION_CHOICES)[1:]
codes = {v: k for k, v in JURISDICTION_CHOICES.items()}
with st.form("rider-form"):
    c1, c2 = st.columns(2)
    model = c1.text_input("Model", value=guess.model_name, placeholder="Model's full name")
    company = c2.text_input("Brand / company", value=guess.company_name, placeholder="Company name")
    uses = st.multiselect("Permitted uses", sorted(set(USES) | set(guess.permitted_uses)),
                          default=list(guess.permitted_uses) or USES[:1])
    c3, c4, c5 = st.columns(3)
    term = c3.number_input("Term (months)", 1, 60, int(guess.term_months))
    fee = c4.number_input("Fee per use", 0.0, 1e7, float(guess.fee_per_use or 500.0), step=50.0)
    currency = c5.selectbox("Currency", ["EUR", "USD", "GBP"], index=["EUR", "USD", "GBP"].index(guess.currency)
                            if guess.currency in ("EUR", "USD", "GBP") else 0)
    c6, c7 = st.columns(2)
    territory = c6.text_input("Territory", value=guess.territory or "European Union")
    place = c7.selectbox("Law that applies", places,
                         index=places.index(codes[guess.jurisdiction]) if guess.jurisdiction in codes else 0)
    c8, c9, c10 = st.columns(3)
    deletion = c8.number_input("Delete scans within (days)", 1, 365, int(guess.deletion_days))
    approval = c9.checkbox("Model approves each use", value=guess.approval)
    minor = c10.checkbox("Model is under 18", value=guess.minor)
    union = st.selectbox("Union", UNIONS)
    submitted = st.form_submit_button("Draft the rider", type="primary")
if submitted:
    try:
        params = RiderParams(model_name=model, company_name=company, permitted_uses=tuple(uses),
                             territory=territory, term_months=int(term), fee_per_use=float(fee), currency=currency,
                             approval=approval, deletion_days=int(deletion), jurisdiction=JURISDICTION_CHOICES[place],
                             union="" if union == "none" else union, minor=minor)
        st.session_state["drafted_rider"] = draft_rider(params, load_library(builtin_corpus()), tg)
    except AssistantError as exc:
        st.error(str(exc))

rider = st.session_state.get("drafted_rider")
if rider is not None:
    st.subheader(rider.title)
    if rider.unfilled:
        st.warning("Still to fill in: " + ", ".join(rider.unfilled))
    for clause in rider.clauses:
        st.markdown(f"**{clause.number}. {escape_markdown(clause.heading)}**")
        st.markdown(escape_markdown(clause.text))
        show_citations(clause.sources)
        if clause.fallbacks:
            with st.expander("Fallback positions"):
                for fallback in clause.fallbacks:
                    st.markdown(f"- {escape_markdown(fallback)}")
    for note in rider.notes:
        st.caption(note)
    c1, c2 = st.columns(2)
    c1.download_button("Word (.docx)", rider_docx(rider), file_name="twinguard-rider.docx",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    c2.download_button("Markdown", rider_markdown(rider), file_name="twinguard-rider.md", mime="text/markdown")
st.info(HELP_LINE)
