"""Parse a report-like document into sections by its headings, skipping the table of contents.

Headings are recognised three ways, strongest first: markdown `#` headings, numbered lines that
the document's own table of contents lists ("2.2 Uitgangspunten AMRD brede intake en PIP"), and
short stand-alone lines without closing punctuation (sub-headings such as "Brede intake").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from inburgering.models import Segment
from ingest.parse_qa import Line, is_heading_like, split_lines

_TOC_LINE = re.compile(r"^(.*\S)\t+\s*\d{1,3}\s*$")
_TAGS = re.compile(r"</?[a-z]+>|\*")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(\S.*)$")
_MD = re.compile(r"^(#{1,6})\s+(.*)$")
FOOTNOTE_DEF = re.compile(r"^\s*(?:<sup>(\d+)</sup>|([¹²³⁴⁵⁶⁷⁸⁹⁰]+))\s*(.+)$")
# Web and layout remnants that look like headings but are navigation.
_BOILERPLATE = {"overslaan en naar de inhoud gaan", "naar begrippen", "inhoudsopgave", "naar boven"}
_SUPERSCRIPT = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")


@dataclass
class Heading:
    """A heading line: where it is, its level and its clean title."""

    line: int
    level: int
    title: str


def clean_title(text: str) -> str:
    """Heading text without markdown marks, tags and surplus whitespace."""
    text = _MD.sub(r"\2", text.strip())
    return " ".join(_TAGS.sub("", text).replace("\u00a0", " ").split())


def toc_range(lines: list[Line]) -> tuple[int, int] | None:
    """First and last line of the table of contents (title + tab + page number lines)."""
    toc = [i for i, ln in enumerate(lines[:120]) if _TOC_LINE.match(ln.text)]
    if len(toc) < 3:
        return None
    head = next((i for i in range(toc[0], -1, -1) if "inhoudsopgave" in lines[i].text.lower()), toc[0])
    return head, toc[-1]


def _toc_titles(lines: list[Line], toc: tuple[int, int] | None) -> set[str]:
    """Normalised titles the table of contents lists."""
    if not toc:
        return set()
    return {clean_title(m.group(1)).lower() for ln in lines[toc[0]:toc[1] + 1] if (m := _TOC_LINE.match(ln.text))}


def _standalone(lines: list[Line], i: int) -> bool:
    """Blank (or nothing) before and after the line."""
    def blank(j: int) -> bool:
        return j < 0 or j >= len(lines) or not lines[j].text.strip().replace("\u00a0", "")
    return blank(i - 1) and blank(i + 1)


def find_headings(lines: list[Line], toc: tuple[int, int] | None) -> list[Heading]:
    """All heading lines outside the table of contents, with levels."""
    titles = _toc_titles(lines, toc)
    heads: list[Heading] = []
    level_now = 1
    for i, ln in enumerate(lines):
        if toc and toc[0] <= i <= toc[1]:
            continue
        text = ln.text.strip()
        title = clean_title(text)
        if not title or FOOTNOTE_DEF.match(text) or title.lower() in _BOILERPLATE:
            continue
        num = _NUMBER.match(title)
        if md := _MD.match(text):
            level = len(md.group(1))
        elif title.lower() in titles:
            level = num.group(1).count(".") + 1 if num else 1
        elif num and _standalone(lines, i) and len(title) < 120 and "\t" not in ln.text:
            level = num.group(1).count(".") + 1
        elif is_heading_like(ln.text) and _standalone(lines, i):
            level = level_now + 1 if heads else 1
            heads.append(Heading(i, level, title))
            continue
        else:
            continue
        level_now = level
        heads.append(Heading(i, level, title))
    return heads


_NAV = re.compile(r"^\s*(Terug naar pagina|Naar boven|Overslaan en naar de inhoud)", re.IGNORECASE)


def _block_bounds(lines: list[Line]) -> tuple[set[int], set[int]]:
    """Lines where a table block starts or ends, and navigation lines, as extra boundaries."""
    has_tab = [("\t" in ln.text and len(ln.text.split()) > 1) for ln in lines]
    bounds, nav = set(), set()
    for i, ln in enumerate(lines):
        if _NAV.match(ln.text):
            nav.add(i)
            bounds |= {i, i + 1}
        elif has_tab[i] and (i == 0 or not has_tab[i - 1]) and i + 1 < len(lines) and has_tab[i + 1]:
            bounds.add(i)  # a table is kept apart from the prose around it, row by row
            j = i
            while j < len(lines) and has_tab[j]:
                j += 1
            bounds.add(j)
    return bounds, nav


def parse_sections(text: str) -> list[Segment]:
    """Return one segment per section (heading line included), in text order, TOC excluded."""
    lines = split_lines(text)
    toc = toc_range(lines)
    heads = find_headings(lines, toc)
    blocks, nav = _block_bounds(lines)
    if toc:
        blocks = {b for b in blocks if not toc[0] <= b <= toc[1] + 1}
    starts = sorted({h.line for h in heads} | blocks | ({toc[1] + 1} if toc else set()) | {0})
    starts = [a for a in starts if a < len(lines)]
    by_line = {h.line: h for h in heads}
    path: list[Heading] = []
    segments = []
    for k, a in enumerate(starts):
        b = starts[k + 1] if k + 1 < len(starts) else len(lines)
        if (toc and toc[0] <= a <= toc[1]) or a in nav:
            continue
        if toc and a < toc[0]:
            b = min(b, toc[0])  # never let a section run through the table of contents
        if a in by_line:
            h = by_line[a]
            path = [p for p in path if p.level < h.level] + [h]
        body = [ln for ln in lines[a:b] if ln.text.strip().replace("\u00a0", "")]
        words = sum(len(ln.text.split()) for ln in body[1 if a in by_line else 0:]) if body else 0
        if words < (3 if a in by_line else 10):
            continue  # a heading without text, or stray title-page lines
        start = body[0].start + len(body[0].text) - len(body[0].text.lstrip())
        end = body[-1].start + len(body[-1].text.rstrip())
        section = " > ".join(p.title for p in path) or "Inleiding"
        role = "table" if a in blocks and "\t" in lines[a].text else "body"
        segments.append(Segment(start, end, section=section, role=role))
    return segments


def footnotes(text: str) -> dict[str, str]:
    """Footnote number -> footnote text, from lines that start with a footnote mark."""
    notes = {}
    for ln in split_lines(text):
        if m := FOOTNOTE_DEF.match(ln.text):
            num = m.group(1) or m.group(2).translate(_SUPERSCRIPT)
            notes.setdefault(num, ln.text.strip())
    return notes


def cited_footnotes(passage: str, notes: dict[str, str]) -> list[str]:
    """Texts of the footnotes a passage cites (marks attached to a word, not at a line start)."""
    found = re.findall(r"(?<=\S)(?:<sup>(\d+)</sup>|([¹²³⁴⁵⁶⁷⁸⁹⁰]+))", passage)
    nums = []
    for sup, raw in found:
        num = sup or raw.translate(_SUPERSCRIPT)
        # "jaar⁷⁸" cites notes 7 and 8 when there is no note 78
        nums += [num] if num in notes else [d for d in num if d in notes]
    return [notes[n] for n in dict.fromkeys(nums)]
