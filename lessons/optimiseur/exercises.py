"""Exercises of the optimizer lesson: build an SGD optimizer, order the four lines of an
optimization step, then write the SGD update by hand, checked against torch.optim.SGD."""

import copy
import re
from collections.abc import Mapping

import torch
from torch import nn

from components.exercise import (
    Exercise,
    Feedback,
    WrongSolution,
    compare_tensor,
    find_exercise,
    mentions,
    number_text,
    reference_names,
    register,
    run_setup,
    type_text,
)

SGD_LINE = "optimiseur.sgd_line"
ONE_STEP = "optimiseur.one_step"
SGD_BY_HAND = "optimiseur.sgd_by_hand"

LR = 0.1
BY_HAND_STEPS = 20

# The loss lesson's points (y = 2x + 1 + noise) as columns, and a line to fit: nn.Linear(1, 1).
REGRESSION_SETUP = """\
import torch
from torch import nn

torch.manual_seed(0)
x = torch.linspace(-2, 2, 12).unsqueeze(1)
y = 2 * x + 1 + 0.5 * torch.randn(12, 1)
model = nn.Linear(1, 1)
loss_fn = nn.MSELoss()
"""

# SGD's default settings. Building a first optimizer also imports what torch.optim loads
# lazily (about 2 s, once per process), so that it does not count in a learner's run.
SGD_DEFAULTS = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=LR).defaults

ZERO_GRAD = r"zero_grad\(|grad\.zero_\(|\.grad\s*=\s*None"  # any way of emptying .grad


def _model(names: Mapping[str, object], exercise_id: str) -> list[Feedback] | nn.Module:
    """The learner's `model`, or why there is none to check (`model = ...` rebound to something else)."""
    if "model" not in names:
        return [Feedback("exercise.missing_name", {"name": "model"})]
    if not isinstance(names["model"], nn.Module):
        return [Feedback(f"exercises.{exercise_id}.not_a_model", {"type": type_text(names["model"])})]
    return names["model"]


def _parameters(model: nn.Module) -> dict[str, torch.Tensor]:
    return {f"model.{name}": parameter.detach() for name, parameter in model.named_parameters()}


def _same_parameters(got: nn.Module, expected: Mapping[str, torch.Tensor]) -> bool:
    return not _parameter_differences(got, expected)


def _parameter_differences(got: nn.Module, expected: Mapping[str, torch.Tensor]) -> list[Feedback]:
    parameters = _parameters(got)
    for name, value in expected.items():
        differences = compare_tensor(parameters, name, value, atol=1e-5, rtol=1e-4)
        if differences:
            return differences
    return []


def _start(exercise_id: str) -> dict[str, object]:
    """A fresh copy of the exercise's data: the model before any step."""
    return run_setup(find_exercise(exercise_id))


# --- 1. torch.optim.SGD over the model's parameters ----------------------------------------


def _check_sgd_line(names: Mapping[str, object], program: str) -> list[Feedback]:
    if "optimizer" not in names:
        return [Feedback("exercise.missing_name", {"name": "optimizer"})]
    optimizer = names["optimizer"]
    if not isinstance(optimizer, torch.optim.Optimizer):
        return [Feedback(f"exercises.{SGD_LINE}.not_an_optimizer", {"type": type_text(optimizer)})]
    if not isinstance(optimizer, torch.optim.SGD):
        return [Feedback(f"exercises.{SGD_LINE}.wrong_optimizer", {"got": type_text(optimizer)})]
    model = _model(names, SGD_LINE)
    if isinstance(model, list):
        return model
    given = [id(parameter) for group in optimizer.param_groups for parameter in group["params"]]
    if sorted(given) != sorted(id(parameter) for parameter in model.parameters()):
        return [Feedback(f"exercises.{SGD_LINE}.wrong_parameters")]
    lr = optimizer.param_groups[0]["lr"]
    if lr != LR:
        return [
            Feedback(f"exercises.{SGD_LINE}.wrong_lr", {"got": number_text(float(lr)), "expected": number_text(LR)})
        ]
    changed = sorted(
        name for name, value in optimizer.defaults.items() if name != "lr" and value != SGD_DEFAULTS.get(name)
    )
    if changed:
        return [Feedback(f"exercises.{SGD_LINE}.extra_settings", {"settings": ", ".join(changed)})]
    return []


# --- 2. One optimization step, in order ------------------------------------------------------


def _line_of(program: str, pattern: str) -> int | None:
    """The index of the first line of `program` matching `pattern` (comments left out)."""
    for index, line in enumerate(program.splitlines()):
        if re.search(pattern, line.split("#", 1)[0]):
            return index
    return None


def _check_one_step(names: Mapping[str, object], program: str) -> list[Feedback]:
    model = _model(names, ONE_STEP)
    if isinstance(model, list):
        return model
    expected = _parameters(reference_names(ONE_STEP)["model"])
    if _same_parameters(model, expected):
        return []
    step, backward = _line_of(program, r"optimizer\.step\("), _line_of(program, r"\.backward\(")
    zero_grad = _line_of(program, r"zero_grad\(")
    if step is not None and backward is not None:
        if step < backward:
            return [Feedback(f"exercises.{ONE_STEP}.step_before_backward")]
        if zero_grad is not None and backward < zero_grad < step:
            return [Feedback(f"exercises.{ONE_STEP}.zero_grad_between")]
    if zero_grad is None:
        return [Feedback(f"exercises.{ONE_STEP}.forgot_zero_grad")]
    return _parameter_differences(model, expected)


# --- 3. The SGD update by hand, against torch.optim.SGD -------------------------------------


def _sgd_oracle() -> tuple[dict[str, torch.Tensor], float]:
    """The parameters torch.optim.SGD reaches from the same start, and the starting loss."""
    start = _start(SGD_BY_HAND)
    model, x, y = copy.deepcopy(start["model"]), start["x"], start["y"]
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    with torch.no_grad():
        first_loss = nn.MSELoss()(model(x), y).item()
    for _ in range(BY_HAND_STEPS):
        optimizer.zero_grad()
        nn.MSELoss()(model(x), y).backward()
        optimizer.step()
    return _parameters(model), first_loss


def _check_sgd_by_hand(names: Mapping[str, object], program: str) -> list[Feedback]:
    model = _model(names, SGD_BY_HAND)
    if isinstance(model, list):
        return model
    expected, first_loss = _sgd_oracle()
    if _same_parameters(model, expected):
        return []
    start = _start(SGD_BY_HAND)
    if _same_parameters(model, _parameters(start["model"])):
        rebound = mentions(program, r"\b(\w+)\s*=\s*\1\s*-")  # p = p - lr * p.grad: a new tensor named p
        return [Feedback(f"exercises.{SGD_BY_HAND}.{'rebound' if rebound else 'no_move'}")]
    if not mentions(program, ZERO_GRAD):
        return [Feedback(f"exercises.{SGD_BY_HAND}.forgot_zero_grad")]
    with torch.no_grad():
        last_loss = nn.MSELoss()(model(start["x"]), start["y"]).item()
    if not last_loss < first_loss:  # nan included
        return [
            Feedback(
                f"exercises.{SGD_BY_HAND}.loss_went_up",
                {"start": number_text(first_loss), "end": number_text(last_loss)},
            )
        ]
    return _parameter_differences(model, expected)


STEP_LINES = (
    "optimizer.zero_grad()",
    "loss = loss_fn(model(x), y)",
    "loss.backward()",
    "optimizer.step()",
)
BY_HAND_TEMPLATE = f"""\
lr = {LR}
for step in range({BY_HAND_STEPS}):
    loss = loss_fn(model(x), y)
    loss.backward()
"""

EXERCISES = register(
    Exercise(
        exercise_id=SGD_LINE,
        kind="line",
        setup=REGRESSION_SETUP,
        template="___\n",
        solution=f"optimizer = torch.optim.SGD(model.parameters(), lr={LR})",
        key_line="optimizer = torch.optim.SGD(…, lr=…)",
        check=_check_sgd_line,
        outputs=("model", "optimizer"),
        # torch.optim.SGD(model, ...): the module itself, not its parameters
        forbidden={r"\b(SGD|Adam)\(\s*model\s*[,)]": f"exercises.{SGD_LINE}.model_not_parameters"},
        wrong=(
            WrongSolution(f"optimizer = torch.optim.SGD(model, lr={LR})", "code.torch_error"),
            WrongSolution("optimizer = torch.optim.SGD(model.parameters(), lr=0.01)", f"exercises.{SGD_LINE}.wrong_lr"),
            WrongSolution(
                f"optimizer = torch.optim.Adam(model.parameters(), lr={LR})", f"exercises.{SGD_LINE}.wrong_optimizer"
            ),
        ),
    ),
    Exercise(
        exercise_id=ONE_STEP,
        kind="parsons",
        setup=f"{REGRESSION_SETUP}optimizer = torch.optim.SGD(model.parameters(), lr={LR})\n",
        template="for step in range(3):\n    ___\n",
        solution="\n".join(STEP_LINES),
        key_line="loss.backward()",
        check=_check_one_step,
        lines=(
            "loss.backward()",
            "optimizer.zero_grad()",
            "loss.step()",
            "optimizer.step()",
            "loss = loss_fn(model(x), y)",
            "optimizer.step(loss)",
        ),
        distractors={
            "loss.step()": f"exercises.{ONE_STEP}.loss_step",
            "optimizer.step(loss)": f"exercises.{ONE_STEP}.step_with_loss",
        },
        outputs=("model",),
        wrong=(
            WrongSolution(
                "optimizer.zero_grad()\nloss = loss_fn(model(x), y)\noptimizer.step()\nloss.backward()",
                f"exercises.{ONE_STEP}.step_before_backward",
            ),
            WrongSolution(
                "loss = loss_fn(model(x), y)\nloss.backward()\noptimizer.zero_grad()\noptimizer.step()",
                f"exercises.{ONE_STEP}.zero_grad_between",
            ),
            WrongSolution(
                "loss = loss_fn(model(x), y)\nloss.backward()\noptimizer.step()",
                f"exercises.{ONE_STEP}.forgot_zero_grad",
            ),
            WrongSolution(
                "optimizer.zero_grad()\nloss = loss_fn(model(x), y)\nloss.backward()\noptimizer.step(loss)",
                f"exercises.{ONE_STEP}.step_with_loss",
            ),
        ),
    ),
    Exercise(
        exercise_id=SGD_BY_HAND,
        kind="block",
        setup=REGRESSION_SETUP,
        template=BY_HAND_TEMPLATE,
        solution=BY_HAND_TEMPLATE
        + "    with torch.no_grad():\n"
        + "        for p in model.parameters():\n"
        + "            p -= lr * p.grad\n"
        + "    model.zero_grad()\n",
        key_line="            p -= lr * p.grad",
        check=_check_sgd_by_hand,
        outputs=("model",),
        forbidden={r"\boptim\b|\bSGD\b|optimizer": f"exercises.{SGD_BY_HAND}.no_optim"},
        wrong=(
            WrongSolution(
                BY_HAND_TEMPLATE
                + "    for p in model.parameters():\n        p -= lr * p.grad\n    model.zero_grad()\n",
                "code.torch_error",
            ),
            WrongSolution(
                BY_HAND_TEMPLATE
                + "    with torch.no_grad():\n        for p in model.parameters():\n            p -= lr * p.grad\n",
                f"exercises.{SGD_BY_HAND}.forgot_zero_grad",
            ),
            WrongSolution(
                BY_HAND_TEMPLATE
                + "    with torch.no_grad():\n        for p in model.parameters():\n            p = p - lr * p.grad\n"
                + "    model.zero_grad()\n",
                f"exercises.{SGD_BY_HAND}.rebound",
            ),
            WrongSolution(
                BY_HAND_TEMPLATE
                + "    with torch.no_grad():\n        for p in model.parameters():\n            p += lr * p.grad\n"
                + "    model.zero_grad()\n",
                f"exercises.{SGD_BY_HAND}.loss_went_up",
            ),
        ),
    ),
)
