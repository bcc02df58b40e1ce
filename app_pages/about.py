"""About: what TwinGuard is and is not; index statistics."""

import streamlit as st

from app_pages.ui import HELP_LINE, twinguard

tg = twinguard()
st.title("About TwinGuard")
st.markdown(
    "TwinGuard helps fashion models and union staff understand **AI digital twins** — computer-made "
    "copies of a person's face, body or voice — and the contracts that license them.\n\n"
    "- **What it is:** a guide that answers from a fixed library of plain-language summaries of laws, "
    "bills, union guidance and model contract clauses. Every point links to the passage it comes from.\n"
    "- **What it is not:** a lawyer. It gives legal information, not legal advice, and it does not "
    "invent answers: when the library does not cover a question, it says so.\n"
    "- **Privacy:** contracts you check stay in your browser session; they are never added to the "
    "shared library or stored on disk.\n"
    "- **Offline:** everything runs on this computer; nothing is sent to the internet.")
stats = tg.stats()
c1, c2 = st.columns(2)
c1.metric("Documents", stats["documents"])
c2.metric("Passages", stats["chunks"])
st.caption(f"Index: {stats['store']}")
llm = tg.settings.llm
st.caption(f"Language model: {llm or 'none configured — answers are quoted sentences from the sources'}")
st.info(HELP_LINE)
