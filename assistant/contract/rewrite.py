"""Query rewriting for questions about one contract: lay and question words to contract terms.

A question about the contract in hand does not need the contract's name ("Consider the Endorsement
Agreement between X and Y; …" is reduced to what follows the semicolon). Question words rarely appear in
the clause that answers them ("When does it end?" vs "the Term shall expire…", "Can they pass it on to
someone else?" vs "may not assign"), so a small lexicon adds the wording contracts use for that topic.

`rewrite(question)` gives the text for the encoder and for BM25 separately (`Rewritten`); the lexicon
(`LEXICON`) is plain data: a pattern over the lower-cased question and the contract vocabulary it adds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NAMED_RE = re.compile(r"^\s*Consider\s+(?:the\s+)?(?P<name>.{4,2000}?);\s*(?P<rest>\S.*)$", re.S | re.I)
THIS_CONTRACT_RE = re.compile(r"\b(?:under|in|of|for|to|from|by)\s+(?:this|the|my|our)\s+(?:contract|agreement)\b",
                              re.I)

#: (pattern over the lower-cased question, contract wording for that topic)
LEXICON: tuple[tuple[str, str], ...] = (
    (r"governing law|which law|what law|law applies|laws? of which|jurisdiction|which courts?|where .*sue",
     "governed by and construed in accordance with the laws of the State of; exclusive jurisdiction of the courts"),
    (r"expir|when does (?:it|the \w+) end|how long|duration of (?:the|this) (?:contract|agreement)|\bterm\b",
     "the term of this Agreement shall commence on the Effective Date and continue until expire years"),
    (r"renew|extend|extension",
     "automatically renew for successive renewal terms periods unless notice of non-renewal"),
    (r"notice period.*renewal|terminate the renewal|stop .*renew|non-renewal",
     "written notice of non-renewal at least days prior to the expiration of the then-current term"),
    (r"assign|transfer|pass (?:it|the contract) on|sell (?:the|this) contract",
     "may not assign or transfer this Agreement or any rights without the prior written consent; any "
     "attempted assignment shall be void"),
    (r"cap on liability|limit(?:ation)? (?:of|on) liability|liability (?:cap|limit)|how much .*liable",
     "in no event shall liability exceed the aggregate amount of fees paid; limitation of liability; "
     "not liable for indirect, consequential damages"),
    (r"uncapped liability|unlimited liability",
     "limitation of liability shall not apply to gross negligence, willful misconduct, indemnification "
     "obligations or breach of confidentiality; unlimited"),
    (r"audit|inspect|books and records|check (?:the|their) (?:accounts|numbers)",
     "right to audit and inspect books and records, accounts; independent accountant during normal business hours"),
    (r"terminat\w* for convenience|terminate .*(?:any time|without cause|at will)|get out of|cancel",
     "may terminate this Agreement at any time without cause for convenience upon days prior written notice"),
    (r"exclusiv|only (?:agency|agent|one)",
     "exclusive; exclusively; sole and exclusive right; shall not appoint any other distributor or agent"),
    (r"after (?:the )?termination|post-termination|after (?:it|the contract) ends|survive",
     "following termination or expiration shall continue to provide services; transition; wind-down; "
     "sell off inventory; survive termination"),
    (r"revenue|profit|royalt|commission|share of (?:the )?(?:income|sales)",
     "royalty; percentage of net sales, revenue share, profit sharing; commission; payments"),
    (r"insurance|insured",
     "shall maintain insurance coverage; general liability insurance policy; insured; certificate of insurance"),
    (r"minimum (?:commitment|purchase|order)|minimum (?:amount|quantity)|at least .* (?:buy|order)",
     "minimum purchase commitment; shall purchase a minimum quantity; minimum annual order amount"),
    (r"non-?compet|compete|competing|competitor",
     "shall not, directly or indirectly, engage in or compete with any competing business or products"),
    (r"change (?:of|in) control|merger|acquisition|acquired|takeover",
     "change of control; merger, consolidation, acquisition of all or substantially all assets or voting stock"),
    (r"covenant not to sue|not (?:to )?sue|contest|challenge",
     "shall not contest or challenge the validity of, or bring any claim or action against; covenant not to sue"),
    (r"volume restriction|maximum (?:amount|quantity|number)|cap on (?:the )?(?:number|volume)",
     "shall not exceed the maximum quantity, number of units or volume; limited to"),
    (r"first refusal|first offer|first negotiation|rofr|rofo|rofn",
     "right of first refusal; right of first offer; right of first negotiation; before offering to any third party"),
    (r"warrant",
     "warrants that; warranty period of months from delivery or acceptance; defects in materials and workmanship"),
    (r"exception|exclu(?:de|sion)s? (?:to|from)",
     "notwithstanding the foregoing; shall not restrict or prevent; except that; provided however"),
    (r"solicit\w* (?:of )?employees|hire (?:their|our|its) (?:staff|employees|people)|poach",
     "shall not solicit, recruit, hire or employ any employee of the other party"),
    (r"solicit\w* (?:of )?(?:customers|clients)",
     "shall not solicit or induce any customer or client to cease doing business"),
    (r"third[- ]party beneficiar",
     "third party beneficiary; nothing in this Agreement confers any rights on any person other than the parties"),
    (r"most favou?red|\bmfn\b|best price|better terms",
     "most favored nation; terms no less favorable than those offered to any other customer; lower price"),
    (r"disparag|bad[- ]mouth|say (?:anything )?(?:bad|negative)",
     "shall not disparage or make any negative or derogatory statements about the other party"),
    (r"price restriction|price (?:control|increase)|raise (?:the )?price",
     "prices shall not be increased; price changes; maximum price; fixed prices"),
    (r"confidential|secret|nda|disclose",
     "confidential information shall not be disclosed to any third party; confidentiality obligations"),
    (r"indemn|hold harmless|who pays if",
     "shall indemnify, defend and hold harmless from and against any claims, losses, damages"),
    (r"\bterminat",
     "terminate this Agreement upon written notice; termination; breach"),
    (r"pa(?:y|id|yment)|fee|compensation|money|how much",
     "fees; compensation; payment terms; invoice; payable within days"),
    (r"ai\b|artificial intelligence|digital (?:twin|double|replica)|avatar|synthetic|deepfake|clone",
     "digital replica; digital double; avatar; synthetic likeness; computer-generated; artificial intelligence; "
     "machine learning; training data"),
    (r"likeness|my (?:face|image|photos?|pictures?|voice|name)|publicity",
     "name, image, likeness, voice, photograph, biography; right of publicity; use of likeness"),
    (r"sub-?licen[cs]|license (?:it|them|my)|licen[cs]e to others",
     "sublicense; grant sublicenses to third parties; licensees; affiliates"),
    (r"all media|media|platforms?|social media|online",
     "in any and all media now known or hereafter devised; internet; social media; advertising"),
    (r"\bowns?\b|ownership|copyright|intellectual property",
     "ownership; all right, title and interest; intellectual property; copyright; work made for hire"),
    (r"consent|approv|permission|ask me",
     "prior written consent; approval; shall not without the approval of"),
)
_COMPILED = tuple((re.compile(pattern, re.I), words) for pattern, words in LEXICON)


@dataclass(frozen=True)
class Rewritten:
    dense: str        # what the encoder sees
    keyword: str      # what BM25 sees


def strip_name(question: str) -> str:
    """The question without the benchmark's "Consider the <contract name>;" lead-in."""
    match = NAMED_RE.match(question)
    return match.group("rest").strip() if match else question.strip()


def expansions(question: str, limit: int = 3) -> list[str]:
    """Contract wording for the topics the question names, in the lexicon's order (specific topics before
    general ones), at most `limit`."""
    lowered = question.lower()
    found = [words for pattern, words in _COMPILED if pattern.search(lowered)]
    return found[:limit]


def rewrite(question: str, *, strip: bool = True, expand: str = "both", limit: int = 2) -> Rewritten:
    """`expand`: "none", "dense", "keyword" or "both" (which of the two searches get the contract wording)."""
    core = strip_name(question) if strip else question.strip()
    extra = " ".join(expansions(core, limit)) if expand != "none" else ""
    plain = core
    with_words = f"{core} {extra}".strip() if extra else core
    return Rewritten(dense=with_words if expand in ("dense", "both") else plain,
                     keyword=with_words if expand in ("keyword", "both") else plain)
