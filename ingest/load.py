"""Load a source file (txt, md, html, pdf) into plain text, with page offsets for PDFs."""
from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

SUPPORTED = (".txt", ".md", ".html", ".htm", ".pdf")

# Elements that are never main content: scripts, site chrome, interactive widgets.
_DROP_SELECTOR = ", ".join([
    "script", "style", "noscript", "template", "nav", "aside", "form", "footer",
    "svg", "iframe", "button", "select", "[hidden]",
    "[role=navigation]", "[role=banner]", "[role=contentinfo]", "[role=search]",
])
_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
    "wbr", "label", "del", "ins", "img",
}
_TEXT_BLOCKS = {"p", "dt", "dd", "caption", "figcaption", "address", "summary"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_CHARSET_RE = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SPACES_RE = re.compile(r"[^\S\n]+")
_WHITESPACE_RE = re.compile(r"\s+")


@dataclass
class LoadedText:
    """The text of one source file; `pages` holds (char offset, page number) for PDFs."""

    text: str
    pages: list[tuple[int, int]] = field(default_factory=list)


class LoadError(Exception):
    """A file could not be read; `message_nl` is for users, `message_en` for logs."""

    def __init__(self, message_nl: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_nl = message_nl
        self.message_en = message_en


def load_text(path: Path) -> LoadedText:
    """Read a txt, md, html or pdf file into text; any failure becomes a LoadError."""
    path = Path(path)
    suffix = path.suffix.lower()
    loaders = {".txt": _load_plain, ".md": _load_plain, ".html": _load_html,
               ".htm": _load_html, ".pdf": _load_pdf}
    if suffix not in loaders:
        raise LoadError(
            f"Onbekend bestandstype '{suffix or '(geen extensie)'}' voor bestand '{path.name}'. "
            f"Ondersteund zijn: {', '.join(SUPPORTED)}.",
            f"unsupported file type {suffix!r}: {path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"Bestand '{path.name}' kan niet worden geopend.",
                        f"cannot read {path}: {exc}") from exc
    if not data.strip():
        raise LoadError(f"Bestand '{path.name}' is leeg.", f"empty file: {path}")
    try:
        return loaders[suffix](path, data)
    except LoadError:
        raise
    except Exception as exc:  # the contract: callers only ever see LoadError
        logger.exception("unexpected error while loading %s", path)
        raise LoadError(f"Bestand '{path.name}' kan niet worden gelezen.",
                        f"unexpected error loading {path}: {exc!r}") from exc


def page_at(pages: list[tuple[int, int]], offset: int) -> int | None:
    """Return the page number that holds character `offset`, or None without page data."""
    if not pages or offset < pages[0][0]:
        return None
    starts = [start for start, _ in pages]
    return pages[bisect.bisect_right(starts, offset) - 1][1]


# -- plain text ---------------------------------------------------------------------------

def _load_plain(path: Path, data: bytes) -> LoadedText:
    # Chunk offsets point into this text, so only the BOM and CRLF are touched.
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"Bestand '{path.name}' is geen geldige UTF-8-tekst (ongeldige tekens rond positie "
            f"{exc.start}). Sla het bestand op als UTF-8 en probeer het opnieuw.",
            f"{path} is not valid UTF-8: {exc}") from exc
    text = text.replace("\r\n", "\n")
    if not text.strip():
        raise LoadError(f"Bestand '{path.name}' is leeg.", f"empty file: {path}")
    return LoadedText(text=text)


# -- HTML ---------------------------------------------------------------------------------

def _load_html(path: Path, data: bytes) -> LoadedText:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(_decode_html(data))
    for node in tree.css(_DROP_SELECTOR):
        node.decompose()
    # A page-level <header> is the site banner; an <header> inside the article holds its title.
    for node in tree.css("header"):
        if not _inside(node, {"main", "article", "section"}):
            node.decompose()
    blocks: list[str] = []
    for root in _content_roots(tree):
        _walk(root, blocks)
    text = "\n\n".join(blocks)
    if not text.strip():
        raise LoadError(f"Bestand '{path.name}' bevat geen leesbare tekst.",
                        f"no main content found in HTML {path}")
    return LoadedText(text=text)


def _decode_html(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    declared = _CHARSET_RE.search(data[:4096])
    for codec in ([declared.group(1).decode("ascii")] if declared else []) + ["utf-8"]:
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    # Undeclared legacy pages are nearly always Windows-1252 in Dutch government sites.
    return data.decode("cp1252", errors="replace")


def _inside(node, tags: set[str]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


def _content_roots(tree) -> list:
    main = tree.css_first("main, [role=main]")
    if main is not None:
        return [main]
    articles = [a for a in tree.css("article") if not _inside(a, {"article"})]
    if articles:
        return articles
    return [tree.body] if tree.body is not None else []


def _walk(node, blocks: list[str], bullet: str = "") -> None:
    """Append the text blocks under `node`; runs of inline content form one block."""
    run: list[str] = []
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text" or tag in _INLINE or tag == "br":
            run.append(_inline_text(child))
            continue
        if not child.is_element_node:
            continue
        _flush(run, blocks, bullet)
        bullet = ""  # only the first line of a list item carries the bullet
        _block(child, blocks)
    _flush(run, blocks, bullet)


def _block(node, blocks: list[str]) -> None:
    tag = node.tag
    if tag in _HEADINGS:
        text = _clean(_inline_text(node)).replace("\n", " ")
        if text:
            blocks.append("#" * _HEADINGS[tag] + " " + text)
    elif tag == "pre":
        lines = [line.rstrip() for line in node.text(deep=True).split("\n") if line.strip()]
        if lines:
            blocks.append("\n".join(lines))
    elif tag in _TEXT_BLOCKS:
        _flush([_inline_text(node)], blocks)
    elif tag == "tr":
        cells = [_clean(_inline_text(c)).replace("\n", " ") for c in node.iter() if c.tag in ("td", "th")]
        if any(cells):
            blocks.append("\t".join(cells))
    elif tag == "li":
        _walk(node, blocks, bullet="- ")
    else:
        _walk(node, blocks)


def _inline_text(node) -> str:
    if node.tag == "-text":
        # Source line breaks are just whitespace in HTML; only <br> breaks a line.
        return _WHITESPACE_RE.sub(" ", node.text_content or "")
    if node.tag == "br":
        return "\n"
    return "".join(_inline_text(c) for c in node.iter(include_text=True))


def _clean(text: str) -> str:
    lines = (_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _flush(run: list[str], blocks: list[str], bullet: str = "") -> None:
    text = _clean("".join(run))
    run.clear()
    if text:
        blocks.append(bullet + text)


# -- PDF ----------------------------------------------------------------------------------

def _load_pdf(path: Path, data: bytes) -> LoadedText:
    from io import BytesIO

    from pypdf import PdfReader

    try:
        reader = PdfReader(BytesIO(data))
    except Exception as exc:  # pypdf raises many types on damaged files
        raise _corrupt(path, exc) from exc
    if reader.is_encrypted:
        _decrypt_empty(reader, path)
    try:
        page_texts = [(page.extract_text() or "") for page in reader.pages]
    except Exception as exc:
        raise _corrupt(path, exc) from exc
    return _join_pages(path, page_texts)


def _decrypt_empty(reader, path: Path) -> None:
    # Many PDFs carry an owner password only; they open with an empty user password.
    try:
        ok = bool(reader.decrypt(""))
    except Exception as exc:  # e.g. AES without a crypto library installed
        logger.warning("decrypting %s failed: %r", path, exc)
        ok = False
    if not ok:
        raise LoadError(f"Bestand '{path.name}' is versleuteld en kan niet worden gelezen.",
                        f"encrypted PDF (needs a password): {path}")


def _join_pages(path: Path, page_texts: list[str]) -> LoadedText:
    parts: list[str] = []
    pages: list[tuple[int, int]] = []
    offset = 0
    for number, raw in enumerate(page_texts, start=1):
        text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
        pages.append((offset, number))
        parts.append(text)
        offset += len(text) + 2  # the "\n\n" separator
    if not any(parts):
        raise LoadError(
            f"Bestand '{path.name}' bevat geen leesbare tekst (mogelijk een gescande pdf).",
            f"no extractable text in PDF {path}")
    return LoadedText(text="\n\n".join(parts), pages=pages)


def _corrupt(path: Path, exc: Exception) -> LoadError:
    return LoadError(f"Bestand '{path.name}' is beschadigd of geen geldige pdf en kan niet worden gelezen.",
                     f"corrupt PDF {path}: {exc!r}")
