"""Sources: browse the library; staff can add documents."""

import streamlit as st

from app_pages.render import escape_markdown
from app_pages.ui import twinguard
from assistant.domain.schema import KINDS
from assistant.domain.wording import KIND_LABELS, STATUS_LABELS
from assistant.errors import AssistantError
from assistant.index.library import add_to_library, list_sources, staff_allowed

tg = twinguard()
st.title("Sources")
st.caption("Everything TwinGuard answers from: our plain-language summaries of laws, bills and union "
           "guidance, with the date each summary is correct as of and a link to the official text.")
rows = list_sources(tg.catalog)
c1, c2, c3 = st.columns(3)
places = c1.multiselect("Place", sorted({r.jurisdiction for r in rows if r.jurisdiction}))
kinds = c2.multiselect("Kind", sorted({r.kind for r in rows if r.kind}))
statuses = c3.multiselect("Status", sorted({r.status for r in rows if r.status}),
                          format_func=lambda s: STATUS_LABELS.get(s, s))
shown = [r for r in rows if (not places or r.jurisdiction in places) and (not kinds or r.kind in kinds)
         and (not statuses or r.status in statuses)]
for kind in sorted({r.kind for r in shown}, key=lambda k: KINDS.index(k) if k in KINDS else 99):
    group = [r for r in shown if r.kind == kind]
    with st.expander(f"{KIND_LABELS.get(kind, kind.title())} ({len(group)})", expanded=len(shown) <= 12):
        for r in group:
            facts = " · ".join(x for x in (r.jurisdiction, STATUS_LABELS.get(r.status, r.status),
                                           f"as of {r.as_of}" if r.as_of else "",
                                           "added by staff" if r.added_by_staff else "") if x)
            link = f" — [official text]({r.url})" if r.url.startswith(("https://", "http://")) else ""
            st.markdown(f"**{escape_markdown(r.title)}**  \n{facts}{link}")
st.caption(f"{len(shown)} of {len(rows)} documents. 'Bill' and 'draft' mean not (yet) law.")

st.subheader("Add documents (staff)")
if not tg.settings.staff_passphrase:
    st.caption("Adding documents is switched off. An administrator can switch it on by setting "
               "TWINGUARD_STAFF_PASSPHRASE.")
else:
    with st.form("add-docs", clear_on_submit=True):
        passphrase = st.text_input("Staff passphrase", type="password")
        files = st.file_uploader("PDF, DOCX or Markdown files", type=["pdf", "docx", "md", "txt"],
                                 accept_multiple_files=True)
        submitted = st.form_submit_button("Add to the shared library")
    if submitted:
        if not staff_allowed(tg.settings, passphrase):
            st.error("That passphrase is not right.")
        elif not files:
            st.warning("Choose at least one file.")
        else:
            for f in files:
                try:
                    add_to_library(tg.settings, f.name, f.getvalue())
                    st.success(f"Added {f.name}")
                except AssistantError as exc:
                    st.error(str(exc))
            bar = st.progress(0.0, text="Updating the index")
            try:
                report = tg.index(progress=lambda d, t, n: bar.progress(d / max(t, 1), text=n))
                st.success(f"Index updated: {len(report.added)} added, {len(report.updated)} updated.")
                for problem in report.problems:
                    st.warning(problem)
            except AssistantError as exc:
                st.error(str(exc))
