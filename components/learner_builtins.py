"""The builtins a learner's program has: print writes into the run's output, and those
that walk an iterable count it like a loop (components/learner_run.py).
"""

import builtins
import itertools
import operator
from collections.abc import Callable, Mapping
from typing import Any

import torch

from components.learner_allowlist import (
    ITERABLE_TYPES,
    ITERATOR_TYPES,
    OURS,
    PYTHON,
    Function,
    type_name,
)
from components.learner_limits import (
    MAX_INTEGER,
    MAX_RANGE,
    MAX_ROUND_DIGITS,
    MAX_SEQUENCE,
    LearnerCodeError,
    external_error,
    guard_add,
    guard_elementwise,
    printable_guard,
)
from components.learner_run import (
    Run,
    binary,
    count_iteration,
    python_error,
    truth,
    walk,
)


def _text(value: Any) -> str:
    printable_guard((value,), {})
    try:
        return str(value)
    except Exception as error:
        raise external_error(error, isinstance(value, torch.Tensor)) from None


def _print(run: Run, *values: Any, sep: str = " ", end: str = "\n") -> None:
    if not isinstance(sep, str) or not isinstance(end, str):
        raise python_error("sep and end must be strings")
    if not run.output_cut:
        run.write(sep.join(_text(value) for value in values) + end)


def _range(run: Run, *bounds: Any) -> range:
    try:
        numbers = range(*bounds)
        length = len(numbers)
    except OverflowError:
        length = MAX_RANGE + 1
    except Exception as error:
        raise external_error(error, False) from None
    if length > MAX_RANGE:
        raise LearnerCodeError("code.loop_too_long", max=MAX_RANGE)
    return numbers


def _bounded(run: Run, iterable: Any) -> list:
    items = list(itertools.islice(walk(run, iterable), MAX_SEQUENCE + 1))
    if len(items) > MAX_SEQUENCE:
        raise LearnerCodeError("code.list_too_long", max=MAX_SEQUENCE)
    return items


def _iter(run: Run, iterable: Any) -> Any:
    if not isinstance(iterable, ITERABLE_TYPES):
        raise LearnerCodeError("code.bad_loop", type=type_name(iterable))
    try:
        return iter(iterable)
    except Exception as error:
        raise external_error(error, True) from None


def _next(run: Run, iterator: Any) -> Any:
    """`xb, yb = next(iter(loader))`: one step of an iterator, counted like a loop's."""
    if not isinstance(iterator, ITERATOR_TYPES):
        raise LearnerCodeError("code.bad_loop", type=type_name(iterator))
    try:
        item = next(iterator)
    except StopIteration:
        raise python_error("the iterator is exhausted", "StopIteration") from None
    except Exception as error:
        raise external_error(error, True) from None
    count_iteration(run)
    return item


def _list(run: Run, iterable: Any = ()) -> list:
    return _bounded(run, iterable)


def _tuple(run: Run, iterable: Any = ()) -> tuple:
    return tuple(_bounded(run, iterable))


def _sum(run: Run, iterable: Any, start: Any = 0) -> Any:
    """Summed with the guards of `+`: sum([column, row]) broadcasts like column + row."""
    total = start
    for item in walk(run, iterable):
        total = binary(run, operator.add, guard_add, total, item)
    return total


def _extreme(run: Run, comparison: Callable, values: tuple) -> Any:
    items = values if len(values) > 1 else _bounded(run, values[0]) if values else []
    if not items:
        raise python_error("min() / max() of an empty sequence", "ValueError")
    best = items[0]
    for item in items[1:]:
        if truth(binary(run, comparison, guard_elementwise, item, best)):
            best = item
    return best


def _max(run: Run, *values: Any) -> Any:
    return _extreme(run, operator.gt, values)


def _min(run: Run, *values: Any) -> Any:
    return _extreme(run, operator.lt, values)


def _round_guard(args: tuple, kwargs: Mapping[str, Any]) -> None:
    digits = kwargs.get("ndigits", args[1] if len(args) > 1 else 0)
    if type(digits) is int and abs(digits) > MAX_ROUND_DIGITS:
        raise LearnerCodeError("code.number_too_large", max=f"{MAX_INTEGER:.0e}")


BUILTINS: Mapping[str, Function] = {
    "print": Function("print", _print, OURS),
    "range": Function("range", _range, OURS),
    "list": Function("list", _list, OURS),
    "tuple": Function("tuple", _tuple, OURS),
    "iter": Function("iter", _iter, OURS),
    "next": Function("next", _next, OURS),
    "sum": Function("sum", _sum, OURS),
    "min": Function("min", _min, OURS),
    "max": Function("max", _max, OURS),
    "round": Function("round", round, PYTHON, _round_guard),
    **{
        name: Function(name, getattr(builtins, name), PYTHON, None)
        for name in ("len", "float", "int", "bool", "abs", "enumerate", "zip")
    },
    "str": Function("str", str, PYTHON, printable_guard),
}
