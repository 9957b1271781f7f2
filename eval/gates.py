"""The quality gate the full assistant must pass on the test split (tests/test_eval_gate.py, CI).

The thresholds live here and nowhere else. They are a floor, not a target: the lead raises them
to what the system reaches, so a change that makes answers worse fails CI instead of shipping.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Gates:
    """Minimum quality on the test split."""

    # On the test split (eval/golden_test.jsonl), a question or two under what the assistant measured
    # there on 2026-11-30, twelfth session (the runner-up passage's run quoted when the ranker can hardly
    # tell it from the first, chosen on cross-fitted dev: key facts 0.697 -> 0.712; answerability
    # refitted before the score): key facts 0.701 (117 of 167), every other figure as in the eleventh
    # session below. Scored once. Floor raised: key facts 0.68 -> 0.69.
    # Eleventh session (a one-part question checked like each part of a two-part
    # one, chosen on cross-fitted dev: key facts 0.672 -> 0.697; answerability refitted on the answers
    # it now composes): key facts 0.689 (115 of 167), answerable uncertain 0.084 (14), every other
    # figure as in the tenth session below. Floor raised: key facts 0.67 -> 0.68. Scored twice: before
    # the answerability refit key facts were 0.695 (116), uncertain 0.078 (13); the refit was decided
    # before either score and shipped as decided.
    # Tenth session (every part of a two-part question answered, the first too;
    # pointing words as a group; "hoe actueel?" answered with the dates; every model refitted, and
    # `choose` re-run, which picked a bagged tree blend for answerability on cross-fitted dev): hit@1
    # 0.844, hit@5 0.934, MRR@10 0.890, key facts 0.683 (114 of 167), refused 0.722 / declined 0.875,
    # answerable refused 0.006 (1) / uncertain 0.078 (13), both cited 9 of 14. Floors raised: hit@1
    # 0.82 -> 0.83, key facts 0.66 -> 0.67, answerable refused at most 0.03 -> 0.02. Two went the other
    # way: refused 0.75 -> 0.70 and uncertain at most 0.06 -> 0.09. The new answerability model marks
    # more questions "uncertain" instead of refusing them, on both sides (declined unchanged at 0.875;
    # answerable refused 5 -> 1, uncertain 9 -> 13), as it did on dev (refused 0.761 -> 0.780,
    # answerable uncertain 0.103 -> 0.078 there).
    # Ninth session (dev grown to 1305 questions, every model refitted; earlier
    # two-part questions vote by their parts for a question answered from one passage; chosen on
    # cross-fitted dev, where it was level): hit@1 0.832, hit@5 0.940, MRR@10 0.885, key facts 0.671
    # (112 of 167), refused 0.764 / declined 0.875, answerable refused 0.030 (5) / uncertain 0.054 (9),
    # both cited 9 of 14. Floors raised: key facts 0.64 -> 0.66, refused 0.70 -> 0.75, both cited
    # 0.48 -> 0.57, MRR 0.87 -> 0.88; uncertain at most 0.08 -> 0.06.
    # Seventh session (two-part questions split more widely, each later part
    # searched on its own; chosen on cross-fitted dev: key facts 0.636 -> 0.646, both cited 58 -> 60 of
    # 109, declined 0.908 -> 0.904): hit@1 0.832, hit@5 0.940, MRR@10 0.881, key facts 0.653, refused
    # 0.722 / declined 0.875, answerable refused 0.024 / uncertain 0.066, both cited 7 of 14. One floor
    # went down: both cited 0.55 -> 0.48; on test the change cites both sources once less and states
    # one key fact less, within the refit noise and against what dev showed.
    # Sixth session, after dev grew to 1048 questions (hit@1 0.832, hit@5 0.940,
    # MRR@10 0.881, key facts 0.659, unanswerable refused 0.722 / declined 0.889, answerable refused
    # 0.024 / uncertain 0.066, both cited 8 of 14), so floating-point noise across machines does not
    # fail CI but a real regression does. One floor went down since the fifth session: both cited
    # 0.60 -> 0.55 (key facts stays 0.64). The refit on the first 126 new dev questions had measured
    # key facts 0.677, both cited 9 of 14 and declined 0.903 on test; the refit on all 251 was kept
    # because dev chose it (on the 797 questions dev held before: hit@1 0.755 -> 0.789, declined
    # 0.867 -> 0.903, key facts 0.637 -> 0.631), not test; on test it states 3 fewer key facts and
    # cites both sources once less.
    # Fifth session: hit@1 0.820, hit@5 0.940, MRR@10 0.873, key facts 0.659, refused 0.667,
    # declined 0.875, answerable refused 0.006 / uncertain 0.102, both cited 9 of 14. Its refused
    # floor went down (0.68 -> 0.65): that answerability model marked more unanswerable questions
    # "uncertain" instead of refusing them (51 -> 48 of 72), chosen on dev.
    # Fourth session: hit@1 0.808, hit@5 0.928, MRR@10 0.863, key facts 0.623, refused 0.708,
    # declined 0.889, answerable refused 0.036 / uncertain 0.102, both cited 0.571.
    # Third session: hit@1 0.778, MRR@10 0.846, key facts 0.599, declined 0.847,
    # both cited 0.429. Second session: hit@1 0.802, key facts 0.617, declined 0.833.
    # First session: hit@1 0.677, key facts 0.455, declined 0.736.
    # Start (before issue 11): hit@1 0.647, hit@5 0.898, MRR@10 0.757, key facts 0.359,
    # unanswerable refused 0.333, answerable refused 0.168.
    min_hit_at_1: float = 0.83
    min_hit_at_5: float = 0.92  # in-scope questions with a relevant passage in the top 5
    min_mrr_at_10: float = 0.88
    min_must_contain: float = 0.69  # answers stating every key fact
    min_refusal_recall: float = 0.70  # out-of-scope questions the assistant refuses
    min_declined_rate: float = 0.87  # out-of-scope questions refused or marked "uncertain"
    max_false_refusal_rate: float = 0.02  # in-scope questions the assistant wrongly refuses
    max_uncertain_rate: float = 0.09  # in-scope questions marked "uncertain"
    min_both_cited: float = 0.57  # national-plus-regional questions citing both sources
    max_invalid_citation_answers: int = 0  # answers with any citation that fails verification


GATES = Gates()


def check(overall: dict, gates: Gates = GATES) -> list[str]:
    """Every gate the overall summary of the full assistant misses, as readable lines."""
    failures = []

    def low(key: str, floor: float) -> None:
        value = overall.get(key)
        if value is None or value < floor:
            failures.append(f"{key} = {value if value is None else round(value, 3)} < {floor}")

    def high(key: str, ceiling: float) -> None:
        value = overall.get(key)
        if value is None or value > ceiling:
            failures.append(f"{key} = {value if value is None else round(value, 3)} > {ceiling}")

    low("hit@1", gates.min_hit_at_1)
    low("hit@5", gates.min_hit_at_5)
    low("mrr@10", gates.min_mrr_at_10)
    low("must_contain", gates.min_must_contain)
    low("refusal_recall", gates.min_refusal_recall)
    high("false_refusal_rate", gates.max_false_refusal_rate)
    low("declined_rate", gates.min_declined_rate)
    high("uncertain_rate", gates.max_uncertain_rate)
    low("both_cited", gates.min_both_cited)
    high("invalid_citation_answers", gates.max_invalid_citation_answers)
    if overall.get("errors"):
        failures.append(f"errors = {overall['errors']} (the assistant raised on some questions)")
    return failures


def as_dict(gates: Gates = GATES) -> dict:
    """The thresholds, for the report."""
    return asdict(gates)
