"""Split a long span of text at paragraph and sentence boundaries into chunks of bounded size."""
from __future__ import annotations

import re

# A sentence ends at . ! ? (optionally closed by a quote or bracket) followed by whitespace and an
# upper-case letter, digit, bullet or opening quote; abbreviations like "o.a." or "bijv." rarely
# precede an upper-case word in these texts, so the simple rule holds up.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]?[ \t\u00a0]+(?=[A-Z0-9ÀÉÈËÏÖÜ•\"“‘(])")
_PARAGRAPH = re.compile(r"\n[ \t\u00a0]*\n")
_WORD = re.compile(r"\w+", re.UNICODE)


def count_words(text: str) -> int:
    """Number of words, the size unit of the splitter."""
    return len(_WORD.findall(text))


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences (and table rows / list lines) in text[start:end]."""
    end = len(text) if end is None else end
    spans = []
    for p_start, p_end in _paragraph_spans(text, start, end):
        for line_start, line_end in _line_units(text, p_start, p_end):
            cut = line_start
            for match in _SENTENCE_END.finditer(text, line_start, line_end):
                spans.append((cut, match.start() + len(match.group(0).rstrip(" \t\u00a0"))))
                cut = match.end()
            if cut < line_end:
                spans.append((cut, line_end))
    return [_strip(text, a, b) for a, b in spans if text[a:b].strip()]


def split_span(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """Pack whole sentences of text[start:end] into consecutive spans of at most max_words."""
    if count_words(text[start:end]) <= max_words:
        return [(start, end)]
    out: list[tuple[int, int]] = []
    cur_start, cur_end, words = None, None, 0
    for a, b in sentence_spans(text, start, end):
        n = count_words(text[a:b])
        if cur_start is not None and words + n > max_words:
            out.append((cur_start, cur_end))
            cur_start, words = None, 0
        if cur_start is None:
            cur_start = a
        cur_end, words = b, words + n
    if cur_start is not None:
        out.append((cur_start, cur_end))
    return out


def _paragraph_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans between blank lines."""
    spans, cut = [], start
    for match in _PARAGRAPH.finditer(text, start, end):
        spans.append((cut, match.start()))
        cut = match.end()
    spans.append((cut, end))
    return spans


def _line_units(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Lines that stand alone (table rows, list items, headings) are units of their own."""
    block = text[start:end]
    lines = block.split("\n")
    standalone = "\t" in block or any(re.match(r"^\s*([-•*]|\d+[.)])\s", ln) for ln in lines[1:])
    if len(lines) == 1 or not standalone:
        return [(start, end)]
    spans, pos = [], start
    for ln in lines:
        spans.append((pos, pos + len(ln)))
        pos += len(ln) + 1
    return spans


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    """Shrink a span so it neither starts nor ends with whitespace."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b
