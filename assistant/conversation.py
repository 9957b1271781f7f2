"""Resolve follow-up questions against earlier turns, and places named in a question, without an LLM."""
from __future__ import annotations

import re

from ingest.text import fold, words

# Openings that make a question lean on the one before ("en voor …", "geldt dat ook …").
_FOLLOW_UP = re.compile(
    r"^(en|ook|maar|dus|of|geldt (dat|dit|het)|hoe zit (dat|het)|wat als|wat nou als|"
    r"is dat|zijn dat|mag dat|kan dat|moet dat|idem|zelfde)\b")
# Question words lean on the previous turn only when little else is said ("hoeveel uur is dat?").
_WEAK = re.compile(r"^(hoeveel|hoelang|hoe lang|wanneer|wie|waarom|waar|welke|wat)\b")
_FILLER = {"uur", "uren", "lang", "vaak", "veel", "geld", "kosten", "duurt", "termijn", "precies", "eigenlijk"}
_POINTING = {"dat", "dit", "die", "deze", "daar", "daarvoor", "daarvan", "hetzelfde", "zij", "ze", "hij", "hun"}

PLACES = {
    "regio:amrd": ["drenthe", "drents", "drentse", "amrd", "arbeidsmarktregio drenthe", "emmen", "assen",
                   "hoogeveen", "meppel", "coevorden", "midden-drenthe", "midden drenthe", "borger-odoorn",
                   "aa en hunze", "tynaarlo", "noordenveld", "westerveld", "de wolden"],
    "gemeente:s-hertogenbosch": ["den bosch", "s-hertogenbosch", "'s-hertogenbosch", "hertogenbosch",
                                 "bossche", "bosch"],
}


def is_follow_up(question: str) -> bool:
    """Whether the question only makes sense with the earlier turn."""
    q = fold(question).strip()
    tokens = words(q)
    if not tokens:
        return False
    if _FOLLOW_UP.match(q) and len(tokens) <= 9:
        return True
    if len(tokens) <= 6 and bool(_POINTING & set(tokens)):
        return True
    content = [t for t in tokens[1:] if len(t) >= 4 and t not in _FILLER and t not in _POINTING]
    return bool(_WEAK.match(q)) and len(content) <= 1


def resolve(question: str, history: list[str] | None) -> str:
    """A stand-alone version of the question: earlier context prepended where it leans on it."""
    if not history:
        return question
    context = []
    # Walk back while turns keep leaning on their predecessor, so chains of follow-ups work.
    for earlier in reversed(history):
        context.insert(0, earlier)
        if not is_follow_up(earlier):
            break
    if not is_follow_up(question):
        return question
    return " ".join(context + [question])


def place_scope(question: str) -> str | None:
    """The scope a question names by place ("in Drenthe", "bij ons in Den Bosch"), if any."""
    q = " " + fold(question) + " "
    for scope, names in PLACES.items():
        if any(re.search(rf"(?<![a-z]){re.escape(n)}(?![a-z])", q) for n in names):
            return scope
    return None
