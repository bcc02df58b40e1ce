"""TwinGuard web chat. Widgets and layout only; everything else comes from the assistant package."""

import streamlit as st

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.render import (JURISDICTION_CHOICES, STARTERS, citation_facts, citation_label,
                              escape_markdown, highlight)
from assistant.twinguard import TwinGuard

st.set_page_config(page_title="TwinGuard", page_icon="🛡️", layout="centered")


@st.cache_resource(show_spinner=False)
def get_twinguard(settings: Settings) -> TwinGuard:
    """One TwinGuard (model + store) per process and settings, shared by every browser session."""
    return TwinGuard(settings)


@st.cache_resource(show_spinner=False)
def index_once(_tg: TwinGuard) -> str:
    """Bring the index up to date with the corpus, once per process, with a visible progress bar."""
    with st.status("Preparing the library (first start only)…", expanded=True) as status:
        bar = st.progress(0.0, text="Reading documents")
        report = _tg.index(progress=lambda done, total, name: bar.progress(done / max(total, 1), text=name))
        status.update(label=f"Library ready: {_tg.stats()['documents']} documents", state="complete",
                      expanded=False)
    return f"{len(report.added)} added, {report.unchanged} unchanged"


def show_answer(answer: dict) -> None:
    st.markdown(answer["text"])
    for citation in answer["citations"]:
        with st.expander(citation_label(citation)):
            facts = citation_facts(citation)
            if facts:
                st.caption(facts)
            st.markdown(highlight(citation), unsafe_allow_html=True)
            if citation.url:
                st.markdown(f"[Official source]({citation.url})")


try:
    tg = get_twinguard(Settings.from_env())
    index_once(tg)
except AssistantError as exc:
    st.error(f"TwinGuard could not start: {exc}")
    st.stop()

with st.sidebar:
    st.header("TwinGuard")
    st.caption("Plain answers about AI digital twins of models, with the source of every point.")
    place = st.selectbox("Where do you work?", list(JURISDICTION_CHOICES), key="jurisdiction")
    st.markdown("**Try asking**")
    for starter in STARTERS:
        if st.button(starter, use_container_width=True):
            st.session_state["pending"] = starter
    st.info("Legal information, not legal advice. For your own contract, talk to your union "
            "(e.g. SAG-AFTRA, Equity, the Model Alliance) or a lawyer.")

st.title("Ask about your digital twin")
st.session_state.setdefault("messages", [])
for message in st.session_state["messages"]:
    with st.chat_message(message["role"]):
        if message["role"] == "user":
            st.markdown(escape_markdown(message["text"]))
        else:
            show_answer(message)

question = st.chat_input("Ask a question, e.g. Can they use my scan to train AI?")
question = question or st.session_state.pop("pending", None)
if question:
    st.session_state["messages"].append({"role": "user", "text": question})
    with st.chat_message("user"):
        st.markdown(escape_markdown(question))
    with st.chat_message("assistant"):
        try:
            with st.spinner("Looking through the sources…"):
                answer = tg.ask(question, jurisdiction=JURISDICTION_CHOICES[place])
            message = {"role": "assistant", "text": answer.text, "citations": list(answer.citations),
                       "refused": answer.refused}
        except AssistantError as exc:
            message = {"role": "assistant", "text": f"⚠️ {exc}", "citations": [], "refused": True}
        show_answer(message)
    st.session_state["messages"].append(message)
