"""Writing an answer's lines: a picked sentence becomes a cited line, its [[doc#section]] references become
citations of the law they point to, and its tags (place, status) come from the cited documents' own
metadata — the law a FAQ sentence refers to, not the FAQ."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Mapping, Sequence

from assistant.answer.citations import (
    Citer,
    append_markers,
    quote_section,
    readable,
    ref_words,
)
from assistant.answer.extractive import pick_sentences, ref_last
from assistant.domain import jurisdictions as J
from assistant.domain.schema import LAW_KINDS, REF_RE
from assistant.domain.wording import STATUS_TAGS
from assistant.plan.planner import QuestionPlan
from assistant.protocols import SectionSource

if TYPE_CHECKING:
    from assistant.answer.composer import Pick


class Writer:
    """Turns picked sentences into cited lines: references become citations of the law they point to, and
    each line is tagged from the cited documents' own metadata."""

    def __init__(self, plan: QuestionPlan, titles: Mapping[str, str], sections: SectionSource | None,
                 doc_meta: Mapping[str, Mapping[str, str]]):
        self.plan, self.titles, self.sections, self.doc_meta = plan, dict(titles), sections, doc_meta
        self.citer = Citer()

    def line(self, pick: "Pick", *, tag_place: bool) -> str:
        cited = [pick.hit.chunk.doc_id]
        n = self.citer.cite(pick.hit, pick.sentence)

        def swap(match: re.Match) -> str:
            inner = quote_section(self.sections, match.group(1), match.group(2), pick.sentence.text,
                                  pick_sentences)
            if not inner:
                return ref_words(match, self.titles)
            cited.append(inner[0].chunk.doc_id)
            return f"[{self.citer.cite(*inner)}]"

        text = readable(REF_RE.sub(swap, ref_last(pick.sentence.text)), self.titles)
        text = append_markers(name_the_subject(text, self.doc_meta.get(cited[0], {})), [n])
        own = self.doc_meta.get(cited[0], {}).get("jurisdiction", "")
        tags = self.tags(cited[1:] if own in ("", J.NEUTRAL) and len(cited) > 1 else cited[:1], tag_place, text)
        return f"**{' · '.join(tags)}:** {text}" if tags else text

    def tags(self, docs: Sequence[str], tag_place: bool, text: str = "") -> list[str]:
        """The place and status of what a line cites (the law a FAQ sentence refers to, not the FAQ). Guidance
        is tagged with its country, not as that country's federal law; a "bill, not law" tag is left off a
        sentence that itself says what is already in force."""
        metas = [self.doc_meta.get(d, {}) for d in docs]
        codes = {m.get("jurisdiction", "") for m in metas} - {"", J.NEUTRAL}
        statuses = {m.get("status", "") for m in metas}
        kinds = {m.get("kind", "") for m in metas}
        tags = []
        if tag_place and len(codes) == 1:
            name = J.place_name(next(iter(codes)))
            tags.append(name.split(" (")[0] if kinds and not kinds & set(LAW_KINDS) else name)
        status = next(iter(statuses)) if len(statuses) == 1 else ""
        if STATUS_TAGS.get(status) and not (status in ("bill", "draft") and IN_FORCE_RE.search(text)):
            tags.append(STATUS_TAGS[status])
        return [t for t in tags if t]


IN_FORCE_RE = re.compile(r"\b(?:already|is|are|has been|have been) (?:in force|law)\b|\bin force (?:since|today)\b",
                         re.I)
SUBJECT_RE = re.compile(r"^(The|This) (Act|law|bill|Bill|regulation|Regulation|directive|Directive|draft|rules|Rules|"
                        r"code|Code|statute|Measures|Provisions|amendment|Amendment|agreement|Agreement|contract|"
                        r"statement|guidance|toolkit|Toolkit)\b")


def name_the_subject(text: str, meta: Mapping[str, str]) -> str:
    """"The law does not …" quoted alone reads as any law: name it ("The law (NY GBL § 396-b) does not …")."""
    match = SUBJECT_RE.match(text)
    title = meta.get("short_title", "")
    if not match or not title or meta.get("kind") not in LAW_KINDS or title.lower() in text.lower():
        return text
    return f"{match.group(0)} ({title}){text[match.end():]}"
