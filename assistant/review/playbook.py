"""The review playbook: checks as data (review/playbook.yaml), compiled once per process.

    playbook = load_playbook()                 # the bundled playbook.yaml
    playbook.check("perpetual-term").severity  # "high"
    playbook.exemplar_vectors(embedder)        # cached: computed once per embedder

Also here: the clause library's standard positions (`standard_positions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence
from weakref import WeakKeyDictionary

import numpy as np
import yaml

from assistant.domain.jurisdictions import governing_law_patterns
from assistant.draft.clauselib import has_library, load_library, parse_entry
from assistant.errors import PlaybookError
from assistant.protocols import Embedder

PLAYBOOK_PATH = Path(__file__).with_name("playbook.yaml")
SEVERITIES = ("high", "medium", "low")
CONTEXTS = ("replica", "contract", "talent", "any")
WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20}
FLAGS = re.I | re.S


@dataclass(frozen=True)
class Source:
    doc: str
    section: str


@dataclass(frozen=True)
class Fallback:
    label: str                                     # "Fallback 1", as in the clause library
    by: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class PositionRule:
    """How a playbook position is graded for a whole contract (review/outcomes.py): which clauses speak
    to it, which wording meets the standard position or a fallback, and, for a term, the month limits."""

    name: str                                      # "Licence term"
    addressed_by: tuple[re.Pattern, ...]
    standard_by: tuple[re.Pattern, ...] = ()
    fallbacks: tuple[Fallback, ...] = ()
    applies_when: tuple[re.Pattern, ...] = ()      # the position applies only to contracts matching one
    standard_months: float | None = None           # a fixed term up to this meets the standard position
    fallback_months: tuple[float, ...] = ()        # ...up to these, Fallback 1, 2, ...


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    severity: str
    context: str
    why: str
    patterns: tuple[re.Pattern, ...]
    exemplars: tuple[str, ...]
    safe_exemplars: tuple[str, ...]
    threshold: float
    satisfied_by: tuple[re.Pattern, ...]
    sources: tuple[Source, ...]
    jurisdictions: dict[str, Source]
    fix: str
    numeric_above: float | None = None
    context_patterns: tuple[re.Pattern, ...] = ()
    provided_by: tuple[re.Pattern, ...] = ()     # document-level: a clause that provides the protection
    missing_why: str = ""                          # document-level: why its absence matters
    keywords: tuple[str, ...] = ()                 # fast pre-check: no keyword, no pattern can fire
    satisfied_scope: str = "sentence"              # where satisfied_by is looked for: sentence | clause
    position: PositionRule | None = None           # how the whole contract is graded on this position
    anywhere: tuple[re.Pattern, ...] = ()          # fire in any clause of a likeness or replica contract

    def may_fire(self, low_text: str) -> bool:
        return not self.keywords or any(k in low_text for k in self.keywords)

    @property
    def document_level(self) -> bool:
        return bool(self.provided_by)

    def passes_numeric(self, match: re.Match) -> bool:
        if self.numeric_above is None or "n" not in match.re.groupindex or match.group("n") is None:
            return True
        raw = match.group("n").lower()
        value = WORD_NUMBERS.get(raw)
        if value is None:
            try:
                value = float(raw)
            except ValueError:
                return False
        if "unit" in match.re.groupindex and (match.group("unit") or "").lower().startswith("month"):
            value /= 12
        return value > self.numeric_above


@dataclass(frozen=True)
class StatuteTest:
    jurisdiction: str
    title: str
    source: Source


@dataclass
class Playbook:
    checks: tuple[Check, ...]
    replica: tuple[re.Pattern, ...]
    likeness: tuple[re.Pattern, ...]
    talent: tuple[re.Pattern, ...]
    keywords: tuple[str, ...]
    negation_before: tuple[re.Pattern, ...]
    negation_after: tuple[re.Pattern, ...]
    breaks: re.Pattern
    governing_law: tuple[tuple[re.Pattern, str], ...]
    statutes: tuple[StatuteTest, ...]
    in_place_of_work: tuple[re.Pattern, ...]
    specific_description: tuple[re.Pattern, ...]
    representation: tuple[re.Pattern, ...]
    rights_references: tuple[re.Pattern, ...] = ()   # "the rights granted": the replica, in a replica agreement
    unrelated_objects: tuple[re.Pattern, ...] = ()   # software, goods, trademarks: never a replica by context
    duration_check: str = ""                         # the check decided by how long the grant lasts
    death_check: str = ""                            # the check a survival past death raises
    _vectors: WeakKeyDictionary = field(default_factory=WeakKeyDictionary, repr=False)   # embedder -> vectors

    def may_concern_replica(self, text: str) -> bool:
        """False when `text` contains none of the context keywords, so no context pattern can match."""
        if not self.keywords:
            return True
        low = text.lower()
        return "AI" in text or any(k in low for k in self.keywords)

    def check(self, check_id: str) -> Check:
        for check in self.checks:
            if check.id == check_id:
                return check
        raise KeyError(check_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.checks)

    def exemplar_vectors(self, embedder: Embedder) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """{check id: (risky exemplar vectors, safe exemplar vectors)}, embedded once per embedder."""
        if embedder not in self._vectors:
            texts: list[str] = []
            for check in self.checks:
                texts.extend(check.exemplars)
                texts.extend(check.safe_exemplars)
            matrix = embedder.encode(texts) if texts else np.zeros((0, embedder.dim), dtype=np.float32)
            out, i = {}, 0
            for check in self.checks:
                risky = matrix[i:i + len(check.exemplars)]
                i += len(check.exemplars)
                safe = matrix[i:i + len(check.safe_exemplars)]
                i += len(check.safe_exemplars)
                out[check.id] = (risky, safe)
            self._vectors[embedder] = out
        return self._vectors[embedder]


def load_playbook(path: Path | None = None) -> Playbook:
    """Read and compile a playbook YAML file; raise PlaybookError naming what is wrong."""
    path = path or PLAYBOOK_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PlaybookError(f"Cannot read the playbook {path}: {exc}") from exc
    try:
        return _build(data)
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise PlaybookError(f"The playbook {path} is malformed: {exc}") from exc


def _compile(patterns: Sequence[str] | None) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p, FLAGS) for p in (patterns or ()))


def _source(raw: dict) -> Source:
    return Source(str(raw["doc"]), str(raw["section"]))


def _position(raw: dict | None) -> PositionRule | None:
    if not raw:
        return None
    duration = raw.get("duration") or {}
    return PositionRule(
        name=str(raw["name"]), addressed_by=_compile(raw.get("addressed_by")),
        standard_by=_compile(raw.get("standard_by")), applies_when=_compile(raw.get("applies_when")),
        fallbacks=tuple(Fallback(str(f["label"]), _compile(f.get("by"))) for f in raw.get("fallbacks") or ()),
        standard_months=float(duration["standard"]) if "standard" in duration else None,
        fallback_months=tuple(float(m) for m in duration.get("fallbacks") or ()))


def _build(data: dict) -> Playbook:
    checks = []
    seen = set()
    for raw in data["checks"]:
        triggers = raw.get("triggers") or {}
        check = Check(
            id=str(raw["id"]), title=str(raw["title"]), severity=str(raw["severity"]),
            context=str(raw.get("context", "replica")), why=" ".join(str(raw["why"]).split()),
            patterns=_compile(triggers.get("patterns")),
            exemplars=tuple(triggers.get("exemplars") or ()),
            safe_exemplars=tuple(triggers.get("safe_exemplars") or ()),
            threshold=float(triggers.get("threshold", 1.0)),
            satisfied_by=_compile(raw.get("satisfied_by")),
            sources=tuple(_source(s) for s in raw.get("sources") or ()),
            jurisdictions={str(k): _source(v) for k, v in (raw.get("jurisdictions") or {}).items()},
            fix=str(raw["fix"]),
            numeric_above=(triggers.get("numeric") or {}).get("above"),
            context_patterns=_compile(triggers.get("context_patterns")),
            provided_by=_compile((raw.get("document_level") or {}).get("provided_by")),
            keywords=tuple(str(k).lower() for k in raw.get("keywords") or ()),
            satisfied_scope=str(raw.get("satisfied_scope", "sentence")),
            missing_why=" ".join(str((raw.get("document_level") or {}).get("missing_why", "")).split()),
            position=_position(raw.get("position")), anywhere=_compile(triggers.get("anywhere")),
        )
        if check.severity not in SEVERITIES:
            raise ValueError(f"check {check.id}: severity must be one of {SEVERITIES}, got {check.severity!r}")
        if check.context not in CONTEXTS:
            raise ValueError(f"check {check.id}: context must be one of {CONTEXTS}, got {check.context!r}")
        if check.id in seen:
            raise ValueError(f"check id {check.id} appears twice")
        if not check.patterns:
            raise ValueError(f"check {check.id} has no trigger patterns")
        seen.add(check.id)
        checks.append(check)
    context, negation, statutes = data["context"], data["negation"], data["statutes"]
    return Playbook(
        checks=tuple(checks), replica=_compile(context["replica"]), likeness=_compile(context.get("likeness")),
        talent=_compile(context["talent"]), keywords=tuple(str(k).lower() for k in context.get("keywords") or ()),
        negation_before=_compile(negation["before"]), negation_after=_compile(negation["after"]),
        breaks=re.compile("|".join(f"(?:{b})" for b in negation["breaks"]), FLAGS),
        governing_law=governing_law_patterns(),
        statutes=tuple(StatuteTest(t["jurisdiction"], t["title"], _source(t)) for t in statutes["tests"]),
        in_place_of_work=_compile(statutes["in_place_of_work"]),
        specific_description=_compile(statutes["specific_description"]),
        representation=_compile(statutes["representation"]),
        rights_references=_compile(context.get("rights_references")),
        unrelated_objects=_compile(context.get("unrelated_objects")),
        duration_check=str(context.get("duration_check", "")),
        death_check=str(context.get("death_check", "")),
    )


# --- the clause library's standard positions --------------------------------------------------


def standard_position(markdown: str) -> str:
    """The "## Standard position" paragraph of a clause-library entry, without the
    "What the model gives up" note (parsed by assistant.draft.clauselib)."""
    return parse_entry(markdown.encode("utf-8"), "entry.md").standard.text


def standard_positions(corpus: Path) -> dict[str, str]:
    """{clause-library id: standard position text} from corpus/clause-library/cl-*.md ({} when the
    corpus has no clause library, so the caller can fall back to the built-in one)."""
    if not has_library(corpus):
        return {}
    return {k: v.standard.text for k, v in load_library(corpus).items() if v.standard.text}
