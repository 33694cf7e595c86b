"""Exercises of the autograd page: call backward(), create a tensor autograd follows,
reset a gradient between two backward() calls, read two partial derivatives.

The expected derivatives are written by hand here (an independent oracle), never
asked of autograd. The checks read the numbers the learner's program stored (`grad`,
`second`, `grad_a`, `grad_b`): `.grad` itself does not survive torch.save, which the
tests' Python oracle uses to bring the names back.
"""

import math
import re
from collections.abc import Mapping

import torch

from components.exercise import (
    Exercise,
    Feedback,
    WrongSolution,
    compare_number,
    compare_tensor,
    mentions,
    number_text,
    register,
)


def _grad_read(names: Mapping[str, object], variable: str, name: str, expected: float) -> list[Feedback]:
    """`name` holds `variable.grad`, equal to `expected`; None when backward() never reached it."""
    if names.get(name, 0) is None:
        return [Feedback("exercise.grad_missing", {"name": variable})]
    found = compare_number(names, name, expected)
    if found and found[0].key == "exercise.wrong_number":
        values = found[0].values
        return [
            Feedback("exercise.wrong_grad", {"name": variable, "got": values["got"], "expected": values["expected"]})
        ]
    return found


def _wrong_grad(found: list[Feedback]) -> float | None:
    """The gradient the learner got, when it is a number other than the expected one."""
    return float(found[0].values["got"]) if found and found[0].key == "exercise.wrong_grad" else None


def _read_before_backward(program: str, name: str) -> bool:
    """`name = ....grad` written before the first backward() call: it stored None."""
    code = "\n".join(line.split("#", 1)[0] for line in program.splitlines())
    read, backward = re.search(rf"^\s*{name}\s*=", code, re.MULTILINE), code.find(".backward(")
    return read is not None and backward != -1 and read.start() < backward


# --- 1. The call that fills x.grad --------------------------------------------------

X_BACKWARD = 1.5


def check_backward(names: Mapping[str, object], program: str) -> list[Feedback]:
    expected = 3 * X_BACKWARD**2 + 2  # d/dx (x**3 + 2 * x)
    found = _grad_read(names, "x", "grad", expected)
    if found and found[0].key == "exercise.grad_missing" and mentions(program, r"\.backward\b(?!\s*\()"):
        found.append(Feedback("exercises.autograd.backward.not_called"))
    elif _wrong_grad(found) is not None and mentions(program, r"\bx\.backward\("):
        found.append(Feedback("exercises.autograd.backward.from_x"))
    return found


BACKWARD = Exercise(
    exercise_id="autograd.backward",
    kind="line",
    setup="import torch\n",
    template=f"x = torch.tensor({X_BACKWARD}, requires_grad=True)\ny = x**3 + 2 * x\n___\ngrad = x.grad\nprint(grad)",
    solution="y.backward()",
    key_line="….backward()",  # the tensor to call it on is left to find
    check=check_backward,
    outputs=("grad",),
    wrong=(
        WrongSolution("x.backward()", "exercise.wrong_grad"),
        WrongSolution("y.backward", "exercise.grad_missing"),
        WrongSolution("y.backward(); y.backward()", "code.torch_error"),
    ),
)


# --- 2. A tensor autograd follows ---------------------------------------------------


def check_requires_grad(names: Mapping[str, object], program: str) -> list[Feedback]:
    x = names.get("x")
    # float32 as on the page's first steps, or float64 as in its script: both are floating point.
    dtype = x.dtype if isinstance(x, torch.Tensor) and x.dtype in (torch.float32, torch.float64) else torch.float32
    found = compare_tensor(names, "x", torch.tensor(1.0, dtype=dtype), requires_grad=True)
    return found or _grad_read(names, "x", "grad", 2 * math.e)  # d/dx (exp(x) * x) = exp(x) * (1 + x)


REQUIRES_GRAD = Exercise(
    exercise_id="autograd.requires_grad",
    kind="line",
    setup="import torch\n",
    template="___\ny = torch.exp(x) * x\ny.backward()\ngrad = x.grad\nprint(grad)",
    solution="x = torch.tensor(1.0, requires_grad=True)",
    key_line="x = torch.tensor(…, requires_grad=…)",
    check=check_requires_grad,
    outputs=("x", "grad"),
    wrong=(
        WrongSolution("x = torch.tensor(1.0)", "code.torch_error"),
        WrongSolution("x = torch.tensor(1, requires_grad=True)", "code.torch_error"),
        WrongSolution("x = torch.tensor(2.0, requires_grad=True)", "exercise.wrong_values"),
    ),
)


# --- 3. Reset the gradient between two backward() calls -----------------------------

X_ZERO = 2.0
FIRST = 2 * X_ZERO  # d/dx x**2
SECOND = 3 * X_ZERO**2  # d/dx x**3


def check_zero_grad(names: Mapping[str, object], program: str) -> list[Feedback]:
    found = _grad_read(names, "x", "second", SECOND)
    second = _wrong_grad(found)
    if second is not None:
        if math.isclose(second, FIRST + SECOND, rel_tol=1e-3):
            values = {"first": number_text(FIRST), "second": number_text(SECOND), "total": number_text(second)}
            return [Feedback("exercises.autograd.zero_grad.accumulated", values)]
        if second == 0:
            return [Feedback("exercises.autograd.zero_grad.zeroed_after")]
    return found


ZERO_GRAD_LINES = ("z.backward()", "y.backward()", "x.grad.zero_()", "z = x**3")

ZERO_GRAD = Exercise(
    exercise_id="autograd.zero_grad",
    kind="parsons",
    setup="import torch\n",
    template=(
        f"x = torch.tensor({X_ZERO}, requires_grad=True)\ny = x**2\ny.backward()\nfirst = x.grad.item()\n"
        "___\nsecond = x.grad.item()\nprint(first, second)"
    ),
    lines=ZERO_GRAD_LINES,
    solution="x.grad.zero_()\nz = x**3\nz.backward()",
    distractors={"y.backward()": "exercises.autograd.zero_grad.backward_y"},
    key_line="x.grad.zero_()",
    check=check_zero_grad,
    outputs=("first", "second"),
    wrong=(
        WrongSolution("z = x**3\nz.backward()", "exercises.autograd.zero_grad.accumulated"),
        WrongSolution("z = x**3\nz.backward()\nx.grad.zero_()", "exercises.autograd.zero_grad.zeroed_after"),
        WrongSolution(
            "x.grad.zero_()\ny.backward()\nz = x**3\nz.backward()", "exercises.autograd.zero_grad.backward_y"
        ),
    ),
)


# --- 4. Two partial derivatives at a point ------------------------------------------

A, B = 2.0, -1.0
GRAD_A = 2 * A * B  # ∂/∂a (a**2 * b + sin(b))
GRAD_B = A**2 + math.cos(B)  # ∂/∂b


def check_two_variables(names: Mapping[str, object], program: str) -> list[Feedback]:
    swapped = compare_number(names, "grad_a", GRAD_B) + compare_number(names, "grad_b", GRAD_A)
    if not swapped:  # each holds the other's gradient: say so, rather than blame a.grad
        return [Feedback("exercises.autograd.two_variables.swapped")]
    for variable, name, expected in (("a", "grad_a", GRAD_A), ("b", "grad_b", GRAD_B)):
        if names.get(name, 0) is None and _read_before_backward(program, name):
            return [Feedback("exercises.autograd.two_variables.read_too_early", {"name": name, "variable": variable})]
        found = _grad_read(names, variable, name, expected)
        got = _wrong_grad(found)
        if got is not None and math.isclose(got, 2 * expected, rel_tol=1e-3):
            return [Feedback("exercises.autograd.two_variables.accumulated", {"name": name})]
        if found:
            return found
    return []


TWO_VARIABLES_SOLUTION = """def f(a, b):
    return a**2 * b + torch.sin(b)


a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(-1.0, requires_grad=True)
f(a, b).backward()
grad_a = a.grad
grad_b = b.grad
print(grad_a, grad_b)
"""

TWO_VARIABLES = Exercise(
    exercise_id="autograd.two_variables",
    kind="block",
    setup="import torch\n",
    template="def f(a, b):\n    return a**2 * b + torch.sin(b)\n\n\n",
    solution=TWO_VARIABLES_SOLUTION,
    key_line="f(a, b).backward()",
    check=check_two_variables,
    outputs=("grad_a", "grad_b"),
    wrong=(
        WrongSolution(
            TWO_VARIABLES_SOLUTION.replace("b = torch.tensor(-1.0, requires_grad=True)", "b = torch.tensor(-1.0)"),
            "exercise.grad_missing",
        ),
        WrongSolution(
            TWO_VARIABLES_SOLUTION.replace("f(a, b).backward()\n", "f(a, b).backward()\nf(a, b).backward()\n"),
            "exercises.autograd.two_variables.accumulated",
        ),
        WrongSolution(
            TWO_VARIABLES_SOLUTION.replace("grad_a = a.grad\ngrad_b = b.grad", "grad_a = b.grad\ngrad_b = a.grad"),
            "exercises.autograd.two_variables.swapped",
        ),
        WrongSolution(
            TWO_VARIABLES_SOLUTION.replace("2.0", "2").replace("-1.0", "-1"),
            "code.torch_error",
        ),
        WrongSolution(
            TWO_VARIABLES_SOLUTION.replace("f(a, b).backward()\ngrad_a = a.grad\ngrad_b = b.grad\n", "").replace(
                "print(", "grad_a = a.grad\ngrad_b = b.grad\nf(a, b).backward()\nprint("
            ),
            "exercises.autograd.two_variables.read_too_early",
        ),
    ),
)


EXERCISES = register(BACKWARD, REQUIRES_GRAD, ZERO_GRAD, TWO_VARIABLES)
