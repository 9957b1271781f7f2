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

# The AMRD's own framework lists its six municipalities (Borger-Odoorn, Coevorden, De Wolden, Emmen,
# Hoogeveen, Midden-Drenthe) and places Assen in the region Groningen and Meppel in the region Zwolle:
# the other Drenthe municipalities are not the AMRD's, and its arrangements do not apply there.
PLACES = {
    "regio:amrd": ["drenthe", "drents", "drentse", "amrd", "arbeidsmarktregio drenthe", "emmen", "hoogeveen",
                   "coevorden", "midden-drenthe", "midden drenthe", "borger-odoorn", "de wolden"],
    "gemeente:s-hertogenbosch": ["den bosch", "s-hertogenbosch", "'s-hertogenbosch", "hertogenbosch",
                                 "bossche", "bosch"],
}


# Things a follow-up swaps ("en voor gezinsmigranten?", "en in de B1-route?", "en in 2024?"): when
# the follow-up names one and the earlier question names another of the same kind, the earlier
# question is asked again with the new one in its place instead of both being searched at once.
SLOTS = {
    "route": r"b1[- ]?route|b1|onderwijs[- ]?route|z[- ]?route|zelfredzaamheids[- ]?route|a2",
    "group": r"gezins[- ]?migr?a?n?ts?e?n?|gezinsmigrant(?:en)?|(?:asiel)?status[- ]?houders?|asielmigrant(?:en)?|"
             r"vluchteling(?:en)?|overige migrant(?:en)?|amv(?:'?ers?)?|alleenstaande minderjarige vreemdeling(?:en)?|"
             r"nieuwkomers?|turkse (?:migrant(?:en)?|nieuwkomers?)|ondertussen[- ]?groep|wi2013|wi2021",
    "region": r"midden-drenthe|drenthe|amrd|den bosch|'?s-hertogenbosch|hertogenbosch|landelijk|emmen|hoogeveen|assen|"
              r"meppel|coevorden|borger-odoorn|de wolden",
    "year": r"20[12]\d",
    "age": r"\d{2} jaar|\d{2}-jarige?",
    "component": r"taal|knm|map|pvt|participatie(?:deel|component)?|examens?|leerbaarheidstoets",
}
_SLOT_RES = {k: re.compile(rf"(?<![a-z0-9])(?:{v})(?![a-z0-9])") for k, v in SLOTS.items()}
_FOLLOW_UP_LONG = re.compile(r"^(en|maar|ook|of|dus)\b")
_PRONOUN_START = re.compile(r"^(haar|hij|zij|ze|hem|die|dat|dit|daar|daarvoor|daarvan|diens)\b")


# What personal-data redaction leaves: "[…]", usually after the word that named it ("BSN […]").
_REDACTED = re.compile(r"(?:\b(?:met\s+)?(?:bsn|bsn-nummer|burgerservicenummer|iban|rekeningnummer|tel|telefoon(?:nummer)?|"
                       r"mobiel(?:e nummer)?|e-?mail(?:adres)?|mail|geboortedatum|geboren(?:\s+op)?|"
                       r"(?:v-|vreemdelingen)nummer)\b\W{0,3})?\[…\]", re.IGNORECASE)


def strip_redactions(question: str) -> str:
    """The question without redaction placeholders and the words that named them: left in, "BSN"
    pulled retrieval towards the entry on sharing BSNs."""
    return re.sub(r"\s{2,}", " ", _REDACTED.sub(" ", question)).strip(" ,:;")


# Words users shorten while typing ("2 statush. en een gezinsmig.", "max 6 mnd"): the corpus never
# writes them so, so search, the coverage check and the follow-up slots took them for unknown words.
# Read off the dev questions' words the corpus does not know (statush. 146 times, gezinsmig. 29).
_SHORTENED = {"statush": "statushouder", "asielstatush": "asielstatushouder", "gezinsmig": "gezinsmigrant",
              "gezinsmigr": "gezinsmigrant", "maatsch": "maatschappelijke", "mnd": "maanden", "max": "maximaal"}
# The longest first ("asielstatush" before "statush"); an abbreviation's full stop goes with it.
_SHORTENED_RE = re.compile(rf"(?<![\w-])({'|'.join(sorted(_SHORTENED, key=len, reverse=True))})"
                           r"(?:\.(?=[\s,;:?)]|$))?(?![\w-])", re.IGNORECASE)


def expand_shortened(question: str) -> str:
    """The question with the shortened words users type written out ("statush." -> "statushouder")."""
    return _SHORTENED_RE.sub(lambda m: _SHORTENED[m.group(1).lower()], question)


def is_follow_up(question: str) -> bool:
    """Whether the question only makes sense with the earlier turn."""
    q = fold(question).strip()
    tokens = words(q)
    if not tokens:
        return False
    if _FOLLOW_UP.match(q) and len(tokens) <= 9:
        return True
    # "en een nieuwe klant die …", "haar man zit nog in Eritrea, maakt dat uit?": leaning on the
    # earlier turn by their opening, whatever their length.
    if (_FOLLOW_UP_LONG.match(q) or _PRONOUN_START.match(q)) and len(tokens) <= 20:
        return True
    if len(tokens) <= 6 and bool(_POINTING & set(tokens)):
        return True
    content = [t for t in tokens[1:] if len(t) >= 4 and t not in _FILLER and t not in _POINTING]
    return bool(_WEAK.match(q)) and len(content) <= 1


def slots(text: str) -> dict[str, list[re.Match]]:
    """The slot values a text names, by kind."""
    q = fold(text)
    found = {kind: list(rx.finditer(q)) for kind, rx in _SLOT_RES.items()}
    return {k: v for k, v in found.items() if v}


def swap(earlier: str, follow_up: str) -> str | None:
    """The earlier question with the follow-up's slot values in place of its own; None if nothing swaps."""
    new = slots(follow_up)
    text = fold(earlier)
    edits = []
    for kind, matches in slots(earlier).items():
        # A place also sets the scope; swapped in the words too, so "… in Emmen?" + "en Hoogeveen?" asks
        # Hoogeveen's figure, and a Den Bosch question moved to Drenthe no longer searches for Den Bosch.
        if kind not in new:
            continue
        value, old = new[kind][0].group(0), matches[0]
        if old.group(0) != value:
            edits.append((old.start(), old.end(), value))
    for start, end, value in sorted(edits, reverse=True):  # right to left: earlier offsets stay valid
        text = text[:start] + value + text[end:]
    return text if edits else None


def _rest(follow_up: str) -> str:
    """What the follow-up says besides its opening and its slot values ("wie betaalt het examen dan")."""
    q = fold(follow_up)
    for rx in _SLOT_RES.values():
        q = rx.sub(" ", q)
    q = re.sub(r"^\W*(en|maar|ook|of|dus)\b", " ", q)
    kept = [w for w in words(q) if w not in _FILLER and w not in _POINTING and len(w) > 2
            and w not in {"voor", "bij", "van", "een", "het", "die", "dan", "ook", "daar", "geldt", "zit", "hoe"}]
    return " ".join(kept)


def resolve(question: str, history: list[str] | None) -> str:
    """A stand-alone version of the question.

    A follow-up that swaps something ("en in de B1-route?") becomes the earlier question with the
    new value in its place, plus whatever else the follow-up asks; any other follow-up gets the
    earlier context prepended. A question that stands on its own is left as it is.
    """
    if not history or not is_follow_up(question):
        return question
    context = []
    # Walk back while turns keep leaning on their predecessor, so chains of follow-ups work.
    for earlier in reversed(history):
        context.insert(0, earlier)
        if not is_follow_up(earlier):
            break
    base = context[0]
    for turn in context[1:]:  # a chain: each earlier follow-up swaps into the base in turn
        base = swap(base, turn) or base
    swapped = swap(base, question)
    if swapped is None:
        return " ".join(context + [question])
    rest = _rest(question)
    return f"{question.strip()} {swapped}" if len(rest.split()) >= 2 else swapped


# Drenthe municipalities outside the AMRD: their name as written, and the region the AMRD framework
# places them in (None: the framework does not say).
OUTSIDE_AMRD = {"assen": ("Assen", "de regio Groningen"), "meppel": ("Meppel", "de regio Zwolle"),
                "aa en hunze": ("Aa en Hunze", None), "tynaarlo": ("Tynaarlo", None),
                "noordenveld": ("Noordenveld", None), "westerveld": ("Westerveld", None)}


def _names(folded: str, name: str) -> bool:
    """Whether a folded question names a place as whole words ("emmen", not part of another word).
    Its words may be written apart, hyphenated or together: "shertogenbosch", "denbosch", "de-wolden",
    "borger odoorn" name the place as surely as the spelling in PLACES does."""
    words = [w for w in re.split(r"[\s'-]+", name) if w]
    spelled = r"[\s'-]?".join(re.escape(w) for w in words)
    return re.search(rf"(?<![a-z]){spelled}(?![a-z])", folded) is not None


def outside_region(question: str) -> list[tuple[str, str | None]]:
    """Drenthe municipalities the question names that are not in the Arbeidsmarktregio Drenthe, each
    as (name, the region the AMRD framework places it in)."""
    q = fold(question)
    return [named for key, named in OUTSIDE_AMRD.items() if _names(q, key)]


def place_scope(question: str) -> str | None:
    """The scope a question names by place ("in Drenthe", "bij ons in Den Bosch"), if any."""
    q = fold(question)
    for scope, names in PLACES.items():
        if any(_names(q, n) for n in names):
            return scope
    return None
