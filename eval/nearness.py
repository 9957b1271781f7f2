"""How much a question is like the dev split: its cosine to the nearest dev question the assistant may use.

The assistant's neighbour features (assistant/neighbours.py) let the nearest earlier dev questions vote
on whether a question is answerable and on which passage and sentence hold the answer. A question
much like a dev question is answered better than one unlike any (cross-fitted dev, fifteenth
session's code: key facts 0.81 for the nearest third, 0.63 for the farthest), and about half the
questions typed in the chat checks are unlike dev. So the report shows every figure per band as
well: the "unlike-dev" row says most about fresh questions.

A dev question is compared without itself and its near-copies, which the assistant hides from it too.
The bands are fixed (not thirds of each run) so that runs can be compared; they are about the thirds
of cross-fitted dev.
"""
from __future__ import annotations

import numpy as np

BANDS = ((0.93, "unlike-dev"), (0.955, "like-dev"), (float("inf"), "near-dev"))


def band(similarity: float) -> str:
    """The band's tag of one similarity."""
    return next(name for upper, name in BANDS if similarity < upper)


def nearness(assistant, items) -> dict[str, float]:
    """Per item id, the cosine of its question to the nearest dev question not hidden from it
    (empty without the fitted neighbours)."""
    nb = assistant.retriever.neighbours
    if nb is None or not items:
        return {}
    vectors = np.asarray(assistant.retriever.embedder.embed([i.question for i in items], kind="query"))
    sims = vectors @ nb.vectors.T
    base = np.array([i.split("#")[0] for i in nb.ids])
    out = {}
    for row, item in zip(sims, items):
        hidden = {item.id, *nb.near.get(item.id, [])} if item.split == "dev" else set()
        seen = ~np.isin(base, list(hidden))
        out[item.id] = float(row[seen].max()) if seen.any() else 0.0
    return out
