"""A contract brought into a conversation: read, indexed and (on first need) reviewed, in memory only.

    session = tg.open_contract(upload_bytes, "contract.pdf")     # or open_session(...) directly
    tg.ask("Can they sublicense my digital twin?", contract=session)

The session holds the loaded `Document`, its clauses (the review segmenter's, with numbers and pages), its
in-memory `ContractIndex`, the place named by its governing-law clause, and — computed the first time an
answer cites a clause — its playbook review. Nothing is written to disk, to the shared store or to a log:
everything lives as long as the object (the web app keeps it in `st.session_state`, the CLI for one
command), and `repr()` shows the file name only, never the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from assistant.config import Settings
from assistant.contract.index import ContractIndex
from assistant.domain import jurisdictions as J
from assistant.errors import LoadError
from assistant.ingest.loaders import load_bytes, too_big
from assistant.protocols import Embedder
from assistant.review.detect import default_playbook, governing_jurisdiction
from assistant.review.segmenter import Clause, segment
from assistant.types import Document

if TYPE_CHECKING:
    from assistant.review.findings import Finding, Review

#: Reviews a contract (the facade's `review`): (document, jurisdiction or None) -> Review.
Reviewer = Callable[[Document, "str | None"], "Review"]
#: Findings that are about the whole contract (a protection missing everywhere) and not about one clause.
CONTRACT_SCOPE = "contract"
THREE_PART_TEST = "three-part-test"      # a contract-scope finding that targets one clause (review/findings.py)


@dataclass(eq=False)
class ContractSession:
    """One uploaded contract, ready to be asked about. Memory only."""

    name: str                                             # the file name as uploaded ("contract.pdf")
    document: Document = field(repr=False)
    index: ContractIndex = field(repr=False)
    clauses: tuple[Clause, ...] = field(default=(), repr=False)
    governing_law: str | None = None                      # jurisdiction code of its governing-law clause
    warnings: tuple[str, ...] = ()
    reviewer: Reviewer | None = field(default=None, repr=False)
    _review: "Review | None" = field(default=None, init=False, repr=False)
    #: Vectors of the sentences answers have compared with a question, by (start, end): each is embedded once.
    sentence_vectors: dict[tuple[int, int], np.ndarray] = field(default_factory=dict, init=False, repr=False)

    @property
    def doc_id(self) -> str:
        """The id its citations carry: "contract:<name>" (never an id of the shared index)."""
        return f"contract:{self.name}"

    @property
    def title(self) -> str:
        return f"Your contract ({self.name})"

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def governing_law_name(self) -> str:
        """"New York" for a contract governed by New York law; "" when it names no covered place."""
        return J.named(self.governing_law) if self.governing_law else ""

    def summary(self) -> str:
        """"contract.pdf — governed by New York law" (or "— no governing-law clause found")."""
        if self.governing_law:
            return f"{self.name} — governed by {self.governing_law_name} law"
        return f"{self.name} — no governing-law clause found"

    @property
    def review(self) -> "Review | None":
        """The playbook review of the whole contract, computed once on first use (None without a reviewer)."""
        if self._review is None and self.reviewer is not None:
            self._review = self.reviewer(self.document, self.governing_law)
        return self._review

    def findings_for(self, spans: Sequence[tuple[int, int]]) -> list["Finding"]:
        """Playbook findings about the clauses that overlap `spans` (character offsets in the contract):
        findings of one clause, and the statute test that targets one; not protections missing everywhere."""
        result = self.review if spans else None
        if result is None:
            return []
        out = []
        for finding in result.findings:
            if finding.scope == CONTRACT_SCOPE and finding.check_id != THREE_PART_TEST:
                continue
            if any(finding.start < end and start < finding.end for start, end in spans):
                out.append(finding)
        return out

    def missing(self) -> list["Finding"]:
        """Findings for protections the contract lacks everywhere (deletion, withdrawal, …)."""
        result = self.review
        if result is None:
            return []
        return [f for f in result.findings if f.scope == CONTRACT_SCOPE and f.check_id != THREE_PART_TEST]

    def clause_at(self, offset: int) -> Clause | None:
        """The innermost clause holding character `offset`."""
        found = None
        for clause in self.clauses:
            if clause.start <= offset < clause.end:
                found = clause
        return found

    def to_dict(self) -> dict:
        """What `--json` shows about the contract: its name, governing law and how many clauses it has."""
        return {"name": self.name, "governing_law": self.governing_law,
                "governing_law_name": self.governing_law_name or None,
                "clauses": len(self.clauses), "passages": len(self.index)}


def upload_name(name: str) -> str:
    """The file name alone: no folder of the user's machine goes into citations."""
    return Path(name.replace("\\", "/")).name or "contract.txt"


def open_session(data: bytes | str, name: str, embedder: Embedder, settings: Settings, *,
                 reviewer: Reviewer | None = None) -> ContractSession:
    """Read an uploaded contract (bytes of a PDF, DOCX or text file; or pasted text as str) with the
    configured size and page limits, segment it, and index it in memory."""
    name = upload_name(name)
    if isinstance(data, str):
        data = data.encode("utf-8")
        if Path(name).suffix.lower() not in (".txt", ".md", ".text", ".markdown"):
            name = f"{name}.txt"
    if len(data) > settings.max_file_bytes:
        raise LoadError(name, too_big(len(data), settings.max_file_bytes))
    doc, warnings = load_bytes(data, name, settings.limits)
    clauses = segment(doc).clauses
    index = ContractIndex.build(doc, embedder, settings)
    governing = governing_jurisdiction(default_playbook(), doc.text)
    return ContractSession(name=name, document=doc, index=index, clauses=clauses, governing_law=governing,
                           warnings=tuple(warnings), reviewer=reviewer)


def read_contract_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of a contract file given on the command line, within the size limit."""
    name = str(path)
    if not path.exists():
        raise LoadError(name, "no such file")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(name, too_big(size, max_bytes))
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(name, f"cannot read file ({exc.strerror or exc.__class__.__name__})") from exc
