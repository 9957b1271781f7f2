"""Nearness to dev (eval/nearness.py) on the real index, the real embedding model and the real split files."""
from __future__ import annotations

from dataclasses import replace

from eval.golden import load_golden, split_path
from eval.nearness import band, nearness


def test_bands_are_fixed_and_cover_every_similarity():
    assert [band(s) for s in (0.0, 0.9299, 0.93, 0.9549, 0.955, 1.0)] == [
        "unlike-dev", "unlike-dev", "like-dev", "like-dev", "near-dev", "near-dev"]


def test_a_dev_question_is_not_compared_with_itself_or_its_near_copies(assistant):
    dev = load_golden(split_path("dev"))[:6]
    hidden = nearness(assistant, dev)
    # The same question as a test item sees its own dev row, and so its own vector.
    shown = nearness(assistant, [replace(i, id=f"as-test-{i.id}", split="test") for i in dev])
    for item in dev:
        assert shown[f"as-test-{item.id}"] > 0.999
        assert hidden[item.id] < 0.999


def test_test_questions_are_compared_with_all_of_dev(assistant):
    test = load_golden(split_path("test"))[:6]
    near = nearness(assistant, test)
    assert set(near) == {i.id for i in test} and all(0.5 < v <= 1.0 for v in near.values())
