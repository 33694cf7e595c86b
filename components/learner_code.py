"""Run the PyTorch code a visitor typed, without eval, exec or compile.

The text is parsed with Python's `ast`, checked against an allowlist of statements and
expressions (components/expressions.py's approach, grown to a small language), then
each node becomes a Python closure taking the frame of the run: validation happens
once, and a learner's training loop costs little more than the same loop in Python.
At run time, every attribute goes through a per-type allowlist and every call through
a size check (components/learner_allowlist.py), before torch allocates anything.

Everything the learner wrote ends as `Outcome.error`: refusals, limits, and the errors
torch or a builtin raise on the learner's values. An error of this module itself
propagates, so a bug is seen rather than shown to the learner as theirs.
"""

import ast
import builtins
import itertools
import operator
import re
import time
import warnings
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.nn.modules.loss import _Loss

from components.learner_allowlist import (
    DATA,
    DATA_ATTRIBUTE,
    FUNCTIONAL,
    IO_BUILTINS,
    ITERABLE_TYPES,
    ITERATOR_TYPES,
    MAX_CALL_DEPTH,
    MAX_INTEGER,
    MAX_RANGE,
    MAX_ROUND_DIGITS,
    MAX_SEQUENCE,
    MODULES,
    NN,
    OPTIM,
    OURS,
    PYTHON,
    TORCH,
    TORCH_NAMESPACE,
    BoundMethod,
    Function,
    LearnerCodeError,
    Namespace,
    attributes_of,
    check_broadcast,
    check_elements,
    check_index,
    external_error,
    get_attribute,
    guard_add,
    guard_elementwise,
    guard_matmul,
    guard_modulo,
    guard_multiply,
    guard_power,
    printable_guard,
    type_name,
)
from components.safe_text import bracket_depth, inert_excerpt

__all__ = [
    "LearnerCodeError",
    "Outcome",
    "run_program",
    "standard_names",
    "torch_error_hint",
]

MAX_CHARS = 4000  # a course exercise fits in a screen; longer text only costs parsing time
MAX_LINES = 80
MAX_NODES = 1200  # ast nodes: bounds the closures built and the validation walk
MAX_DEPTH = 40  # ast nesting, checked iteratively: the compiler below recurses on it
MAX_LOOP_ITERATIONS = 200_000  # all loops of a run together
MAX_STEPS = 1_000_000  # statements executed: `f` calling itself twice, 20 deep, has no loop
MAX_OUTPUT_CHARS = 10_000  # what print() keeps; the page shows it
TIME_BUDGET_SECONDS = 2.0  # checked at each statement, loop iteration and external call
# Memory a run holds: the tensors it made that are still alive (their storages, whoever
# keeps them: names, lists, the autograd graph) plus every list and string it built. Within
# the time budget, a loop keeping 1000×1000 tensors, or growing an autograd graph, would
# otherwise fill the server's memory; one tensor alone stays under MAX_ELEMENTS.
MAX_ALLOCATED_BYTES = 256 * 2**20
PYTHON_OBJECT_BYTES = 32  # a list slot and the number it points to: lists are counted when built, never released
SCANNED_ITEMS = 8  # tensors inside a small tuple or list result (a batch, x.max(dim=0)) are tracked too
OUTPUT_CUT = "\n[…]"  # marks output cut at MAX_OUTPUT_CHARS
FORMAT_SPEC = re.compile(r"[<>^]?[+-]?\d{0,2}(\.\d{1,2})?[defg%]?")  # f"{x:.3f}", never a width of 10**9


@dataclass
class Outcome:
    names: dict[str, object]
    output: str
    error: LearnerCodeError | None
    seconds: float
    output_cut: bool = False  # output went past MAX_OUTPUT_CHARS


# --- Run state ---------------------------------------------------------------------


class _Run:
    """What one run counts: time, steps, loop iterations, call depth, output."""

    __slots__ = (
        "allocated",
        "call_depth",
        "deadline",
        "iterations",
        "output",
        "output_chars",
        "output_cut",
        "steps",
        "storages",
        "time_budget",
    )

    def __init__(self, time_budget: float):
        self.time_budget = time_budget
        self.deadline = time.perf_counter() + time_budget
        self.steps = self.iterations = self.call_depth = self.output_chars = self.allocated = 0
        self.storages: dict[int, weakref.ref] = {}  # id of a tracked storage → a weak reference releasing it
        self.output: list[str] = []
        self.output_cut = False

    def account(self, size: int) -> None:
        self.allocated += size
        if self.allocated > MAX_ALLOCATED_BYTES:
            raise LearnerCodeError("code.memory_budget", megabytes=MAX_ALLOCATED_BYTES // 2**20)

    def track(self, tensor: torch.Tensor) -> torch.Tensor:
        """Counts a tensor's storage once while it lives: torch keeps one Python object per
        storage, so views share it and it dies only with the memory (graph included)."""
        storage = tensor.untyped_storage()
        key = id(storage)
        if key not in self.storages:
            size = storage.nbytes()
            self.storages[key] = weakref.ref(storage, lambda _, key=key, size=size: self._release(key, size))
            self.account(size)
        return tensor

    def _release(self, key: int, size: int) -> None:
        self.storages.pop(key, None)
        self.allocated -= size

    def write(self, text: str) -> None:
        room = MAX_OUTPUT_CHARS - self.output_chars
        if len(text) > room:
            text, self.output_cut = text[:room] + OUTPUT_CUT, True
        self.output.append(text)
        self.output_chars += len(text)


class _Frame:
    """Names of the module (`globals`) and of the running call (`locals`, the same dict at top level)."""

    __slots__ = ("globals", "locals", "returned", "run")

    def __init__(self, local_names: dict, global_names: dict, run: _Run):
        self.locals = local_names
        self.globals = global_names
        self.run = run
        self.returned = None


# Signals a statement returns to the block running it; None means "go on".
BREAK, CONTINUE, RETURN = "break", "continue", "return"


def _time_over(run: _Run) -> LearnerCodeError:
    return LearnerCodeError("code.time_budget", seconds=run.time_budget)


# --- Runtime helpers -------------------------------------------------------------


def _checked_number(result: Any) -> Any:
    if type(result) is int and not -MAX_INTEGER <= result <= MAX_INTEGER:
        raise LearnerCodeError("code.number_too_large", max=f"{MAX_INTEGER:.0e}")
    return result


def _result(run: _Run, value: Any) -> Any:
    """A new value: Python ints bounded, and its memory counted in the run's budget."""
    value_type = type(value)
    if value_type is int:
        return _checked_number(value)
    if value_type is float or value_type is bool or value is None:
        return value
    if value_type is str:
        run.account(len(value))
    elif value_type is list or isinstance(value, tuple):
        run.account(len(value) * PYTHON_OBJECT_BYTES)
    return _tracked(run, value)


def _tracked(run: _Run, value: Any) -> Any:
    """A value read or walked through, not built: only the tensors in it are counted
    (a DataLoader's batches, a tensor's .grad are new to the run)."""
    if isinstance(value, torch.Tensor):
        run.track(value)
    elif isinstance(value, list | tuple) and len(value) <= SCANNED_ITEMS:
        for item in value:
            if isinstance(item, torch.Tensor):
                run.track(item)
    return value


def _truth(value: Any) -> bool:
    if value is True or value is False:
        return value
    try:
        return bool(value)
    except Exception as error:
        raise external_error(error, isinstance(value, torch.Tensor)) from None


# ast operator → (Python operator, in-place operator, guard)
BINARY_OPERATORS: Mapping[type, tuple[Callable, Callable, Callable]] = {
    ast.Add: (operator.add, operator.iadd, guard_add),
    ast.Sub: (operator.sub, operator.isub, guard_elementwise),
    ast.Mult: (operator.mul, operator.imul, guard_multiply),
    ast.Div: (operator.truediv, operator.itruediv, guard_elementwise),
    ast.FloorDiv: (operator.floordiv, operator.ifloordiv, guard_elementwise),
    ast.Mod: (operator.mod, operator.imod, guard_modulo),
    ast.Pow: (operator.pow, operator.ipow, guard_power),
    ast.MatMult: (operator.matmul, operator.imatmul, guard_matmul),
}
AUGMENTED_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div)
COMPARISONS: Mapping[type, Callable] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}


def _binary(run: _Run, operation: Callable, guard: Callable, left: Any, right: Any) -> Any:
    guard(left, right)
    try:
        result = operation(left, right)
    except Exception as error:
        raise external_error(error, isinstance(left, torch.Tensor) or isinstance(right, torch.Tensor)) from None
    return _result(run, result)


def _get_item(run: _Run, container: Any, index: Any) -> Any:
    if isinstance(container, torch.Tensor):
        if type(index) is not int and type(index) is not slice:
            check_index(container, index)
        from_torch = True
    elif isinstance(container, list | tuple | str | nn.Sequential | torch.utils.data.TensorDataset):
        from_torch = not isinstance(container, list | tuple | str)
    else:
        raise LearnerCodeError("code.index_refused", type=type_name(container))
    try:
        item = container[index]
    except Exception as error:
        raise external_error(error, from_torch) from None
    return _tracked(run, item) if type(index) is int else _result(run, item)  # lst[0] is not new, lst[:] is


def _set_item(container: Any, index: Any, value: Any, target: str) -> None:
    if isinstance(container, torch.Tensor):
        if type(index) is not int and type(index) is not slice:
            check_index(container, index)
    elif type(container) is not list or type(index) is not int:  # lst[0:0] = lst doubles a list
        raise LearnerCodeError("code.assignment_refused", target=target)
    try:
        container[index] = value
    except Exception as error:
        raise external_error(error, isinstance(container, torch.Tensor)) from None


class LearnerFunction:
    """The learner's `def`: callable by the program only (it has no __call__, so torch cannot call it)."""

    __slots__ = ("body", "defaults", "globals", "name", "parameters")

    def __init__(self, name: str, parameters: tuple[str, ...], defaults: tuple, body: Callable, global_names: dict):
        self.name, self.parameters, self.defaults, self.body, self.globals = (
            name,
            parameters,
            defaults,
            body,
            global_names,
        )

    def __repr__(self) -> str:
        return f"<function {self.name}>"

    def call(self, run: _Run, args: tuple, kwargs: Mapping[str, Any]) -> Any:
        if run.call_depth >= MAX_CALL_DEPTH:
            raise LearnerCodeError("code.recursion", max=MAX_CALL_DEPTH)
        names = self._bind(args, kwargs)
        frame = _Frame(names, self.globals, run)
        run.call_depth += 1
        try:
            signal = self.body(frame)
        finally:
            run.call_depth -= 1
        return frame.returned if signal is RETURN else None

    def _bind(self, args: tuple, kwargs: Mapping[str, Any]) -> dict:
        if len(args) > len(self.parameters):
            raise _python_error(f"{self.name}() takes {len(self.parameters)} arguments but {len(args)} were given")
        names = dict(zip(self.parameters, args, strict=False))
        for name, value in kwargs.items():
            if name not in self.parameters or name in names:
                raise _python_error(f"{self.name}() got an unexpected or repeated argument '{name}'")
            names[name] = value
        first_default = len(self.parameters) - len(self.defaults)
        for position, name in enumerate(self.parameters):
            if name not in names:
                if position < first_default:
                    raise _python_error(f"{self.name}() missing argument '{name}'")
                names[name] = self.defaults[position - first_default]
        return names


def _python_error(message: str, exception: str = "TypeError") -> LearnerCodeError:
    return LearnerCodeError("code.python_error", message=inert_excerpt(message, 300), exception=exception)


# Modules whose forward saves tensors for backward that are neither its inputs nor its
# output (a Dropout mask, cross-entropy's log-softmax): run with a hook counting them.
OPEN_MODULES = (nn.Linear, nn.ReLU, nn.Tanh, nn.Sigmoid, nn.Flatten, _Loss)
HIDDEN_SAVES = (nn.Dropout, nn.CrossEntropyLoss)


def _call_module(run: _Run, module: nn.Module, args: tuple, kwargs: Mapping[str, Any]) -> Any:
    """A module's forward, its output size checked first. A Sequential runs layer by layer,
    so each Linear inside is checked and each output counted."""
    if type(module) is nn.Sequential and len(args) == 1 and not kwargs:
        value = args[0]
        for layer in module:
            value = _call_module(run, layer, (value,), {})
        return value
    if isinstance(module, nn.Linear) and args and isinstance(args[0], torch.Tensor):
        check_elements(args[0].numel() // max(module.in_features, 1) * module.out_features)
    elif isinstance(module, _Loss) and not isinstance(module, nn.CrossEntropyLoss):
        check_broadcast((*args, *kwargs.values()))
    try:
        if isinstance(module, OPEN_MODULES) and not isinstance(module, HIDDEN_SAVES):
            output = module(*args, **kwargs)
        else:  # including the exercise's own modules: what happens inside is unknown
            with torch.autograd.graph.saved_tensors_hooks(run.track, _same):
                output = module(*args, **kwargs)
    except Exception as error:
        raise external_error(error, True) from None
    return _result(run, output)


def _call_method(
    run: _Run, owner: Any, attribute: str, guard: Callable | None, args: tuple, kwargs: Mapping[str, Any]
) -> Any:
    if guard is not None:
        guard((owner, *args), kwargs)
    if attribute == "tolist" or attribute == "append":  # Python numbers: an object each
        run.account(PYTHON_OBJECT_BYTES * (owner.numel() if attribute == "tolist" else 1))
    try:
        result = getattr(owner, attribute)(*args, **kwargs)
    except Exception as error:
        raise external_error(error, not isinstance(owner, list)) from None
    if time.perf_counter() > run.deadline:
        raise _time_over(run)
    return _checked_number(result) if attribute == "tolist" else _result(run, result)


def _call(run: _Run, callee: Any, args: tuple, kwargs: Mapping[str, Any]) -> Any:
    callee_type = type(callee)
    if callee_type is BoundMethod:
        return _call_method(run, callee.owner, callee.attribute, callee.guard, args, kwargs)
    if callee_type is LearnerFunction:
        return callee.call(run, args, kwargs)  # what it made is counted already
    if callee_type is Function:
        result = _call_function(run, callee, args, kwargs)
    elif isinstance(callee, nn.Module):
        result = _call_module(run, callee, args, kwargs)
    else:
        raise LearnerCodeError("code.not_callable", type=type_name(callee))
    if time.perf_counter() > run.deadline:
        raise _time_over(run)
    return result


def _call_function(run: _Run, function: Function, args: tuple, kwargs: Mapping[str, Any]) -> Any:
    if function.origin == OURS:
        try:
            function.signature.bind(run, *args, **kwargs)
        except TypeError as error:
            raise external_error(error, False) from None
        return _result(run, function.target(run, *args, **kwargs))
    if function.guard is not None:
        function.guard(args, kwargs)
    try:
        if function.target is torch.nn.functional.cross_entropy:  # saves its log-softmax
            with torch.autograd.graph.saved_tensors_hooks(run.track, _same):
                result = function.target(*args, **kwargs)
        else:
            result = function.target(*args, **kwargs)
    except Exception as error:
        raise external_error(error, function.origin == TORCH) from None
    if isinstance(result, nn.Module):  # nn.Linear(...) made its parameters
        for parameter in result.parameters(recurse=False):
            _result(run, parameter)
    return _result(run, result)


def _walk(run: _Run, iterable: Any):
    """Iterates for the builtins below, counting like a loop."""
    if not isinstance(iterable, ITERABLE_TYPES):
        raise LearnerCodeError("code.bad_loop", type=type_name(iterable))
    try:
        iterator = iter(iterable)
    except Exception as error:
        raise external_error(error, True) from None
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            return
        except Exception as error:
            raise external_error(error, True) from None
        _count_iteration(run)
        yield _tracked(run, item)


def _count_iteration(run: _Run) -> None:
    run.iterations += 1
    if run.iterations > MAX_LOOP_ITERATIONS:
        raise LearnerCodeError("code.loop_too_long", max=MAX_LOOP_ITERATIONS)
    if time.perf_counter() > run.deadline:
        raise _time_over(run)


# --- The builtins a program has ----------------------------------------------------


def _text(value: Any) -> str:
    printable_guard((value,), {})
    try:
        return str(value)
    except Exception as error:
        raise external_error(error, isinstance(value, torch.Tensor)) from None


def _print(run: _Run, *values: Any, sep: str = " ", end: str = "\n") -> None:
    if not isinstance(sep, str) or not isinstance(end, str):
        raise _python_error("sep and end must be strings")
    if not run.output_cut:
        run.write(sep.join(_text(value) for value in values) + end)


def _range(run: _Run, *bounds: Any) -> range:
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


def _bounded(run: _Run, iterable: Any) -> list:
    items = list(itertools.islice(_walk(run, iterable), MAX_SEQUENCE + 1))
    if len(items) > MAX_SEQUENCE:
        raise LearnerCodeError("code.list_too_long", max=MAX_SEQUENCE)
    return items


def _iter(run: _Run, iterable: Any) -> Any:
    if not isinstance(iterable, ITERABLE_TYPES):
        raise LearnerCodeError("code.bad_loop", type=type_name(iterable))
    try:
        return iter(iterable)
    except Exception as error:
        raise external_error(error, True) from None


def _next(run: _Run, iterator: Any) -> Any:
    """`xb, yb = next(iter(loader))`: one step of an iterator, counted like a loop's."""
    if not isinstance(iterator, ITERATOR_TYPES):
        raise LearnerCodeError("code.bad_loop", type=type_name(iterator))
    try:
        item = next(iterator)
    except StopIteration:
        raise _python_error("the iterator is exhausted", "StopIteration") from None
    except Exception as error:
        raise external_error(error, True) from None
    _count_iteration(run)
    return item


def _list(run: _Run, iterable: Any = ()) -> list:
    return _bounded(run, iterable)


def _tuple(run: _Run, iterable: Any = ()) -> tuple:
    return tuple(_bounded(run, iterable))


def _sum(run: _Run, iterable: Any, start: Any = 0) -> Any:
    """Summed with the guards of `+`: sum([column, row]) broadcasts like column + row."""
    total = start
    for item in _walk(run, iterable):
        total = _binary(run, operator.add, guard_add, total, item)
    return total


def _extreme(run: _Run, comparison: Callable, values: tuple) -> Any:
    items = values if len(values) > 1 else _bounded(run, values[0]) if values else []
    if not items:
        raise _python_error("min() / max() of an empty sequence", "ValueError")
    best = items[0]
    for item in items[1:]:
        if _truth(_binary(run, comparison, guard_elementwise, item, best)):
            best = item
    return best


def _max(run: _Run, *values: Any) -> Any:
    return _extreme(run, operator.gt, values)


def _min(run: _Run, *values: Any) -> Any:
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


def standard_names() -> dict[str, object]:
    """The stand-ins every program has: torch and its parts, and a few builtins."""
    return {
        "torch": TORCH_NAMESPACE,
        "nn": NN,
        "optim": OPTIM,
        "F": FUNCTIONAL,
        "DataLoader": DATA.members["DataLoader"],
        "TensorDataset": DATA.members["TensorDataset"],
        **BUILTINS,
    }


# --- Checking the text ---------------------------------------------------------------

# What a refused construct is called in the message (the code, not a translation).
CONSTRUCT_NAMES: Mapping[type, str] = {
    ast.Lambda: "lambda",
    ast.ListComp: "[… for …]",
    ast.SetComp: "{… for …}",
    ast.DictComp: "{…: … for …}",
    ast.GeneratorExp: "(… for …)",
    ast.ClassDef: "class",
    ast.Try: "try",
    ast.Raise: "raise",
    ast.Global: "global",
    ast.Nonlocal: "nonlocal",
    ast.Delete: "del",
    ast.Yield: "yield",
    ast.YieldFrom: "yield from",
    ast.Await: "await",
    ast.AsyncFunctionDef: "async def",
    ast.AsyncFor: "async for",
    ast.AsyncWith: "async with",
    ast.NamedExpr: ":=",
    ast.Starred: "*",
    ast.Match: "match",
    ast.Dict: "{…: …}",
    ast.Set: "{…}",
    ast.Assert: "assert",
    ast.AnnAssign: "x: type = …",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Invert: "~",
    ast.In: "in",
    ast.NotIn: "not in",
}


def _refuse(node: ast.AST) -> LearnerCodeError:
    if isinstance(node, ast.While):
        return LearnerCodeError("code.while_refused", line=getattr(node, "lineno", None))
    construct = CONSTRUCT_NAMES.get(type(node), type(node).__name__)
    return LearnerCodeError("code.not_allowed", line=getattr(node, "lineno", None), construct=construct)


def _identifiers(node: ast.AST) -> list[str]:
    """The names a node spells (already NFKC-normalised by the parser: ＿ is not a way around)."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute | ast.keyword | ast.arg | ast.FunctionDef | ast.alias):
        name = {ast.Attribute: "attr", ast.keyword: "arg", ast.arg: "arg", ast.FunctionDef: "name"}.get(type(node))
        if isinstance(node, ast.alias):
            return [node.name, node.asname or ""]
        return [getattr(node, name) or ""]
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""]
    return []


def _parse(source: str) -> ast.Module:
    """The checked tree: sizes first, then the parse, then depth and names iteratively."""
    if not source.strip():
        raise LearnerCodeError("code.empty")
    if len(source) > MAX_CHARS:
        raise LearnerCodeError("code.too_long", max=MAX_CHARS)
    if source.count("\n") + 1 > MAX_LINES:
        raise LearnerCodeError("code.too_many_lines", max=MAX_LINES)
    if bracket_depth(source) > MAX_DEPTH:
        raise LearnerCodeError("code.too_deep", max=MAX_DEPTH)
    try:
        with warnings.catch_warnings():  # invalid escapes warn before anything else
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except SyntaxError as error:
        message = inert_excerpt(error.msg or "", 120)
        raise LearnerCodeError("code.syntax", line=error.lineno, message=message) from None
    except (ValueError, MemoryError, RecursionError):
        raise LearnerCodeError("code.too_deep", max=MAX_DEPTH) from None
    pending, count = [(tree, 0)], 0
    while pending:
        node, depth = pending.pop()
        count += 1
        if count > MAX_NODES:
            raise LearnerCodeError("code.too_big", max=MAX_NODES)
        if depth > MAX_DEPTH:
            raise LearnerCodeError("code.too_deep", line=getattr(node, "lineno", None), max=MAX_DEPTH)
        for name in _identifiers(node):
            if name.startswith("_"):
                line = getattr(node, "lineno", None)
                raise LearnerCodeError("code.private_name", line=line, name=inert_excerpt(name, 40))
        pending.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return tree


# --- Compiling the checked tree into closures ------------------------------------------

Evaluate = Callable[[_Frame], Any]
Execute = Callable[[_Frame], str | None]


class _Compiler:
    """Turns each allowed node into a closure; refuses every other node."""

    def __init__(self, local_names: frozenset[str] | None = None, functions: list | None = None):
        self.local_names = local_names  # None at top level, where locals are the globals
        self.loop_depth = 0
        self.functions = functions if functions is not None else []  # the program's defs, all levels

    # statements

    def block(self, statements: list[ast.stmt]) -> Execute:
        compiled = tuple((statement.lineno, self.statement(statement)) for statement in statements)

        def run_block(frame: _Frame) -> str | None:
            run = frame.run
            for line, execute in compiled:
                run.steps += 1
                if run.steps > MAX_STEPS:
                    raise LearnerCodeError("code.too_many_steps", line=line, max=MAX_STEPS)
                if time.perf_counter() > run.deadline:
                    error = _time_over(run)
                    error.line = line
                    raise error
                try:
                    signal = execute(frame)
                except LearnerCodeError as error:
                    if error.line is None:
                        error.line = line
                    raise
                if signal is not None:
                    return signal
            return None

        return run_block

    def statement(self, node: ast.stmt) -> Execute:
        method = getattr(self, "statement_" + type(node).__name__, None)
        if method is None:
            raise _refuse(node)
        try:
            return method(node)
        except LearnerCodeError as error:
            if error.line is None:
                error.line = node.lineno
            raise

    def statement_Expr(self, node: ast.Expr) -> Execute:
        evaluate = self.expression(node.value)

        def run_expression(frame: _Frame) -> None:
            evaluate(frame)

        return run_expression

    def statement_Pass(self, node: ast.Pass) -> Execute:
        return lambda frame: None

    def statement_Assign(self, node: ast.Assign) -> Execute:
        evaluate = self.expression(node.value)
        stores = [self.target(target) for target in node.targets]
        if len(stores) == 1:
            store = stores[0]

            def assign(frame: _Frame) -> None:
                store(frame, evaluate(frame))

            return assign

        def assign_many(frame: _Frame) -> None:
            value = evaluate(frame)
            for store in stores:
                store(frame, value)

        return assign_many

    def statement_AugAssign(self, node: ast.AugAssign) -> Execute:
        if type(node.op) not in AUGMENTED_OPERATORS:
            raise _refuse(node.op)
        _, in_place, guard = BINARY_OPERATORS[type(node.op)]
        evaluate = self.expression(node.value)
        target = node.target
        if isinstance(target, ast.Name):
            load, store = self.name_load(target.id), self.target(target)

            def augment_name(frame: _Frame) -> None:
                store(frame, _binary(frame.run, in_place, guard, load(frame), evaluate(frame)))

            return augment_name
        if isinstance(target, ast.Subscript):
            container, index, text = self.expression(target.value), self.index(target.slice), _excerpt(target)

            def augment_item(frame: _Frame) -> None:
                owner, key = container(frame), index(frame)
                value = _binary(frame.run, in_place, guard, _get_item(frame.run, owner, key), evaluate(frame))
                _set_item(owner, key, value, text)

            return augment_item
        raise LearnerCodeError("code.assignment_refused", target=_excerpt(target))

    def statement_For(self, node: ast.For) -> Execute:
        if node.orelse:
            raise LearnerCodeError("code.not_allowed", construct="for … else")
        iterable, store = self.expression(node.iter), self.target(node.target, names_only=True)
        self.loop_depth += 1
        body = self.block(node.body)
        self.loop_depth -= 1

        def run_for(frame: _Frame) -> str | None:
            run = frame.run
            for item in _walk(run, iterable(frame)):
                store(frame, item)
                signal = body(frame)
                if signal is BREAK:
                    break
                if signal is RETURN:
                    return signal
            return None

        return run_for

    def statement_Break(self, node: ast.Break) -> Execute:
        if not self.loop_depth:
            raise LearnerCodeError("code.syntax", message="'break' outside loop")
        return lambda frame: BREAK

    def statement_Continue(self, node: ast.Continue) -> Execute:
        if not self.loop_depth:
            raise LearnerCodeError("code.syntax", message="'continue' not properly in loop")
        return lambda frame: CONTINUE

    def statement_If(self, node: ast.If) -> Execute:
        test, body = self.expression(node.test), self.block(node.body)
        orelse = self.block(node.orelse) if node.orelse else None

        def run_if(frame: _Frame) -> str | None:
            if _truth(test(frame)):
                return body(frame)
            return orelse(frame) if orelse is not None else None

        return run_if

    def statement_With(self, node: ast.With) -> Execute:
        if len(node.items) != 1 or node.items[0].optional_vars is not None:
            raise LearnerCodeError("code.not_allowed", construct="with … as")
        context, body = self.expression(node.items[0].context_expr), self.block(node.body)

        def run_with(frame: _Frame) -> str | None:
            manager = context(frame)
            if type(manager) not in (torch.no_grad, torch.enable_grad):
                raise LearnerCodeError("code.not_allowed", construct="with")
            with manager:
                return body(frame)

        return run_with

    def statement_FunctionDef(self, node: ast.FunctionDef) -> Execute:
        self.functions.append(node.name)
        if len(self.functions) > 1:
            raise LearnerCodeError("code.one_function", max=1)
        arguments = node.args
        if node.decorator_list:
            raise LearnerCodeError("code.not_allowed", construct="@decorator")
        if arguments.posonlyargs or arguments.vararg or arguments.kwonlyargs or arguments.kwarg:
            raise LearnerCodeError("code.not_allowed", construct="*args, **kwargs")
        parameters = tuple(argument.arg for argument in arguments.args)
        if len(set(parameters)) != len(parameters):
            raise LearnerCodeError("code.syntax", message="duplicate argument in function definition")
        defaults = tuple(_constant(default) for default in arguments.defaults)
        assigned = {name for statement in node.body for name in _assigned_names(statement)}
        compiler = _Compiler(frozenset(assigned | set(parameters)), self.functions)
        body = compiler.block(node.body)
        store, name = self.target(ast.Name(id=node.name, ctx=ast.Store())), node.name

        def define(frame: _Frame) -> None:
            store(frame, LearnerFunction(name, parameters, defaults, body, frame.globals))

        return define

    def statement_Return(self, node: ast.Return) -> Execute:
        if self.local_names is None:
            raise LearnerCodeError("code.return_outside_function")
        evaluate = self.expression(node.value) if node.value is not None else (lambda frame: None)

        def run_return(frame: _Frame) -> str:
            frame.returned = evaluate(frame)
            return RETURN

        return run_return

    def statement_Import(self, node: ast.Import) -> Execute:
        bindings = []
        for alias in node.names:
            if alias.name not in MODULES:
                raise LearnerCodeError("code.import_refused", module=inert_excerpt(alias.name, 40))
            if alias.asname:
                bindings.append((alias.asname, MODULES[alias.name]))
            else:  # `import torch.nn` binds torch
                bindings.append((alias.name.split(".")[0], MODULES[alias.name.split(".")[0]]))
        return self._bind(bindings)

    def statement_ImportFrom(self, node: ast.ImportFrom) -> Execute:
        module = node.module or ""
        if node.level or module not in MODULES:
            raise LearnerCodeError("code.import_refused", module=inert_excerpt("." * node.level + module, 40))
        if any(alias.name == "*" for alias in node.names):
            raise LearnerCodeError("code.not_allowed", construct="import *")
        bindings = [(alias.asname or alias.name, MODULES[module].member(alias.name)) for alias in node.names]
        return self._bind(bindings)

    def _bind(self, bindings: list[tuple[str, Any]]) -> Execute:
        stores = [(self.target(ast.Name(id=name, ctx=ast.Store())), value) for name, value in bindings]

        def bind(frame: _Frame) -> None:
            for store, value in stores:
                store(frame, value)

        return bind

    # assignment targets: closures taking (frame, value)

    def target(self, node: ast.expr, names_only: bool = False) -> Callable[[_Frame, Any], None]:
        if isinstance(node, ast.Name):
            name = node.id

            def store_name(frame: _Frame, value: Any) -> None:
                frame.locals[name] = value

            return store_name
        if isinstance(node, ast.Tuple | ast.List):
            stores = [self.target(element, names_only) for element in node.elts]
            count = len(stores)

            def store_unpacked(frame: _Frame, value: Any) -> None:
                for store, item in zip(stores, _unpack(frame.run, value, count), strict=True):
                    store(frame, item)

            return store_unpacked
        if names_only:
            raise LearnerCodeError("code.assignment_refused", target=_excerpt(node))
        if isinstance(node, ast.Subscript):
            container, index, text = self.expression(node.value), self.index(node.slice), _excerpt(node)

            def store_item(frame: _Frame, value: Any) -> None:
                _set_item(container(frame), index(frame), value, text)

            return store_item
        if isinstance(node, ast.Attribute) and node.attr in ("requires_grad", "grad"):
            return self._attribute_target(node)
        raise LearnerCodeError("code.assignment_refused", target=_excerpt(node))

    def _attribute_target(self, node: ast.Attribute) -> Callable[[_Frame, Any], None]:
        """Only `x.requires_grad = True/False` and `x.grad = None`, on tensors."""
        owner, attribute, text = self.expression(node.value), node.attr, _excerpt(node)
        allowed = (bool,) if attribute == "requires_grad" else (type(None),)

        def store_attribute(frame: _Frame, value: Any) -> None:
            tensor = owner(frame)
            if not isinstance(tensor, torch.Tensor) or type(value) not in allowed:
                raise LearnerCodeError("code.assignment_refused", target=text)
            try:
                setattr(tensor, attribute, value)
            except Exception as error:
                raise external_error(error, True) from None

        return store_attribute

    # expressions: closures taking the frame

    def expression(self, node: ast.expr) -> Evaluate:
        method = getattr(self, "expression_" + type(node).__name__, None)
        if method is None:
            raise _refuse(node)
        return method(node)

    def expression_Constant(self, node: ast.Constant) -> Evaluate:
        value = _constant(node)
        return lambda frame: value

    def expression_Name(self, node: ast.Name) -> Evaluate:
        return self.name_load(node.id)

    def name_load(self, name: str) -> Evaluate:
        if self.local_names is not None and name in self.local_names:

            def load_local(frame: _Frame) -> Any:
                try:
                    return frame.locals[name]
                except KeyError:
                    raise _unknown_name(name) from None

            return load_local

        def load_global(frame: _Frame) -> Any:
            try:
                return frame.globals[name]
            except KeyError:
                raise _unknown_name(name) from None

        return load_global

    def expression_Attribute(self, node: ast.Attribute) -> Evaluate:
        owner, attribute = self.expression(node.value), node.attr
        return lambda frame: _tracked(frame.run, get_attribute(owner(frame), attribute))

    def expression_Call(self, node: ast.Call) -> Evaluate:
        if any(isinstance(argument, ast.Starred) for argument in node.args) or any(
            keyword.arg is None for keyword in node.keywords
        ):
            raise LearnerCodeError("code.not_allowed", construct="*args, **kwargs")
        arguments = tuple(self.expression(argument) for argument in node.args)
        keywords = tuple((keyword.arg, self.expression(keyword.value)) for keyword in node.keywords)
        if isinstance(node.func, ast.Attribute):
            return self._method_call(node.func, arguments, keywords)
        callee = self.expression(node.func)

        def call(frame: _Frame) -> Any:
            function = callee(frame)
            args = tuple([argument(frame) for argument in arguments])
            kwargs = {name: value(frame) for name, value in keywords}
            return _call(frame.run, function, args, kwargs)

        return call

    def _method_call(self, node: ast.Attribute, arguments: tuple, keywords: tuple) -> Evaluate:
        """`owner.attribute(...)` without making a BoundMethod on the way: the training loop's path."""
        owner_of, attribute = self.expression(node.value), node.attr

        def call_method(frame: _Frame) -> Any:
            owner = owner_of(frame)
            if type(owner) is Namespace:
                function = owner.member(attribute)
                entry = None
            else:
                entry = attributes_of(owner).get(attribute)
                if entry is None:
                    raise LearnerCodeError("code.attribute_refused", attribute=attribute, type=type_name(owner))
                function = get_attribute(owner, attribute) if entry is DATA_ATTRIBUTE else None
            args = tuple([argument(frame) for argument in arguments])
            kwargs = {name: value(frame) for name, value in keywords}
            if function is not None:
                return _call(frame.run, function, args, kwargs)
            return _call_method(frame.run, owner, attribute, entry[1], args, kwargs)

        return call_method

    def expression_BinOp(self, node: ast.BinOp) -> Evaluate:
        if type(node.op) not in BINARY_OPERATORS:
            raise _refuse(node.op)
        operation, _, guard = BINARY_OPERATORS[type(node.op)]
        left, right = self.expression(node.left), self.expression(node.right)
        return lambda frame: _binary(frame.run, operation, guard, left(frame), right(frame))

    def expression_UnaryOp(self, node: ast.UnaryOp) -> Evaluate:
        operand = self.expression(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda frame: not _truth(operand(frame))
        if isinstance(node.op, ast.USub | ast.UAdd):
            operation = operator.neg if isinstance(node.op, ast.USub) else operator.pos
            return lambda frame: _result(frame.run, _unary(operation, operand(frame)))
        raise _refuse(node.op)

    def expression_BoolOp(self, node: ast.BoolOp) -> Evaluate:
        values = tuple(self.expression(value) for value in node.values)
        stop_when = isinstance(node.op, ast.Or)  # `or` stops at the first true value

        def boolean(frame: _Frame) -> Any:
            for evaluate in values:
                result = evaluate(frame)
                if _truth(result) is stop_when:
                    return result
            return result

        return boolean

    def expression_Compare(self, node: ast.Compare) -> Evaluate:
        for comparison in node.ops:
            if type(comparison) not in COMPARISONS:
                raise _refuse(comparison)
        left = self.expression(node.left)
        steps = tuple(
            (COMPARISONS[type(comparison)], self.expression(right))
            for comparison, right in zip(node.ops, node.comparators, strict=True)
        )

        def compare(frame: _Frame) -> Any:
            value = left(frame)
            for position, (operation, right) in enumerate(steps):
                other = right(frame)
                result = _binary(frame.run, operation, guard_elementwise, value, other)
                if position < len(steps) - 1 and not _truth(result):
                    return result
                value = other
            return result

        return compare

    def expression_IfExp(self, node: ast.IfExp) -> Evaluate:
        test, body, orelse = self.expression(node.test), self.expression(node.body), self.expression(node.orelse)
        return lambda frame: body(frame) if _truth(test(frame)) else orelse(frame)

    def expression_Subscript(self, node: ast.Subscript) -> Evaluate:
        container, index = self.expression(node.value), self.index(node.slice)
        return lambda frame: _get_item(frame.run, container(frame), index(frame))

    def index(self, node: ast.expr) -> Evaluate:
        if isinstance(node, ast.Slice):
            parts = [
                self.expression(part) if part is not None else None for part in (node.lower, node.upper, node.step)
            ]
            lower, upper, step = (part or (lambda frame: None) for part in parts)
            return lambda frame: slice(lower(frame), upper(frame), step(frame))
        if isinstance(node, ast.Tuple):
            items = tuple(self.index(element) for element in node.elts)
            return lambda frame: tuple([item(frame) for item in items])
        return self.expression(node)

    def expression_List(self, node: ast.List) -> Evaluate:
        items = tuple(self.expression(element) for element in node.elts)
        return lambda frame: _result(frame.run, [item(frame) for item in items])

    def expression_Tuple(self, node: ast.Tuple) -> Evaluate:
        items = tuple(self.expression(element) for element in node.elts)
        return lambda frame: _result(frame.run, tuple([item(frame) for item in items]))

    def expression_JoinedStr(self, node: ast.JoinedStr) -> Evaluate:
        parts = tuple(self._formatted(value) for value in node.values)

        def join(frame: _Frame) -> str:
            text = "".join([part(frame) for part in parts])
            if len(text) > MAX_SEQUENCE:
                raise LearnerCodeError("code.list_too_long", max=MAX_SEQUENCE)
            return _result(frame.run, text)

        return join

    def _formatted(self, node: ast.expr) -> Evaluate:
        if isinstance(node, ast.Constant):
            text = node.value
            return lambda frame: text
        if not isinstance(node, ast.FormattedValue) or node.conversion not in (-1, ord("r"), ord("s")):
            raise LearnerCodeError("code.format_refused")
        spec = ""
        if node.format_spec is not None:
            pieces = node.format_spec.values
            if len(pieces) > 1 or (pieces and not isinstance(pieces[0], ast.Constant)):
                raise LearnerCodeError("code.format_refused")
            spec = pieces[0].value if pieces else ""
            if not FORMAT_SPEC.fullmatch(spec):
                raise LearnerCodeError("code.format_refused")
        evaluate = self.expression(node.value)
        convert = {ord("r"): repr, ord("s"): str}.get(node.conversion)

        def formatted(frame: _Frame) -> str:
            value = evaluate(frame)
            printable_guard((value,), {})
            try:
                return format(convert(value) if convert else value, spec)
            except Exception as error:
                raise external_error(error, isinstance(value, torch.Tensor)) from None

        return formatted


def _unary(operation: Callable, value: Any) -> Any:
    try:
        return operation(value)
    except Exception as error:
        raise external_error(error, isinstance(value, torch.Tensor)) from None


def _unpack(run: _Run, value: Any, count: int) -> list:
    if type(value) is tuple or type(value) is list:
        items = value
    else:
        items = list(itertools.islice(_walk(run, value), count + 1))
    if len(items) != count:
        raise _python_error(f"expected {count} values to unpack, got {len(items)}", "ValueError")
    return items


def _constant(node: ast.expr) -> Any:
    """A literal: numbers, bools, None, str and `...`; a negative number for a default."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return _unary(operator.neg, _constant(node.operand))
    if not isinstance(node, ast.Constant) or type(node.value) not in (int, float, bool, str, type(None), type(...)):
        raise LearnerCodeError("code.not_allowed", construct=_excerpt(node))
    return _checked_number(node.value)


def _assigned_names(node: ast.AST) -> list[str]:
    """Names a function body binds: they are its locals, as in Python."""
    names = []
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
            names.append(child.id)
        elif isinstance(child, ast.alias):
            names.append(child.asname or child.name.split(".")[0])
        elif isinstance(child, ast.FunctionDef):
            names.append(child.name)
    return names


def _same(tensor: torch.Tensor) -> torch.Tensor:
    return tensor


def _unknown_name(name: str) -> LearnerCodeError:
    if name in IO_BUILTINS:
        return LearnerCodeError("code.io_refused", name=name)
    return LearnerCodeError("code.unknown_name", name=inert_excerpt(name, 40))


def _excerpt(node: ast.AST) -> str:
    return inert_excerpt(ast.unparse(node), 40)


# --- Running -------------------------------------------------------------------------


def compile_program(source: str) -> Execute:
    """The checked program as one closure; LearnerCodeError when the text is refused."""
    return _Compiler().block(_parse(source).body)


def run_program(source: str, provided: Mapping[str, object], *, time_budget: float = TIME_BUDGET_SECONDS) -> Outcome:
    """Check `source`, then run it on `provided` (over the standard names). Never raises
    for anything the learner wrote: that becomes Outcome.error."""
    started = time.perf_counter()
    names: dict[str, object] = {**standard_names(), **provided}
    run = _Run(time_budget)
    error = None
    try:
        program = compile_program(source)
        run.deadline = time.perf_counter() + time_budget
        program(_Frame(names, names, run))
    except LearnerCodeError as refusal:
        error = refusal
    except RecursionError:  # deep expressions inside a deep recursion: Python's own stack
        error = LearnerCodeError("code.recursion", max=MAX_CALL_DEPTH)
    return Outcome(names, "".join(run.output), error, time.perf_counter() - started, run.output_cut)


# --- Hints for torch's messages ------------------------------------------------------

TORCH_HINTS: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), key)
    for pattern, key in (
        (r"does not require grad and does not have a grad_fn", "code.hint.no_grad_required"),
        (r"grad can be implicitly created only for (real )?scalar outputs", "code.hint.scalar_backward"),
        (r"backward through the graph a second time", "code.hint.backward_twice"),
        (r"a leaf Variable that requires grad is being used in an in-place", "code.hint.leaf_inplace"),
        (r"shape '\[.*\]' is invalid for input of size", "code.hint.view_size"),
        (r"Expected all tensors to be on the same device", "code.hint.device_mismatch"),
        (r"same dtype|scalar type|Found dtype|dtype .* but", "code.hint.dtype_mismatch"),
        (r"shapes cannot be multiplied|size mismatch|inconsistent tensor size", "code.hint.shape_mismatch"),
        (r"must match the size of tensor|(cannot|can't) be broadcast|not broadcastable", "code.hint.broadcast"),
    )
)


def torch_error_hint(message: str) -> str | None:
    """A hint key for a common PyTorch message (the lead writes its text), or None."""
    return next((key for pattern, key in TORCH_HINTS if pattern.search(message)), None)
