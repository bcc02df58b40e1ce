"""The places TwinGuard knows: each jurisdiction once, and every place table derived from it.

A `Jurisdiction` holds its code, the names people use for it (names, adjectives, abbreviations, the
cities and states they name instead), its parent (US-NY -> US, ES -> EU) and whether the corpus covers
it with its own law. Places that exist but that the corpus does not cover yet (Italy, France, Japan …)
are known too, so that an answer can say so. To add a covered place: add or flip its row here, and add
its documents to the corpus; the selector, place detection, scope, the rider parser and the front-matter
schema all follow from this table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: Front-matter code for sources that apply everywhere (union guidance, templates, the FAQ).
NEUTRAL = "INTL"


@dataclass(frozen=True)
class Jurisdiction:
    code: str                          # front-matter code: "US-NY"
    name: str                          # in answers and tags: "New York"
    label: str = ""                    # in the selector, when it differs from `name`: "United Kingdom"
    covered: bool = False              # the corpus has this place's own law
    parent: str = ""                   # the jurisdiction whose law also applies: "US", "EU"
    names: tuple[str, ...] = ()        # what people call it: "new york", "españa"
    adjectives: tuple[str, ...] = ()   # "spanish", "danish"
    cities: tuple[str, ...] = ()       # cities and regions people name instead: "madrid", "brooklyn"
    abbreviations: tuple[str, ...] = ()  # recognised only in capitals ("US", "NY"): also ordinary words
    legal_names: tuple[str, ...] = ()  # regex fragments for a governing-law clause: "England(?: and Wales)?"
    territory: str = ""                # in a rider's territory: "the European Union"
    coverage: str = ""                 # in the coverage sentence, when it differs from `name`

    @property
    def selector_label(self) -> str:
        return self.label or self.name

    @property
    def neutral(self) -> bool:
        return self.code == NEUTRAL


J = Jurisdiction
#: The one table. Order is the order of the selector and of the coverage sentence.
TABLE: tuple[Jurisdiction, ...] = (
    J("EU", "EU", covered=True, coverage="the EU", names=("european union", "europe"), adjectives=("european",),
      abbreviations=("EU", "E.U.", "EEA"), territory="the European Union"),
    J("ES", "Spain", covered=True, parent="EU", names=("spain", "españa"), adjectives=("spanish",),
      cities=("madrid", "barcelona"), legal_names=("Spain",), territory="Spain"),
    J("DK", "Denmark", covered=True, parent="EU", names=("denmark",), adjectives=("danish",),
      cities=("copenhagen",), legal_names=("Denmark",), territory="Denmark"),
    J("IT", "Italy", covered=True, parent="EU", names=("italy", "italia"), adjectives=("italian",),
      cities=("milan", "milano", "rome", "florence"), legal_names=("Italy", "the Italian Republic"), territory="Italy"),
    J("FR", "France", covered=True, parent="EU", names=("france",), adjectives=("french",), cities=("paris", "nice"),
      legal_names=("France", "the French Republic"), territory="France"),
    J("UK", "UK", label="United Kingdom", covered=True,
      names=("united kingdom", "britain", "england", "great britain", "scotland", "wales"),
      adjectives=("british", "english", "scottish", "welsh"),
      cities=("london", "manchester"), abbreviations=("UK", "GB"),
      legal_names=("England(?: and Wales)?", "the United Kingdom", "Scotland"), territory="the United Kingdom",
      coverage="the UK"),
    J("US", "US (federal)", covered=True, names=("united states", "usa", "federal"),
      abbreviations=("US", "U.S.", "USA"), territory="the United States", coverage="US federal bills"),
    J("US-NY", "New York", covered=True, parent="US", names=("new york",), adjectives=("new yorker",),
      cities=("new york city", "nyc", "manhattan", "brooklyn"), abbreviations=("NY", "NYC"),
      legal_names=("New York",), territory="New York"),
    J("US-CA", "California", covered=True, parent="US", names=("california",), adjectives=("californian",),
      cities=("los angeles", "san francisco", "hollywood"), abbreviations=("CA",),
      legal_names=("California",), territory="California"),
    J("US-TN", "Tennessee", covered=True, parent="US", names=("tennessee",), cities=("nashville",),
      abbreviations=("TN",), legal_names=("Tennessee",), territory="Tennessee"),
    J("US-IL", "Illinois", covered=True, parent="US", names=("illinois",), cities=("chicago",),
      abbreviations=("IL",), legal_names=("Illinois",), territory="Illinois"),
    J("CN", "China", covered=True, names=("china",), adjectives=("chinese",), cities=("beijing", "shanghai"),
      legal_names=("the People's Republic of China", "China"), territory="China"),
    J("KR", "South Korea", covered=True, names=("south korea", "korea"), adjectives=("korean",), cities=("seoul",),
      legal_names=("the Republic of Korea", "South Korea", "Korea"), territory="South Korea"),
    J("IN", "India", covered=True, names=("india",), adjectives=("indian",), cities=("mumbai", "delhi", "new delhi"),
      legal_names=("India", "the Republic of India"), territory="India"),
    J("JP", "Japan", covered=True, names=("japan",), adjectives=("japanese",), cities=("tokyo", "osaka"),
      legal_names=("Japan",), territory="Japan"),
    J("BR", "Brazil", covered=True, names=("brazil", "brasil"), adjectives=("brazilian",),
      cities=("são paulo", "sao paulo", "rio de janeiro"), legal_names=("Brazil", "the Federative Republic of Brazil"),
      territory="Brazil"),
    J("AU", "Australia", covered=True, names=("australia",), adjectives=("australian",), cities=("sydney", "melbourne"),
      legal_names=("Australia", "New South Wales"), territory="Australia"),
    J(NEUTRAL, "International", covered=True),
    # Known places the corpus does not cover yet: an answer about them must say so, then give what applies
    # above them (EU law for an EU country, US federal law for a US state).
    J("DE", "Germany", parent="EU", names=("germany", "deutschland"), adjectives=("german",),
      cities=("berlin", "munich", "hamburg", "düsseldorf", "dusseldorf")),
    J("NL", "the Netherlands", parent="EU", names=("netherlands", "holland"), adjectives=("dutch",),
      cities=("amsterdam", "rotterdam")),
    J("BE", "Belgium", parent="EU", names=("belgium",), adjectives=("belgian",), cities=("brussels", "antwerp")),
    J("SE", "Sweden", parent="EU", names=("sweden",), adjectives=("swedish",), cities=("stockholm",)),
    J("PT", "Portugal", parent="EU", names=("portugal",), adjectives=("portuguese",), cities=("lisbon", "porto")),
    J("IE", "Ireland", parent="EU", names=("ireland",), adjectives=("irish",), cities=("dublin",)),
    J("PL", "Poland", parent="EU", names=("poland",), adjectives=("polish",), cities=("warsaw",)),
    J("AT", "Austria", parent="EU", names=("austria",), adjectives=("austrian",), cities=("vienna",)),
    J("GR", "Greece", parent="EU", names=("greece",), adjectives=("greek",), cities=("athens",)),
    J("US-FL", "Florida", parent="US", names=("florida",), cities=("miami",)),
    J("US-TX", "Texas", parent="US", names=("texas",), cities=("houston", "dallas", "austin")),
    J("US-NV", "Nevada", parent="US", names=("nevada",), cities=("las vegas",)),
    J("US-NJ", "New Jersey", parent="US", names=("new jersey",)),
    J("US-NM", "New Mexico", parent="US", names=("new mexico",)),
    J("US-MA", "Massachusetts", parent="US", names=("massachusetts",), cities=("boston",)),
    J("CAN", "Canada", names=("canada",), adjectives=("canadian",), cities=("toronto", "montreal", "vancouver")),
    J("MX", "Mexico", names=("mexico", "méxico"), adjectives=("mexican",), cities=("mexico city",)),
    J("CH", "Switzerland", names=("switzerland",), adjectives=("swiss",), cities=("zurich", "geneva")),
    J("TR", "Turkey", names=("turkey", "türkiye", "turkiye"), adjectives=("turkish",), cities=("istanbul",)),
    J("AE", "the United Arab Emirates", names=("united arab emirates", "emirates"), cities=("dubai", "abu dhabi"),
      abbreviations=("UAE",)),
    J("NG", "Nigeria", names=("nigeria",), adjectives=("nigerian",), cities=("lagos",)),
    J("ZA", "South Africa", names=("south africa",), adjectives=("south african",),
      cities=("cape town", "johannesburg")),
    J("SG", "Singapore", names=("singapore",)),
    J("HK", "Hong Kong", names=("hong kong",)),
    J("ID", "Indonesia", names=("indonesia",), adjectives=("indonesian",), cities=("jakarta", "bali")),
    J("TH", "Thailand", names=("thailand",), adjectives=("thai",), cities=("bangkok",)),
    J("PH", "the Philippines", names=("philippines",), adjectives=("filipino", "philippine"), cities=("manila",)),
    J("AR", "Argentina", names=("argentina",), adjectives=("argentinian", "argentine"), cities=("buenos aires",)),
    J("CO", "Colombia", names=("colombia",), adjectives=("colombian",),
      cities=("bogotá", "bogota", "medellín", "medellin")),
    J("RU", "Russia", names=("russia",), adjectives=("russian",), cities=("moscow",)),
)

BY_CODE: dict[str, Jurisdiction] = {j.code: j for j in TABLE}
#: Codes a corpus document may carry in its front matter: the covered places.
CODES: tuple[str, ...] = tuple(j.code for j in TABLE if j.covered)


def get(code: str) -> Jurisdiction | None:
    return BY_CODE.get(code)


def is_covered(code: str) -> bool:
    """Does the corpus have this place's own law?"""
    j = BY_CODE.get(code)
    return bool(j and j.covered)


def place_name(code: str) -> str:
    """The name answers use for a covered place ("New York", "US (federal)"); "" for guidance that
    applies everywhere and for unknown codes."""
    j = BY_CODE.get(code)
    return j.name if j and j.covered and not j.neutral else ""


def named(code: str) -> str:
    """The name of any known place, or the code itself."""
    j = BY_CODE.get(code)
    return j.name if j else code


def covered_place(code: str | None) -> str | None:
    """The nearest covered jurisdiction at or above `code` (Paris's FR -> EU; Japan -> None)."""
    while code:
        j = BY_CODE.get(code)
        if j is None:
            return None
        if j.covered:
            return j.code
        code = j.parent
    return None


def ancestors(code: str) -> tuple[str, ...]:
    out, j = [], BY_CODE.get(code)
    while j and j.parent:
        out.append(j.parent)
        j = BY_CODE.get(j.parent)
    return tuple(out)


def within(code: str, area: str) -> bool:
    """Is `code` the place `area` or inside it (ES and DK are within EU; US-NY within US)?"""
    return bool(code) and (code == area or area in ancestors(code))


def children(code: str) -> tuple[str, ...]:
    """The covered places directly below `code` (ES and DK for EU)."""
    return tuple(j.code for j in TABLE if j.parent == code and j.covered)


def scope(code: str | None) -> tuple[str, ...]:
    """Jurisdictions whose sources answer a question about `code` (empty = all): the place, the law above
    it (EU law for Spain, US federal for New York), the covered places below it, and general guidance."""
    if not code or code.lower() == "all":
        return ()
    if code == NEUTRAL:
        return (NEUTRAL,)
    return tuple(dict.fromkeys((code, *ancestors(code), *children(code), NEUTRAL)))


def selector_choices() -> dict[str, str]:
    """Label -> code for the place selector: "All places" first, then every covered place."""
    return {"All places": "all", **{j.selector_label: j.code for j in TABLE if j.covered and not j.neutral}}


def coverage_list() -> str:
    """The covered places in one phrase: "the EU, Spain, …, China and South Korea"."""
    names = [j.coverage or j.name for j in TABLE if j.covered and not j.neutral]
    return ", ".join(names[:-1]) + " and " + names[-1]


# --- place words in free text -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def place_words() -> dict[str, str]:
    """Lower-case word -> code for every name, adjective, city and abbreviation of every known place."""
    words: dict[str, str] = {}
    for j in TABLE:
        for word in (*j.names, *j.adjectives, *j.cities, *j.abbreviations):
            words.setdefault(word.lower(), j.code)
    return words


@lru_cache(maxsize=1)
def _place_re() -> re.Pattern:
    alternatives = sorted((re.escape(w) for w in place_words()), key=len, reverse=True)
    return re.compile(r"(?<![\w.])(" + "|".join(alternatives) + r")(?![\w])", re.I)


@lru_cache(maxsize=1)
def _capitals_only() -> frozenset[str]:
    """Abbreviations that are also ordinary words ("us", "ca"): they count only in capitals."""
    spelled = {w for j in TABLE for w in (*j.names, *j.adjectives, *j.cities)}
    return frozenset(a.lower() for j in TABLE for a in j.abbreviations) - spelled


def _is_abbreviation(word: str) -> bool:
    return word.lower() in _capitals_only()


def places_in(text: str) -> list[str]:
    """Codes of every known place a text names, in order of first mention. An abbreviation counts only
    when written in capitals ("US", not the pronoun "us")."""
    found: list[str] = []
    for match in _place_re().finditer(text):
        word = match.group(1)
        if _is_abbreviation(word) and not word.isupper():
            continue
        code = place_words()[word.lower()]
        if code not in found:
            found.append(code)
    return found


def place_in(text: str) -> str | None:
    """The one covered jurisdiction a text is about (a city or an uncovered country counts as the covered
    place whose law applies there), or None when it names none or several."""
    codes = {covered_place(c) for c in places_in(text)} - {None}
    return codes.pop() if len(codes) == 1 else None


def place_pattern() -> str:
    """A regex alternation of every place word (for removing place phrases from a question)."""
    return _place_re().pattern


def resolve(value: str) -> str | None:
    """A code for a code, name or abbreviation typed by a user ("ny", "New York", "US-NY"); "" for
    "none"/"all"; None when the place is unknown."""
    key = " ".join(value.strip().split()).lower()
    if key in ("", "none", "all"):
        return ""
    if key.upper() in BY_CODE:
        return key.upper()
    return place_words().get(key) or next((j.code for j in TABLE if key in (j.name.lower(), j.label.lower())), None)


@lru_cache(maxsize=1)
def territory_patterns() -> tuple[tuple[re.Pattern, str, str], ...]:
    """(case-sensitive pattern, code, territory) for each covered place, as written in a deal request."""
    out = []
    for j in TABLE:
        if not j.covered or j.neutral:
            continue
        words = [w.title() if w.islower() else w for w in (*j.names, *j.adjectives)]
        words += list(j.abbreviations)
        alternatives = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
        out.append((re.compile(rf"(?<![\w.])(?:{alternatives})(?!\w)"), j.code, j.territory or j.name))
    return tuple(out)


@lru_cache(maxsize=1)
def governing_law_patterns() -> tuple[tuple[re.Pattern, str], ...]:
    """(pattern, code) for the place named in a governing-law clause ("the laws of England and Wales")."""
    return tuple((re.compile(rf"\b(?:{'|'.join(j.legal_names)})\b", re.I), j.code)
                 for j in TABLE if j.covered and j.legal_names)


def short_forms() -> dict[str, str]:
    """Long place name -> its capital abbreviation ("new york" -> "NY"), for matching names in text."""
    out = {}
    for j in TABLE:
        short = next((a for a in j.abbreviations if a.isalpha()), "")
        long = j.names[0] if j.names else ""
        if short and long and long.lower() != short.lower():
            out[long] = short
    return out
