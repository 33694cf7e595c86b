"""The limits of a learner's program and the error it ends with: LearnerCodeError, the
learner-facing form of what torch or Python raised (external_error), and the size checks
made before torch or Python allocates (elements of a tensor, broadcasting, list lengths).

Nothing here evaluates text; components/learner_code.py describes the interpreter.
"""

import math
import operator
from collections.abc import Iterable, Mapping
from typing import Any

import torch

from components.safe_text import inert_excerpt

MAX_ELEMENTS = 1_000_000  # per tensor: 8 MB of float64, checked before torch allocates
MAX_SEQUENCE = 10_000  # list, tuple and str lengths: `[1] * 10**9` never happens
MAX_INTEGER = 10**18  # Python ints beyond int64 only grow memory and time (9**9**9)
MAX_RANGE = 20_000  # one range(): a loop of a course exercise, not a busy wait
MAX_ROUND_DIGITS = 30  # round(5, -10**18) would compute 10**(10**18)
MAX_PRINTED_ELEMENTS = 100_000  # str() of nested lists: [[0] * 10**4] * 10**4 would be 300 MB of text
MAX_DIMENSIONS = 64  # torch's own limit: deeper lists are refused by torch, not counted
MAX_MESSAGE = 300  # characters of a torch or Python message shown back
MAX_CALL_DEPTH = 20  # the learner's function calling itself: `def f(n): return f(n)`


class LearnerCodeError(Exception):
    """A refusal or an error of the learner's program: `key` names the locale message,
    `values` fill it, `line` is the 1-based line of the learner's text when known."""

    def __init__(self, key: str, line: int | None = None, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values
        self.line = line

    def __repr__(self) -> str:
        return f"LearnerCodeError({self.key!r}, line={self.line}, {self.values!r})"


def external_error(error: Exception, from_torch: bool) -> LearnerCodeError:
    """The learner-facing error for an exception torch or a builtin raised on the learner's values."""
    if isinstance(error, LearnerCodeError):  # raised by our hook inside torch (components/learner_run.py)
        return error
    if isinstance(error, ZeroDivisionError):
        return LearnerCodeError("code.zero_division")
    if isinstance(error, RecursionError):
        return LearnerCodeError("code.recursion", max=MAX_CALL_DEPTH)
    if isinstance(error, OverflowError):
        return LearnerCodeError("code.number_too_large", max=f"{MAX_INTEGER:.0e}")
    lines = str(error).strip().splitlines()  # torch's first line says what went wrong
    message = inert_excerpt(lines[0] if lines else " ", MAX_MESSAGE)
    key = "code.torch_error" if from_torch else "code.python_error"
    return LearnerCodeError(key, message=message, exception=type(error).__name__)


# --- Size checks, made before the call ---------------------------------------------


def _too_large(elements: int) -> LearnerCodeError:
    shown = elements if elements < 10**15 else f"{elements:.1e}"
    return LearnerCodeError("code.tensor_too_large", elements=shown, max=MAX_ELEMENTS)


def _product(sizes: Iterable[Any]) -> int | None:
    """The product of sizes that are all integers, stopping once it is too large; None when one is not."""
    total = 1
    for size in sizes:
        try:
            size = operator.index(size)
        except TypeError:
            return None  # torch refuses it with its own message
        total *= size
        if abs(total) > MAX_ELEMENTS * 1000:
            return total
    return total


def check_elements(count: int | None) -> None:
    if count is not None and count > MAX_ELEMENTS:
        raise _too_large(count)


def check_broadcast(values: Iterable[Any]) -> None:
    """Elementwise operations broadcast: (10**5, 1) with (1, 10**5) would make 10**10 elements."""
    shapes = []
    for value in values:
        if isinstance(value, torch.Tensor):
            shapes.append(value.shape)
    if len(shapes) < 2 or shapes.count(shapes[0]) == len(shapes):  # the training loop's case
        return
    try:
        shape = torch.broadcast_shapes(*shapes)
    except RecursionError:
        raise  # never skip a check because the stack is deep
    except RuntimeError:
        return  # torch refuses these shapes itself
    check_elements(_product(shape))


def broadcast_guard(args: tuple, kwargs: Mapping[str, Any]) -> None:
    if len(args) > 1 or kwargs:  # a lone tensor broadcasts with nothing
        check_broadcast((*args, *kwargs.values()))


def matmul_guard(args: tuple, kwargs: Mapping[str, Any]) -> None:
    if len(args) < 2 or not all(isinstance(value, torch.Tensor) for value in args[:2]):
        return
    left, right = args[0].shape, args[1].shape
    if not left or not right:
        return
    left = left if len(left) > 1 else (1, left[0])
    right = right if len(right) > 1 else (right[0], 1)
    try:
        batch = torch.broadcast_shapes(left[:-2], right[:-2])
    except RecursionError:
        raise
    except RuntimeError:
        return
    # with inputs of at most MAX_ELEMENTS, a result of at most MAX_ELEMENTS costs at most 10**9 multiply-adds
    check_elements(_product(batch) * left[-2] * right[-1])


def count_elements(data: Any, limit: int = MAX_ELEMENTS) -> int:
    """Leaves of nested lists and tuples (tensors count their elements), stopping past `limit`.
    Iterative, and no deeper than torch's dimensions: `a = []; a.append(a)` contains itself."""
    count, pending = 0, [(data, 0)]
    while pending and count <= limit:
        item, depth = pending.pop()
        if isinstance(item, torch.Tensor):
            count += item.numel()
        elif not isinstance(item, list | tuple):
            count += 1
        elif depth < MAX_DIMENSIONS:
            nested = [(element, depth + 1) for element in item if isinstance(element, list | tuple | torch.Tensor)]
            count += len(item) - len(nested)
            pending.extend(nested)
    return count


def printable_guard(args: tuple, kwargs: Mapping[str, Any]) -> None:
    """Text of lists is built in full (tensors summarise themselves, lists never do)."""
    for value in args:
        if isinstance(value, list | tuple) and count_elements(value, MAX_PRINTED_ELEMENTS) > MAX_PRINTED_ELEMENTS:
            raise LearnerCodeError("code.list_too_long", max=MAX_PRINTED_ELEMENTS)


def _size_argument(args: tuple, kwargs: Mapping[str, Any]) -> Any:
    if "size" in kwargs:
        return kwargs["size"]
    if len(args) == 1 and isinstance(args[0], list | tuple):
        return args[0]
    return args


def creation_guard(args: tuple, kwargs: Mapping[str, Any]) -> None:
    size = _size_argument(args, kwargs)
    if isinstance(size, list | tuple):
        check_elements(_product(size))


def full_guard(args: tuple, kwargs: Mapping[str, Any]) -> None:
    size = kwargs.get("size", args[0] if args else ())
    if isinstance(size, list | tuple):
        check_elements(_product(size))


def randint_guard(args: tuple, kwargs: Mapping[str, Any]) -> None:
    sizes = [value for value in args if isinstance(value, list | tuple)]
    size = kwargs.get("size", sizes[-1] if sizes else ())
    if isinstance(size, list | tuple):
        check_elements(_product(size))


def randperm_guard(args: tuple, kwargs: Mapping[str, Any]) -> None:
    check_elements(_product([kwargs.get("n", args[0] if args else 0)]))


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except RecursionError:
        raise
    except (TypeError, ValueError, RuntimeError):  # not a number: torch refuses it itself
        return None


def arange_guard(args: tuple, kwargs: Mapping[str, Any]) -> None:
    bounds = list(args[:3])
    if len(bounds) == 1:
        bounds = [0, bounds[0]]
    start = _number(kwargs.get("start", bounds[0] if bounds else 0))
    end = _number(kwargs.get("end", bounds[1] if len(bounds) > 1 else None))
    step = _number(kwargs.get("step", bounds[2] if len(bounds) > 2 else 1))
    if None in (start, end, step) or step == 0 or not all(map(math.isfinite, (start, end, step))):
        return  # torch refuses these itself
    check_elements(math.ceil((end - start) / step))


def linspace_guard(args: tuple, kwargs: Mapping[str, Any]) -> None:
    steps = kwargs.get("steps", args[2] if len(args) > 2 else None)
    check_elements(_product([steps]) if steps is not None else None)


def eye_guard(args: tuple, kwargs: Mapping[str, Any]) -> None:
    rows = kwargs.get("n", args[0] if args else 0)
    columns = kwargs.get("m", args[1] if len(args) > 1 else rows)
    check_elements(_product([rows, columns]))


def tensor_guard(args: tuple, kwargs: Mapping[str, Any]) -> None:
    data = kwargs.get("data", args[0] if args else None)
    check_elements(count_elements(data))


def joined_guard(args: tuple, kwargs: Mapping[str, Any]) -> None:
    tensors = kwargs.get("tensors", args[0] if args else ())
    if isinstance(tensors, list | tuple):
        check_elements(count_elements(tensors))


def linear_guard(args: tuple, kwargs: Mapping[str, Any]) -> None:
    sizes = [*args[:2]]
    sizes += [kwargs[name] for name in ("in_features", "out_features")[len(sizes) :] if name in kwargs]
    if len(sizes) == 2:
        check_elements(_product(sizes))


DATALOADER_OPTIONS = ("dataset", "batch_size", "shuffle")  # positional, in torch's order
DATALOADER_KEYWORDS = frozenset({*DATALOADER_OPTIONS, "drop_last", "generator"})


def dataloader_guard(args: tuple, kwargs: Mapping[str, Any]) -> None:
    """No worker processes, no learner callbacks (collate_fn, sampler), a real dataset:
    a list of one big tensor repeated would be stacked into one giant batch."""
    refused = [name for name in kwargs if name not in DATALOADER_KEYWORDS]
    if len(args) > len(DATALOADER_OPTIONS):
        refused.append(f"#{len(DATALOADER_OPTIONS) + 1}")
    if refused:
        raise LearnerCodeError("code.argument_refused", argument=inert_excerpt(refused[0], 30), function="DataLoader")
    dataset = kwargs.get("dataset", args[0] if args else None)
    if isinstance(dataset, list | tuple):
        raise LearnerCodeError("code.argument_refused", argument="dataset", function="DataLoader")
    batch_size = kwargs.get("batch_size", args[1] if len(args) > 1 else 1)
    if isinstance(batch_size, int) and batch_size > MAX_SEQUENCE:  # one batch is one uninterrupted call
        raise LearnerCodeError("code.argument_refused", argument="batch_size", function="DataLoader")


# --- Size checks of operators and indexing ------------------------------------------


def sequence_length_guard(left: Any, right: Any) -> None:
    """`[1] * 10**9`, `'a' * 10**9`, `s + s` in a loop: lengths checked before Python builds them."""
    if isinstance(left, list | tuple | str) and isinstance(right, list | tuple | str):
        length = len(left) + len(right)
    else:
        sequence, count = (left, right) if isinstance(left, list | tuple | str) else (right, left)
        try:
            length = len(sequence) * operator.index(count)
        except RecursionError:
            raise
        except Exception:
            return  # Python refuses this itself
    if length > MAX_SEQUENCE:
        raise LearnerCodeError("code.list_too_long", max=MAX_SEQUENCE)


def operand_guard(left: Any, right: Any) -> bool:
    """Checks broadcasting when an operand is a tensor; True when it did."""
    if isinstance(left, torch.Tensor):
        if isinstance(right, torch.Tensor) and left.shape != right.shape:
            check_broadcast((left, right))
        return True
    return isinstance(right, torch.Tensor)


def guard_add(left: Any, right: Any) -> None:
    if not operand_guard(left, right) and isinstance(left, list | tuple | str):
        sequence_length_guard(left, right)


def guard_multiply(left: Any, right: Any) -> None:
    if isinstance(left, list | tuple | str) or isinstance(right, list | tuple | str):
        sequence_length_guard(left, right)  # tensor(3) * [1, 2] repeats the list
    else:
        operand_guard(left, right)


def guard_elementwise(left: Any, right: Any) -> None:
    operand_guard(left, right)


def guard_modulo(left: Any, right: Any) -> None:
    if isinstance(left, str):  # '%*d' % (10**9, 1): printf formatting is refused like str.format
        raise LearnerCodeError("code.format_refused")
    operand_guard(left, right)


def guard_power(base: Any, exponent: Any) -> None:
    if operand_guard(base, exponent):
        return
    integers = type(base) in (int, bool) and type(exponent) in (int, bool)
    if integers and exponent > 0 and abs(base) > 1 and exponent * math.log2(abs(base)) > math.log2(MAX_INTEGER):
        raise LearnerCodeError("code.number_too_large", max=f"{MAX_INTEGER:.0e}")


def guard_matmul(left: Any, right: Any) -> None:
    matmul_guard((left, right), {})


def check_index(tensor: torch.Tensor, index: Any) -> None:
    """An upper bound of the elements `tensor[index]` makes: index tensors and lists pick
    elements repeatedly (x[zeros(10**6, dtype=long)] on a wide x)."""
    items = index if type(index) is tuple else (index,)
    shape = tensor.shape
    consumed = sum(
        item.dim() if isinstance(item, torch.Tensor) and item.dtype == torch.bool else 1
        for item in items
        if item is not None and item is not Ellipsis and not isinstance(item, bool)
    )
    position, bound, picked = 0, 1, 1
    for item in items:
        if item is None or isinstance(item, bool):
            continue
        if item is Ellipsis:
            skipped = max(len(shape) - consumed, 0)
            bound *= math.prod(shape[position : position + skipped])
            position += skipped
        elif isinstance(item, torch.Tensor) and item.dtype == torch.bool:
            bound *= math.prod(shape[position : position + item.dim()])
            position += item.dim()
        elif isinstance(item, torch.Tensor | list | tuple):
            picked *= count_elements(item)
            position += 1
        else:
            if isinstance(item, slice) and position < len(shape):
                bound *= shape[position]
            position += 1
    check_elements(bound * math.prod(shape[position:]) * picked)
