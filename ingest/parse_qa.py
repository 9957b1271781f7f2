"""Parse a Q&A document (the Divosa "Wet inburgering in vraag en antwoord") into entries.

One segment per numbered question with its answer, carrying the theme heading, the number,
the question line and the entry's date from its own update marker (or the theme's marker).
Text before the first theme (Actueel, Vraagbaak) and theme introductions become segments too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from inburgering.models import Segment
from ingest.dates import find_markers

QUESTION = re.compile(r"^(\d{1,3})\.[ \t\u00a0]+(\S.*\?.*)$")
_NOT_HEADING_START = ("(", "Lees", "Download", "Ga naar", "Meer informatie", "Meer weten", "Bekijk", "Zie")
_LINKS = ("Meer informatie", "Meer weten?")


@dataclass
class Line:
    """A line of the source with its offsets."""

    start: int
    end: int
    text: str


def split_lines(text: str) -> list[Line]:
    """Split text into lines, keeping each line's character offsets."""
    lines, pos = [], 0
    for raw in text.split("\n"):
        lines.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def is_heading_like(line: str) -> bool:
    """A short line with no closing punctuation that does not look like a list item or link."""
    s = line.strip().replace("\u00a0", " ")
    if not s or len(s) > 100 or line[:1] in " \t•\u00a0-*" or "\t" in s:
        return False
    if s[-1] in ".:;?!," or s.startswith(_NOT_HEADING_START) or re.match(r"^\d+\.\s", s):
        return False
    return True


def _theme_lines(lines: list[Line], questions: list[int]) -> list[int]:
    """For every question numbered 1, walk back to the heading that opens its theme."""
    themes = []
    for qi in questions:
        if not QUESTION.match(lines[qi].text).group(1) == "1":
            continue
        j = qi - 1
        while j > 0 and not is_heading_like(lines[j].text):
            j -= 1
        parent = _previous_nonblank(lines, j)
        # A heading directly above another heading is its parent ("Onderwijsroute" above a sub-Q&A).
        is_parent = parent is not None and is_heading_like(lines[parent].text)
        # A link title such as "Handreiking PVT (Divosa, juli 2022)" is not a parent heading.
        if is_parent and re.search(r"\(.*\d{4}\)$", lines[parent].text.strip()):
            is_parent = False
        themes.append(parent if is_parent else j)
    return themes


def _previous_nonblank(lines: list[Line], i: int) -> int | None:
    """Index of the nearest non-blank line above line i."""
    j = i - 1
    while j >= 0 and not lines[j].text.strip().replace("\u00a0", ""):
        j -= 1
    return j if j >= 0 else None


def _theme_title(lines: list[Line], b: int, nxt: int) -> tuple[str, int]:
    """Heading path of a theme starting at line b, and the first line after its headings."""
    parts, i = [lines[b].text.strip()], b + 1
    while i < nxt and (not lines[i].text.strip().replace("\u00a0", "") or is_heading_like(lines[i].text)):
        if lines[i].text.strip().replace("\u00a0", ""):
            parts.append(lines[i].text.strip())
        i += 1
    return " > ".join(p.replace("\u00a0", " ") for p in parts), i


def _span(lines: list[Line], a: int, b: int) -> tuple[int, int] | None:
    """Character span of lines[a:b] without surrounding blank lines, or None when empty."""
    body = [ln for ln in lines[a:b] if ln.text.strip().replace("\u00a0", "")]
    if not body:
        return None
    first, last = body[0], body[-1]
    return first.start + (len(first.text) - len(first.text.lstrip())), last.start + len(last.text.rstrip())


def parse_qa(text: str) -> list[Segment]:
    """Return preamble, theme-intro and question segments of a Q&A document, in text order."""
    lines = split_lines(text)
    questions = [i for i, ln in enumerate(lines) if QUESTION.match(ln.text)]
    themes = _theme_lines(lines, questions)
    links = {i for i, ln in enumerate(lines) if ln.text.strip() in _LINKS}
    # Every boundary closes the segment before it.
    bounds = sorted(set(questions) | set(themes) | links | {len(lines)})
    segments: list[Segment] = []
    segments += _preamble(text, lines, themes[0] if themes else len(lines))
    theme, theme_date, theme_marker = "", None, None
    for k, b in enumerate(bounds[:-1]):
        nxt = bounds[k + 1]
        if b in themes:
            theme, body = _theme_title(lines, b, nxt)
            span = _span(lines, body, nxt)
            theme_date, theme_marker = None, None
            if span:
                markers = find_markers(text, *span)
                if markers:
                    theme_marker, theme_date = markers[-1][2], markers[-1][3]
                segments.append(Segment(*span, section=theme, role="intro",
                                        update_date=theme_date, update_marker=theme_marker))
        elif b in links:
            continue  # "Meer informatie" link lists are navigation, not content
        elif b in questions:
            segments.append(_question(text, lines, b, nxt, theme, theme_date, theme_marker))
    return segments


def _question(text, lines, qi, nxt, theme, theme_date, theme_marker) -> Segment:
    """Build the segment of one numbered question and its answer."""
    match = QUESTION.match(lines[qi].text)
    start, end = _span(lines, qi, nxt)
    markers = find_markers(text, start, end)
    marker, iso = (markers[-1][2], markers[-1][3]) if markers else (theme_marker, theme_date)
    return Segment(start, end, section=theme, question=match.group(2).strip(),
                   question_no=int(match.group(1)), update_date=iso, update_marker=marker, role="qa")


def _preamble(text: str, lines: list[Line], first_theme: int) -> list[Segment]:
    """Split the text before the first theme at its own headings (Actueel, Vraagbaak)."""
    heads = [i for i in range(first_theme) if is_heading_like(lines[i].text) and _short_block(lines, i)]
    heads = heads or [0]
    out = []
    for k, h in enumerate(heads):
        end = heads[k + 1] if k + 1 < len(heads) else first_theme
        span = _span(lines, h, end)
        if span:
            out.append(Segment(*span, section=lines[h].text.strip() or "Inleiding", role="preamble"))
    if heads[0] > 0 and (span := _span(lines, 0, heads[0])):
        out.insert(0, Segment(*span, section="Inleiding", role="preamble"))
    return [s for s in out if s.section not in _LINKS]


def _short_block(lines: list[Line], i: int) -> bool:
    """A heading stands alone: a blank line (or the start) before it and a blank line after it."""
    before = i == 0 or not lines[i - 1].text.strip()
    after = i + 1 >= len(lines) or not lines[i + 1].text.strip()
    return before and after
