"""Draft a rider: a form with sensible defaults, a preview with sources per clause, DOCX and Markdown."""

import streamlit as st

from app_pages.render import JURISDICTION_CHOICES, escape_markdown
from app_pages.ui import HELP_LINE, show_citations, twinguard
from assistant.draft.export import rider_docx, rider_markdown
from assistant.draft.request import parse_request
from assistant.draft.rider import RiderParams
from assistant.errors import AssistantError

USES = ["e-commerce product images", "social media posts", "print advertising", "online advertising",
        "video advertising", "lookbooks and catalogues"]
MEDIA = ["social media", "print", "out-of-home", "TV", "the Company's online shop", "the Company's website"]
UNIONS = ["none", "SAG-AFTRA", "Equity", "Model Alliance", "other union"]
BASES = {"per use": None, "per month": "month", "per quarter": "quarter", "per year": "year",
         "for the whole term": "licence term"}

tg = twinguard()
st.title("Draft a rider")
st.caption("Build a digital-replica rider from the clause library: the model-friendly standard position for "
           "each topic, with the sources that back it. Fallback positions are listed under each clause.")
request = st.text_input("Describe it in a sentence (optional)", placeholder="12-month e-commerce licence, EUR 500 per use, EU")
guess = RiderParams()
if request.strip():
    try:
        guess = parse_request(request)
    except AssistantError as exc:
        st.warning(f"{exc} The form below keeps its defaults.")
places = list(JURISDICTION_CHOICES)[1:]
codes = {v: k for k, v in JURISDICTION_CHOICES.items()}
basis = next((name for name, period in BASES.items() if period == guess.period), "per use") \
    if guess.fee_per_period is not None else "per use"
with st.form("rider-form"):
    c1, c2 = st.columns(2)
    model = c1.text_input("Model", value=guess.model_name, placeholder="Model's full name")
    company = c2.text_input("Brand / company", value=guess.company_name, placeholder="Company name")
    uses = st.multiselect("Permitted uses", sorted(set(USES) | set(guess.permitted_uses)),
                          default=list(guess.permitted_uses) or USES[:1])
    media = st.multiselect("Media and channels", sorted(set(MEDIA) | set(guess.media)), default=list(guess.media))
    c3, c4, c5, c6 = st.columns(4)
    term = c3.number_input("Term (months)", 1, 60, min(60, int(guess.term_months)))
    fee = c4.number_input("Fee", 0.0, 1e7, float(guess.fee_per_period if guess.fee_per_period is not None
                                                  else guess.fee_per_use or 500.0), step=50.0)
    paid = c5.selectbox("Paid", list(BASES), index=list(BASES).index(basis))
    currency = c6.selectbox("Currency", ["EUR", "USD", "GBP"], index=["EUR", "USD", "GBP"].index(guess.currency)
                            if guess.currency in ("EUR", "USD", "GBP") else 0)
    c7, c8, c9 = st.columns(3)
    territory = c7.text_input("Territory", value=guess.territory or "European Union")
    place = c8.selectbox("Law that applies", places,
                         index=places.index(codes[guess.jurisdiction]) if guess.jurisdiction in codes else 0)
    start = c9.date_input("Start date (optional)", value=None)
    c10, c11, c12 = st.columns(3)
    deletion = c10.number_input("Delete scans within (days)", 1, 365, min(365, int(guess.deletion_days)))
    approval = c11.checkbox("Model approves each use", value=guess.approval)
    minor = c12.checkbox("Model is under 18", value=guess.minor)
    c13, c14 = st.columns(2)
    union = c13.selectbox("Union", UNIONS, index=UNIONS.index(guess.union) if guess.union in UNIONS else 0)
    agency = c14.text_input("Model's agency (optional)", placeholder="Adds a no-power-of-attorney clause")
    submitted = st.form_submit_button("Draft the rider", type="primary")
if submitted:
    period = BASES[paid]
    try:
        params = RiderParams(model_name=model, company_name=company, permitted_uses=tuple(uses), media=tuple(media),
                             territory=territory, term_months=int(term), currency=currency,
                             fee_per_use=float(fee) if period is None else None,
                             fee_per_period=float(fee) if period is not None else None, period=period or "month",
                             start_date=start.isoformat() if start else "", agency_name=agency.strip(),
                             approval=approval, deletion_days=int(deletion), jurisdiction=JURISDICTION_CHOICES[place],
                             union="" if union == "none" else union, minor=minor)
        st.session_state["drafted_rider"] = tg.draft(params)
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
