"""The bug lab's "what will this mistake do?" question and the final quiz's zero_grad
question: every course has one answer, and a run too close to the line between two
answers is not asked (a question never has an ambiguous answer)."""

import dataclasses
import tomllib
from pathlib import Path

import pytest

from lessons.boucle_entrainement import core, outcomes
from lessons.boucle_entrainement.mistakes import BUGS
from lessons.boucle_entrainement.outcomes import Course, Prediction

LOCALES = Path(__file__).resolve().parents[2] / "locales"
CORRECT = [4.0, 2.0, 1.0, 0.5, 0.25]


def test_every_course_has_an_answer_and_every_answer_a_text():
    assert set(outcomes.ANSWER) == set(Course)
    assert set(outcomes.ANSWER.values()) == set(Prediction)
    for language in ("fr", "en"):
        catalogue = tomllib.loads((LOCALES / f"{language}.toml").read_text(encoding="utf-8"))
        predict = catalogue["boucle"]["predict"]
        texts = [predict[answer] for answer in outcomes.PREDICTIONS]
        assert len(set(texts)) == len(texts)  # six different choices
        assert set(predict["prompt"]) == {"one", "other"}


@pytest.mark.parametrize(
    ("buggy", "diverged", "clear"),
    [
        ([3.0, 50.0, float("inf")], True, True),
        (list(CORRECT), False, True),  # identical
        ([5.7, 5.7, 5.7, 5.7, 5.7], False, True),  # flat
        ([3.0, 2.0, 4.0, 6.0, 8.0], False, True),  # clearly went up
        ([3.0, 2.9, 3.0, 3.05, 3.08], False, False),  # ended 3 % above its start: up or "did not move"?
        ([4.0, 1.0, 0.5, 0.26, 0.255], False, True),  # ratio 1.02: like the correct loop
        ([4.0, 2.0, 1.0, 0.5, 0.272], False, False),  # ratio 1.088: "like" or "higher", by 1 %
        ([4.0, 2.0, 1.0, 0.5, 0.28], False, False),  # ratio 1.12: just above the 10 % band
        ([4.0, 2.0, 1.0, 0.6, 0.4], False, True),  # ratio 1.6: clearly higher
        ([4.0, 1.0, 0.5, 0.2, 0.1], False, True),  # ratio 0.4: clearly lower
        ([4.0, 1.0, 0.5, 0.23, 0.23], False, False),  # ratio 0.92: at the lower band's edge
        ([4.0, 0.1, 0.3, 0.2, 0.5], False, True),  # rose to 5 × its lowest
        ([4.0, 0.1, 0.15, 0.18, 0.205], False, False),  # rose to 2.05 × its lowest: rose or just higher?
    ],
)
def test_a_run_near_a_boundary_is_not_asked(buggy, diverged, clear):
    assert outcomes.clear_cut(outcomes.outcome(buggy, CORRECT, diverged)) is clear


@pytest.mark.parametrize(
    ("first", "last", "diverged", "answer"),
    [
        (1.0, float("nan"), True, "diverges"),
        (1.0, 3.0, False, "goes_up"),
        (1.0, 1.02, False, "stalls"),
        (1.0, 0.97, False, "stalls"),
        (1.0, 0.9, False, None),  # 10 % down: "stalls" and "goes down" both fit
        (1.0, 0.5, False, "goes_down"),
    ],
)
def test_the_zero_grad_quiz_answer(first, last, diverged, answer):
    assert outcomes.zero_grad_quiz_answer(first, last, diverged) == answer


@pytest.mark.parametrize("bug", BUGS)
def test_each_mistake_is_asked_at_the_pages_settings(bug):
    """At the page's settings (Adam, or the lab's SGD for the mistakes that act through
    the step), 20 epochs: every mistake's run has a clear answer, so the lab asks it."""
    data = core.make_data("line", 200, 0.2, 0)
    optimizer = outcomes.RECOMMENDED.get(bug, core.PAGE_DEFAULT_OPTIMIZER)
    correct_spec = core.TrainSpec(epochs=20, optimizer=optimizer)
    bugs = frozenset({bug})
    model = core.lab_model(core.ModelSpec("linear"), bugs)
    correct = core.train(data, model, correct_spec)
    buggy = core.train(data, model, dataclasses.replace(correct_spec, bugs=bugs))
    result = outcomes.outcome(
        [epoch.train_loss for epoch in buggy.epochs], [epoch.train_loss for epoch in correct.epochs], buggy.diverged
    )
    assert outcomes.clear_cut(result), result
