"""What a learner's program may touch: the stand-ins for torch, nn, optim and F, the
attributes each kind of value allows, and the size checks made before torch allocates.

components/learner_code.py runs the program; this module only answers "may this value
give that attribute?" and "is this call small enough?". Nothing here evaluates text.
A name missing from an allowlist is refused: the lists say what is allowed, never
what is forbidden (the forbidden lists below only choose a clearer message).
"""

import inspect
import math
import operator
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import torch
import torch.nn.functional
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

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
    if isinstance(error, LearnerCodeError):  # raised by our hook inside torch (components/learner_code.py)
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


# --- Callables a program may call --------------------------------------------------

TORCH, PYTHON, OURS = "torch", "python", "ours"  # who raises the errors of a Function


class Function:
    """A callable the learner may call: no attribute reaches the wrapped target, and it is
    not callable by Python itself, so torch can never call it back (optimizer.step(print))."""

    __slots__ = ("guard", "name", "origin", "signature", "target")

    def __init__(self, name: str, target: Callable, origin: str = TORCH, guard: Callable | None = broadcast_guard):
        self.name = name
        self.target = target
        self.origin = origin
        self.guard = guard
        # our own functions take the run first; binding checks the learner's arguments
        self.signature = inspect.signature(target) if origin == OURS else None

    def __repr__(self) -> str:
        return f"<function {self.name}>"


class Namespace:
    """A frozen stand-in for a module: only its listed members exist."""

    __slots__ = ("members", "name", "refused")

    def __init__(self, name: str, members: Mapping[str, Any], refused: Iterable[str] = ()):
        self.name = name
        self.members = dict(members)
        self.refused = frozenset(refused)  # reaching for these says "no files, no I/O"

    def member(self, attribute: str) -> Any:
        if attribute in self.members:
            return self.members[attribute]
        if attribute in self.refused:
            raise LearnerCodeError("code.io_refused", name=f"{self.name}.{attribute}")
        raise LearnerCodeError("code.attribute_refused", attribute=inert_excerpt(attribute, 40), type=self.name)

    def __repr__(self) -> str:
        return f"<module '{self.name}'>"


def _words(text: str) -> list[str]:
    return text.split()


def _functions(owner: Any, names: str, prefix: str, guards: Mapping[str, Callable | None] | None = None) -> dict:
    guards = guards or {}
    return {
        name: Function(f"{prefix}.{name}", getattr(owner, name), TORCH, guards.get(name, broadcast_guard))
        for name in _words(names)
    }


# torch's file, compiler and process functions: named so a learner learns why they fail
TORCH_IO = _words(
    "load save from_file hub ops jit compile backends distributed multiprocessing package "
    "export fx onnx library cuda_path set_printoptions"
)

FUNCTIONAL = Namespace(
    "torch.nn.functional",
    _functions(
        torch.nn.functional,
        "mse_loss l1_loss cross_entropy binary_cross_entropy_with_logits relu sigmoid softmax log_softmax",
        "F",
        {"cross_entropy": None},  # the target's shape differs from the input's on purpose
    ),
)

NN = Namespace(
    "torch.nn",
    {
        **_functions(
            nn,
            "Sequential ReLU Tanh Sigmoid Dropout Flatten MSELoss L1Loss HuberLoss SmoothL1Loss "
            "CrossEntropyLoss BCELoss BCEWithLogitsLoss",
            "nn",
            {"Sequential": None},
        ),
        "Linear": Function("nn.Linear", nn.Linear, TORCH, linear_guard),
        "functional": FUNCTIONAL,
    },
)

OPTIM = Namespace("torch.optim", _functions(optim, "SGD Adam AdamW RMSprop", "optim", {}))

DATA = Namespace(
    "torch.utils.data",
    {
        "DataLoader": Function("DataLoader", DataLoader, TORCH, dataloader_guard),
        "TensorDataset": Function("TensorDataset", TensorDataset, TORCH, None),
    },
)

CUDA = Namespace("torch.cuda", _functions(torch.cuda, "is_available device_count", "torch.cuda", {}))

_TORCH_GUARDS = {
    "zeros": creation_guard,
    "ones": creation_guard,
    "rand": creation_guard,
    "randn": creation_guard,
    "full": full_guard,
    "randint": randint_guard,
    "arange": arange_guard,
    "linspace": linspace_guard,
    "eye": eye_guard,
    "tensor": tensor_guard,
    "cat": joined_guard,
    "stack": joined_guard,
    "matmul": matmul_guard,
    "mm": matmul_guard,
    "dot": matmul_guard,
}

TORCH_NAMESPACE = Namespace(
    "torch",
    {
        **_functions(
            torch,
            "tensor zeros ones zeros_like ones_like full arange linspace eye rand randn randint manual_seed "
            "device no_grad enable_grad sum mean abs sqrt exp log sin cos tanh sigmoid relu matmul mm dot "
            "cat stack allclose isclose max min argmax clamp square pow where maximum minimum softmax "
            "log_softmax numel is_tensor Generator",
            "torch",
            _TORCH_GUARDS,
        ),
        **{name: getattr(torch, name) for name in _words("float32 float64 int64 int32 bool long float double")},
        "cuda": CUDA,
        "nn": NN,
        "optim": OPTIM,
        "utils": Namespace("torch.utils", {"data": DATA}, refused=["cpp_extension"]),
    },
    refused=TORCH_IO,
)

# Where `import` finds its stand-ins; any other module is refused.
MODULES: Mapping[str, Namespace] = {
    "torch": TORCH_NAMESPACE,
    "torch.nn": NN,
    "torch.nn.functional": FUNCTIONAL,
    "torch.optim": OPTIM,
    "torch.utils": TORCH_NAMESPACE.members["utils"],
    "torch.utils.data": DATA,
}

# Builtins that read files, run text or reach into objects: named in the refusal.
IO_BUILTINS = frozenset(
    _words(
        "open input exec eval compile __import__ getattr setattr delattr globals locals vars dir "
        "type breakpoint help memoryview super object classmethod staticmethod property exit quit "
        "copyright credits license __builtins__ __loader__ __spec__ id hash"
    )
)


# --- Attributes each kind of value allows ----------------------------------------------

METHOD = "method"  # called through getattr(value, name)(...) after its guard
DATA_ATTRIBUTE = "data"  # read with getattr

_NO_GROWTH = None  # a method whose result is never larger than its inputs

TENSOR_ATTRIBUTES: Mapping[str, Any] = {
    **dict.fromkeys(_words("shape dtype device grad requires_grad is_leaf grad_fn T ndim data"), DATA_ATTRIBUTE),
    **dict.fromkeys(
        _words(
            "reshape view view_as flatten squeeze unsqueeze transpose permute t sum mean std var max "
            "min argmax argmin abs pow sqrt exp log sin cos tanh sigmoid relu clamp square item tolist "
            "numel size dim float double long int bool to cpu cuda detach clone backward zero_ "
            "requires_grad_ retain_grad fill_ add_ sub_ mul_ norm allclose equal softmax log_softmax "
            "round contiguous"
        ),
        (METHOD, broadcast_guard),
    ),
    "matmul": (METHOD, matmul_guard),
    "mm": (METHOD, matmul_guard),
}

MODULE_ATTRIBUTES: Mapping[str, Any] = {
    **dict.fromkeys(["weight", "bias", "training", "in_features", "out_features"], DATA_ATTRIBUTE),
    **dict.fromkeys(_words("parameters named_parameters train eval zero_grad requires_grad_"), (METHOD, None)),
}


def append_guard(args: tuple, kwargs: Mapping[str, Any]) -> None:
    if len(args[0]) >= MAX_SEQUENCE:
        raise LearnerCodeError("code.list_too_long", max=MAX_SEQUENCE)


ATTRIBUTES_BY_KIND: Mapping[str, Mapping[str, Any]] = {
    "tensor": TENSOR_ATTRIBUTES,
    "module": MODULE_ATTRIBUTES,
    "optimizer": dict.fromkeys(("step", "zero_grad"), (METHOD, None)),
    "loader": dict.fromkeys(("batch_size", "dataset"), DATA_ATTRIBUTE),
    "grad_fn": {"name": (METHOD, None)},
    "list": {"append": (METHOD, append_guard)},
    "device": {"type": DATA_ATTRIBUTE, "index": DATA_ATTRIBUTE},
    "rng": dict.fromkeys(("manual_seed", "initial_seed"), (METHOD, None)),
    "result_pair": dict.fromkeys(("values", "indices"), DATA_ATTRIBUTE),  # x.max(dim=0).values
    "none": {},
}

_KIND_OF_BASE = (
    (torch.Tensor, "tensor"),
    (nn.Module, "module"),
    (optim.Optimizer, "optimizer"),
    (DataLoader, "loader"),
    (torch.autograd.graph.Node, "grad_fn"),
    (torch.device, "device"),
    (torch.Generator, "rng"),
)
_KINDS: dict[type, str] = {list: "list", torch.Tensor: "tensor", nn.Parameter: "tensor"}


def kind_of(value: Any) -> str:
    """The allowlist kind of a value, cached by type (the learner cannot create types)."""
    value_type = type(value)
    kind = _KINDS.get(value_type)
    if kind is None:
        kind = next((name for base, name in _KIND_OF_BASE if isinstance(value, base)), "none")
        if value_type.__module__ == "torch.return_types":
            kind = "result_pair"
        _KINDS[value_type] = kind
    return kind


def attributes_of(value: Any) -> Mapping[str, Any]:
    return ATTRIBUTES_BY_KIND[kind_of(value)]


SHOWN_TYPE_NAMES = {"Function": "function", "LearnerFunction": "function", "BoundMethod": "method"}


def type_name(value: Any) -> str:
    """The type named in a refusal: our wrappers go by what they stand for."""
    if isinstance(value, Namespace):
        return value.name
    name = type(value).__name__
    return SHOWN_TYPE_NAMES.get(name, name)


# Values a `for` loop (and list(), sum(), ...) may walk through.
# Iterators iter() gives for them, which next() and `for` accept too.
ITERATOR_TYPES = (
    types.GeneratorType,  # model.parameters()
    zip,
    enumerate,
    type(iter([])),
    type(iter(())),
    type(iter(range(0))),
    type(iter("")),
    torch.utils.data.dataloader._BaseDataLoaderIter,
)
# Values a `for` loop (and list(), sum(), ...) may walk through.
ITERABLE_TYPES = (range, list, tuple, str, torch.Tensor, DataLoader, TensorDataset, *ITERATOR_TYPES)


def get_attribute(value: Any, attribute: str) -> Any:
    if type(value) is Namespace:
        return value.member(attribute)
    entry = attributes_of(value).get(attribute)
    if entry is None:
        raise LearnerCodeError("code.attribute_refused", attribute=attribute, type=type_name(value))
    if entry is DATA_ATTRIBUTE:
        try:
            return getattr(value, attribute)
        except Exception as error:
            raise external_error(error, True) from None
    return BoundMethod(value, attribute, entry[1])


class BoundMethod:
    """`f = x.reshape`: the method stays behind its guard, and has no attributes."""

    __slots__ = ("attribute", "guard", "owner")

    def __init__(self, owner: Any, attribute: str, guard: Callable | None):
        self.owner, self.attribute, self.guard = owner, attribute, guard

    def __repr__(self) -> str:
        return f"<method {self.attribute}>"
