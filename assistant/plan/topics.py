"""What a question (or a sentence) is about: the digital-replica topics TwinGuard's sources cover.

Each topic is a pattern of the words people use for it; `topics_in` is used both for the question plan
and for the relevance gate on an answer's points, so a point and its question are read the same way.
"""

from __future__ import annotations

import re

_T = {
    "consent": r"consent\w*|permission|without asking|agree(?:d|ment)? to|authori[sz]\w*|approv\w*|opt[- ]in",
    "withdrawal": r"withdraw\w*|revok\w*|revocation|take (?:it )?back|change my mind|cancel\w*|opt[- ]out",
    "pay": r"pa(?:y|id|yment)s?|fees?|royalt\w*|compensat\w*|remunerat\w*|per[- ]use|money|rates?|"
           r"earn\w*|wages?|residuals?|commission\w*",
    "scope": r"scope|any (?:use|purpose|media)|all media|purposes?|media|territor\w*|worldwide|broad\w*|"
             r"specific uses?|new (?:ads|uses|campaigns)",
    "duration": r"perpetu\w*|forever|in perpetuity|how long|duration|terms?|years?|months?|weeks?|days?|hours?|"
                r"within|deadline|expir\w*|ends?|renew\w*",
    "transfer": r"sell|sold|transfer\w*|assign\w*|sublicen[cs]\w*|pass(?:ed)? (?:it |my twin )?on|third part\w*|"
                r"other brands",
    "training": r"train\w*|machine[- ]learning|datasets?|(?:build|improve) (?:its |their )?(?:ai|model)s?",
    "deletion": r"delet\w*|erase\w*|erasure|destroy\w*|return (?:of )?(?:my |the )?(?:scan|data)|retention|"
                r"keep (?:my|the) (?:scan|data)",
    "labelling": r"label\w*|disclos\w*|watermark\w*|mark(?:ed|ing)|tell (?:people|the public|viewers)|"
                 r"transparen\w*|ai[- ]generated|synthetic (?:performer|content|media)|provenance|"
                 r"image virtuelle|retouch\w*",
    "after-death": r"die[sd]?|death|dead|deceased|estate|heirs?|post[- ]mortem|after i(?:'m| am)? (?:die|gone)",
    "sexual": r"sexual\w*|nude|naked|intimate|porn\w*|explicit|nudif\w*",
    "agency": r"agenc\w*|manag(?:er|ement)|booker|model management|power of attorney",
    "minors": r"minors?|child\w*|under[- ]?(?:18|16|14|age)|teen\w*|underage|parents?",
    "union": r"unions?|sag[- ]aftra|equity|model alliance|collective (?:agreement|bargaining)",
    "biometric": r"scan\w*|biometric\w*|3d|body data|face data|personal data|gdpr|data protection",
    "penalties": r"fines?|penalt\w*|sanction\w*|crim\w*|offen[cs]e\w*|prison|jail|punish\w*|damages|sue|court",
    "deepfake": r"deep ?fakes?|fake|impersonat\w*|imitat\w*|misleading",
    "voice": r"voice|vocal|sound\w* like",
    "replica": r"digital (?:twin|replica|double|clone|human|avatar)s?|replica\w*|twins?|clon\w*|avatars?|"
               r"ai (?:version|copy|model|image|double)s?|likeness|synthetic performer",
    "status": r"in force|bill|draft|law yet|passed|adopted|enacted|pending|status",
    "contract": r"contracts?|clauses?|riders?|sign\w*|licen[cs]e\w*|enforceab\w*|void|unenforceable|lawyer",
}

TOPICS: tuple[str, ...] = tuple(_T)
_RE = {name: re.compile(rf"\b(?:{pattern})\b", re.I) for name, pattern in _T.items()}
#: Topics that say little on their own: almost every source is about replicas and contracts.
GENERIC = frozenset({"replica", "contract", "status", "deepfake", "agency"})


def topics_in(text: str) -> tuple[str, ...]:
    """The topics a text touches, in `TOPICS` order."""
    return tuple(name for name in TOPICS if _RE[name].search(text))


def specific(topics: tuple[str, ...] | frozenset[str] | set[str]) -> set[str]:
    """The topics that discriminate between sources (all but the generic ones)."""
    return set(topics) - GENERIC
