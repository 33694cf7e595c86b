"""Autograd lesson core: autograd against hand-written derivatives and finite differences."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.expressions import ExpressionError
from components.symbolic import Formula
from lessons.autograd import core

# The oracle: derivatives written by hand, independent of PyTorch and SymPy.
ANALYTIC = {
    "x**2": lambda x: 2 * x,
    "sin(x)*x**2": lambda x: math.cos(x) * x**2 + 2 * x * math.sin(x),
    "exp(-x**2)": lambda x: -2 * x * math.exp(-(x**2)),
    "relu(x)": lambda x: 1.0 if x > 0 else 0.0,
    "sigmoid(x)": lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2,
    "abs(x)": lambda x: math.copysign(1.0, x) if x != 0 else 0.0,
}


def test_every_preset_has_an_oracle():
    assert set(core.PRESETS) == set(ANALYTIC)


@settings(max_examples=40, deadline=None)
@given(x=st.floats(min_value=-3, max_value=3).filter(lambda v: abs(v) > 1e-3))
@pytest.mark.parametrize("text", core.PRESETS)
def test_autograd_equals_the_analytic_derivative_and_the_finite_difference(text, x):
    result = core.derivatives(text, x)
    assert result.autograd == pytest.approx(ANALYTIC[text](x), rel=1e-9, abs=1e-12)
    assert result.finite_difference == pytest.approx(result.autograd, rel=1e-5, abs=1e-5)
    assert result.agree(None) and not result.kink


@pytest.mark.parametrize("x", [-2.3, 0.4, 1.7])
@pytest.mark.parametrize("text", core.PRESETS)
def test_sympys_formula_has_the_analytic_value_and_agrees_with_autograd(text, x):
    formula = core.formula(text, x)
    assert formula.value == pytest.approx(ANALYTIC[text](x), rel=1e-9, abs=1e-12)
    assert core.derivatives(text, x).agree(formula)


def test_a_formula_that_disagrees_is_reported():
    result = core.derivatives("x**2", 1.0)
    assert not result.agree(Formula("3", 3.0))


@pytest.mark.parametrize("text", ["abs(x)", "relu(x)"])
def test_corners_are_detected_where_no_derivative_exists(text):
    result = core.derivatives(text, 0.0)
    assert result.kink and not result.agree(core.formula(text, 0.0))
    assert result.autograd == 0.0  # PyTorch's convention at the corner
    assert result.finite_difference == pytest.approx(0.0 if text == "abs(x)" else 0.5)


def test_the_formula_is_latex():
    assert core.formula("sin(x)*x**2", 1.0).latex == r"x^{2} \cos{\left(x \right)} + 2 x \sin{\left(x \right)}"
    assert core.formula("abs(x)", 1.0).latex == r"\operatorname{sign}{\left(x \right)}"


@pytest.mark.parametrize(("text", "x"), [("log(x)", -1.0), ("1/x", 0.0), ("sqrt(x)", -2.0), ("x + 1/0", 1.0)])
def test_non_finite_values_are_refused(text, x):
    with pytest.raises(ExpressionError) as caught:
        core.derivatives(text, x)
    assert caught.value.key == "expr.not_finite"


def test_a_constant_has_nothing_to_differentiate():
    with pytest.raises(ExpressionError) as caught:
        core.derivatives("3 * 2", 1.0)
    assert caught.value.key == "expr.no_variable"


def test_the_graph_of_sin_x_times_x_squared():
    graph = core.recorded_graph("sin(x)*x**2", 1.0)
    assert [node.name for node in graph.nodes] == ["MulBackward0", "SinBackward0", "PowBackward0", "x"]
    assert set(graph.edges) == {("n0", "n1"), ("n0", "n2"), ("n1", "n3"), ("n2", "n3")}
    mul, sin, power, leaf = graph.nodes
    assert mul.value == pytest.approx(math.sin(1.0)) and power.value == 1.0 and leaf.value == 1.0
    # dy/d(sin x) = x**2 = 1, dy/d(x**2) = sin x, dy/dx = the derivative
    assert (mul.gradient, sin.gradient, power.gradient) == pytest.approx((1.0, 1.0, math.sin(1.0)))


@pytest.mark.parametrize("text", [*core.PRESETS, "x*x*x", "exp(sin(x))/(1 + x**2)", "x"])
@pytest.mark.parametrize("x", [-1.7, 0.3, 2.2])
def test_the_stepper_ends_on_x_grad(text, x):
    graph = core.recorded_graph(text, x)
    assert graph.nodes[-1].name == "x"
    assert graph.nodes[-1].gradient == pytest.approx(graph.x_grad)
    assert graph.x_grad == pytest.approx(core.derivatives(text, x).autograd)
    assert graph.nodes[0].gradient == pytest.approx(1.0)  # dy/dy


def test_partial_derivatives_match_the_hand_computed_ones():
    gradient = core.gradient_2d("sin(x)*cos(y)", 0.5, -1.0)
    assert gradient.d_dx == pytest.approx(math.cos(0.5) * math.cos(-1.0))
    assert gradient.d_dy == pytest.approx(-math.sin(0.5) * math.sin(-1.0))
    assert core.gradient_2d("x**2", 1.0, 2.0).d_dy == 0.0  # y unused: grad stays None


def test_the_surface_covers_the_grid():
    frame = core.surface("x*y", 11)
    assert len(frame) == 121
    assert frame["z"].max() == pytest.approx(9.0) and frame["z"].min() == pytest.approx(-9.0)


def test_gradients_accumulate_unless_zeroed():
    assert core.accumulated_gradients("x**2", 1.5, 3, zero_between=False) == [3.0, 6.0, 9.0]
    assert core.accumulated_gradients("x**2", 1.5, 3, zero_between=True) == [3.0, 3.0, 3.0]


def test_without_requires_grad_there_is_no_grad():
    assert core.grad_without_requires_grad(2.0)


def test_no_grad_and_detach_cut_the_graph():
    cut = core.graph_cuts(2.0)
    assert (cut.inside_no_grad, cut.after_detach, cut.detach_grad_fn) == (False, False, None)


def test_a_second_backward_needs_retain_graph():
    assert core.second_backward_error("sin(x)*x**2", 1.0, retain_graph=False).startswith(
        "Trying to backward through the graph a second time"
    )
    assert core.second_backward_error("sin(x)*x**2", 1.0, retain_graph=True) is None


def test_the_curve_and_its_tangent():
    frame = core.curve("x**2", 1.0, 2.0, 1.0, points=7)
    tangent = frame[frame["line"] == "tangent"]
    assert list(tangent["y"]) == pytest.approx([1.0 + 2.0 * (x - 1.0) for x in tangent["x"]])
    assert len(frame[frame["line"] == "f"]) == 7
