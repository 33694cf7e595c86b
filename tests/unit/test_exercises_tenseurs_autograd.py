"""The exercises of the tensors and autograd pages beyond the generic test: the values
their feedback shows, other right answers than the reference, and the hand-written
derivatives the autograd checks rely on."""

import math

import pytest

from components.exercise import Feedback, grade
from components.i18n import LANGUAGES, translate
from lessons.autograd import exercises as autograd
from lessons.tenseurs import exercises as tenseurs


def feedback_of(exercise, answer: str) -> list[Feedback]:
    return list(grade(exercise, answer).feedback)


def test_a_transposed_shape_is_named_as_the_learner_reads_it():
    assert feedback_of(tenseurs.ZEROS, "z = torch.zeros(4, 3, dtype=torch.float32, device=device)") == [
        Feedback("exercise.wrong_shape", {"name": "z", "got": "(4, 3)", "expected": "(3, 4)"})
    ]


def test_a_wrong_dtype_names_both_types():
    assert feedback_of(tenseurs.ZEROS, "z = torch.zeros(3, 4, dtype=torch.int64, device=device)") == [
        Feedback("exercise.wrong_dtype", {"name": "z", "got": "torch.int64", "expected": "torch.float32"})
    ]


@pytest.mark.parametrize(
    "answer",
    [
        "z = torch.zeros(3, 4, device=device)",  # float32 is the default
        "z = torch.zeros((3, 4), dtype=torch.float32, device=device)",
        "z = torch.zeros(3, 4).to(device)",
    ],
)
def test_other_ways_to_create_the_zeros_pass(answer):
    assert grade(tenseurs.ZEROS, answer).passed


def test_a_tensor_left_without_device_is_caught_even_without_a_gpu():
    keys = [f.key for f in feedback_of(tenseurs.ZEROS, "z = torch.zeros(3, 4)")]
    assert keys == ["exercises.tenseurs.zeros.no_device"]


@pytest.mark.parametrize(
    "answer",
    [
        "y = x.reshape(3, 4)\ncol = y[:, 1]\n",
        "y = x.view(3, -1)\ncol = y[:, 1]\n",
        "y = x.view(3, 4)\ncol = y[0:3, 1]\n",
    ],
)
def test_other_ways_to_reshape_and_slice_pass(answer):
    assert grade(tenseurs.RESHAPE_SLICE, answer).passed


def test_a_column_kept_as_a_matrix_is_a_shape_mistake():
    assert feedback_of(tenseurs.RESHAPE_SLICE, "y = x.view(3, 4)\ncol = y[:, 1:2]\n") == [
        Feedback("exercise.wrong_shape", {"name": "col", "got": "(3, 1)", "expected": "(3,)"})
    ]


@pytest.mark.parametrize(
    "answer",
    [
        "c = a.to(device) @ b.T.float().to(device)\n",
        "c = (a @ b.T.float()).to(device)\n",
        "a = a.to(device)\nb = b.to(device, torch.float32)\nc = a @ b.transpose(0, 1)\n",
    ],
)
def test_other_ways_to_multiply_pass(answer):
    assert grade(tenseurs.MATMUL_DEVICE, answer).passed


def test_the_wrong_starting_point_of_backward_shows_both_gradients():
    assert feedback_of(autograd.BACKWARD, "x.backward()") == [
        Feedback("exercise.wrong_grad", {"name": "x", "got": "1", "expected": "8.75"}),
        Feedback("exercises.autograd.backward.from_x"),
    ]


def test_a_float64_leaf_is_accepted_as_on_the_pages_script():
    assert grade(autograd.REQUIRES_GRAD, "x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)").passed


def test_the_accumulated_gradient_is_explained_with_its_two_terms():
    (feedback,) = feedback_of(autograd.ZERO_GRAD, "z = x**3\nz.backward()")
    assert feedback.values == {"first": "4", "second": "12", "total": "16"}
    for lang in LANGUAGES:
        assert "16" in translate(feedback.key, lang, **feedback.values)


def test_the_parsons_lines_hold_the_solution_and_the_distractor():
    offered = set(autograd.ZERO_GRAD.lines)
    assert set(autograd.ZERO_GRAD.solution.splitlines()) | set(autograd.ZERO_GRAD.distractors) == offered
    assert list(autograd.ZERO_GRAD.lines) != autograd.ZERO_GRAD.solution.splitlines()  # shuffled for display


def test_the_hand_written_partial_derivatives_match_finite_differences():
    def f(a: float, b: float) -> float:
        return a**2 * b + math.sin(b)

    h, a, b = 1e-6, autograd.A, autograd.B
    slope_a, slope_b = (f(a + h, b) - f(a - h, b)) / (2 * h), (f(a, b + h) - f(a, b - h)) / (2 * h)
    assert slope_a == pytest.approx(autograd.GRAD_A, rel=1e-6)
    assert slope_b == pytest.approx(autograd.GRAD_B, rel=1e-6)


@pytest.mark.parametrize(
    "answer",
    [
        autograd.TWO_VARIABLES_SOLUTION.replace(
            "grad_a = a.grad\ngrad_b = b.grad", "grad_a = a.grad.item()\ngrad_b = b.grad.item()"
        ),
        autograd.TWO_VARIABLES_SOLUTION.replace("torch.tensor(2.0,", "torch.tensor(2.0, dtype=torch.float64,"),
        autograd.TWO_VARIABLES_SOLUTION.replace("f(a, b).backward()", "z = f(a, b)\nz.backward()"),
    ],
)
def test_other_ways_to_read_the_two_gradients_pass(answer):
    assert grade(autograd.TWO_VARIABLES, answer).passed


def test_a_missing_gradient_names_the_leaf_that_lacks_requires_grad():
    answer = autograd.TWO_VARIABLES_SOLUTION.replace(
        "a = torch.tensor(2.0, requires_grad=True)", "a = torch.tensor(2.0)"
    )
    assert feedback_of(autograd.TWO_VARIABLES, answer) == [Feedback("exercise.grad_missing", {"name": "a"})]
