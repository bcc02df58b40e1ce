"""TwinGuard's own words: the legal-information note, what TwinGuard covers, and the labels of statuses
and document kinds. Defined once; answers, reports, riders and the web app use these."""

from __future__ import annotations

from assistant.domain.jurisdictions import coverage_list

DISCLAIMER = "Legal information, not legal advice. For your own contract, talk to your union or a lawyer."
COVERAGE = ("TwinGuard covers AI digital replicas (\"digital twins\") of models and performers: consent, "
            "pay, scope and duration of use, deletion, AI labelling, post-mortem rights, union guidance, "
            f"and the laws of {coverage_list()}.")

#: Tags on an answer's point when its source is not (yet) law.
STATUS_TAGS = {"bill": "a bill, not law", "draft": "a draft, not law",
               "statement": "a company statement, not law",
               "adopted-not-yet-applicable": "adopted, not yet applicable"}
#: How a source's status is shown beside it.
STATUS_LABELS = {"in-force": "in force", "adopted-not-yet-applicable": "adopted, not yet applicable",
                 "bill": "bill (not law)", "draft": "draft (not law)", "guidance": "guidance",
                 "statement": "company statement (not law)"}
#: Document kinds as headings of the library, in the order they are listed.
KIND_LABELS = {"law": "Laws", "regulation": "Regulations", "bill": "Bills (not law)", "draft": "Drafts (not law)",
               "guidance": "Union and industry guidance", "company-statement": "Company statements",
               "faq": "Questions models ask", "template": "Contract templates", "clause-library": "Clause library"}
