"""What a learner's program may touch: the stand-ins for torch, nn, optim and F, and the
attributes each kind of value allows, each function with its size check
(components/learner_limits.py).

components/learner_code.py runs the program; this module only answers "may this value
give that attribute?" and "which check guards this call?". Nothing here evaluates text.
A name missing from an allowlist is refused: the lists say what is allowed, never
what is forbidden (the forbidden lists below only choose a clearer message).
"""

import difflib
import inspect
import sys
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import torch
import torch.nn.functional
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

from components.learner_limits import (
    MAX_SEQUENCE,
    LearnerCodeError,
    arange_guard,
    broadcast_guard,
    creation_guard,
    dataloader_guard,
    external_error,
    eye_guard,
    full_guard,
    joined_guard,
    linear_guard,
    linspace_guard,
    matmul_guard,
    randint_guard,
    randperm_guard,
    tensor_guard,
)
from components.safe_text import inert_excerpt

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
        raise attribute_refusal(self, attribute)

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
        "mse_loss l1_loss cross_entropy binary_cross_entropy binary_cross_entropy_with_logits relu sigmoid softmax "
        "log_softmax",
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
    "randperm": randperm_guard,
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
            "tensor zeros ones zeros_like ones_like full arange linspace eye rand randn randint randperm manual_seed "
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


def _has_attribute(value: Any, attribute: str) -> bool:
    """Whether the real value has `attribute`, without running it: a property can compute or
    raise (a real tensor's .imag), so the lookup is static; a module's parameters and
    submodules live in its dictionaries."""
    try:
        inspect.getattr_static(value, attribute)
    except AttributeError:
        members = vars(value) if isinstance(value, nn.Module) else {}
        return any(attribute in members.get(table, ()) for table in ("_parameters", "_buffers", "_modules"))
    return True


def attribute_refusal(value: Any, attribute: str) -> LearnerCodeError:
    """The error for an attribute the allowlist lacks. A namespace's close member is
    suggested first (torch.zeroes → zeros). A value of an allowlisted type that truly lacks
    the attribute fails as in Python, so the interpreter and Python agree; one that has it
    is refused, with the closest allowlisted attribute when one is near."""
    shown = inert_excerpt(attribute, 40)
    is_namespace = type(value) is Namespace
    allowed = value.members if is_namespace else attributes_of(value)
    # 0.8 keeps zeroes→zeros and Linr→Linear but not numpy→numel or sort→sqrt
    suggestion = difflib.get_close_matches(attribute, list(allowed), n=1, cutoff=0.8)
    if is_namespace:
        module = sys.modules.get(value.name)
        if suggestion:
            return LearnerCodeError("code.attribute_typo", attribute=shown, type=value.name, suggestion=suggestion[0])
        if module is not None and attribute not in dir(module):  # dir(): a lookup would import lazy submodules
            return _python_attribute_error(f"module '{value.name}'", attribute)
    elif kind_of(value) != "none" and not _has_attribute(value, attribute):  # never our wrappers: their slots
        return _python_attribute_error(f"'{type(value).__name__}' object", attribute)
    elif suggestion:
        return LearnerCodeError("code.attribute_typo", attribute=shown, type=type_name(value), suggestion=suggestion[0])
    return LearnerCodeError("code.attribute_refused", attribute=shown, type=type_name(value))


def _python_attribute_error(owner: str, attribute: str) -> LearnerCodeError:
    """Python's own message, word for word."""
    message = inert_excerpt(f"{owner} has no attribute '{attribute}'", 120)
    return LearnerCodeError("code.python_error", message=message, exception="AttributeError")


# Iterators iter() gives for the iterables below, which next() and `for` accept too.
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
        raise attribute_refusal(value, attribute)
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
