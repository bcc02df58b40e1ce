"""Ask: the chat for models, optionally about their own contract (uploaded here, kept in this session only)."""

import streamlit as st

from app_pages.render import JURISDICTION_CHOICES, STARTERS, escape_markdown
from app_pages.ui import HELP_LINE, show_answer, twinguard
from assistant.errors import AssistantError

CONTRACT_TYPES = ["pdf", "docx", "txt", "md"]
UPLOAD_LABEL = "Ask about my contract (PDF, DOCX or text; stays in this browser session)"

tg = twinguard()

st.title("Ask about your digital twin")
st.caption("Plain answers about AI copies of your face, body and voice — each point with its source.")
place = st.selectbox("Where do you work?", list(JURISDICTION_CHOICES), key="jurisdiction",
                     help="Answers use the laws of this place plus general guidance. Choose 'All places' to compare.")
st.session_state.setdefault("messages", [])
st.session_state.setdefault("contract_upload", 0)

# The contract lives in this browser session only (st.session_state): read and indexed in memory, never saved.
upload = st.file_uploader(UPLOAD_LABEL, type=CONTRACT_TYPES, key=f"contract-{st.session_state['contract_upload']}")
if upload is not None and st.session_state.get("contract_file") != upload.file_id:
    try:
        with st.spinner("Reading your contract…"):
            session = tg.open_contract(upload.getvalue(), upload.name)
            session.review                      # its playbook findings, ready for the first answer
        st.session_state["contract"] = session
        st.session_state["contract_file"] = upload.file_id
    except AssistantError as exc:
        st.session_state.pop("contract", None)
        st.session_state["contract_file"] = upload.file_id
        st.error(str(exc))
elif upload is None and st.session_state.get("contract_file"):   # the file was taken out of the uploader
    for key in ("contract", "contract_file"):
        st.session_state.pop(key, None)
contract = st.session_state.get("contract")
if contract is not None:
    line, remove = st.columns([5, 1], vertical_alignment="center")
    line.caption(f":material/lock: Using your contract: {escape_markdown(contract.summary())}")
    if remove.button("Remove", key="remove-contract"):
        for key in ("contract", "contract_file"):
            st.session_state.pop(key, None)
        st.session_state["contract_upload"] += 1      # a fresh, empty uploader
        st.rerun()
    for warning in contract.warnings:
        st.caption(f"Note: {escape_markdown(warning)}")


def show_contract_notes(message: dict) -> None:
    """The playbook findings of the contract clauses an answer cites, beside it."""
    for line in message.get("contract_findings", ()):
        st.caption(f":material/warning: {escape_markdown(line)}")


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
            show_contract_notes(message)

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
            with st.spinner("Looking through your contract and the sources…" if contract else
                            "Looking through the sources…"):
                for item in tg.ask_stream(question, jurisdiction=JURISDICTION_CHOICES[place], history=history,
                                          contract=contract):
                    if isinstance(item, str):  # a verified sentence from the language model
                        text += item
                        shown.markdown(text)
                    else:
                        answer = item
            shown.empty()
            message = {"role": "assistant", "text": answer.text, "citations": list(answer.citations),
                       "notice": answer.notice, "refused": answer.refused,
                       "plan": answer.plan.to_dict() if answer.plan else None,
                       "contract_findings": [f["line"] for f in getattr(answer, "contract_findings", ())]}
        except AssistantError as exc:
            message = {"role": "assistant", "text": f"⚠️ {exc}", "citations": [], "refused": True}
        show_answer(message)
        show_contract_notes(message)
    st.session_state["messages"].append(message)

if st.session_state["messages"] and st.button("Start a new conversation"):
    st.session_state["messages"] = []
    st.rerun()
st.info(HELP_LINE)
