"""Find and parse the Dutch update markers of the Q&A: "(update 16 mei 2023)" and friends."""
from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
_WS = r"[\s\u00a0]+"
_WORD_DATE = re.compile(rf"(\d{{1,2}}){_WS}({'|'.join(MONTHS)}){_WS}(\d{{4}})", re.IGNORECASE)
_NUM_DATE = re.compile(r"\b(\d{1,2})-(\d{1,2})-(\d{4})\b")
# A marker is a parenthesised note that starts with one of these words and holds a date.
MARKER = re.compile(
    r"\(\s*(?:update|vraag\s+toegevoegd|toegevoegd|versie|bijgewerkt)[^()\n]{0,60}?\)"
    # a bare date in parentheses, as some entries carry: "(17 oktober 2023)"
    rf"|\(\s*\d{{1,2}}{_WS}(?:{'|'.join(MONTHS)}){_WS}\d{{4}}\s*\)",
    re.IGNORECASE,
)


def parse_dutch_date(text: str) -> str | None:
    """Return the first date in `text` ("16 mei 2023" or "7-2-2023") as YYYY-MM-DD, or None."""
    match = _WORD_DATE.search(text)
    if match:
        day, month, year = int(match.group(1)), MONTHS[match.group(2).lower()], int(match.group(3))
    else:
        match = _NUM_DATE.search(text)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def find_markers(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str, str]]:
    """Return (start, end, marker text, ISO date) for every dated marker in text[start:end]."""
    found = []
    for match in MARKER.finditer(text, start, len(text) if end is None else end):
        iso = parse_dutch_date(match.group(0))
        if iso:
            found.append((match.start(), match.end(), match.group(0), iso))
    return found
