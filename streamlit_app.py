"""TwinGuard web app: navigation and layout only; pages live in app_pages/, logic in assistant/."""

import streamlit as st

st.set_page_config(page_title="TwinGuard", page_icon=":material/shield:", layout="centered")

pages = [
    st.Page("app_pages/ask.py", title="Ask", icon=":material/chat:", default=True),
    st.Page("app_pages/check.py", title="Check a contract", icon=":material/fact_check:"),
    st.Page("app_pages/draft.py", title="Draft a rider", icon=":material/edit_document:"),
    st.Page("app_pages/sources.py", title="Sources", icon=":material/library_books:"),
    st.Page("app_pages/about.py", title="About", icon=":material/info:"),
]
st.navigation(pages).run()
