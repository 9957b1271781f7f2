"""Read corpus/manifest.json: one entry per document version."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from inburgering.models import DocumentVersion

MANIFEST = "manifest.json"


class ManifestError(Exception):
    """The manifest is missing or malformed; `message_nl` says so in Dutch."""

    def __init__(self, message_en: str, message_nl: str) -> None:
        super().__init__(message_en)
        self.message_nl = message_nl


def load_manifest(corpus_dir: Path) -> list[DocumentVersion]:
    """Document versions of the corpus, each knowing until when it was valid."""
    path = corpus_dir / MANIFEST
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        versions = [DocumentVersion(**{k: v for k, v in entry.items() if k != "valid_until"})
                    for entry in raw["documents"]]
    except FileNotFoundError as exc:
        raise ManifestError(f"no manifest at {path}", f"Geen manifest gevonden: {path}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise ManifestError(f"malformed manifest {path}: {exc}",
                            f"Het manifest {path.name} is ongeldig: {exc}") from exc
    _set_validity(versions)
    return versions


def _set_validity(versions: list[DocumentVersion]) -> None:
    """A version is valid from its own date until the next version of the same document."""
    by_id: dict[str, list[DocumentVersion]] = defaultdict(list)
    for v in versions:
        by_id[v.id].append(v)
    for group in by_id.values():
        group.sort(key=lambda v: v.valid_from or v.version_date or "")
        for older, newer in zip(group, group[1:]):
            older.valid_until = newer.valid_from or newer.version_date


def law_in_force(corpus_dir: Path) -> str:
    """The date the law took effect, as the manifest records it."""
    raw = json.loads((corpus_dir / MANIFEST).read_text(encoding="utf-8"))
    return raw.get("law_in_force", "2022-01-01")
