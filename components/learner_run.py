"""The state of one run of a learner's program and the calls it makes: time, steps,
loop iterations, call depth, output and memory are counted here (Run), and every call
of a function, method or module goes through call_value, with its guard first.
"""

import ast
import operator
import time
import weakref
from collections.abc import Callable, Mapping
from typing import Any

import torch
from torch import nn
from torch.nn.modules.loss import _Loss

from components.learner_allowlist import (
    ITERABLE_TYPES,
    OURS,
    TORCH,
    BoundMethod,
    Function,
    type_name,
)
from components.learner_limits import (
    MAX_CALL_DEPTH,
    MAX_INTEGER,
    LearnerCodeError,
    check_broadcast,
    check_elements,
    check_index,
    external_error,
    guard_add,
    guard_elementwise,
    guard_matmul,
    guard_modulo,
    guard_multiply,
    guard_power,
)
from components.safe_text import inert_excerpt

MAX_LOOP_ITERATIONS = 200_000  # all loops of a run together
MAX_STEPS = 1_000_000  # statements executed: `f` calling itself twice, 20 deep, has no loop
MAX_OUTPUT_CHARS = 10_000  # what print() keeps; the page shows it
# Memory a run holds: the tensors it made that are still alive (their storages, whoever
# keeps them: names, lists, the autograd graph) plus every list and string it built. Within
# the time budget, a loop keeping 1000×1000 tensors, or growing an autograd graph, would
# otherwise fill the server's memory; one tensor alone stays under MAX_ELEMENTS.
MAX_ALLOCATED_BYTES = 256 * 2**20
PYTHON_OBJECT_BYTES = 32  # a list slot and the number it points to: lists are counted when built, never released
SCANNED_ITEMS = 8  # tensors inside a small tuple or list result (a batch, x.max(dim=0)) are tracked too
OUTPUT_CUT = "\n[…]"  # marks output cut at MAX_OUTPUT_CHARS


# --- Run state ---------------------------------------------------------------------


class Run:
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


class Frame:
    """Names of the module (`globals`) and of the running call (`locals`, the same dict at top level)."""

    __slots__ = ("globals", "locals", "returned", "run")

    def __init__(self, local_names: dict, global_names: dict, run: Run):
        self.locals = local_names
        self.globals = global_names
        self.run = run
        self.returned = None


# Signals a statement returns to the block running it; None means "go on".
BREAK, CONTINUE, RETURN = "break", "continue", "return"


def time_over(run: Run) -> LearnerCodeError:
    return LearnerCodeError("code.time_budget", seconds=run.time_budget)


# --- Runtime helpers -------------------------------------------------------------


def checked_number(result: Any) -> Any:
    if type(result) is int and not -MAX_INTEGER <= result <= MAX_INTEGER:
        raise LearnerCodeError("code.number_too_large", max=f"{MAX_INTEGER:.0e}")
    return result


def counted(run: Run, value: Any) -> Any:
    """A new value: Python ints bounded, and its memory counted in the run's budget."""
    value_type = type(value)
    if value_type is int:
        return checked_number(value)
    if value_type is float or value_type is bool or value is None:
        return value
    if value_type is str:
        run.account(len(value))
    elif value_type is list or isinstance(value, tuple):
        run.account(len(value) * PYTHON_OBJECT_BYTES)
    return tracked(run, value)


def tracked(run: Run, value: Any) -> Any:
    """A value read or walked through, not built: only the tensors in it are counted
    (a DataLoader's batches, a tensor's .grad are new to the run)."""
    if isinstance(value, torch.Tensor):
        run.track(value)
    elif isinstance(value, list | tuple) and len(value) <= SCANNED_ITEMS:
        for item in value:
            if isinstance(item, torch.Tensor):
                run.track(item)
    return value


def truth(value: Any) -> bool:
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


def binary(run: Run, operation: Callable, guard: Callable, left: Any, right: Any) -> Any:
    guard(left, right)
    try:
        result = operation(left, right)
    except Exception as error:
        raise external_error(error, isinstance(left, torch.Tensor) or isinstance(right, torch.Tensor)) from None
    return counted(run, result)


def get_item(run: Run, container: Any, index: Any) -> Any:
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
    return tracked(run, item) if type(index) is int else counted(run, item)  # lst[0] is not new, lst[:] is


def set_item(container: Any, index: Any, value: Any, target: str) -> None:
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

    def call(self, run: Run, args: tuple, kwargs: Mapping[str, Any]) -> Any:
        if run.call_depth >= MAX_CALL_DEPTH:
            raise LearnerCodeError("code.recursion", max=MAX_CALL_DEPTH)
        names = self._bind(args, kwargs)
        frame = Frame(names, self.globals, run)
        run.call_depth += 1
        try:
            signal = self.body(frame)
        finally:
            run.call_depth -= 1
        return frame.returned if signal is RETURN else None

    def _bind(self, args: tuple, kwargs: Mapping[str, Any]) -> dict:
        if len(args) > len(self.parameters):
            raise python_error(f"{self.name}() takes {len(self.parameters)} arguments but {len(args)} were given")
        names = dict(zip(self.parameters, args, strict=False))
        for name, value in kwargs.items():
            if name not in self.parameters or name in names:
                raise python_error(f"{self.name}() got an unexpected or repeated argument '{name}'")
            names[name] = value
        first_default = len(self.parameters) - len(self.defaults)
        for position, name in enumerate(self.parameters):
            if name not in names:
                if position < first_default:
                    raise python_error(f"{self.name}() missing argument '{name}'")
                names[name] = self.defaults[position - first_default]
        return names


def python_error(message: str, exception: str = "TypeError") -> LearnerCodeError:
    return LearnerCodeError("code.python_error", message=inert_excerpt(message, 300), exception=exception)


# Modules whose forward saves tensors for backward that are neither its inputs nor its
# output (a Dropout mask, cross-entropy's log-softmax): run with a hook counting them.
OPEN_MODULES = (nn.Linear, nn.ReLU, nn.Tanh, nn.Sigmoid, nn.Flatten, _Loss)
HIDDEN_SAVES = (nn.Dropout, nn.CrossEntropyLoss)


def _call_module(run: Run, module: nn.Module, args: tuple, kwargs: Mapping[str, Any]) -> Any:
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
    return counted(run, output)


def call_method(
    run: Run, owner: Any, attribute: str, guard: Callable | None, args: tuple, kwargs: Mapping[str, Any]
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
        raise time_over(run)
    return checked_number(result) if attribute == "tolist" else counted(run, result)


def call_value(run: Run, callee: Any, args: tuple, kwargs: Mapping[str, Any]) -> Any:
    callee_type = type(callee)
    if callee_type is BoundMethod:
        return call_method(run, callee.owner, callee.attribute, callee.guard, args, kwargs)
    if callee_type is LearnerFunction:
        return callee.call(run, args, kwargs)  # what it made is counted already
    if callee_type is Function:
        result = _call_function(run, callee, args, kwargs)
    elif isinstance(callee, nn.Module):
        result = _call_module(run, callee, args, kwargs)
    else:
        raise LearnerCodeError("code.not_callable", type=type_name(callee))
    if time.perf_counter() > run.deadline:
        raise time_over(run)
    return result


def _call_function(run: Run, function: Function, args: tuple, kwargs: Mapping[str, Any]) -> Any:
    if function.origin == OURS:
        try:
            function.signature.bind(run, *args, **kwargs)
        except TypeError as error:
            raise external_error(error, False) from None
        return counted(run, function.target(run, *args, **kwargs))
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
            counted(run, parameter)
    return counted(run, result)


def walk(run: Run, iterable: Any):
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
        count_iteration(run)
        yield tracked(run, item)


def count_iteration(run: Run) -> None:
    run.iterations += 1
    if run.iterations > MAX_LOOP_ITERATIONS:
        raise LearnerCodeError("code.loop_too_long", max=MAX_LOOP_ITERATIONS)
    if time.perf_counter() > run.deadline:
        raise time_over(run)


def _same(tensor: torch.Tensor) -> torch.Tensor:
    return tensor
