"""Exercises of the training-loop lesson: order the five lines of a training step, write
the validation pass, then the whole loop.

The data are the page's (a noisy line y = 2x + 1, a noisy sine, two moons), built
in the setup with torch's global generator seeded once, so that the DataLoader's
shuffling, the initial weights and the dropout masks are the same in the interpreter
and in the downloadable script. The mistakes diagnosed are the bug lab's
(lessons/boucle_entrainement/mistakes.py): no zero_grad(), zero_grad() between
backward() and step(), no model.eval() / model.train(), no torch.no_grad().
"""

import math
import re
from collections.abc import Mapping
from functools import cache

import torch
from torch import nn

from components.exercise import (
    Exercise,
    Feedback,
    WrongSolution,
    compare_tensor,
    find_exercise,
    number_text,
    reference_names,
    register,
    run_setup,
    type_text,
)

PAGE = "boucle_entrainement"
STEP_ID = f"{PAGE}.training_step"
VALIDATION_ID = f"{PAGE}.validation"
LOOP_ID = f"{PAGE}.training_loop"

IMPORTS = """import torch
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset
"""


# --- Helpers the checks share -------------------------------------------------------------


@cache
def initial_parameters(exercise_id: str) -> tuple[torch.Tensor, ...]:
    """The model's parameters as the setup leaves them, before any training."""
    model = run_setup(find_exercise(exercise_id))["model"]
    return tuple(parameter.detach().clone() for parameter in model.parameters())


def parameters_of(model: nn.Module) -> tuple[torch.Tensor, ...]:
    return tuple(parameter.detach() for parameter in model.parameters())


def same_parameters(got: tuple[torch.Tensor, ...], expected: tuple[torch.Tensor, ...], atol: float) -> bool:
    return len(got) == len(expected) and all(
        a.shape == b.shape and torch.allclose(a.double(), b.double(), atol=atol, rtol=1e-4)
        for a, b in zip(got, expected, strict=True)
    )


def model_feedback(names: Mapping[str, object], exercise_id: str) -> list[Feedback]:
    if "model" not in names:
        return [Feedback("exercise.missing_name", {"name": "model"})]
    if not isinstance(names["model"], nn.Module):
        return [Feedback(f"exercises.{exercise_id}.not_a_model", {"type": type_text(names["model"])})]
    shapes = [parameter.shape for parameter in names["model"].parameters()]
    if shapes != [parameter.shape for parameter in initial_parameters(exercise_id)]:  # another model than the setup's
        return [Feedback(f"exercises.{exercise_id}.model_replaced")]
    return []


def first_line(program: str, pattern: str) -> int | None:
    """The index of the first line whose code (comment left out) matches `pattern`."""
    for index, line in enumerate(program.splitlines()):
        if re.search(pattern, line.split("#", 1)[0]):
            return index
    return None


ZERO_GRAD, BACKWARD, STEP = r"zero_grad\(", r"\.backward\(", r"\.step\("


def step_order_feedback(program: str, exercise_id: str, values: Mapping[str, object]) -> list[Feedback]:
    """The mistake the order of the lines shows, if any: zero_grad() forgotten, step()
    forgotten, step() before backward(), zero_grad() between backward() and step().
    `values` (what the run reached) fill the texts that quote them."""
    zero_grad, backward, step = (first_line(program, pattern) for pattern in (ZERO_GRAD, BACKWARD, STEP))
    if zero_grad is None:
        name = "no_zero_grad"
    elif step is None:
        name = "no_step"
    elif backward is not None and step < backward:
        name = "step_before_backward"
    elif backward is not None and backward < zero_grad < step:
        name = "zero_grad_after_backward"
    else:
        return []
    return [Feedback(f"exercises.{exercise_id}.{name}", values)]


# --- 1. The five lines of a training step (parsons) -------------------------------------------

LINE_SETUP = (
    IMPORTS
    + """
torch.manual_seed(0)
x_train = torch.rand(160, 1) * 4 - 2
y_train = 2 * x_train + 1 + 0.2 * torch.randn(160, 1)
loader = DataLoader(TensorDataset(x_train, y_train), batch_size=32, shuffle=True)
model = nn.Linear(1, 1)
loss_fn = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.1)
"""
)

STEP_TEMPLATE = """losses = []
for epoch in range(20):
    for xb, yb in loader:
        ___
    losses.append(loss.item())
"""

STEP_LINES = (
    "optimizer.zero_grad()",
    "pred = model(xb)",
    "loss = loss_fn(pred, yb)",
    "loss.backward()",
    "optimizer.step()",
)


def check_training_step(names: Mapping[str, object], program: str) -> list[Feedback]:
    problem = model_feedback(names, STEP_ID)
    if problem:
        return problem
    losses = names.get("losses")
    if not isinstance(losses, list) or not losses or not all(isinstance(value, float) for value in losses):
        return [Feedback("exercise.missing_name", {"name": "losses"})]
    reference = reference_names(STEP_ID)
    expected_losses = reference["losses"]
    got = parameters_of(names["model"])
    if same_parameters(got, parameters_of(reference["model"]), 1e-5) and all(
        math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-6) for a, b in zip(losses, expected_losses, strict=False)
    ):
        return []
    values = {
        "first": number_text(losses[0]),
        "last": number_text(losses[-1]),
        "expected": number_text(expected_losses[-1]),
    }
    order = step_order_feedback(program, STEP_ID, values)
    if order:
        return order
    if same_parameters(got, initial_parameters(STEP_ID), 0.0):
        return [Feedback(f"exercises.{STEP_ID}.frozen")]
    return [Feedback(f"exercises.{STEP_ID}.not_like_reference", values)]


TRAINING_STEP = Exercise(
    exercise_id=STEP_ID,
    kind="parsons",
    setup=LINE_SETUP,
    template=STEP_TEMPLATE,
    solution="\n".join(STEP_LINES),
    key_line="optimizer.zero_grad()",
    check=check_training_step,
    wrong=(
        # step() first: each step uses the previous batch's gradients (none at the first)
        WrongSolution(
            "optimizer.step()\noptimizer.zero_grad()\npred = model(xb)\nloss = loss_fn(pred, yb)\nloss.backward()",
            f"exercises.{STEP_ID}.step_before_backward",
        ),
        # the gradients are erased before step() uses them: nothing moves
        WrongSolution(
            "pred = model(xb)\nloss = loss_fn(pred, yb)\nloss.backward()\noptimizer.zero_grad()\noptimizer.step()",
            f"exercises.{STEP_ID}.zero_grad_after_backward",
        ),
        # the gradients add up from batch to batch
        WrongSolution(
            "pred = model(xb)\nloss = loss_fn(pred, yb)\nloss.backward()\noptimizer.step()",
            f"exercises.{STEP_ID}.no_zero_grad",
        ),
    ),
    lines=(
        "loss.backward()",
        "pred = model(xb)",
        "loss = loss.item()",
        "optimizer.step()",
        "optimizer.zero_grad()",
        "optimizer.step(loss)",
        "loss = loss_fn(pred, yb)",
    ),
    distractors={
        "loss = loss.item()": f"exercises.{STEP_ID}.item_too_early",
        "optimizer.step(loss)": f"exercises.{STEP_ID}.step_takes_no_loss",
    },
    outputs=("losses", "model"),
)


# --- 2. The validation pass (parsons) ---------------------------------------------------------

VALIDATION_SETUP = (
    IMPORTS
    + """
torch.manual_seed(0)
x_train = torch.rand(160, 1) * 4 - 2
y_train = 2 * torch.sin(2 * x_train) + 0.2 * torch.randn(160, 1)
x_val = torch.rand(40, 1) * 4 - 2
y_val = 2 * torch.sin(2 * x_val) + 0.2 * torch.randn(40, 1)
loader = DataLoader(TensorDataset(x_train, y_train), batch_size=32, shuffle=True)
model = nn.Sequential(nn.Linear(1, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 1))
loss_fn = nn.MSELoss()
optimizer = optim.Adam(model.parameters(), lr=0.01)
"""
)

VALIDATION_TEMPLATE = """val_losses = []
for epoch in range(5):
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
    ___
    val_losses.append(val_loss.item())
"""

VALIDATION_LINES = (
    "model.eval()",
    "with torch.no_grad():",
    "    val_loss = loss_fn(model(x_val), y_val)",
    "model.train()",
)


def check_validation(names: Mapping[str, object], program: str) -> list[Feedback]:
    problem = model_feedback(names, VALIDATION_ID)
    if problem:
        return problem
    reference = reference_names(VALIDATION_ID)
    shape = compare_tensor(names, "val_loss", reference["val_loss"], values=False)
    if shape:
        return shape
    if names["val_loss"].requires_grad:
        return [Feedback(f"exercises.{VALIDATION_ID}.grad_tracked")]
    if not names["model"].training:
        return [Feedback(f"exercises.{VALIDATION_ID}.still_eval")]
    values = compare_tensor(names, "val_loss", reference["val_loss"], atol=1e-6)
    if values:
        evaluates, validates = first_line(program, r"\.eval\(\)"), first_line(program, r"val_loss\s*=")
        if evaluates is None or (validates is not None and validates < evaluates):
            return [Feedback(f"exercises.{VALIDATION_ID}.not_eval")]
        return values
    return []


VALIDATION = Exercise(
    exercise_id=VALIDATION_ID,
    kind="parsons",
    setup=VALIDATION_SETUP,
    template=VALIDATION_TEMPLATE,
    solution="\n".join(VALIDATION_LINES),
    key_line="with torch.no_grad():",
    check=check_validation,
    wrong=(
        # autograd records the validation pass for a backward() that never comes
        WrongSolution(
            "model.eval()\nval_loss = loss_fn(model(x_val), y_val)\nmodel.train()",
            f"exercises.{VALIDATION_ID}.grad_tracked",
        ),
        # the next epochs train with dropout off
        WrongSolution(
            "model.eval()\nwith torch.no_grad():\n    val_loss = loss_fn(model(x_val), y_val)",
            f"exercises.{VALIDATION_ID}.still_eval",
        ),
        # dropout stays on while validating
        WrongSolution(
            "with torch.no_grad():\n    val_loss = loss_fn(model(x_val), y_val)\nmodel.train()",
            f"exercises.{VALIDATION_ID}.not_eval",
        ),
        # a training step on the validation set
        WrongSolution(
            "model.eval()\nval_loss = loss_fn(model(x_val), y_val)\nval_loss.backward()\noptimizer.step()\n"
            "model.train()",
            f"exercises.{VALIDATION_ID}.trains_on_validation",
        ),
    ),
    lines=(
        "model.train()",
        "    val_loss = loss_fn(model(x_val), y_val)",
        "val_loss.backward()",
        "model.eval()",
        "optimizer.step()",
        "with torch.no_grad():",
    ),
    distractors={
        "val_loss.backward()": f"exercises.{VALIDATION_ID}.trains_on_validation",
        "optimizer.step()": f"exercises.{VALIDATION_ID}.trains_on_validation",
    },
    outputs=("val_loss", "val_losses", "model"),
)


# --- 3. The whole loop (block) ------------------------------------------------------------------

MAX_LOOP_EPOCHS = 50
THRESHOLD = 0.1  # validation cross-entropy: 0.038 for the reference (20 epochs); 15 to 50 epochs: under 0.05

MOONS_SETUP = (
    IMPORTS
    + """
torch.manual_seed(1)
angles = torch.rand(200) * 3.1416
upper = torch.stack([torch.cos(angles[:100]), torch.sin(angles[:100])], dim=1)
lower = torch.stack([1 - torch.cos(angles[100:]), 0.5 - torch.sin(angles[100:])], dim=1)
x = torch.cat([upper, lower]) + 0.1 * torch.randn(200, 2)
y = torch.cat([torch.zeros(100, dtype=torch.long), torch.ones(100, dtype=torch.long)])
x_train = torch.cat([x[:80], x[100:180]])
y_train = torch.cat([y[:80], y[100:180]])
x_val = torch.cat([x[80:100], x[180:]])
y_val = torch.cat([y[80:100], y[180:]])
loader = DataLoader(TensorDataset(x_train, y_train), batch_size=64, shuffle=True)
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
loss_fn = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.1)
"""
)

LOOP_SOLUTION = """for epoch in range(20):
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
"""


def validation_loss(model: nn.Module, exercise_id: str) -> float:
    """The model's loss on the validation set, computed here by PyTorch, without a graph."""
    setup = reference_names(exercise_id)
    with torch.no_grad():
        return float(setup["loss_fn"](model(setup["x_val"]), setup["y_val"]).item())


def check_training_loop(names: Mapping[str, object], program: str) -> list[Feedback]:
    problem = model_feedback(names, LOOP_ID)
    if problem:
        return problem
    model = names["model"]
    reached = validation_loss(model, LOOP_ID)
    values = {"got": number_text(reached), "threshold": number_text(THRESHOLD)}
    order = step_order_feedback(program, LOOP_ID, values)
    if same_parameters(parameters_of(model), initial_parameters(LOOP_ID), 0.0):  # nothing moved
        if first_line(program, STEP) is None:
            return [Feedback(f"exercises.{LOOP_ID}.no_step", values)]
        return order or [Feedback(f"exercises.{LOOP_ID}.frozen", values)]
    if not reached < THRESHOLD:  # nan too
        return order or [Feedback(f"exercises.{LOOP_ID}.above_threshold", values)]
    return order  # the threshold reached, but with a mistake that only luck hid


TRAINING_LOOP = Exercise(
    exercise_id=LOOP_ID,
    kind="block",
    setup=MOONS_SETUP,
    template="for epoch in range(20):\n    for xb, yb in loader:\n        pass\n",
    solution=LOOP_SOLUTION,
    key_line="loss = loss_fn(model(xb), yb)",
    check=check_training_loop,
    wrong=(
        WrongSolution(
            LOOP_SOLUTION.replace("        optimizer.zero_grad()\n", ""), f"exercises.{LOOP_ID}.no_zero_grad"
        ),
        WrongSolution(LOOP_SOLUTION.replace("        optimizer.step()\n", ""), f"exercises.{LOOP_ID}.no_step"),
        WrongSolution(LOOP_SOLUTION.replace("range(20)", "range(1)"), f"exercises.{LOOP_ID}.above_threshold"),
        WrongSolution(
            LOOP_SOLUTION.replace("        optimizer.zero_grad()\n", "").replace(
                "loss.backward()\n", "loss.backward()\n        optimizer.zero_grad()\n"
            ),
            f"exercises.{LOOP_ID}.zero_grad_after_backward",
        ),
    ),
    outputs=("model",),
    # more than MAX_LOOP_EPOCHS epochs written as a number: range(51) ... range(9999)
    forbidden={r"range\(\s*(?:5[1-9]|[6-9]\d|\d{3,})\s*\)": f"exercises.{LOOP_ID}.too_many_epochs"},
)


EXERCISES = register(TRAINING_STEP, VALIDATION, TRAINING_LOOP)
