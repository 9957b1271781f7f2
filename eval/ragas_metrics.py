"""ragas 0.4 metrics that need no LLM, next to ours; reported as unavailable when ragas cannot load.

Nothing here calls a model or the network: the four metrics compare ids and strings only, and
ragas's usage tracking is switched off before it is imported.
"""
from __future__ import annotations

import logging
import os
import sys
import types
import warnings
from dataclasses import dataclass

from eval.golden import norm

log = logging.getLogger(__name__)
NAMES = ("ragas_id_context_precision", "ragas_id_context_recall", "ragas_nonllm_context_recall",
         "ragas_string_presence")


def _shim_vertexai() -> None:
    """Stand in for a module ragas 0.4.3 imports but langchain-community no longer ships.

    ragas only puts ChatVertexAI in an isinstance list (vibrantlabsai/ragas#2745), so an empty
    class is enough for the non-LLM metrics.
    """
    name = "langchain_community.chat_models.vertexai"
    try:
        __import__(name)
    except ModuleNotFoundError:
        stub = types.ModuleType(name)
        stub.ChatVertexAI = type("ChatVertexAI", (), {})
        sys.modules[name] = stub


@dataclass
class RagasScorer:
    """The four non-LLM ragas metrics, scored one sample at a time."""

    sample: type
    id_precision: object
    id_recall: object
    context_recall: object
    presence: object

    def retrieval(self, retrieved: list[tuple[str, str]], relevant_ids: list[str],
                  evidences: list[str]) -> dict[str, float | None]:
        """ID-based precision/recall and non-LLM context recall for one ranked list of (id, text)."""
        ids, texts = [i for i, _ in retrieved], [t for _, t in retrieved]
        out: dict[str, float | None] = dict.fromkeys(NAMES[:3])
        if relevant_ids and ids:
            s = self.sample(retrieved_context_ids=ids, reference_context_ids=relevant_ids)
            out[NAMES[0]] = float(self.id_precision.single_turn_score(s))
            out[NAMES[1]] = float(self.id_recall.single_turn_score(s))
        if texts and evidences:
            s = self.sample(retrieved_contexts=[norm(t) for t in texts], reference_contexts=evidences)
            out[NAMES[2]] = float(self.context_recall.single_turn_score(s))
        return out

    def answer(self, answer: str, must_contain: list[str]) -> float | None:
        """Mean ragas StringPresence of the must_contain facts (both sides lower-cased, normalised)."""
        if not must_contain:
            return None
        response = norm(answer).lower()
        scores = [self.presence.single_turn_score(self.sample(response=response, reference=norm(f).lower()))
                  for f in must_contain]
        return sum(scores) / len(scores)


def load_ragas() -> tuple[RagasScorer | None, str | None]:
    """The scorer, or None and the reason ragas is unavailable."""
    os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _shim_vertexai()
            from ragas.dataset_schema import SingleTurnSample
            from ragas.metrics import (IDBasedContextPrecision, IDBasedContextRecall, NonLLMContextRecall,
                                       StringPresence)

            scorer = RagasScorer(SingleTurnSample, IDBasedContextPrecision(), IDBasedContextRecall(),
                                 NonLLMContextRecall(), StringPresence())
    except Exception as exc:  # any import or set-up failure only disables these columns
        log.warning("ragas metrics unavailable: %r", exc)
        return None, f"{type(exc).__name__}: {exc}"
    return scorer, None
