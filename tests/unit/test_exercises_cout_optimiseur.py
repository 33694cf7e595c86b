"""The loss and optimizer lessons' exercises beyond the generic test: other right answers
pass, and the other mistakes a learner makes get their own diagnosis."""

import pytest

from components.exercise import find_exercise, grade, reference_names
from lessons.fonction_de_cout import exercises as loss_exercises
from lessons.optimiseur import exercises as optimizer_exercises

BY_HAND_LOOP = optimizer_exercises.BY_HAND_TEMPLATE

RIGHT = [
    ("fonction_de_cout.mse_line", "loss = nn.MSELoss()(targets, pred)"),
    ("fonction_de_cout.mse_line", "loss = ((pred - targets) ** 2).mean()"),
    ("fonction_de_cout.mse_line", "loss = nn.MSELoss()(pred.squeeze(1), y)"),
    ("fonction_de_cout.mse_by_hand", "def mse(pred, target):\n    return torch.mean((pred - target) ** 2)\n"),
    (
        "fonction_de_cout.mse_by_hand",
        "def mse(pred, target):\n    diff = pred - target\n    return (diff * diff).mean()\n",
    ),
    (
        "fonction_de_cout.bce_by_hand",
        "def bce(p, target):\n    return torch.mean(-target * torch.log(p) - (1 - target) * torch.log(1 - p))\n",
    ),
    ("optimiseur.sgd_line", "optimizer = torch.optim.SGD(params=model.parameters(), lr=0.1)"),
    ("optimiseur.sgd_line", "optimizer = torch.optim.SGD(list(model.parameters()), 0.1)"),
    (
        "optimiseur.one_step",
        "loss = loss_fn(model(x), y)\noptimizer.zero_grad()\nloss.backward()\noptimizer.step()",
    ),
    (
        "optimiseur.sgd_by_hand",
        BY_HAND_LOOP
        + "    with torch.no_grad():\n        for p in model.parameters():\n            p -= lr * p.grad\n"
        + "            p.grad.zero_()\n",
    ),
    (
        "optimiseur.sgd_by_hand",
        BY_HAND_LOOP
        + "    with torch.no_grad():\n        for p in model.parameters():\n            p.sub_(lr * p.grad)\n"
        + "    model.zero_grad()\n",
    ),
]

MISTAKES = [
    (
        "fonction_de_cout.mse_by_hand",
        "def mse(pred, target):\n    return ((pred - target) ** 2).mean().sqrt()\n",
        "square_root",
    ),
    (
        "fonction_de_cout.mse_by_hand",
        "def mse(pred, target):\n    return (pred - target).mean() ** 2\n",
        "square_of_mean",
    ),
    ("fonction_de_cout.bce_by_hand", "def bce(p, target):\n    return -(target * torch.log(p)).mean()\n", "one_term"),
    ("optimiseur.sgd_line", "optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)", "extra_settings"),
    ("optimiseur.sgd_line", "optimizer = torch.optim.SGD([model.weight], lr=0.1)", "wrong_parameters"),
    ("optimiseur.sgd_line", "optimizer = model.parameters()", "not_an_optimizer"),
    ("optimiseur.sgd_line", "optimizer = torch.optim.SGD(model, lr=0.1)", "model_not_parameters"),
    ("fonction_de_cout.mse_line", "loss = nn.MSELoss(pred, targets)", "tensors_to_constructor"),
    ("optimiseur.sgd_by_hand", BY_HAND_LOOP, "no_move"),
    (
        "optimiseur.one_step",
        "optimizer.step()\noptimizer.zero_grad()\nloss = loss_fn(model(x), y)\nloss.backward()",
        "step_before_backward",
    ),
]


@pytest.mark.parametrize(("exercise_id", "answer"), RIGHT)
def test_other_right_answers_pass(exercise_id, answer):
    result = grade(find_exercise(exercise_id), answer)
    assert result.passed, result.feedback


@pytest.mark.parametrize(("exercise_id", "answer", "diagnosis"), MISTAKES)
def test_other_mistakes_get_their_diagnosis(exercise_id, answer, diagnosis):
    result = grade(find_exercise(exercise_id), answer)
    assert not result.passed
    assert f"exercises.{exercise_id}.{diagnosis}" in [feedback.key for feedback in result.feedback]


@pytest.mark.parametrize("exercise", (*loss_exercises.EXERCISES, *optimizer_exercises.EXERCISES))
def test_the_starter_code_is_graded_not_crashed(exercise):
    if exercise.kind == "block":
        assert not grade(exercise, exercise.template).passed


def test_parsons_lines_hold_the_solution_and_the_distractors():
    exercise = find_exercise("optimiseur.one_step")
    assert sorted(exercise.lines) == sorted([*exercise.solution.splitlines(), *exercise.distractors])


def test_the_test_data_mixes_both_classes():
    # with a single class, a formula with the logarithms swapped would not be caught
    exercise = find_exercise("fonction_de_cout.bce_by_hand")
    names = reference_names(exercise.exercise_id)
    for number in (1, 2, 3):
        target = names[f"test_target_{number}"]
        assert 0 < target.sum().item() < target.numel()
