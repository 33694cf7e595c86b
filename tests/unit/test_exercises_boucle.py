"""The training-loop lesson's exercises beyond the generic test (tests/unit/test_exercises.py):
the other right orders pass, the traps and the order mistakes get their own diagnosis,
the threshold keeps a margin, and the texts of both languages match."""

import pytest
import torch

from components.exercise import Exercise, grade, static_feedback
from components.i18n import catalogue, placeholders
from lessons.boucle_entrainement import exercises as loop_exercises
from lessons.boucle_entrainement.exercises import EXERCISES, LOOP_SOLUTION, THRESHOLD, TRAINING_LOOP, VALIDATION

STEP = EXERCISES[0]
STEP_KEY = "exercises.boucle_entrainement.training_step"
VALIDATION_KEY = "exercises.boucle_entrainement.validation"
LOOP_KEY = "exercises.boucle_entrainement.training_loop"


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """As the app runs torch (components/torch_setup.py): one thread per operation, so
    that the interpreter's time budget is not spent waiting for busy cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)  # torch imports torch._dynamo on the first one
    yield
    torch.set_num_threads(threads)


def keys(exercise: Exercise, answer: str) -> list[str]:
    return [feedback.key for feedback in grade(exercise, answer).feedback]


def test_increasing_difficulty_and_unique_ids():
    assert [exercise.kind for exercise in EXERCISES] == ["parsons", "parsons", "block"]
    assert len({exercise.exercise_id for exercise in EXERCISES}) == 3


def test_parsons_lines_hold_the_solution_and_the_distractors():
    for exercise in (STEP, VALIDATION):
        offered = set(exercise.lines)
        assert set(exercise.solution.splitlines()) | set(exercise.distractors) == offered
        assert not set(exercise.solution.splitlines()) & set(exercise.distractors)


def test_forward_before_zero_grad_is_also_right():
    answer = "pred = model(xb)\nloss = loss_fn(pred, yb)\noptimizer.zero_grad()\nloss.backward()\noptimizer.step()"
    assert grade(STEP, answer).passed


def test_step_between_forward_and_backward_is_step_before_backward():
    # zero_grad() first erases what backward() left: this order never moves anything
    answer = "optimizer.zero_grad()\npred = model(xb)\nloss = loss_fn(pred, yb)\noptimizer.step()\nloss.backward()"
    assert keys(STEP, answer) == [f"{STEP_KEY}.step_before_backward"]


def test_missing_backward_leaves_the_parameters_frozen():
    answer = "optimizer.zero_grad()\npred = model(xb)\nloss = loss_fn(pred, yb)\noptimizer.step()"
    assert keys(STEP, answer) == [f"{STEP_KEY}.frozen"]


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("loss = loss.item()", f"{STEP_KEY}.item_too_early"),
        ("optimizer.step(loss)", f"{STEP_KEY}.step_takes_no_loss"),
    ],
)
def test_each_distractor_of_the_step_says_why(line, key):
    answer = STEP.solution.replace("optimizer.step()", f"optimizer.step()\n{line}" if "item" in line else line)
    assert [feedback.key for feedback in static_feedback(STEP, answer)] == [key]
    assert key in keys(STEP, answer)


def test_training_on_the_validation_set_is_named():
    validation = "model.eval()\nwith torch.no_grad():\n    val_loss = loss_fn(model(x_val), y_val)\n"
    answer = validation + "optimizer.step()\nmodel.train()"
    assert f"{VALIDATION_KEY}.trains_on_validation" in keys(VALIDATION, answer)


def test_validation_keeps_one_loss_per_epoch_and_ends_in_training_mode():
    names = loop_exercises.reference_names(VALIDATION.exercise_id)
    assert len(names["val_losses"]) == 5
    assert names["model"].training and not names["val_loss"].requires_grad


def test_the_reference_loop_clears_the_threshold_with_a_margin():
    model = loop_exercises.reference_names(TRAINING_LOOP.exercise_id)["model"]
    assert loop_exercises.validation_loss(model, TRAINING_LOOP.exercise_id) < THRESHOLD / 2


@pytest.mark.parametrize(
    "answer",
    [
        # zero_grad() at the end of the step: the next step still starts from zero
        LOOP_SOLUTION.replace("        optimizer.zero_grad()\n", "").replace(
            "optimizer.step()\n", "optimizer.step()\n        optimizer.zero_grad()\n"
        ),
        # validation every epoch, as on the page
        LOOP_SOLUTION
        + "    model.eval()\n    with torch.no_grad():\n        val_loss = loss_fn(model(x_val), y_val)\n"
        + "    model.train()\n",
    ],
)
def test_other_right_loops_pass(answer):
    assert grade(TRAINING_LOOP, answer).passed


def test_too_few_epochs_quote_the_loss_reached_and_the_threshold():
    feedback = grade(TRAINING_LOOP, LOOP_SOLUTION.replace("range(20)", "range(1)")).feedback
    assert [f.key for f in feedback] == [f"{LOOP_KEY}.above_threshold"]
    assert float(feedback[0].values["got"]) > THRESHOLD and feedback[0].values["threshold"] == "0.1"


def test_more_than_fifty_epochs_is_refused_before_running():
    for epochs, refused in (("50", False), ("51", True), ("100", True), ("10000", True)):
        answer = LOOP_SOLUTION.replace("range(20)", f"range({epochs})")
        found = [f.key for f in static_feedback(TRAINING_LOOP, answer)]
        assert found == ([f"{LOOP_KEY}.too_many_epochs"] if refused else []), epochs


def test_training_on_the_whole_set_instead_of_the_batch_is_not_wrong_code():
    # the batch is idiomatic, but a full-batch loop is not a mistake the grader should invent
    answer = LOOP_SOLUTION.replace("model(xb), yb", "model(x_train), y_train")
    assert all(not key.startswith("code.") for key in keys(TRAINING_LOOP, answer))


def test_own_texts_exist_in_both_languages_with_the_same_placeholders():
    french, english = catalogue("fr"), catalogue("en")
    own = sorted(key for key in french if key.startswith("exercises.boucle_entrainement."))
    assert own == sorted(key for key in english if key.startswith("exercises.boucle_entrainement."))
    for key in own:
        assert placeholders(french[key]) == placeholders(english[key]), key
    for exercise in EXERCISES:
        for part in ("title", "statement", "hint"):
            assert f"exercises.{exercise.exercise_id}.{part}" in french


def test_a_model_replaced_by_another_is_named_not_crashed():
    # the optimizer still holds the setup model's parameters: this one never learns
    answer = "model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))\n" + LOOP_SOLUTION
    assert keys(TRAINING_LOOP, answer) == [f"{LOOP_KEY}.model_replaced"]
