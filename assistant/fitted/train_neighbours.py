"""Embed the dev split's questions for assistant/neighbours.py.

    python -m assistant.fitted.train_neighbours      # before train_ranker/sentences/answerability

Only eval/golden.jsonl (dev) is read. Each question is embedded as the assistant would search it
(follow-ups resolved against their history), and each part of a two-part question that has one
evidence per part on its own, with the chunks that hold its evidence and the
sentences that state its key facts, and the place it names. Near-copies inside dev (text similarity > 0.75, the
rule that removed test questions' near-copies from dev) are recorded, so that a training script
scoring one dev question does not see its copy either.
"""
from __future__ import annotations

import json
import sys
import time

import numpy as np

from assistant.fitted.common import OUT, dev_items

def fact_sentences(retriever, item, chunk_ids: list[str]) -> list[list]:
    """[chunk id, sentence start] of each answer sentence that states one of the question's key facts."""
    from assistant.sentences import candidate_sentences
    from eval.golden import norm

    facts = [norm(f).lower() for f in item.must_contain]
    out = []
    for cid in chunk_ids:
        chunk = retriever.data.chunks[retriever.position[cid]]
        out += [[cid, s.start] for s in candidate_sentences(chunk) if any(f in norm(s.text).lower() for f in facts)]
    return out


def holding(retriever, evidences: list[str]) -> list[str]:
    """Ids of the chunks that hold one of the evidence quotes."""
    from eval.golden import norm

    return [c.chunk_id for c in retriever.data.chunks if any(ev in norm(c.text) for ev in evidences)]


def part_rows(retriever, item, resolved: str) -> list[tuple[str, np.ndarray, list[str], list[list]]]:
    """(row id, vector, chunk ids, key-fact sentences) of each part of an answerable two-part question
    that has one evidence per part, in order; none otherwise (it votes whole, assistant/neighbours.py)."""
    from assistant.qtype import parts

    pieces = parts(resolved)
    if not item.in_scope or len(pieces) < 2 or len(pieces) != len(item.evidences):
        return []
    rows = []
    for k, (piece, evidence) in enumerate(zip(pieces, item.evidences), start=1):
        chunk_ids = holding(retriever, [evidence])
        rows.append((f"{item.id}#{k}", retriever.query_vector(piece), chunk_ids, fact_sentences(retriever, item, chunk_ids)))
    return rows


def main() -> None:
    """Write neighbours.npz (vectors, labels) and neighbours.json (ids, near-copies, dev hash)."""
    from assistant.loader import load_retriever
    from assistant.service import plan
    from inburgering.settings import get_settings

    started = time.time()
    retriever = load_retriever(get_settings(), ranker=False)
    items, dev_hash = dev_items()
    planned = [plan(i.question, i.history, i.scope) for i in items]
    vectors = np.vstack([retriever.query_vector(resolved) for resolved, _ in planned])
    # The place a question named (or its scope): where it was answered counts only for that place.
    scopes = {i.id: scope for i, (_, scope) in zip(items, planned) if scope not in (None, "national")}
    from eval.golden import NEAR_COPY, near_copy

    answered_in = {i.id: holding(retriever, i.evidences) for i in items if i.in_scope}
    facts_in = {i.id: fact_sentences(retriever, i, answered_in[i.id]) for i in items if i.in_scope}
    ids, answerable, part_vectors = [i.id for i in items], [i.in_scope for i in items], []
    for i, (resolved, _) in zip(items, planned):
        for row, vector, chunk_ids, facts in part_rows(retriever, i, resolved):
            ids.append(row)
            answerable.append(True)
            part_vectors.append(vector)
            answered_in[row], facts_in[row] = chunk_ids, facts
    if part_vectors:
        vectors = np.vstack([vectors, *part_vectors])
    near: dict[str, list[str]] = {}
    for a, x in enumerate(items):
        for y in items[a + 1:]:
            if near_copy(x, y):
                near.setdefault(x.id, []).append(y.id)
                near.setdefault(y.id, []).append(x.id)
    np.savez_compressed(OUT / "neighbours.npz", vectors=vectors.astype(np.float16),
                        answerable=np.asarray(answerable, dtype=np.int8))
    meta = {"what": "dev questions as the assistant searches them; see assistant/neighbours.py",
            "fitted_on": {"split": "dev", "file": "eval/golden.jsonl", "sha256": dev_hash, "questions": len(items),
                          "date": time.strftime("%Y-%m-%d")},
            "near_threshold": NEAR_COPY, "ids": ids, "near": near, "answered_in": answered_in,
            "facts_in": facts_in, "scopes": scopes}
    (OUT / "neighbours.json").write_text(json.dumps(meta, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(items)} questions ({len(part_vectors)} rows for parts of two-part ones), "
          f"{sum(len(v) for v in near.values()) // 2} near-copy pairs; "
          f"wrote {OUT / 'neighbours.npz'} in {time.time() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
