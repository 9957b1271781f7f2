"""Word-level diff of two passages: structured ops and a compact "[-oud-]{+nieuw+}" rendering."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from difflib import SequenceMatcher

ELLIPSIS = "…"


@dataclass
class DiffOp:
    """One run of the diff: equal, delete, insert or replace, with the old and new words."""

    op: str
    old: str
    new: str

    def to_dict(self) -> dict:
        """The op as a JSON-ready dict."""
        return asdict(self)


def word_diff(old: str, new: str) -> list[DiffOp]:
    """The word-level ops that turn `old` into `new` (whitespace differences are not changes)."""
    a, b = old.split(), new.split()
    # autojunk off: in long answers frequent words ("de", "het") must still anchor the alignment.
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return [DiffOp(tag, " ".join(a[i1:i2]), " ".join(b[j1:j2]))
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()]


def changed(ops: list[DiffOp]) -> bool:
    """Whether the ops hold any change."""
    return any(op.op != "equal" for op in ops)


def render_diff(ops: list[DiffOp], context: int | None = 8) -> str:
    """Compact text: "[-removed-]{+added+}" inside the unchanged words, long unchanged runs elided."""
    pieces = []
    for i, op in enumerate(ops):
        if op.op == "equal":
            pieces.append(_elide(op.old, context, head=i > 0, tail=i < len(ops) - 1))
            continue
        removed = f"[-{op.old}-]" if op.old else ""
        added = f"{{+{op.new}+}}" if op.new else ""
        pieces.append(removed + added)
    return " ".join(p for p in pieces if p)


def _elide(text: str, context: int | None, head: bool, tail: bool) -> str:
    """Keep `context` words next to the changes on either side of an unchanged run."""
    words = text.split()
    if context is None or len(words) <= 2 * context:
        return text
    keep_head = words[:context] if head else []
    keep_tail = words[-context:] if tail else []
    return " ".join([*keep_head, ELLIPSIS, *keep_tail])
