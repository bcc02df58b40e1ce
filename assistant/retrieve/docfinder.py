"""Document names in a question: "Consider the Endorsement Agreement between X and Y; …" or "What does the
Fashion Workers Act say …" matched against document profiles (title, aliases, file name, opening text).

An explicit "Consider the …;" naming restricts the search to the named document and searches with the
rest of the question; a name mentioned in passing boosts passages from that document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.index.keyword import KeywordIndex

NAMED_RE = re.compile(r"^\s*Consider\s+(?:the\s+)?(?P<name>.{8,600}?);\s*(?P<rest>\S.*)$", re.S | re.I)


@dataclass(frozen=True)
class NamedDocs:
    doc_ids: tuple[str, ...]
    restrict: bool         # search only inside these documents
    query: str             # the question to rank passages with


class DocFinder:
    """Finds the documents a question names, from titles, aliases, file names and opening text."""

    def __init__(self, docs: dict[str, dict], openings: dict[str, str]):
        self.doc_ids = sorted(docs)
        profiles = [self._profile(docs[d], openings.get(d, "")) for d in self.doc_ids]
        self.index = KeywordIndex.build(self.doc_ids, profiles)
        self.names: list[tuple[str, str]] = []
        for doc_id in self.doc_ids:
            meta = docs[doc_id]
            candidates = [meta.get("short_title", "")] + meta.get("aliases", "").split(";")
            for name in candidates:
                name = " ".join(name.split()).lower()
                if len(name) >= 4:
                    self.names.append((name, doc_id))

    @staticmethod
    def _profile(meta: dict, opening: str) -> str:
        stem = re.sub(r"[_\-.]+", " ", meta.get("path", "").rsplit("/", 1)[-1])
        parts = [meta.get("title", ""), meta.get("short_title", ""), meta.get("aliases", ""),
                 meta.get("citation", ""), stem, opening]
        return "\n".join(p for p in parts if p)

    def find(self, question: str) -> NamedDocs | None:
        match = NAMED_RE.match(question)
        if match and len(self.doc_ids) > 0:
            ranked = self.index.search(match.group("name"), 3)
            if ranked:
                best = ranked[0][1]
                second = ranked[1][1] if len(ranked) > 1 else 0.0
                chosen = [ranked[0][0]] if best >= 1.15 * second else [d for d, s in ranked if s >= 0.85 * best]
                return NamedDocs(tuple(chosen), True, match.group("rest").strip())
        text = " " + " ".join(re.findall(r"[\w§.()'-]+", question.lower())) + " "
        hits = [(name, doc_id) for name, doc_id in self.names if f" {name} " in text]
        # Prefer the longest name: "uk gdpr" wins over "gdpr".
        hits = [(n, d) for n, d in hits if not any(n != m and n in m for m, _ in hits)]
        if hits:
            return NamedDocs(tuple(sorted({d for _, d in hits})), False, question)
        return None
