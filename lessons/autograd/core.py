"""Autograd lesson: derivatives three ways, the recorded graph, and autograd's rules.

Pure PyTorch (SymPy's formula comes from components/symbolic.py); never imports streamlit. Everything is
computed in float64 so that autograd, finite differences and the formula can be
compared closely.
"""

import math
from dataclasses import dataclass

import pandas as pd
import torch

from components.expressions import Expression, ExpressionError, parse_expression, to_plain, to_torch
from components.symbolic import Formula, derivative_at

PRESETS = ("x**2", "sin(x)*x**2", "exp(-x**2)", "relu(x)", "sigmoid(x)", "abs(x)")
PRESETS_2D = ("x**2 + y**2", "sin(x)*cos(y)", "x**2 - y**2", "x*y", "exp(-(x**2 + y**2))")
X_MIN, X_MAX = -3.0, 3.0
FINITE_DIFFERENCE_STEP = 1e-5


def _tensor(value: float, requires_grad: bool = True) -> torch.Tensor:
    return torch.tensor(value, dtype=torch.float64, requires_grad=requires_grad)


def _finite(value: float) -> bool:
    return math.isfinite(value)


# --- What the learner chose, for the sections, the code twin and the quiz ----------


@dataclass(frozen=True)
class OneVariableSpec:
    text: str  # f(x): a preset or the learner's text that parsed
    x: float


@dataclass(frozen=True)
class TwoVariableSpec:
    text: str  # f(x, y)
    x: float
    y: float


# --- One variable: three derivatives ------------------------------------------------


@dataclass(frozen=True)
class Derivatives:
    x: float
    value: float  # f(x)
    autograd: float  # x.grad after y.backward()
    finite_difference: float  # (f(x + h) - f(x - h)) / 2h
    kink: bool  # left and right slopes differ: no derivative exists at x

    def agree(self, formula: Formula | None) -> bool:
        """Autograd, the finite difference and SymPy's value (when it has one) agree."""
        close = math.isclose(self.autograd, self.finite_difference, rel_tol=1e-4, abs_tol=1e-4)
        if formula is not None and formula.value is not None:
            close &= math.isclose(self.autograd, formula.value, rel_tol=1e-6, abs_tol=1e-8)
        return close and not self.kink


def evaluate(expression: Expression, x: float, y: float = 0.0) -> float:
    with torch.no_grad():
        return to_torch(expression, {"x": _tensor(x, False), "y": _tensor(y, False)}).item()


def derivatives(text: str, x: float) -> Derivatives:
    """f(x), autograd's x.grad and a central finite difference (SymPy's: `formula`)."""
    expression = parse_expression(text)
    x_tensor = _tensor(x)
    y = to_torch(expression, {"x": x_tensor})
    if not y.requires_grad:
        raise ExpressionError("expr.no_variable")
    y.backward()
    value, grad = y.item(), x_tensor.grad.item()
    if not (_finite(value) and _finite(grad)):
        raise ExpressionError("expr.not_finite", x=x)
    h = FINITE_DIFFERENCE_STEP
    right = (evaluate(expression, x + h) - value) / h
    left = (value - evaluate(expression, x - h)) / h
    central = (evaluate(expression, x + h) - evaluate(expression, x - h)) / (2 * h)
    kink = not math.isclose(left, right, rel_tol=1e-3, abs_tol=1e-3)
    return Derivatives(x, value, grad, central, kink)


def formula(text: str, x: float) -> Formula:
    """SymPy's f'(x), as LaTeX and at x, worked out under a time budget.

    Raises SymbolicTimeout when it is too complex to finish within the budget, and
    SymbolicBusy when the server has no room for it now (components/symbolic.py).
    """
    return derivative_at(to_plain(parse_expression(text)), "x", x)


def curve(text: str, x: float, grad: float, value: float, points: int = 241) -> pd.DataFrame:
    """f over the slider's range and its tangent at x: columns x, y, line."""
    expression = parse_expression(text)
    xs = torch.linspace(X_MIN, X_MAX, points, dtype=torch.float64)
    with torch.no_grad():
        ys = to_torch(expression, {"x": xs}) * torch.ones_like(xs)  # a constant f broadcasts
    tangent = value + grad * (xs - x)
    frame = pd.concat(
        [
            pd.DataFrame({"x": xs.tolist(), "y": ys.tolist(), "line": "f"}),
            pd.DataFrame({"x": xs.tolist(), "y": tangent.tolist(), "line": "tangent"}),
        ]
    )
    finite = frame["y"].map(_finite)
    return frame[finite & (frame["y"].abs() < 1e6)]


# --- The recorded graph -------------------------------------------------------------


@dataclass(frozen=True)
class GraphNode:
    node_id: str
    name: str  # "MulBackward0", or "x" for the leaf
    value: float  # the forward value this node produced
    gradient: float  # dy/d(this value): what flows into the node during backward()


@dataclass(frozen=True)
class Graph:
    nodes: tuple[GraphNode, ...]  # in backward order: y's node first, x last
    edges: tuple[tuple[str, str], ...]  # (from, to) as backward() walks them
    x_grad: float  # x.grad after y.backward(), for comparison


def recorded_graph(text: str, x: float) -> Graph:
    """Walk y.grad_fn and next_functions; read each node's gradient with autograd.grad.

    Every intermediate tensor is kept while evaluating, so each graph node can be
    matched with the value it produced and asked for dy/d(value).
    """
    expression = parse_expression(text)
    x_tensor = _tensor(x)
    produced: dict[object, torch.Tensor] = {}  # graph node -> the tensor it produced

    def keep(tensor: torch.Tensor) -> None:
        if tensor.grad_fn is not None:
            produced.setdefault(tensor.grad_fn, tensor)

    y = to_torch(expression, {"x": x_tensor}, keep)
    if y is x_tensor:  # f(x) = x: the graph is the leaf alone, and dy/dx = 1
        return Graph((GraphNode("n0", "x", x, 1.0),), (), 1.0)
    if y.grad_fn is None:
        raise ExpressionError("expr.no_variable")
    order, edges, seen = [], [], set()
    frontier = [y.grad_fn]
    while frontier:  # breadth first from the output, as the backward pass goes
        function = frontier.pop(0)
        if function in seen:
            continue
        seen.add(function)
        order.append(function)
        for parent, _ in function.next_functions:
            if parent is not None:
                edges.append((function, parent))
                frontier.append(parent)
    tensors = [produced.get(function, x_tensor) for function in order]
    gradients = torch.autograd.grad(y, tensors, retain_graph=True, allow_unused=True)
    y.backward()
    node_id = {function: f"n{index}" for index, function in enumerate(order)}  # stable across runs
    nodes = tuple(
        GraphNode(
            node_id[function],
            "x" if function.name() == "torch::autograd::AccumulateGrad" else function.name(),
            tensor.item(),
            0.0 if gradient is None else gradient.item(),
        )
        for function, tensor, gradient in zip(order, tensors, gradients, strict=True)
    )
    unique_edges = dict.fromkeys((node_id[source], node_id[target]) for source, target in edges)
    return Graph(nodes, tuple(unique_edges), x_tensor.grad.item())


# --- Two variables ----------------------------------------------------------------


@dataclass(frozen=True)
class Gradient2D:
    x: float
    y: float
    value: float
    d_dx: float  # x.grad
    d_dy: float  # y.grad


def gradient_2d(text: str, x: float, y: float) -> Gradient2D:
    expression = parse_expression(text, ("x", "y"))
    x_tensor, y_tensor = _tensor(x), _tensor(y)
    z = to_torch(expression, {"x": x_tensor, "y": y_tensor})
    if not z.requires_grad:
        raise ExpressionError("expr.no_variable")
    z.backward()
    # A variable the function ignores keeps grad None: its partial derivative is 0.
    d_dx = 0.0 if x_tensor.grad is None else x_tensor.grad.item()
    d_dy = 0.0 if y_tensor.grad is None else y_tensor.grad.item()
    if not all(_finite(v) for v in (z.item(), d_dx, d_dy)):
        raise ExpressionError("expr.not_finite", x=f"({x}, {y})")
    return Gradient2D(x, y, z.item(), d_dx, d_dy)


def surface(text: str, steps: int = 41) -> pd.DataFrame:
    """f(x, y) on a steps x steps grid of the slider's square: columns x, y, z."""
    expression = parse_expression(text, ("x", "y"))
    axis = torch.linspace(X_MIN, X_MAX, steps, dtype=torch.float64)
    xs, ys = torch.meshgrid(axis, axis, indexing="xy")
    with torch.no_grad():
        zs = to_torch(expression, {"x": xs, "y": ys}) * torch.ones_like(xs)
    frame = pd.DataFrame({"x": xs.reshape(-1).tolist(), "y": ys.reshape(-1).tolist(), "z": zs.reshape(-1).tolist()})
    return frame[frame["z"].map(_finite)]


# --- The rules learners trip on -------------------------------------------------------


def accumulated_gradients(text: str, x: float, calls: int, zero_between: bool) -> list[float]:
    """x.grad after each of `calls` forward + backward passes on the same leaf x."""
    expression = parse_expression(text)
    x_tensor = _tensor(x)
    grads = []
    for _ in range(calls):
        if zero_between and x_tensor.grad is not None:
            x_tensor.grad.zero_()
        to_torch(expression, {"x": x_tensor}).backward()
        grads.append(x_tensor.grad.item())
    return grads


def grad_without_requires_grad(x: float) -> bool:
    """Is x.grad None when x was created without requires_grad? (it is)"""
    x_tensor = _tensor(x, requires_grad=False)
    y = x_tensor * 2
    return x_tensor.grad is None and not y.requires_grad


@dataclass(frozen=True)
class GraphCut:
    inside_no_grad: bool  # y.requires_grad for y computed under torch.no_grad()
    after_detach: bool  # y.detach().requires_grad
    detach_grad_fn: str | None  # y.detach().grad_fn: None


def graph_cuts(x: float) -> GraphCut:
    x_tensor = _tensor(x)
    with torch.no_grad():
        inside = x_tensor * 2
    detached = (x_tensor * 2).detach()
    return GraphCut(
        inside.requires_grad, detached.requires_grad, None if detached.grad_fn is None else detached.grad_fn.name()
    )


def second_backward_error(text: str, x: float, retain_graph: bool) -> str | None:
    """PyTorch's message when backward() runs twice on one graph, None if it works."""
    expression = parse_expression(text)
    x_tensor = _tensor(x)
    y = to_torch(expression, {"x": x_tensor})
    y.backward(retain_graph=retain_graph)
    try:
        y.backward()
    except RuntimeError as error:
        return str(error).split(". ")[0] + "."
    return None
