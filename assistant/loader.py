"""Load what answering needs (index, embedder, glossary) once per process."""
from __future__ import annotations

import logging

from assistant.retrieve import Retriever
from inburgering.settings import Settings
from ingest.embed import get_embedder
from ingest.store import load_index

log = logging.getLogger(__name__)


def load_retriever(settings: Settings) -> Retriever:
    """A retriever over the live index, refusing an index built with another embedder."""
    from ingest.glossary import Glossary

    embedder = get_embedder(settings.embedder)
    data = load_index(settings.index_dir, embedder.name)
    glossary_path = settings.corpus_dir / "glossary.json"
    glossary = Glossary.load(glossary_path) if glossary_path.exists() else None
    return Retriever(data, embedder, glossary)
