"""Shared fixtures: one real index over the real corpus per test session, and the assistant on it."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def index_settings(tmp_path_factory):
    """Settings pointing at an index built from corpus/ into a temporary directory.

    The embedding cache under var/cache is shared, so a warm machine builds it in seconds;
    a fresh clone embeds the corpus once (about 2.5 minutes).
    """
    from inburgering.settings import Settings
    from ingest.pipeline import ingest

    tmp = tmp_path_factory.mktemp("index")
    settings = Settings(index_dir=tmp / "index", cache_dir=ROOT / "var" / "cache")
    report = ingest(settings)
    assert report.index_path, f"ingest built no index: {report.skipped}"
    return settings


@pytest.fixture(scope="session")
def assistant(index_settings):
    """The real assistant over the session's index."""
    from assistant.service import Assistant

    return Assistant.from_settings(index_settings)


@pytest.fixture(scope="session")
def versioned_index(index_settings, tmp_path_factory):
    """Settings and ingest report of an index over corpus/ plus a second Divosa Q&A version (1 June 2024).

    Depends on index_settings so the shared embedding cache already holds the first version:
    this ingest then embeds only what the second version changed.
    """
    from eval.versions import build_versioned_corpus
    from inburgering.settings import Settings
    from ingest.pipeline import ingest

    tmp = tmp_path_factory.mktemp("versions")
    corpus = build_versioned_corpus(ROOT / "corpus", tmp / "corpus")
    settings = Settings(corpus_dir=corpus, index_dir=tmp / "index", cache_dir=ROOT / "var" / "cache")
    report = ingest(settings)
    assert report.index_path, f"ingest built no index: {report.skipped}"
    return settings, report


@pytest.fixture(scope="session")
def versioned_assistant(versioned_index):
    """The real assistant over the two-version index."""
    from assistant.service import Assistant

    return Assistant.from_settings(versioned_index[0])


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throw-away PostgreSQL server for the session (skips when it cannot be installed)."""
    from tests.api_support import pg_bin, postgres_server, run_setup_script

    if pg_bin() is None:
        run_setup_script()
    if pg_bin() is None:
        pytest.skip("PostgreSQL server binaries not found (tests/setup_service_deps.sh could not install them)")
    with postgres_server() as url:
        yield url


@pytest.fixture
def fresh_postgres(postgres_cluster):
    """The URL of a new, empty database on the session's PostgreSQL server."""
    import uuid

    from sqlalchemy import create_engine, text

    name = f"wia_{uuid.uuid4().hex[:12]}"
    engine = create_engine(postgres_cluster, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    yield postgres_cluster.rsplit("/", 1)[0] + "/" + name
