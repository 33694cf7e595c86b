"""Exercises of the loss lesson: compute a loss with torch.nn, then write MSE and binary
cross-entropy by hand, checked against nn.MSELoss and nn.BCELoss on random data."""

from collections.abc import Callable, Mapping

import torch
from torch import nn

from components.exercise import (
    Exercise,
    Feedback,
    WrongSolution,
    compare_number,
    compare_tensor,
    number_text,
    reference_names,
    register,
    shape_text,
)

MSE_LINE = "fonction_de_cout.mse_line"
MSE_BY_HAND = "fonction_de_cout.mse_by_hand"
BCE_BY_HAND = "fonction_de_cout.bce_by_hand"

# The page's points (y = 2x + 1 + noise), as a column for a model: nn.Linear wants (n, 1).
REGRESSION_SETUP = """\
import torch
from torch import nn

torch.manual_seed(0)
x = torch.linspace(-2, 2, 12)
y = 2 * x + 1 + 0.5 * torch.randn(12)
inputs = x.unsqueeze(1)
targets = y.unsqueeze(1)
model = nn.Linear(1, 1)
pred = model(inputs)
"""


def _same(got: object, expected: torch.Tensor, atol: float = 1e-5, rtol: float = 1e-4) -> bool:
    """Whether `got` (a number or a one-element tensor) is `expected`'s value."""
    if isinstance(got, torch.Tensor):
        if got.numel() != 1:
            return False
        got = got.detach().item()
    if not isinstance(got, (int, float)) or isinstance(got, bool):
        return False
    return abs(got - expected.item()) <= atol + rtol * abs(expected.item())


# --- 1. nn.MSELoss on the model's predictions --------------------------------------------


def _check_mse_line(names: Mapping[str, object], program: str) -> list[Feedback]:
    reference = reference_names(MSE_LINE)
    pred, targets, y = reference["pred"].detach(), reference["targets"], reference["y"]
    expected = nn.MSELoss()(pred, targets)
    got = names.get("loss")
    broadcast = pred - y  # what nn.MSELoss(pred, y) computes after broadcasting (12, 1) with (12,)
    if _same(got, (broadcast**2).mean()):
        return [
            Feedback(
                f"exercises.{MSE_LINE}.broadcast",
                {
                    "pred": shape_text(pred.shape),
                    "target": shape_text(y.shape),
                    "result": shape_text(broadcast.shape),
                },
            )
        ]
    if _same(got, (pred - targets).abs().mean()):
        return [Feedback(f"exercises.{MSE_LINE}.l1")]
    if _same(got, ((pred - targets) ** 2).sum()):
        return [Feedback(f"exercises.{MSE_LINE}.sum_not_mean", {"count": len(targets)})]
    return compare_number(names, "loss", expected.item())


# --- 2 and 3. A loss written by hand, called by the check on random tensors --------------

# A wrong formula the learner may have written: (its feedback key, how it computes from (a, b)).
Diagnosis = tuple[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]]


def _function_epilogue(function: str, arguments: dict[str, str], seed: int, shapes: tuple[tuple[int, ...], ...]) -> str:
    """Trusted lines: random arguments of each shape (`arguments`: name -> the call that
    makes one, with {dims} and {shape} to fill), then `result_<i> = function(...)`."""
    lines = [f"torch.manual_seed({seed})"]
    for number, shape in enumerate(shapes, start=1):
        dims = ", ".join(map(str, shape))
        lines += [
            f"test_{name}_{number} = {make.format(dims=dims, shape=shape_text(shape))}"
            for name, make in arguments.items()
        ]
    for number in range(1, len(shapes) + 1):
        called = ", ".join(f"test_{name}_{number}" for name in arguments)
        lines.append(f"result_{number} = {function}({called})")
    return "\n".join(lines) + "\n"


def _function_check(
    exercise_id: str,
    function: str,
    arguments: tuple[str, str],
    count: int,
    loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    diagnoses: tuple[Diagnosis, ...],
) -> Callable[[Mapping[str, object], str], list[Feedback]]:
    """Each `result_<i>` against the nn loss of the same (pristine) test tensors: the
    first case that differs says how (a diagnosed formula, else the generic comparison)."""

    def check(names: Mapping[str, object], program: str) -> list[Feedback]:
        reference = reference_names(exercise_id)
        for number in range(1, count + 1):
            first, second = (reference[f"test_{argument}_{number}"] for argument in arguments)
            call = f"{function}(test_{arguments[0]}_{number}, test_{arguments[1]}_{number})"
            shown = {call: names[f"result_{number}"]} if f"result_{number}" in names else {}
            expected = loss(first, second)
            differences = compare_tensor(shown, call, expected)
            if not differences:
                continue
            if differences[0].key != "exercise.wrong_values":
                return differences
            for key, formula in diagnoses:
                if _same(shown[call], formula(first, second)):
                    values = {
                        "got": number_text(shown[call].item()),
                        "expected": number_text(expected.item()),
                        "shape": shape_text(first.shape),
                    }
                    return [Feedback(f"exercises.{exercise_id}.{key}", values)]
            return differences
        return []

    return check


MSE_SHAPES = ((5,), (4, 3), (12, 1))
MSE_ARGUMENTS = {"pred": "torch.randn({dims})", "target": "torch.randn({dims})"}
MSE_DIAGNOSES: tuple[Diagnosis, ...] = (
    ("sum_not_mean", lambda a, b: ((a - b) ** 2).sum()),
    ("absolute_not_square", lambda a, b: (a - b).abs().mean()),
    ("square_root", lambda a, b: ((a - b) ** 2).mean().sqrt()),
    ("square_of_mean", lambda a, b: (a - b).mean() ** 2),
)


def _bce_terms(p: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    return t * torch.log(p) + (1 - t) * torch.log(1 - p)


BCE_SHAPES = ((6,), (4, 3), (12, 1))
BCE_ARGUMENTS = {"p": "torch.sigmoid(torch.randn({dims}))", "target": "torch.randint(0, 2, {shape}).float()"}
BCE_DIAGNOSES: tuple[Diagnosis, ...] = (
    ("missing_minus", lambda p, t: _bce_terms(p, t).mean()),
    ("swapped_logs", lambda p, t: -(t * torch.log(1 - p) + (1 - t) * torch.log(p)).mean()),
    ("one_term", lambda p, t: -(t * torch.log(p)).mean()),
    ("sum_not_mean", lambda p, t: -_bce_terms(p, t).sum()),
)

EXERCISES = register(
    Exercise(
        exercise_id=MSE_LINE,
        kind="line",
        setup=REGRESSION_SETUP,
        template="___\nprint(loss.item())\n",
        solution="loss = nn.MSELoss()(pred, targets)",
        key_line="loss = nn.MSELoss()(…, …)",
        check=_check_mse_line,
        outputs=("loss",),
        # nn.MSELoss(pred, targets): the tensors given to the constructor, not to the call
        forbidden={r"MSELoss\((?!\s*\)|\s*reduction\s*=)": f"exercises.{MSE_LINE}.tensors_to_constructor"},
        wrong=(
            WrongSolution("loss = nn.L1Loss()(pred, targets)", f"exercises.{MSE_LINE}.l1"),
            WrongSolution("loss = nn.MSELoss()(pred, y)", f"exercises.{MSE_LINE}.broadcast"),
            WrongSolution("loss = nn.MSELoss(pred, targets)", "code.torch_error"),
            WrongSolution("loss = ((pred - targets) ** 2).sum()", f"exercises.{MSE_LINE}.sum_not_mean"),
        ),
    ),
    Exercise(
        exercise_id=MSE_BY_HAND,
        kind="block",
        setup="import torch\n",
        template="def mse(pred, target):\n    return\n",
        solution="def mse(pred, target):\n    return ((pred - target) ** 2).mean()\n",
        key_line="    return ((pred - target) ** 2).mean()",
        check=_function_check(MSE_BY_HAND, "mse", ("pred", "target"), len(MSE_SHAPES), nn.MSELoss(), MSE_DIAGNOSES),
        epilogue=_function_epilogue("mse", MSE_ARGUMENTS, 1, MSE_SHAPES),
        outputs=tuple(f"result_{number}" for number in range(1, len(MSE_SHAPES) + 1)),
        forbidden={r"\bnn\b|MSELoss|mse_loss|\bF\.": f"exercises.{MSE_BY_HAND}.no_nn"},
        wrong=(
            WrongSolution(
                "def mse(pred, target):\n    return ((pred - target) ** 2).sum()\n",
                f"exercises.{MSE_BY_HAND}.sum_not_mean",
            ),
            WrongSolution(
                "def mse(pred, target):\n    return (pred - target).abs().mean()\n",
                f"exercises.{MSE_BY_HAND}.absolute_not_square",
            ),
            WrongSolution(
                "def mse(pred, target):\n    return torch.nn.MSELoss()(pred, target)\n",
                f"exercises.{MSE_BY_HAND}.no_nn",
            ),
            WrongSolution("def mse(pred, target):\n    return (pred - target) ** 2\n", "exercise.wrong_shape"),
        ),
    ),
    Exercise(
        exercise_id=BCE_BY_HAND,
        kind="block",
        setup="import torch\n",
        template="def bce(p, target):\n    return\n",
        solution="def bce(p, target):\n    return -(target * torch.log(p) + (1 - target) * torch.log(1 - p)).mean()\n",
        key_line="    return -(target * torch.log(p) + (1 - target) * torch.log(1 - p)).mean()",
        check=_function_check(BCE_BY_HAND, "bce", ("p", "target"), len(BCE_SHAPES), nn.BCELoss(), BCE_DIAGNOSES),
        epilogue=_function_epilogue("bce", BCE_ARGUMENTS, 3, BCE_SHAPES),
        outputs=tuple(f"result_{number}" for number in range(1, len(BCE_SHAPES) + 1)),
        forbidden={r"\bnn\b|BCELoss|binary_cross_entropy|\bF\.": f"exercises.{BCE_BY_HAND}.no_nn"},
        wrong=(
            WrongSolution(
                "def bce(p, target):\n    return (target * torch.log(p) + (1 - target) * torch.log(1 - p)).mean()\n",
                f"exercises.{BCE_BY_HAND}.missing_minus",
            ),
            WrongSolution(
                "def bce(p, target):\n    return -(target * torch.log(1 - p) + (1 - target) * torch.log(p)).mean()\n",
                f"exercises.{BCE_BY_HAND}.swapped_logs",
            ),
            WrongSolution(
                "def bce(p, target):\n    return -(target * torch.log(p) + (1 - target) * torch.log(1 - p)).sum()\n",
                f"exercises.{BCE_BY_HAND}.sum_not_mean",
            ),
            WrongSolution(
                "def bce(p, target):\n    return torch.nn.BCELoss()(p, target)\n",
                f"exercises.{BCE_BY_HAND}.no_nn",
            ),
        ),
    ),
)
