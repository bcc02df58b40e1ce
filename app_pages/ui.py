"""Shared widgets of the web app: the cached TwinGuard, first-start indexing, citation display."""

from __future__ import annotations

import threading

import streamlit as st

from app_pages.render import answer_markdown, answering_for, citation_facts, citation_label, highlight
from assistant.config import Settings
from assistant.twinguard import TwinGuard

HELP_LINE = ("Legal information, not legal advice. For your own contract, talk to your union "
             "(SAG-AFTRA, Equity, the Model Alliance, or your local performers' union) or a lawyer.")


@st.cache_resource(show_spinner=False)
def get_twinguard(settings: Settings) -> TwinGuard:
    """One TwinGuard (model + store) per process and settings, shared by every browser session."""
    return TwinGuard(settings)


@st.cache_resource(show_spinner=False)
def _index_state(home: str) -> dict:
    """Process-wide record of whether the index was brought up to date (no widgets inside)."""
    return {"done": False, "lock": threading.Lock()}


def twinguard() -> TwinGuard:
    """The shared TwinGuard; the first request of the process brings the index up to date, with a progress
    bar only when documents must be embedded (after `make run`, which indexes first, there are none)."""
    tg = get_twinguard(Settings.from_env())
    state = _index_state(str(tg.settings.home))
    if not state["done"]:
        with state["lock"]:
            if not state["done"]:
                shown: dict = {}

                def step(done: int, total: int, name: str) -> None:
                    if not shown:              # only when something must be embedded (`make run` indexes first)
                        shown["status"] = st.status("Preparing the library…", expanded=True)
                        with shown["status"]:
                            shown["bar"] = st.progress(0.0, text="Reading documents")
                    shown["bar"].progress(done / max(total, 1), text=name)

                tg.index(progress=step)
                if shown:
                    shown["status"].update(label=f"Library ready: {tg.stats()['documents']} documents",
                                           state="complete", expanded=False)
                state["done"] = True
    return tg


def show_citations(citations) -> None:
    titles = twinguard().titles()
    for citation in citations:
        with st.expander(citation_label(citation)):
            facts = citation_facts(citation)
            if facts:
                st.caption(facts)
            st.markdown(highlight(citation, titles), unsafe_allow_html=True)
            if citation.url:
                st.markdown(f"[Official source]({citation.url})")


def show_answer(message: dict) -> None:
    line = answering_for(message.get("plan"))
    if line:
        st.caption(line + " · change the place with “Where do you work?” above.")
    if message.get("notice"):
        st.caption(message["notice"])
    st.markdown(answer_markdown(message["text"]))
    show_citations(message.get("citations", ()))
