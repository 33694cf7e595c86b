"""A safe expression language for typed functions such as `sin(x) * x**2`.

The text is parsed with Python's `ast` into a small tree of allowlisted nodes
(numbers, the variables given, + - * / **, unary minus, calls to the functions of
FUNCTIONS), then that tree is read three ways: evaluated on tensors, so autograd
records it; printed as code for the twin; and handed as plain tuples to SymPy, which
works out the formula in another process under a time budget (components/symbolic.py).
Nothing is ever passed to eval or exec, and no attribute, subscript or name outside
the allowlist gets through.
Why not simpleeval or asteval: both evaluate directly to Python values, while this
course needs one tree evaluated on tensors, on SymPy symbols and printed as code.
"""

import ast
import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import torch

from components.safe_text import bracket_depth, inert_excerpt
from components.symbolic import OPERATIONS

MAX_CHARS = 200
MAX_NODES = 60
MAX_NESTING = 12  # brackets, checked before ast.parse (which recurses on nesting)
MAX_CONSTANT = 1e6
MAX_CONSTANT_EXPONENT = 10  # x**1e9, 9**9**9: refused before any arithmetic


@dataclass(frozen=True)
class Function:
    torch_call: Callable[[torch.Tensor], torch.Tensor]
    source: str  # what the code twin writes, e.g. "torch.sin"


# The same names as components/symbolic.py's SYMPY_FUNCTIONS (a unit test checks it).
FUNCTIONS: Mapping[str, Function] = {
    "sin": Function(torch.sin, "torch.sin"),
    "cos": Function(torch.cos, "torch.cos"),
    "tan": Function(torch.tan, "torch.tan"),
    "exp": Function(torch.exp, "torch.exp"),
    "log": Function(torch.log, "torch.log"),
    "sqrt": Function(torch.sqrt, "torch.sqrt"),
    "tanh": Function(torch.tanh, "torch.tanh"),
    "abs": Function(torch.abs, "torch.abs"),
    "relu": Function(torch.relu, "torch.relu"),
    "sigmoid": Function(torch.sigmoid, "torch.sigmoid"),
}


class ExpressionError(ValueError):
    """A refusal to explain: `key` names the locale message, `values` fill it."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values


# --- The tree -------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Variable:
    name: str


@dataclass(frozen=True)
class Negative:
    operand: "Expression"


@dataclass(frozen=True)
class Binary:
    operator: str  # one of + - * / **
    left: "Expression"
    right: "Expression"


@dataclass(frozen=True)
class Call:
    function: str  # a key of FUNCTIONS
    argument: "Expression"


Expression = Number | Variable | Negative | Binary | Call

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


@lru_cache(maxsize=256)
def parse_expression(text: str, variables: tuple[str, ...] = ("x",)) -> Expression:
    """The allowlisted tree of `text`, or ExpressionError saying what is wrong.

    Cached on the text: a page run parses one function for each of its sections, and
    the tree is immutable. Refusals are not cached; the length is checked first."""
    if not text.strip():
        raise ExpressionError("expr.empty")
    if len(text) > MAX_CHARS:
        raise ExpressionError("expr.too_long", max=MAX_CHARS)
    if bracket_depth(text) > MAX_NESTING:
        raise ExpressionError("expr.too_deep", max=MAX_NESTING)
    if "\\" in text:  # never valid here; in a string it would make ast.parse warn
        raise ExpressionError("expr.syntax")
    try:
        with warnings.catch_warnings():  # "2x", "1e": Python warns before refusing; the learner gets our message
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(text.strip().replace("^", "**"), mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise ExpressionError("expr.syntax") from None
    if sum(1 for _ in ast.walk(tree)) > 4 * MAX_NODES:  # before converting anything
        raise ExpressionError("expr.too_big", max=MAX_NODES)
    expression = _convert(tree.body, variables)
    if _size(expression) > MAX_NODES:
        raise ExpressionError("expr.too_big", max=MAX_NODES)
    return expression


def _convert(node: ast.expr, variables: tuple[str, ...]) -> Expression:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        if not math.isfinite(node.value) or abs(node.value) > MAX_CONSTANT:
            raise ExpressionError("expr.constant_too_large", max=f"{MAX_CONSTANT:g}")
        return Number(float(node.value))
    if isinstance(node, ast.Name):
        if node.id in variables:
            return Variable(node.id)
        if node.id in FUNCTIONS:
            raise ExpressionError("expr.function_needs_call", name=node.id)
        raise ExpressionError("expr.unknown_name", name=inert_excerpt(node.id, 30), allowed=", ".join(variables))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _convert(node.operand, variables)
        return Negative(operand) if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        operator = _OPERATORS[type(node.op)]
        left, right = _convert(node.left, variables), _convert(node.right, variables)
        if operator == "**":
            _check_exponent(right)
        return Binary(operator, left, right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
        if len(node.args) != 1 or node.keywords:
            raise ExpressionError("expr.one_argument", name=node.func.id)
        return Call(node.func.id, _convert(node.args[0], variables))
    raise ExpressionError("expr.not_allowed", element=inert_excerpt(ast.unparse(node), 30))


def _check_exponent(exponent: Expression) -> None:
    """A constant exponent must be a plain number of at most 10 in size."""
    if _has_variable(exponent):
        return
    value = _constant_value(exponent)
    if value is None or abs(value) > MAX_CONSTANT_EXPONENT:
        raise ExpressionError("expr.exponent_too_large", max=MAX_CONSTANT_EXPONENT)


def _constant_value(expression: Expression) -> float | None:
    if isinstance(expression, Number):
        return expression.value
    if isinstance(expression, Negative) and isinstance(expression.operand, Number):
        return -expression.operand.value
    return None


def _has_variable(expression: Expression) -> bool:
    if isinstance(expression, Variable):
        return True
    if isinstance(expression, Number):
        return False
    return any(_has_variable(child) for child in _children(expression))


def _children(expression: Expression) -> tuple[Expression, ...]:
    if isinstance(expression, Negative):
        return (expression.operand,)
    if isinstance(expression, Binary):
        return (expression.left, expression.right)
    if isinstance(expression, Call):
        return (expression.argument,)
    return ()


def _size(expression: Expression) -> int:
    return 1 + sum(_size(child) for child in _children(expression))


# --- Three readings of one tree ------------------------------------------------------


def to_torch(
    expression: Expression,
    values: Mapping[str, torch.Tensor],
    record: Callable[[torch.Tensor], None] | None = None,
) -> torch.Tensor:
    """Evaluate on tensors: autograd records every operation.

    Numbers stay Python floats, as in code a learner writes: `x ** 2` records
    PowBackward0, the same node as in the code twin. `record`, when given, receives
    every intermediate tensor, so a caller can match the graph's nodes with the
    values they produced.
    """
    result = _evaluate(expression, values, record)
    return result if isinstance(result, torch.Tensor) else torch.tensor(result, dtype=torch.float64)


def _evaluate(expression: Expression, values, record) -> torch.Tensor | float:
    if isinstance(expression, Number):
        return expression.value
    if isinstance(expression, Variable):
        result = values[expression.name]
    elif isinstance(expression, Negative):
        result = -_evaluate(expression.operand, values, record)
    elif isinstance(expression, Call):
        argument = _evaluate(expression.argument, values, record)
        if not isinstance(argument, torch.Tensor):
            argument = torch.tensor(argument, dtype=torch.float64)
        result = FUNCTIONS[expression.function].torch_call(argument)
    else:
        left = _evaluate(expression.left, values, record)
        right = _evaluate(expression.right, values, record)
        if not isinstance(left, torch.Tensor) and not isinstance(right, torch.Tensor):
            # Two constants: float64 tensor arithmetic gives inf or nan where Python
            # floats would raise (1/0) or turn complex ((-8)**0.5).
            left = torch.tensor(left, dtype=torch.float64)
        result = OPERATIONS[expression.operator](left, right)
    if record is not None and isinstance(result, torch.Tensor):
        record(result)
    return result


def to_plain(expression: Expression) -> tuple:
    """The tree as nested tuples of str and float, for a process that does not import
    this module (and torch): ("binary", "*", ("call", "sin", ("variable", "x")), ("number", 2.0))."""
    if isinstance(expression, Number):
        return ("number", expression.value)
    if isinstance(expression, Variable):
        return ("variable", expression.name)
    if isinstance(expression, Negative):
        return ("negative", to_plain(expression.operand))
    if isinstance(expression, Call):
        return ("call", expression.function, to_plain(expression.argument))
    return ("binary", expression.operator, to_plain(expression.left), to_plain(expression.right))


def to_source(expression: Expression) -> str:
    """Python source using torch.* functions, fully parenthesised, for the code twin."""
    if isinstance(expression, Number):
        value = expression.value
        return repr(int(value)) if value.is_integer() else repr(value)
    if isinstance(expression, Variable):
        return expression.name
    if isinstance(expression, Negative):
        return f"-({to_source(expression.operand)})"
    if isinstance(expression, Call):
        return f"{FUNCTIONS[expression.function].source}({to_source(expression.argument)})"
    return f"({to_source(expression.left)} {expression.operator} {to_source(expression.right)})"
