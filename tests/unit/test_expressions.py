"""The safe expression language: what it accepts, what it refuses, and that it never runs code."""

import math
import time

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from components.expressions import (
    FUNCTIONS,
    MAX_NODES,
    Binary,
    Call,
    ExpressionError,
    Number,
    Variable,
    parse_expression,
    to_plain,
    to_source,
    to_torch,
)
from components.symbolic import SYMBOLS, SYMPY_FUNCTIONS, sympy_expression

X = SYMBOLS["x"]


def refusal(text: str, variables=("x",)) -> str:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text, variables)
    return caught.value.key.removeprefix("expr.")


def test_a_simple_expression_becomes_a_tree():
    assert parse_expression("sin(x) * x**2") == Binary(
        "*", Call("sin", Variable("x")), Binary("**", Variable("x"), Number(2.0))
    )


@pytest.mark.parametrize(
    "text",
    [
        "x**2",
        "x^2",
        "sin(x)*x**2",
        "exp(-x**2)",
        "relu(x)",
        "sigmoid(x)",
        "abs(x)",
        "-(x - 1) / (x**2 + 1)",
        "2**x",
        "+x",
        "log(sqrt(x**2 + 1))",
        "tanh(3*x) + cos(x) - tan(x/4)",
    ],
)
def test_torch_and_sympy_readings_agree(text):
    expression = parse_expression(text)
    for value in (-1.3, 0.4, 2.0):
        by_torch = to_torch(expression, {"x": torch.tensor(value, dtype=torch.float64)}).item()
        by_sympy = float(sympy_expression(to_plain(expression)).subs(X, value).evalf())
        assert by_torch == pytest.approx(by_sympy, rel=1e-9, abs=1e-12)


def test_torch_and_sympy_know_the_same_functions():
    assert set(FUNCTIONS) == set(SYMPY_FUNCTIONS)


def test_the_plain_tree_holds_only_tuples_strings_and_floats():
    assert to_plain(parse_expression("-sin(x) * 2")) == (
        "binary",
        "*",
        ("negative", ("call", "sin", ("variable", "x"))),
        ("number", 2.0),
    )


def test_two_variables():
    expression = parse_expression("x*y + y**2", ("x", "y"))
    values = {"x": torch.tensor(2.0), "y": torch.tensor(3.0)}
    assert to_torch(expression, values).item() == 15.0
    assert refusal("x*y") == "unknown_name"


def test_source_is_python_with_torch_functions():
    assert to_source(parse_expression("sin(x)*x^2 - 3")) == "((torch.sin(x) * (x ** 2)) - 3)"
    assert to_source(parse_expression("-relu(x/2.5)")) == "-(torch.relu((x / 2.5)))"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 201, "too_long"),
        ("(" * 10_000 + "x" + ")" * 10_000, "too_long"),
        ("(" * 13 + "x" + ")" * 13, "too_deep"),
        ("sin(x", "syntax"),
        ("x +", "syntax"),
        ("x\x00", "syntax"),
        ("__import__('os').system('touch PWNED')", "not_allowed"),
        ("().__class__.__bases__", "not_allowed"),
        ("x.real", "not_allowed"),
        ("[x]", "not_allowed"),
        ("x[0]", "not_allowed"),
        ("lambda: x", "not_allowed"),
        ("x if x else 1", "not_allowed"),
        ("x @ x", "not_allowed"),
        ("x // 2", "not_allowed"),
        ("x == 1", "not_allowed"),
        ("'x'", "not_allowed"),
        ("True", "not_allowed"),
        ("1j * x", "not_allowed"),
        ("f'{x}'", "not_allowed"),
        ("(x := 3)", "not_allowed"),
        ("print(x)", "not_allowed"),
        ("eval('1')", "not_allowed"),
        ("y", "unknown_name"),
        ("os", "unknown_name"),
        ("sin", "function_needs_call"),
        ("sin(x, x)", "one_argument"),
        ("sin(x=1)", "one_argument"),
        ("9**9**9", "exponent_too_large"),
        ("x**1e9", "constant_too_large"),
        ("x**11", "exponent_too_large"),
        ("x**(2*6)", "exponent_too_large"),
        ("1e400 * x", "constant_too_large"),
        ("10000000 * x", "constant_too_large"),
        ("+".join(["x"] * 80), "too_big"),
    ],
)
def test_hostile_and_malformed_text_is_refused_with_a_reason(text, reason):
    assert refusal(text) == reason


def test_constant_exponents_up_to_ten_and_variable_exponents_are_fine():
    parse_expression("x**10 + x**-10 + (x+1)**0.5 + 2**x + x**x")


def test_nothing_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for text in ("__import__('os').system('touch PWNED')", "open('PWNED', 'w')", 'exec(\'open("PWNED","w")\')'):
        with pytest.raises(ExpressionError):
            parse_expression(text)
    assert not (tmp_path / "PWNED").exists()


def test_the_tree_size_is_bounded():
    parse_expression("+".join(["x"] * 30))
    with pytest.raises(ExpressionError):
        parse_expression("+".join(["x"] * (MAX_NODES + 1)))


def test_constant_arithmetic_gives_inf_or_nan_instead_of_raising():
    for text in ("x + 1/0", "x * (-8)**0.5", "x * (1000000**10)**10"):
        value = to_torch(parse_expression(text), {"x": torch.tensor(1.0, dtype=torch.float64)}).item()
        assert not math.isfinite(value)


TOKENS = [
    "x",
    "y",
    "2",
    "9",
    "1e9",
    "0.5",
    "(",
    ")",
    "[",
    "]",
    "+",
    "-",
    "*",
    "/",
    "**",
    "^",
    ".",
    ",",
    "'",
    '"',
    "sin",
    "exp",
    "relu",
    "__import__",
    "os",
    "system",
    "__class__",
    "__bases__",
    "lambda",
    ":",
    "=",
    " ",
    "\n",
    "\\",
]


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.text(max_size=300), st.lists(st.sampled_from(TOKENS), max_size=120).map("".join)))
def test_the_parser_only_returns_a_tree_or_its_own_error_and_fast(text):
    start = time.perf_counter()
    try:
        expression = parse_expression(text, ("x", "y"))
    except ExpressionError:
        pass
    else:
        to_plain(expression)  # must not blow up either (SymPy reads it under a budget)
        to_torch(
            expression, {"x": torch.tensor(0.7, dtype=torch.float64), "y": torch.tensor(-0.2, dtype=torch.float64)}
        )
    assert time.perf_counter() - start < 0.5
