"""Out of scope by topic: questions about other areas of law, recommendations and chit-chat are declined
with a pointer to what TwinGuard covers — not only when retrieval finds nothing similar."""

from __future__ import annotations

import re

#: reason -> pattern. A question matching one is out of scope, whatever else it mentions.
OUT_OF_SCOPE: dict[str, re.Pattern] = {name: re.compile(pattern, re.I) for name, pattern in {
    "tax": r"\b(?:tax(?:es|ed|ation)?|vat|deductib\w*|accountant|invoice\w*|self[- ]assessment|irs|hmrc)\b",
    "trademark": r"\b(?:trade ?marks?|register(?:ing)? (?:a |my )?(?:brand|name|logo)|patent\w*)\b",
    "immigration": r"\b(?:visas?|work permits?|immigra\w*|green card|(?:permanent )?residen(?:ce|cy)(?: permit)?|"
                   r"o-1|citizenship)\b",
    "family or housing law": r"\b(?:divorce|custody|alimony|tenan\w*|landlord|lease|rent(?:al)?|eviction|"
                             r"marriage|prenup\w*)\b",
    "injury or employment claims": r"\b(?:injur\w*|accident|workers'? comp\w*|unemployment benefit\w*|"
                                   r"pension|sick (?:pay|leave)|maternity)\b",
    "defamation": r"\b(?:defam\w*|libel|slander)\b",
    "running a business": r"\b(?:my (?:own )?(?:online )?(?:shop|store|business|clothing line)|my customers'?)\b",
    "a recommendation": r"\b(?:(?:which|what) (?:is|are) the (?:best|top|cheapest)|"
                        r"most (?:reputable|reliable|trusted|famous)|"
                        r"(?:which|what)\b[\w\s'-]{1,40}\b(?:is|are) (?:the )?(?:best|top|cheapest|nicest)\b|"
                        r"best (?:\w+ ){0,3}(?:agenc\w*|apps?|tools?|lawyers?|attorneys?|photographers?|"
                        r"software|platforms?|"
                        r"cameras?|websites?|generators?)|(?:can|could|would|do) you recommend|"
                        r"recommend (?:me|a|an|some|any)\b|"
                        r"(?:which|what) (?:agency|app|tool|lawyer|"
                        r"software|platform|generator) (?:should|do you|would you|is)|top \d+)\b",
    "chit-chat": r"^(?:hi|hello|hey|thanks?|thank you|good (?:morning|evening|night)|how are you|"
                 r"who (?:made|built|are) you|what(?:'s| is) your name|tell me a joke|are you (?:a )?(?:human|"
                 r"robot|real))\b[\s!?.]*(?:\w+[\s!?.]*){0,3}$",
    "modelling careers": r"\b(?:get signed|become a model|make money as|"
                         r"(?:usually|typically|normally) (?:earn|make|get paid)|average (?:pay|rate|salary|fee)|"
                         r"(?:find|get) (?:an? )?agent|portfolio tips|"
                         r"(?:lose|gain) weight|casting tips|go viral|more followers|grow my (?:instagram|"
                         r"following|account))\b",
    "how AI tools work": r"\b(?:how (?:does|do) (?:stable diffusion|midjourney|chatgpt|dall-?e|gans?|"
                         r"diffusion models?|neural networks?|llms?) work|how (?:do|can) i (?:make|create|"
                         r"generate) (?:an? )?(?:ai|deepfake|avatar)|write (?:me )?(?:a |an )?(?:poem|story|"
                         r"caption|bio))\b",
    "copyright in one's own work": r"\b(?:copyright (?:in|on|for|of) (?:my|the) (?:own )?(?:photos?|pictures?|"
                                   r"selfies?|designs?|songs?|music)|who owns the copyright (?:in|of|to) "
                                   r"(?:my|the) (?:photos?|pictures?|selfies?))\b",
}.items()}


def out_of_scope(question: str) -> str:
    """The reason a question is out of TwinGuard's scope ("tax", "a recommendation" …), or ""."""
    text = " ".join(question.split())
    for reason, pattern in OUT_OF_SCOPE.items():
        if pattern.search(text):
            return reason
    return ""
