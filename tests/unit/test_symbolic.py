"""SymPy under a time budget: nested functions are abandoned in about a second, the
worker survives them, and the app's thread is never held longer than the budget."""

import threading
import time

import pytest
import sympy

from components import symbolic
from components.expressions import parse_expression, to_plain


def function(text: str) -> tuple:
    return to_plain(parse_expression(text))


def derivative_at(text: str, point: float, **budget) -> symbolic.Formula:
    return symbolic.derivative_at(function(text), "x", point, **budget)


def nested_sigmoid(levels: int) -> str:
    return "sigmoid(" * levels + "x" + ")" * levels


def timed(call) -> tuple[object, float]:
    start = time.perf_counter()
    try:
        outcome = call()
    except (symbolic.SymbolicTimeout, symbolic.SymbolicBusy) as error:
        outcome = error
    return outcome, time.perf_counter() - start


def test_a_simple_formula_comes_back_as_latex_and_value():
    formula = derivative_at("x**3", 2.0)
    assert formula == symbolic.Formula("3 x^{2}", 12.0)


@pytest.mark.parametrize("levels", [8, 12])
def test_nested_sigmoids_are_abandoned_within_the_budget(levels):
    derivative_at("x", 0.0)  # the worker started, outside the budget
    outcome, seconds = timed(lambda: derivative_at(nested_sigmoid(levels), 0.5))
    assert isinstance(outcome, symbolic.SymbolicTimeout)
    assert seconds < symbolic.BUDGET_SECONDS + 0.6
    # The worker survived its killed child: the next formula comes at once.
    outcome, seconds = timed(lambda: derivative_at("sin(x)", 0.0))
    assert outcome == symbolic.Formula(r"\cos{\left(x \right)}", 1.0)
    assert seconds < 0.5


def test_a_huge_constant_power_is_not_worked_out_in_the_apps_process():
    text = "x + 1/" + "(" * 11 + "9" + "**10)" * 11  # 9 ** (10 ** 11): a hundred billion digits
    outcome, seconds = timed(lambda: derivative_at(text, 1.0))
    assert seconds < symbolic.BUDGET_SECONDS + 0.6
    assert isinstance(outcome, (symbolic.SymbolicTimeout, symbolic.Formula))


def test_a_formula_too_long_to_show_keeps_its_value():
    text = "*".join(f"sin({k}*x)" for k in range(2, 13))  # 11 terms of 11 factors each
    formula = derivative_at(text, 0.7)
    assert formula.latex is None
    x = symbolic.SYMBOLS["x"]
    expected = float(sympy.diff(symbolic.sympy_expression(function(text)), x).subs(x, 0.7))
    assert formula.value == pytest.approx(expected, rel=1e-9)


def test_when_every_slot_is_taken_for_the_whole_budget_the_server_is_busy():
    derivative_at("x", 0.0)
    slow = [
        threading.Thread(target=timed, args=(lambda: derivative_at(nested_sigmoid(9), 0.5),))
        for _ in range(symbolic.MAX_CHILDREN)
    ]
    for thread in slow:
        thread.start()
    deadline = time.monotonic() + 5
    while symbolic._SLOTS._value and time.monotonic() < deadline:  # both slots taken
        time.sleep(0.01)
    outcome, seconds = timed(lambda: derivative_at("x**2", 1.0, budget=0.3))
    for thread in slow:
        thread.join()
    assert isinstance(outcome, symbolic.SymbolicBusy)
    assert seconds < 0.6
