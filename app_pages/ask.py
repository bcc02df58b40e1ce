"""Ask: the chat for models."""

import streamlit as st

from app_pages.render import JURISDICTION_CHOICES, STARTERS, escape_markdown
from app_pages.ui import HELP_LINE, show_answer, twinguard
from assistant.errors import AssistantError

tg = twinguard()

st.title("Ask about your digital twin")
st.caption("Plain answers about AI copies of your face, body and voice — each point with its source.")
place = st.selectbox("Where do you work?", list(JURISDICTION_CHOICES), key="jurisdiction",
                     help="Answers use the laws of this place plus general guidance. Choose 'All places' to compare.")
st.session_state.setdefault("messages", [])

if not st.session_state["messages"]:
    st.markdown("**Try one of these:**")
    cols = st.columns(2)
    for i, starter in enumerate(STARTERS):
        if cols[i % 2].button(starter, key=f"starter-{i}", width="stretch"):
            st.session_state["pending"] = starter

for message in st.session_state["messages"]:
    with st.chat_message(message["role"]):
        if message["role"] == "user":
            st.markdown(escape_markdown(message["text"]))
        else:
            show_answer(message)

question = st.chat_input("Ask a question, e.g. Can they use my scan to train AI?")
question = question or st.session_state.pop("pending", None)
if question:
    history = [m["text"] for m in st.session_state["messages"] if m["role"] == "user"]
    st.session_state["messages"].append({"role": "user", "text": question})
    with st.chat_message("user"):
        st.markdown(escape_markdown(question))
    with st.chat_message("assistant"):
        try:
            shown = st.empty()
            text = ""
            with st.spinner("Looking through the sources…"):
                for item in tg.ask_stream(question, jurisdiction=JURISDICTION_CHOICES[place], history=history):
                    if isinstance(item, str):  # a verified sentence from the language model
                        text += item
                        shown.markdown(text)
                    else:
                        answer = item
            shown.empty()
            message = {"role": "assistant", "text": answer.text, "citations": list(answer.citations),
                       "notice": answer.notice, "refused": answer.refused,
                       "plan": answer.plan.to_dict() if answer.plan else None}
        except AssistantError as exc:
            message = {"role": "assistant", "text": f"⚠️ {exc}", "citations": [], "refused": True}
        show_answer(message)
    st.session_state["messages"].append(message)

if st.session_state["messages"] and st.button("Start a new conversation"):
    st.session_state["messages"] = []
    st.rerun()
st.info(HELP_LINE)
