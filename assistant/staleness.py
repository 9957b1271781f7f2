"""Which passages come from sources known to be outdated (written before the law, or on a wrong start date)."""
from __future__ import annotations

import numpy as np

from inburgering.models import Chunk


def is_outdated(doc: dict, law_date: str) -> bool:
    """A manifest entry written before the law took effect or assuming a start date that did not happen."""
    assumed = doc.get("assumed_start_date")
    return bool(doc.get("predates_law")) or bool(assumed and assumed != law_date)


def stale_mask(chunks: list[Chunk], meta: dict) -> np.ndarray:
    """1.0 for chunks of an outdated document version, 0.0 for the others (and for unknown documents)."""
    law_date = meta.get("law_in_force", "2022-01-01")
    outdated = {(d["id"], d.get("version_date")) for d in meta.get("manifest", []) if is_outdated(d, law_date)}
    return np.array([(c.document_id, c.version_date) in outdated for c in chunks], dtype=np.float32)
