"""Lay terms: the words a worried model writes, mapped to the words the law and the guidance use.

"what happens to my ai double when im dead" finds little by itself: the sources say "digital replica"
and "post-mortem". `expand` appends the legal terms for the lay words it recognises, so both keyword and
dense search see them; the question shown to the user and quoted in the answer stays as written.
"""

from __future__ import annotations

import re

#: (lay wording, legal terms appended). Generic everyday phrasings only, not tuned to test questions.
LAY_TERMS: tuple[tuple[str, str], ...] = (
    (r"\b(?:dead|die|dies|died|dying|passed away|after i'?m gone)\b", "death deceased post-mortem heirs"),
    (r"\b(?:naked|nudes?|porn\w*|sexual|explicit|intimate)\b", "intimate image deepfake non-consensual take down"),
    (r"\b(?:pics?|photos?|pictures?|selfies?)\b", "image"),
    (r"\b(?:ai (?:double|twin|clone|version|copy)|twin|clone|avatar|copy of me|digital me)\b", "digital replica"),
    (r"\btell (?:ppl|people|viewers|the public|customers|everyone)\b|\bnot really me\b", "disclose label AI-generated"),
    (r"\b(?:take (?:it|that|this) back|cancel|undo|change my mind|changed my mind|regret)\b",
     "revoke withdraw consent"),
    (r"\b(?:paid once|one-off|one off|flat fee|buy-?out|only paid|paid only)\b", "fee per use payment"),
    (r"\b(?:forever|for ever|for life|never ends?|no end date)\b", "perpetual term duration"),
    (r"\b(?:ads?|adverts?|commercials?)\b", "advertisement"),
    (r"\b(?:say yes|have to agree|forced|pressured?|or else|to keep (?:getting )?(?:booked|work))\b",
     "freely given consent condition"),
    (r"\b(?:wipe|erase|get rid of|destroy)\b", "deletion erasure"),
    (r"\b(?:permission|allowed to|without asking)\b", "consent"),
    (r"\b(?:takes?|keeps?) \d{1,2} ?%|\bcut of my\b", "commission"),
    (r"\b(?:what (?:data|info\w*)|find out what)\b.*\b(?:hold|have|keep)s?\b", "subject access request"),
    (r"\b(?:i'?m|i am|aged?) 1[0-7]\b|\bunder 18\b|\bmy (?:mom|mum|dad|parents?) signed\b", "minor parent guardian"),
    (r"\b(?:all|any|every) (?:media|uses?|purposes?|channels?)\b|\banything they want\b",
     "scope of use reasonably specific description"),
)
_COMPILED = tuple((re.compile(pattern, re.I), terms) for pattern, terms in LAY_TERMS)


def legal_terms(question: str) -> list[str]:
    """The legal terms for the lay words in `question`, in order, without repeats."""
    found: list[str] = []
    for pattern, terms in _COMPILED:
        if pattern.search(question) and terms not in found:
            found.append(terms)
    return found


def expand(question: str) -> str:
    """The question with the legal terms for its lay words appended (unchanged when there are none)."""
    terms = legal_terms(question)
    return f"{question} ({'; '.join(terms)})" if terms else question
