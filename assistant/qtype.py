"""What kind of fact a question asks for, and whether a sentence states that kind of fact.

"hoeveel kost …" wants an amount, "hoe lang …" a duration, "wanneer …" a date, "mag/kan/moet …"
a yes or no with its condition, "wie …" an organisation, "welk niveau …" a language level. The
composer prefers sentences that state the asked kind; answerability asks whether the passage does.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ingest.text import fold

TYPES = ("amount", "number", "duration", "date", "yesno", "who", "level", "how")

_ASKS = {
    "amount": r"\b(hoeveel (geld|kost|kosten|bedraagt|euro|budget|krijg\w*|ontvang\w*)|wat kost|wat kosten|"
              r"hoe hoog|bedrag|budget|vergoeding|tarief|prijs|leges|hoeveel .{0,20}(geld|euro|miljoen))\b",
    "number": r"\b(hoeveel|percentage|aantal|welk deel|hoe veel|hoeveelste)\b",
    "duration": r"\b(hoe ?lang|termijn|binnen hoeveel|hoeveel (dagen|weken|maanden|jaar|jaren|uur|uren|minuten)|duur\w*|"
                r"looptijd|tot wanneer|hoe snel|binnen (welke|een bepaalde|hoeveel) (tijd|periode))\b",
    "date": r"\b(wanneer|per wanneer|vanaf wanneer|sinds wanneer|welke datum|welk jaar|per welke datum|"
            r"in welk jaar|ingangsdatum|startdatum|deadline)\b",
    "yesno": r"^(\W*(en|maar|ok|oke|dus)\W+)?(mag|mogen|kan|kunnen|moet|moeten|is|zijn|heeft|hebben|krijgt|krijgen|"
             r"geldt|gelden|klopt|telt|tellen|valt|vallen|vervalt|blijft|blijven|hoeft|hoeven|wordt|worden|"
             r"bestaat|gaat|mogen|zit|staat)\b|\b(verplicht|toegestaan|recht op)\b",
    "who": r"\b(wie|welke (organisatie|instantie|partij|instelling)|bij wie|door wie|wie betaalt)\b",
    "level": r"\b(welk (taal)?niveau|taalniveau|niveau)\b",
    "how": r"\b(hoe (werkt|gaat|moet|kan|regel|vraag|zit)|op welke manier|welke stappen|wat moet ik doen)\b",
}
_ASK_RES = {k: re.compile(v) for k, v in _ASKS.items()}

_MONTHS = r"(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)"
_STATES = {
    "amount": r"(€|euro|\bmiljoen|\bmiljard|\d+[.,]\d{3})",
    # Not "een": it is the article far more often than the number, and made every sentence "state" one.
    "number": r"(\d|procent|%|\b(twee|drie|vier|vijf|zes|zeven|acht|negen|tien|twaalf|honderd)\b)",
    "duration": r"\b(\d+|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|twaalf|achttien)\s*"
                r"(jaar|jaren|maand|maanden|weken|week|dagen|dag|uur|uren)\b",
    "date": rf"(\b\d{{1,2}}\s+{_MONTHS}\b|\b{_MONTHS}\s+\d{{4}}|\b(19|20)\d\d\b|\d{{1,2}}-\d{{1,2}}-\d{{2,4}})",
    "yesno": r"^(ja|nee|neen|dat (mag|kan|is|moet|hoeft)|niet|geen|wel|alleen|uitsluitend|in principe|mits)\b|"
             r"\b(niet verplicht|geen verplichting|is verplicht|zijn verplicht|mag niet|mogen niet|kan niet|"
             r"kunnen niet|mag wel|mogen wel|kan wel|hoeft niet|hoeven niet|is toegestaan|niet toegestaan)\b",
    "who": r"\b(duo|ind|coa|uwv|gemeente|gemeenten|college|minister|ministerie|szw|vng|divosa|svb|"
           r"belastingdienst|rijk|inburgeraar|inburgeringsplichtige|taalaanbieder|aanbieder)\b",
    "level": r"\b(a0|a1|a2|b1|b2|c1)\b",
    "how": r"(\b(eerst|daarna|vervolgens|stap|aanvragen|aanmelden|via|door)\b|:\s*$|^\s*[-•·]\s)",
}
_STATE_RES = {k: re.compile(v) for k, v in _STATES.items()}
# Pointing words: connectives, demonstratives, pronouns, and the pronominal adverbs as a group ("Daarin
# geven zij ook aan …", "Hiervoor", "Daarop"): each refers to what came before. "Hieronder"/"hierna"
# point ahead, to a list the run keeps anyway.
_CONNECTIVE = re.compile(r"^\W*(en|maar|want|dit|deze|dat|dus|ook|bovendien|tevens|echter|wel|verder|zij|hij|ze|die|"
                         r"daar(?:aan|bij|door|in|mee|na|naast|om|op|over|toe|uit|van|voor|entegen)|"
                         r"hier(?:aan|bij|door|in|mee|op|over|toe|uit|van|voor))\b", re.IGNORECASE)


def asked_types(question: str) -> set[str]:
    """The kinds of fact the question asks for (may be several; empty when none is recognisable)."""
    q = fold(question).strip()
    found = {k for k, rx in _ASK_RES.items() if rx.search(q)}
    if "amount" in found or "duration" in found:
        found.discard("number")  # "hoeveel kost" wants an amount, not any number
    return found


@lru_cache(maxsize=16384)
def states(sentence: str) -> frozenset[str]:
    """The kinds of fact a sentence states (memoised: the same passages come back question after question)."""
    s = fold(sentence).strip()
    return frozenset(k for k, rx in _STATE_RES.items() if rx.search(s))


def leans_back(sentence: str) -> bool:
    """The sentence opens with a word that points at what came before ("Daarom", "Dit", "Hierbij")."""
    return bool(_CONNECTIVE.match(sentence.strip()))


# "hoe actueel is die info?", "van wanneer is dat antwoord?", "is dat nog actueel?": the date of the passage
# itself is asked. The citation carries it, but a quote never says it.
_CURRENCY = re.compile(r"\b(hoe actueel|nog actueel|actueel is|van wanneer (?:is|dateert)|hoe recent|laatst bijgewerkt|"
                       r"wanneer is (?:dit|dat|die|het|de) ?(?:info\w*|antwoord|tekst)? ?(?:voor het laatst )?"
                       r"(?:bijgewerkt|aangepast|gewijzigd))\b")


def asks_currency(question: str) -> bool:
    """The question asks how current the information is (the passage's own date)."""
    return bool(_CURRENCY.search(fold(question)))


def direct_answer(sentence: str) -> bool:
    """The sentence opens with a plain yes or no ("Nee, …", "Ja, mits …")."""
    return bool(re.match(r"^\W*(ja|nee|neen)\b", fold(sentence).strip()))


_COUNTED = re.compile(r"\bhoe ?veel\s+(?:(?:extra|gratis|maximaal|minimaal|precies|ongeveer)\s+)?([a-z][a-z-]{2,})")
_PERCENT_ASKED = re.compile(r"\b(welk percentage|hoeveel procent|welk deel|welk aandeel)\b")
_NUMBER = r"(\d[\d.,]*|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|twintig|honderd|duizend)"
_NOT_COUNTED = {"kost", "kosten", "geld", "euro", "budget", "mag", "moet", "kan", "krijgt", "krijgen", "is", "zijn",
                "wordt", "worden", "heeft", "hebben", "tijd", "ruimte"}


def counted(question: str) -> str | None:
    """What "hoeveel …" counts ("hoeveel weken" -> "weken", "welk percentage" -> "%"), if anything."""
    q = fold(question)
    if _PERCENT_ASKED.search(q):
        return "%"
    m = _COUNTED.search(q)
    return m.group(1) if m and m.group(1) not in _NOT_COUNTED else None


_RATE = re.compile(r"\bhoe ?veel\b(?:\W+\w+){0,6}?\W+per\s+(week|maand|jaar|dag|uur|persoon|inburgeraar|deelnemer|traject)\b")


def rate(question: str) -> str | None:
    """The period or unit a "hoeveel … per week" question asks the figure for ("week"), if any."""
    m = _RATE.search(fold(question))
    return m.group(1) if m else None


def counts(text: str, noun: str) -> bool:
    """The text gives a figure of what was counted ("48 uur" for "uur", "12 procent" for "%")."""
    t = fold(text)
    if noun == "%":
        return bool(re.search(r"%|\bprocent\b", t))
    stem = noun[:-2] if noun.endswith(("en", "es")) and len(noun) > 5 else noun
    return bool(re.search(rf"\b{_NUMBER}\s+(\S+\s+)?\w*{re.escape(stem[:max(4, len(stem) - 1)])}", t))


def parts(question: str) -> list[str]:
    """The parts of a two-part question ("hoeveel uur … en wie betaalt dat?"); one part otherwise."""
    pieces = [p.strip() for p in re.split(r"\?\s+|\?$", question) if p and p.strip()]
    if len(pieces) > 1:
        return pieces
    split = re.split(_SECOND_PART, question.strip())
    return [p for p in split if p.strip()] or [question]


_QWORD = r"(?:wie|wat|hoe|hoeveel|wanneer|waar|waarom|waaraan|waarmee|waarvoor|welke?)"
_VERB = (r"(?:mag|mogen|moet|moeten|kan|kunnen|is|zijn|krijgt|krijgen|geldt|gelden|telt|tellen|valt|vallen|hangt|"
         r"stopt|stoppen|pakken|pakt|gaan|gaat|worden|wordt|heeft|hebben|loopt|vervalt|blijft|blijven|zit|staat|"
         r"hoeft|hoeven|verandert|betaalt|betalen|doen|doet)")
# A second question after "en"/"of": its question word within three words ("…, en via welk portaal …",
# "… en binnen welke periode?"), a verb with its subject ("… en mogen we …"), "als" or "zo niet". A verb
# alone is not enough: in "klant zit in de bijstand en heeft een boete …" the first part is context.
_SECOND_PART = re.compile(rf",?\s+(?:en|of)\s+(?=(?:\S+\s+){{0,2}}{_QWORD}\b|{_VERB}\s+(?:ik|we|wij|hij|zij|ze|die|dat|het|er)\b|"
                          rf"als\b|zo (?:niet|nee)\b)", re.IGNORECASE)
