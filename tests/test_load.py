"""Loader tests on real files built in tmp_path: a multi-page PDF, an HTML page, broken inputs."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from fpdf import FPDF

from ingest.load import LoadError, LoadedText, load_text, page_at

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DIVOSA = CORPUS / "divosa-wet-inburgering-vraag-en-antwoord.txt"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

# Sentences taken verbatim from the Divosa Q&A; each goes on its own PDF page.
KEY_SENTENCES = [
    "Het uitgangspunt van de Wet inburgering 2021 is zo snel mogelijk meedoen, bij voorkeur via betaald werk.",
    "Inburgeraars die de Z-route volgen, hebben een verplichting voor 1.600 uur, waarvan 800 uur "
    "Nt2-onderwijs en KNM en 800 uur participatieactiviteiten.",
    "De leerbaarheidstoets geeft géén indicatie van het actuele taalniveau, of andere capaciteiten en vaardigheden.",
    "Een inburgeringsplichtige ouder heeft recht op kinderopvangtoeslag.",
]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _find(text: str, phrase: str) -> int:
    """Offset of `phrase` in `text`, letting PDF line breaks stand in for spaces."""
    match = re.search(r"\s+".join(map(re.escape, phrase.split())), text)
    return match.start() if match else -1


def _passages() -> list[str]:
    """The Divosa answer paragraph holding each key sentence, read from the corpus file."""
    paragraphs = DIVOSA.read_text(encoding="utf-8").split("\n\n")
    found = []
    for sentence in KEY_SENTENCES:
        found.append(next(p.strip() for p in paragraphs if _norm(sentence) in _norm(p)))
    return found


def _pdf(paragraphs_per_page: list[str]) -> FPDF:
    pdf = FPDF()
    if DEJAVU.exists():
        pdf.add_font("DejaVu", fname=str(DEJAVU))
        pdf.set_font("DejaVu", size=11)
        clean = lambda s: s  # noqa: E731 - embedded font encodes every character
    else:
        pdf.set_font("Helvetica", size=11)
        clean = lambda s: s.replace("’", "'").encode("latin-1", "replace").decode("latin-1")  # noqa: E731
    for paragraph in paragraphs_per_page:
        pdf.add_page()
        pdf.multi_cell(0, 6, clean(paragraph))
    return pdf


@pytest.fixture
def multipage_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "divosa-qa.pdf"
    _pdf(_passages()).output(str(path))
    return path


def test_pdf_text_and_pages(multipage_pdf: Path) -> None:
    loaded = load_text(multipage_pdf)
    assert [n for _, n in loaded.pages] == [1, 2, 3, 4]
    flat = _norm(loaded.text)
    for sentence in KEY_SENTENCES:
        assert _norm(sentence) in flat
    # Page numbers must be right for text on pages 2 and 3, found in the raw (unnormalised) text.
    for page, probe in ((2, "verplichting voor 1.600 uur"), (3, "leerbaarheidstoets geeft")):
        offset = _find(loaded.text, probe)
        assert offset > 0, probe
        assert page_at(loaded.pages, offset) == page
    assert page_at(loaded.pages, 0) == 1
    assert page_at(loaded.pages, len(loaded.text) - 1) == 4


def test_page_at_without_pages() -> None:
    assert page_at([], 10) is None
    assert page_at([(5, 1)], 2) is None


HTML_PAGE = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Divosa</title>
<style>body { color: red; }</style>
<script>var tracking = "NIET_IN_TEKST_SCRIPT";</script></head>
<body>
<header><a href="/">Divosa</a> <span>NIET_IN_TEKST_HEADER</span></header>
<nav><ul><li><a href="/a">NIET_IN_TEKST_NAV</a></li></ul></nav>
<div role="navigation">NIET_IN_TEKST_ROLE</div>
<main>
 <article>
  <h1>Z-route</h1>
  <p>Inburgeraars die de <strong>Z-route</strong> volgen, hebben een verplichting voor
     1.600&nbsp;uur.</p>
  <h2>Participatie</h2>
  <p>De overige 800 uur moet onder andere worden besteed aan activering en participatie.</p>
  <ul><li>PVT</li><li>MAP</li></ul>
  <table><tr><th>Route</th><th>Uren</th></tr><tr><td>Z-route</td><td>1600</td></tr></table>
  <form><input name="q"><button>NIET_IN_TEKST_FORM</button></form>
 </article>
 <aside>NIET_IN_TEKST_ASIDE</aside>
</main>
<footer>NIET_IN_TEKST_FOOTER &copy; Divosa</footer>
<script>console.log("NIET_IN_TEKST_SCRIPT2")</script>
</body></html>
"""


def test_html_main_content_only(tmp_path: Path) -> None:
    path = tmp_path / "pagina.html"
    path.write_text(HTML_PAGE, encoding="utf-8")
    loaded = load_text(path)
    assert "NIET_IN_TEKST" not in loaded.text
    assert loaded.pages == []
    blocks = loaded.text.split("\n\n")
    assert blocks == [
        "# Z-route",
        "Inburgeraars die de Z-route volgen, hebben een verplichting voor 1.600 uur.",
        "## Participatie",
        "De overige 800 uur moet onder andere worden besteed aan activering en participatie.",
        "- PVT",
        "- MAP",
        "Route\tUren",
        "Z-route\t1600",
    ]


def test_html_without_main_uses_body(tmp_path: Path) -> None:
    path = tmp_path / "kaal.htm"
    path.write_text("<html><body><nav>menu</nav><h2>KNM</h2>Kennis van de Nederlandse "
                    "Maatschappij<br>tweede regel</body></html>", encoding="utf-8")
    assert load_text(path).text == "## KNM\n\nKennis van de Nederlandse Maatschappij\ntweede regel"


def test_html_article_header_kept_page_chrome_dropped(tmp_path: Path) -> None:
    # An <header> inside the article holds its title; the page-level one is the site banner.
    path = tmp_path / "artikel.html"
    path.write_text("<body><header>Sitenaam</header><article><header><h1>Brede intake</h1></header>"
                    "<p>De brede intake is de basis voor het PIP.</p><footer>Deel dit artikel</footer>"
                    "</article></body>", encoding="utf-8")
    assert load_text(path).text == "# Brede intake\n\nDe brede intake is de basis voor het PIP."


def _assert_load_error(path: Path, *words: str) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_text(path)
    err = info.value
    assert f"'{path.name}'" in err.message_nl
    for word in words:
        assert word in err.message_nl
    assert str(err) == err.message_en and err.message_en != err.message_nl
    return err


def test_encrypted_pdf(tmp_path: Path) -> None:
    pdf = _pdf(["Een inburgeringsplichtige ouder heeft recht op kinderopvangtoeslag."])
    pdf.set_encryption(owner_password="eigenaar", user_password="geheim")
    path = tmp_path / "versleuteld.pdf"
    pdf.output(str(path))
    _assert_load_error(path, "versleuteld")


def test_pdf_with_owner_password_only_is_read(tmp_path: Path) -> None:
    # Encrypted, but opens with the empty user password: that is not "encrypted" for us.
    pdf = _pdf(["Een inburgeringsplichtige ouder heeft recht op kinderopvangtoeslag."])
    pdf.set_encryption(owner_password="eigenaar")
    path = tmp_path / "alleen-eigenaar.pdf"
    pdf.output(str(path))
    assert "kinderopvangtoeslag" in load_text(path).text


def test_corrupt_pdf(tmp_path: Path, multipage_pdf: Path) -> None:
    path = tmp_path / "afgekapt.pdf"
    path.write_bytes(multipage_pdf.read_bytes()[:300])
    _assert_load_error(path)
    garbage = tmp_path / "geen-pdf.pdf"
    garbage.write_bytes(b"Dit is helemaal geen pdf-bestand.\n" * 20)
    _assert_load_error(garbage)


def test_pdf_without_text(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 50, 50)  # a drawing only, like a scan without OCR
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    _assert_load_error(path, "geen leesbare tekst")


@pytest.mark.parametrize("name", ["leeg.txt", "leeg.md", "leeg.html", "leeg.pdf"])
def test_empty_files(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    _assert_load_error(path, "leeg")


def test_latin1_text_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Oriëntatie op de Nederlandse Arbeidsmarkt (ONA) – één".encode("latin-1", "replace"))
    _assert_load_error(path, "UTF-8")


def test_unknown_suffix(tmp_path: Path) -> None:
    path = tmp_path / "notitie.docx"
    path.write_bytes(b"PK\x03\x04 niet ondersteund")
    _assert_load_error(path, "Onbekend bestandstype")


def test_missing_file(tmp_path: Path) -> None:
    _assert_load_error(tmp_path / "bestaat-niet.txt", "kan niet worden geopend")


@pytest.mark.parametrize("name", ["vraag.md", "vraag.txt"])
def test_text_round_trip(tmp_path: Path, name: str) -> None:
    original = DIVOSA.read_text(encoding="utf-8")[:4000] + "\n\u00a0 dubbele  spaties\t tab \n\n\n"
    path = tmp_path / name
    path.write_text(original, encoding="utf-8", newline="\n")
    assert load_text(path) == LoadedText(text=original, pages=[])


def test_bom_and_crlf_only_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes("\ufeffKOT\r\nkinderopvangtoeslag\r\n  (PIP)\n".encode("utf-8"))
    assert load_text(path).text == "KOT\nkinderopvangtoeslag\n  (PIP)\n"


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name)
def test_corpus_files_load_unchanged(path: Path) -> None:
    assert load_text(path).text == path.read_text(encoding="utf-8")
