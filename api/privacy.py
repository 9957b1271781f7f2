"""Remove personal data (BSN, e-mail, phone, IBAN, date of birth) from text before it is used or stored.

Checksums come from python-stdnum (`nl.bsn`: the elfproef; `iban`: mod 97), so a nine-digit case
number or a code that merely looks like an IBAN is left alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

_MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
           "jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec")
_DATE = (r"(?:\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})(?!\d)"
         rf"|\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}}"
         r"|\d{4}-\d{2}-\d{2})")
# A date introduced as a birth date is one, whatever its year.
_BIRTH_DATE = re.compile(
    r"\b(?P<lead>(?:geboren(?:\s+op)?|geb\.?\s*datum|geb\.?|geboortedatum|gebdat|d\.?o\.?b\.?|date\s+of\s+birth)"
    rf"\s*:?\s*)(?P<value>{_DATE})",
    re.IGNORECASE)
# A full date (day, month, year) before 2000 without a lead: the rules here date from 2007 on, so in a
# question such a date describes a person. Later dates ("per 1 januari 2022") are the subject matter.
_OLD_FULL_DATE = re.compile(
    r"(?<![\w.-])(?:\d{1,2}[-/.]\d{1,2}[-/.](?:19\d{2})"
    rf"|\d{{1,2}}\s+(?:{_MONTHS})\.?\s+19\d{{2}}|19\d{{2}}-\d{{2}}-\d{{2}})(?![\w-])",
    re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# An IBAN start; the rest is checked by growing groups (see _iban_spans), so a following word is not
# swallowed into the candidate ("NL91 ABNA 0417 1643 00 voor" must still be found).
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}")
_IBAN_PART = re.compile(r"[ -]?[A-Za-z0-9]")
# Dutch numbers: 0 + nine digits, or +31 / 0031 + nine digits, separated by spaces, dashes or dots.
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)31[\s.-]?(?:\(0\)[\s.-]?)?|\(?0)[1-9](?:\)?[\s.-]?\d){8}(?!\d)")
# Other countries: + and a country code, then 7 to 12 digits.
_PHONE_INTL = re.compile(r"(?<![\w+])\+[1-9]\d{0,2}(?:[\s.-]?\(?\d\)?){7,12}(?![\d])")
# Nine digits in any grouping with single spaces, dots or dashes, not part of a longer number.
_NINE_DIGITS = re.compile(r"(?<!\d)(?<!\d[ .,-])\d(?:[ .-]?\d){8}(?![ .,-]?\d)")

# A placeholder without words: a label such as "[BSN]" would steer retrieval towards passages about BSNs.
PLACEHOLDER = "[…]"
LABELS = {"bsn": "BSN", "email": "e-mailadres", "phone": "telefoonnummer", "iban": "IBAN",
          "birth_date": "geboortedatum"}


@dataclass
class Redaction:
    """The cleaned text and the kinds of personal data that were taken out."""

    text: str
    kinds: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything was removed."""
        return bool(self.kinds)


def is_bsn(digits: str) -> bool:
    """Nine digits that pass the elfproef (python-stdnum's nl.bsn); separators are ignored."""
    compact = re.sub(r"[\s.-]", "", digits)
    return len(compact) == 9 and compact.isdigit() and compact != "000000000" and stdnum_bsn.is_valid(compact)


def is_iban(candidate: str) -> bool:
    """An IBAN with a valid country format and mod-97 check (python-stdnum), in any case or grouping."""
    return stdnum_iban.is_valid(re.sub(r"[\s-]", "", candidate).upper())


def _iban_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every valid IBAN: the longest checksum-valid run of groups from each start."""
    spans, pos = [], 0
    while (m := _IBAN_START.search(text, pos)) is not None:
        ends, at, count = [], m.end(), 4
        while count < 34 and (part := _IBAN_PART.match(text, at)) is not None:
            at, count = part.end(), count + 1
            if count >= 15:
                ends.append(at)
        end = next((e for e in reversed(ends) if is_iban(text[m.start():e])), None)
        if end is None:
            pos = m.start() + 1
            continue
        spans.append((m.start(), end))
        pos = end
    return spans


def _replace_ibans(text: str, kinds: list[str]) -> str:
    for start, end in reversed(_iban_spans(text)):
        text = text[:start] + PLACEHOLDER + text[end:]
        kinds.append("iban")
    return text


def redact(text: str) -> Redaction:
    """Replace personal data in `text` by the placeholder […]; report which kinds were found."""
    kinds: list[str] = []

    def sub(pattern: re.Pattern, kind: str, check=None, group: str | None = None):
        def repl(m: re.Match) -> str:
            value = m.group(group) if group else m.group(0)
            if check and not check(value):
                return m.group(0)
            kinds.append(kind)
            lead = m.group("lead") if group else ""
            return f"{lead}{PLACEHOLDER}"
        return lambda s: pattern.sub(repl, s)

    steps = [
        sub(_BIRTH_DATE, "birth_date", group="value"),
        sub(_OLD_FULL_DATE, "birth_date"),
        sub(_EMAIL, "email"),
        lambda s: _replace_ibans(s, kinds),
        sub(_PHONE, "phone"),
        sub(_PHONE_INTL, "phone"),
        sub(_NINE_DIGITS, "bsn", check=is_bsn),
    ]
    for step in steps:
        text = step(text)
    return Redaction(text=text, kinds=list(dict.fromkeys(kinds)))


def redaction_warning(kinds: list[str]) -> str:
    """The Dutch notice shown with an answer when personal data was removed from the question."""
    names = ", ".join(LABELS[k] for k in kinds)
    return (f"Je vraag bevatte persoonsgegevens ({names}). Die zijn verwijderd voordat de vraag werd "
            "verwerkt of opgeslagen. Voer geen persoonsgegevens in, zoals een BSN, naam, e-mailadres, "
            "telefoonnummer, IBAN of geboortedatum.")
