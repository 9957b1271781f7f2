"""The golden question set (eval/golden.jsonl), read into plain dataclasses."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden.jsonl"  # the dev split: every choice is made on it
GOLDEN_TEST = Path(__file__).resolve().parent / "golden_test.jsonl"  # the test split: only ever scored
SPLITS = {"dev": GOLDEN, "test": GOLDEN_TEST}
_SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    """Collapse every whitespace run (U+00A0 included) to one space; case is kept."""
    return _SPACE.sub(" ", text)


@dataclass
class GoldenItem:
    """One golden question with the evidence a relevant passage must contain."""

    id: str
    question: str
    kind: str
    document_id: str | None
    evidence: str | None
    must_contain: list[str]
    update_date: str | None
    expected: str
    history: list[str] = field(default_factory=list)
    extra_evidence: list[dict] = field(default_factory=list)
    as_of: str | None = None  # eval/golden_versions.jsonl: asked as of this date
    scope: str | None = None
    split: str = "dev"
    tags: list[str] = field(default_factory=list)  # client-case, two-part, follow-up, national+regional, …

    @property
    def in_scope(self) -> bool:
        """Whether the sources answer it (expected "answer")."""
        return self.expected == "answer"

    @property
    def evidences(self) -> list[str]:
        """Normalised evidence strings: the main one first, then the extra ones."""
        found = [self.evidence] if self.evidence else []
        found += [e["evidence"] for e in self.extra_evidence if e.get("evidence")]
        return [norm(e) for e in found]

    @property
    def documents(self) -> list[str]:
        """Document ids of the evidence, main one first."""
        ids = [self.document_id] if self.document_id else []
        return ids + [e["document_id"] for e in self.extra_evidence]

    def search_text(self) -> str:
        """What a plain search box gets: earlier turns and the question, joined."""
        return " ".join([*self.history, self.question])


def load_golden(path: Path = GOLDEN, limit: int | None = None) -> list[GoldenItem]:
    """Read the golden set; blank and half-written lines (the file may be growing) are skipped."""
    items = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError:
            continue
        known = {k: v for k, v in raw.items() if k in GoldenItem.__dataclass_fields__}
        known["history"] = known.get("history") or []
        known["extra_evidence"] = known.get("extra_evidence") or []
        known["tags"] = known.get("tags") or []
        items.append(GoldenItem(**known))
    return items[:limit] if limit else items


def split_path(name: str) -> Path:
    """The file of a named split ("dev" or "test")."""
    if name not in SPLITS:
        raise ValueError(f"unknown split {name!r}; choose dev or test")
    return SPLITS[name]


HASHES = Path(__file__).resolve().parent / "test_hashes.json"
# Text similarity above which two questions count as copies of each other: dev questions this close
# to a test question were not added to dev, and dev's own copies are hidden from each other while
# fitting (assistant/neighbours.py).
NEAR_COPY = 0.75


def near_copy(a: GoldenItem, b: GoldenItem, threshold: float = NEAR_COPY) -> bool:
    """Whether two questions are near-copies: difflib similarity above `threshold` of the whole
    conversation or of the bare question (the cheap upper bounds are tried first)."""
    from difflib import SequenceMatcher

    whole = lambda i: (" ".join(i.history) + " " + i.question).lower()  # noqa: E731
    for x, y in ((whole(a), whole(b)), (a.question.lower(), b.question.lower())):
        m = SequenceMatcher(None, x, y)
        if m.real_quick_ratio() > threshold and m.quick_ratio() > threshold and m.ratio() > threshold:
            return True
    return False


def file_hash(path: Path) -> str:
    """sha256 of a golden file's bytes."""
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def recorded_hashes(path: Path = HASHES) -> dict:
    """The hashes of the test files recorded at their first scoring: {file name: {sha256, first_scored}}."""
    import json

    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def check_test_hash(test_file: Path = GOLDEN_TEST, path: Path = HASHES) -> str | None:
    """None when the test file is the one first scored; otherwise why not (a changed test set
    would let numbers be tuned to it)."""
    entry = recorded_hashes(path).get(Path(test_file).name)
    if entry is None:
        return f"no hash recorded for {Path(test_file).name}"
    actual = file_hash(test_file)
    if actual != entry["sha256"]:
        return f"{Path(test_file).name} changed since its first scoring on {entry['first_scored']}"
    return None
