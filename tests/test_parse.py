"""Structure-aware parsing of the real corpus: Q&A entries with dates, numbered sections, TOC, footnotes."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from inburgering.models import DocumentVersion, SourceDocument
from ingest.chunk import chunk_document, search_text
from ingest.dates import parse_dutch_date
from ingest.parse_qa import parse_qa

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
MANIFEST = {d["id"]: d for d in json.loads((CORPUS / "manifest.json").read_text())["documents"]}


def doc(doc_id: str) -> SourceDocument:
    meta = DocumentVersion(**MANIFEST[doc_id])
    return SourceDocument(meta, (CORPUS / meta.file).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def qa_chunks():
    return chunk_document(doc("divosa-qa"))


def test_every_numbered_question_is_its_own_chunk(qa_chunks):
    text = doc("divosa-qa").text
    # Independent count: a line that starts "N." (any space, also non-breaking) and asks something.
    expected = len(re.findall(r"(?m)^\d{1,3}\.[ \u00a0]+\S.*\?", text))
    entries = [c for c in qa_chunks if c.role == "qa"]
    assert expected == 254
    assert len(entries) == expected
    assert all(c.question and c.question_no for c in entries)


def _entry(chunks, theme_part: str, number: int):
    return next(c for c in chunks if c.role == "qa" and theme_part in c.section and c.question_no == number)


@pytest.mark.parametrize("theme, number, date", [
    ("Algemeen", 2, "2023-09-26"),           # (update 26 september 2023)
    ("Algemeen", 1, None),                   # no marker at all
    ("Wijzigen leerroute", 1, "2023-10-17"),  # bare "(17 oktober 2023)"
    ("Vertraging opleggen", 1, "2023-09-05"),  # theme-level "(versie 5 september 2023)"
    ("Notitie 'Samenwerking COA", 2, "2021-09-02"),  # theme-level "(update informatie: 2 september 2021)"
    ("Notitie 'Samenwerking COA", 1, "2023-02-07"),  # its own "(update 7-2-2023)" wins over the theme's
    ("Kinderopvangtoeslag", 1, "2021-09-13"),  # (vraag toegevoegd op 13 september 2021)
])
def test_question_dates(qa_chunks, theme, number, date):
    assert _entry(qa_chunks, theme, number).update_date == date


def test_themes_and_preamble(qa_chunks):
    themes = {c.section for c in qa_chunks if c.role == "qa"}
    assert len(themes) == 39
    assert "Onderwijsroute > Q&A onderwijsroute naar aanleiding van Bestuurlijk Overleg op 8 november 2021" in themes
    preamble = [c for c in qa_chunks if c.role == "preamble"]
    assert any("Vraagbaak" in c.text and "DUO (Dienst Uitvoering Onderwijs)" in c.text for c in preamble)
    assert any(c.section == "Actueel" for c in preamble)
    assert not any("Meer informatie" == c.text.strip() for c in qa_chunks)


@pytest.mark.parametrize("doc_id", list(MANIFEST))
def test_chunks_are_verbatim_slices_with_stable_ids(doc_id):
    d = doc(doc_id)
    first, second = chunk_document(d), chunk_document(d)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]
    assert len({c.chunk_id for c in first}) == len(first)
    for c in first:
        assert d.text[c.start:c.end] == c.text
        assert c.document_id == doc_id and c.scope == MANIFEST[doc_id]["scope"]


def test_sections_follow_numbered_headings_and_skip_the_toc():
    chunks = chunk_document(doc("amrd-uitvoeringskader"))
    sections = {c.section for c in chunks}
    assert "2. Brede intake en PIP > 2.2 Uitgangspunten AMRD brede intake en PIP" in sections
    assert not any("Inhoudsopgave" in c.text for c in chunks)
    assert not any(re.search(r"1\.1 Het huidige inburgeringsstelsel\t5", c.text) for c in chunks)
    # long sections are split at sentence boundaries, and every part keeps its heading path
    parts = [c for c in chunks if c.section.endswith("Financiële consequenties gemeenten AMRD")]
    assert len(parts) >= 2 and all(len(c.text.split()) <= 260 for c in chunks)


def test_footnotes_attach_to_the_section_that_cites_them():
    chunks = chunk_document(doc("amrd-uitvoeringskader"))
    citing = next(c for c in chunks if "in werking¹" in c.text)
    assert any("Op 12 november 2020" in f for f in citing.footnotes)
    assert "Op 12 november 2020" in search_text(citing)


def test_tables_stay_readable_row_by_row():
    chunks = chunk_document(doc("amrd-uitvoeringskader"))
    table = next(c for c in chunks if c.role == "table" and "Bedrag 2020" in c.text)
    readable = search_text(table)
    assert "Gemeente: " in readable and "Bedrag 2022: " in readable


def test_handreiking_without_toc_gets_its_headings():
    chunks = chunk_document(doc("handreiking-leerroutes"))
    assert any(c.section == "Handreiking Leerroutes > Nieuwe Wet inburgering" for c in chunks)
    assert not any(c.text.startswith("Overslaan en naar de inhoud gaan") for c in chunks)


@pytest.mark.parametrize("text, iso", [
    ("(update 16 mei 2023)", "2023-05-16"), ("(vraag toegevoegd op 13 september 2021)", "2021-09-13"),
    ("(update 29 augustus  2023)", "2023-08-29"), ("(update 7-2-2023)", "2023-02-07"),
    ("(update informatie: 2 september\u00a02021)", "2021-09-02"), ("(update 31 februari 2023)", None),
])
def test_dutch_dates(text, iso):
    assert parse_dutch_date(text) == iso
