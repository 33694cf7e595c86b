"""Property tests of the learner-code interpreter: whatever text arrives, run_program
returns an Outcome within its time budget; arithmetic agrees with Python's operators;
broadcasting is refused exactly when the result would be too large.

Expected values are built with the expression, from Python's operators applied to the
values, never by evaluating the generated text."""

import math
import operator
import string

import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from components.learner_code import LearnerCodeError, Outcome, run_program
from components.learner_limits import MAX_ELEMENTS, MAX_INTEGER

BUDGET = 0.5  # seconds given to each random program
MARGIN = 1.0  # one external call may finish after the budget

TOKENS = st.sampled_from(
    [
        "x",
        "model",
        "torch",
        "nn",
        "print",
        "range",
        "for",
        "in",
        "if",
        "else",
        "def",
        "return",
        "while",
        "import",
        "lambda",
        "with",
        "no_grad",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ":",
        ".",
        ",",
        "=",
        "+",
        "-",
        "*",
        "**",
        "/",
        "@",
        "%",
        "<",
        "==",
        "not",
        "and",
        "1",
        "0",
        "10**6",
        "-1",
        "'a'",
        "f'{x}'",
        "__class__",
        "_C",
        "zeros",
        "ones",
        "sum",
        "backward",
        "grad",
        "shape",
        "\n",
        "\n    ",
        " ",
        "None",
    ]
)
PROGRAM_TEXT = st.one_of(
    st.lists(TOKENS, max_size=40).map(" ".join),
    st.lists(TOKENS, max_size=40).map("".join),
    st.text(max_size=300),
    st.text(alphabet=string.printable, max_size=300),
)


def exercise_names() -> dict[str, object]:
    return {"x": torch.ones(3, 2), "model": nn.Sequential(nn.Linear(2, 1))}


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROGRAM_TEXT)
def test_any_text_ends_in_an_outcome_within_the_budget(text):
    outcome = run_program(text, exercise_names(), time_budget=BUDGET)
    assert isinstance(outcome, Outcome)
    assert outcome.error is None or isinstance(outcome.error, LearnerCodeError)
    assert outcome.seconds <= BUDGET + MARGIN


# --- Arithmetic: the text and its value built together ---------------------------------


class Refused(Exception):
    """What the interpreter must answer instead of a value."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


OPERATORS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
}


def checked(value: object) -> object:
    if type(value) is int and abs(value) > MAX_INTEGER:
        raise Refused("code.number_too_large")
    return value


def apply(symbol: str, left: object, right: object) -> object:
    try:
        return checked(OPERATORS[symbol](left, right))
    except ZeroDivisionError:
        raise Refused("code.zero_division") from None


# An expression is (text, compute); compute() returns the value or raises Refused,
# left operand first, as Python evaluates.
NUMBERS = st.one_of(st.integers(-60, 60), st.sampled_from([0.5, 1.5, 2.25, 0.1, 3.0, -0.75, 0.0]))
LEAVES = NUMBERS.map(lambda number: (f"({number!r})", lambda: number))
POWERS = st.tuples(NUMBERS, st.integers(0, 3)).map(
    lambda pair: (f"(({pair[0]!r}) ** {pair[1]})", lambda: checked(pair[0] ** pair[1]))
)


def combine(children):
    def build(parts):
        symbol, (left_text, left_value), (right_text, right_value) = parts
        return f"({left_text} {symbol} {right_text})", lambda: apply(symbol, left_value(), right_value())

    return st.tuples(st.sampled_from(sorted(OPERATORS)), children, children).map(build)


EXPRESSIONS = st.recursive(st.one_of(LEAVES, POWERS), combine, max_leaves=10)


@settings(max_examples=300, deadline=None)
@given(EXPRESSIONS)
def test_arithmetic_agrees_with_pythons_operators(expression):
    text, compute = expression
    try:
        expected, refusal = compute(), None
    except Refused as refused:
        expected, refusal = None, refused.key
    outcome = run_program(f"result = {text}", {})
    if refusal is not None:
        assert outcome.error is not None and outcome.error.key == refusal, (text, outcome.error)
        return
    assert outcome.error is None, (text, outcome.error)
    result = outcome.names["result"]
    assert type(result) is type(expected), text
    if isinstance(expected, float) and not math.isfinite(expected):
        assert repr(result) == repr(expected), text
    else:
        assert result == expected, text


# --- Broadcasting: refused exactly when too large ---------------------------------------

SHAPES = st.lists(st.sampled_from([1, 2, 3, 7, 100, 1000, 5000]), min_size=1, max_size=3).filter(
    lambda shape: math.prod(shape) <= MAX_ELEMENTS
)


@settings(max_examples=150, deadline=None)
@given(SHAPES, SHAPES)
def test_broadcasting_is_refused_exactly_when_the_result_is_too_large(left, right):
    outcome = run_program(f"c = torch.zeros({tuple(left)}) + torch.zeros({tuple(right)})", {})
    try:
        shape = torch.broadcast_shapes(left, right)
    except RuntimeError:
        assert outcome.error is not None and outcome.error.key == "code.torch_error"
        return
    if math.prod(shape) > MAX_ELEMENTS:
        assert outcome.error is not None and outcome.error.key == "code.tensor_too_large"
    else:
        assert outcome.error is None, outcome.error
        assert outcome.names["c"].shape == shape
