"""Contract review: which clauses touch a model's digital replica, what is risky, why, and what to ask for.

    review(text_or_document, sections, jurisdiction=None, embedder=..., corpus=...) -> Review

`sections` (a `SectionSource`: the facade or `index.sections.FileSections`) finds the corpus passages
findings cite; `embedder` turns on semantic detection (review/detect.py). Findings carry the clause,
offsets, page, a plain-language "why" with [n] citations to corpus sections, and the clause library's
standard position as suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from assistant.answer.citations import append_markers, make_citation, quote_section
from assistant.answer.extractive import pick_sentences
from assistant.config import builtin_corpus
from assistant.domain.jurisdictions import named
from assistant.draft.clauselib import entry_for_check, has_library, load_library
from assistant.protocols import Embedder, SectionSource
from assistant.review.detect import (
    Flag,
    default_playbook,
    detect_in_context,
    governing_jurisdiction,
    missing_protections,
    three_part_test,
)
from assistant.review.outcomes import (
    Grading,
    PositionResult,
    StatuteResult,
    Summary,
    assess,
    summarize,
)
from assistant.review.playbook import Check, Playbook, Source, standard_positions
from assistant.review.segmenter import Clause, Segmentation, as_document, segment
from assistant.types import Citation, Document

SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
MAX_CITATIONS = 3


@dataclass(frozen=True)
class Finding:
    check_id: str
    title: str
    severity: str
    clause: str
    start: int
    end: int
    page: int | None
    why: str
    citations: tuple[Citation, ...]
    suggestion: str
    clause_library_id: str
    clause_id: str = ""
    scope: str = "clause"          # clause | contract (a protection missing everywhere)

    def to_dict(self) -> dict:
        return {"check_id": self.check_id, "title": self.title, "severity": self.severity,
                "clause": self.clause, "start": self.start, "end": self.end, "page": self.page,
                "why": self.why, "citations": [c.to_dict() for c in self.citations],
                "suggestion": self.suggestion, "clause_library_id": self.clause_library_id,
                "clause_id": self.clause_id, "scope": self.scope}


@dataclass(frozen=True)
class Review:
    findings: tuple[Finding, ...]
    clauses: tuple[Clause, ...]
    jurisdiction: str | None
    replica_clauses_found: bool
    jurisdiction_from: str = ""    # "user", "governing-law clause" or ""
    text: str = ""
    positions: tuple[PositionResult, ...] = ()   # the four outcomes, one per playbook position
    summary: Summary | None = None
    read_as: str = ""              # "a digital-replica agreement", "a clause of … (pasted on its own)"

    def to_dict(self) -> dict:
        return {"jurisdiction": self.jurisdiction, "jurisdiction_from": self.jurisdiction_from,
                "replica_clauses_found": self.replica_clauses_found, "read_as": self.read_as,
                "summary": self.summary.to_dict() if self.summary else None,
                "positions": [p.to_dict() for p in self.positions],
                "findings": [f.to_dict() for f in self.findings]}


@lru_cache(maxsize=4)
def _positions(corpus: str) -> dict[str, str]:
    return standard_positions(Path(corpus))


# --- findings ------------------------------------------------------------------------------------


def cite(sections: SectionSource, sources: list[Source], query: str) -> list[Citation]:
    """Numbered citations for a finding: the best sentence of each source section, at most three."""
    citations: list[Citation] = []
    seen = set()
    for source in sources:
        if len(citations) >= MAX_CITATIONS or (source.doc, source.section) in seen:
            continue
        seen.add((source.doc, source.section))
        picked = quote_section(sections, source.doc, source.section, query, pick_sentences)
        if picked:
            citations.append(make_citation(len(citations) + 1, *picked))
    return citations


@dataclass(frozen=True)
class Context:
    """What every finding of one review shares."""

    doc: Document
    sections: SectionSource
    jurisdiction: str | None
    suggestions: dict[str, str]


def make_finding(ctx: Context, check: Check, clause: Clause, *, why: str | None = None, scope: str = "clause",
                 check_id: str | None = None, title: str | None = None, severity: str | None = None,
                 sources: list[Source] | None = None) -> Finding:
    decisive = check.jurisdictions.get(ctx.jurisdiction or "")
    sources = sources or ([decisive] if decisive else []) + list(check.sources)
    severity = severity or ("high" if decisive and check.severity == "medium" else check.severity)
    text = why or check.why
    if decisive and why is None:
        text += f" The law of {named(ctx.jurisdiction)} applies here."
    citations = cite(ctx.sections, sources, f"{check.title}. {text}")
    end = clause.block_end or clause.end
    return Finding(
        check_id=check_id or check.id, title=title or check.title,
        severity=severity, clause=ctx.doc.text[clause.start:end], start=clause.start, end=end, page=clause.page,
        why=append_markers(text, [c.n for c in citations]), citations=tuple(citations),
        suggestion=ctx.suggestions.get(check.fix, ""), clause_library_id=check.fix, clause_id=clause.ref,
        scope=scope)


def review(source: str | Document, sections: SectionSource, jurisdiction: str | None = None, *,
           embedder: Embedder | None = None, corpus: Path | None = None, playbook: Playbook | None = None,
           whole_contract: bool | None = None) -> Review:
    """Review a contract (or one pasted clause). `embedder` adds semantic detection; `corpus` is where the
    clause library's standard positions come from (else the built-in corpus). `whole_contract` (default:
    three clauses or more) turns on the checks for protections missing everywhere."""
    playbook = playbook or default_playbook()
    doc = as_document(source)
    seg = segment(doc)
    hits, replica, digital, framing = detect_in_context(seg, playbook, embedder)
    whole = len(seg.clauses) >= 3 if whole_contract is None else whole_contract
    found_from = "user" if jurisdiction else ""
    if not jurisdiction:
        jurisdiction = governing_jurisdiction(playbook, doc.text)
        found_from = "governing-law clause" if jurisdiction else ""
    suggestions = (_positions(str(corpus)) if corpus else {}) or _positions(str(builtin_corpus()))
    ctx = Context(doc, sections, jurisdiction, suggestions)
    findings = [make_finding(ctx, h.check, h.clause) for h in hits]
    flagged = {h.check.id for h in hits}
    if whole and digital:
        for check, anchor in missing_protections(seg, playbook, digital, flagged):
            why = check.missing_why or f"No clause in this contract provides this protection. {check.why}"
            findings.append(make_finding(ctx, check, anchor, why=why, scope="contract"))
    if digital:
        findings.extend(_statutes(ctx, seg, playbook, digital, hits))
    findings.sort(key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.start, f.check_id))
    grading = Grading(seg=seg, flagged=_flagged(hits), missing={f.check_id for f in findings if f.scope == "contract"},
                      replica=replica, talent=_talent(playbook, seg, replica), ctx=framing, today=date.today())
    positions = assess(playbook, grading, _gives_up(corpus), _citer(ctx, findings))
    tests = _tests(playbook, jurisdiction, findings, bool(digital))
    summary = summarize(positions, tests, framing.read_as)
    return Review(tuple(findings), seg.clauses, jurisdiction, bool(replica), found_from, doc.text,
                  tuple(positions), summary, framing.read_as)


def _flagged(hits: Sequence[Flag]) -> dict[str, list[Clause]]:
    out: dict[str, list[Clause]] = {}
    for h in hits:
        out.setdefault(h.check.id, []).append(h.clause)
    return out


def _talent(playbook: Playbook, seg: Segmentation, replica: set[int]) -> bool:
    return bool(replica) or any(any(p.search(c.text) for p in playbook.talent) for c in seg.clauses[:400])


@lru_cache(maxsize=4)
def _library(corpus: str) -> dict:
    root = Path(corpus)
    return load_library(root) if has_library(root) else {}


def _gives_up(corpus: Path | None):
    library = _library(str(corpus)) or _library(str(builtin_corpus()))

    def gives_up(check: Check, outcome: str, fallback: str) -> str:
        entry = entry_for_check(library, check.id)
        if outcome == "unacceptable":
            return check.why
        if outcome == "missing":
            return check.missing_why or ("With no clause on this, you have none of the protection our standard "
                                         "position gives.")
        if entry is None:
            return ""
        if outcome == "met":
            return entry.standard.gives_up
        for position in entry.fallbacks:
            if position.label == fallback:
                return position.gives_up
        return ("It depends on the wording: compare the clause with our standard position and fallbacks "
                f"(clause library {entry.id}).")
    return gives_up


def _citer(ctx: Context, findings: Sequence[Finding]):
    """Citations for a position: a finding's when it has one, else the check's sources."""
    known = {f.check_id: f.citations for f in findings if f.citations}

    def citations(check: Check) -> tuple[Citation, ...]:
        if check.id in known:
            return known[check.id]
        return tuple(cite(ctx.sections, list(check.sources), f"{check.title}. {check.why}"))
    return citations


def _tests(playbook: Playbook, jurisdiction: str | None, findings: Sequence[Finding],
           digital: bool) -> list[StatuteResult]:
    """Each three-part test: whether it applies (the contract's law) and what it found."""
    out = []
    void = any(f.check_id == THREE_PART_TEST for f in findings)
    for test in playbook.statutes:
        if test.jurisdiction != jurisdiction:
            place = named(jurisdiction) if jurisdiction else "no law we could read"
            out.append(StatuteResult(test.title, False, f"Not run: the contract is governed by {place}."))
        elif not digital:
            out.append(StatuteResult(test.title, True, "Not triggered: no digital-replica clause."))
        elif void:
            out.append(StatuteResult(test.title, True, "A replica clause appears to meet all three parts, so it "
                                     "is likely void (see the finding)."))
        else:
            out.append(StatuteResult(test.title, True, "Not all three parts are met: the uses are described "
                                     "specifically, the replica does not replace in-person work, or a lawyer or "
                                     "union negotiated."))
    return out


THREE_PART_TEST = "three-part-test"     # the check id of a statute's three-part-test finding


def _statutes(ctx: Context, seg: Segmentation, playbook: Playbook, replica: set[int],
              hits: Sequence[Flag]) -> list[Finding]:
    out = []
    for test in playbook.statutes:
        if test.jurisdiction != ctx.jurisdiction:
            continue
        vague = [h.clause for h in hits if h.check.id == "vague-scope"]
        target = three_part_test(seg, playbook, replica, vague)
        if target is None:
            continue
        check = playbook.check("vague-scope")
        why = (f"Under {test.title}, a digital-replica clause in a services contract is void when it "
               "(a) lets a replica replace work you would have done in person, (b) has no reasonably "
               "specific description of the uses, and (c) you had no lawyer or union negotiating it. "
               "This clause appears to meet all three: it allows replica content, does not describe the "
               "uses specifically, and nothing in the contract says a lawyer or union negotiated it.")
        sources = [test.source, Source(test.source.doc, test.source.section)] + list(check.sources)
        out.append(make_finding(ctx, check, target, why=why, scope="contract", check_id=THREE_PART_TEST,
                                title=f"Replica clause likely void under {test.title}", severity="high",
                                sources=sources))
    return out
