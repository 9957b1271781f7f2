"""Load what answering needs (index with its glossary, embedder) once per process."""
from __future__ import annotations

import logging

from assistant.retrieve import Retriever
from inburgering.settings import Settings
from ingest.embed import get_embedder
from ingest.store import load_index

log = logging.getLogger(__name__)


def load_retriever(settings: Settings, ranker: bool = True) -> Retriever:
    """A retriever over the live index, refusing an index built with another embedder."""
    embedder = get_embedder(settings.embedder, settings.embed_threads)
    data = load_index(settings.index_dir, embedder.name)
    return Retriever(data, embedder, ranker="fitted" if ranker else None)
