"""Remove personal data (BSN, e-mail, phone, IBAN, date of birth) from text before it is used or stored."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
           "jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec")
_DATE = (r"(?:\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})"
         rf"|\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}}"
         r"|\d{4}-\d{2}-\d{2})")
# Only a date introduced as a birth date: other dates ("per 1 januari 2022") are the subject matter.
_BIRTH_DATE = re.compile(
    rf"\b(?P<lead>(?:geboren(?:\s+op)?|geb\.?|geboortedatum|geb\.\s*datum|d\.?o\.?b\.?)\s*:?\s*)(?P<value>{_DATE})",
    re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
# Dutch numbers: 0 + nine digits, or +31 / 0031 + nine digits, with optional spaces or dashes.
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)31[\s-]?(?:\(0\)[\s-]?)?|\(?0)[1-9](?:\)?[\s-]?\d){8}(?!\d)")
_NINE_DIGITS = re.compile(r"(?<![\d.])(?:\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}[ .]\d{3}[ .]\d{3})(?![\d])")

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
    """The elfproef: 9 digits whose weighted sum (9..2, and -1 for the last) is divisible by 11."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0


def is_iban(candidate: str) -> bool:
    """An IBAN with a valid mod-97 check (so ordinary codes are left alone)."""
    s = re.sub(r"\s", "", candidate).upper()
    if not 15 <= len(s) <= 34 or not s[2:4].isdigit():
        return False
    rearranged = s[4:] + s[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


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
        sub(_EMAIL, "email"),
        sub(_IBAN, "iban", check=is_iban),
        sub(_PHONE, "phone"),
        sub(_NINE_DIGITS, "bsn", check=lambda v: is_bsn(re.sub(r"\D", "", v))),
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
