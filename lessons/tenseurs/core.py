"""Tensors lesson, creation: parse a typed list, build a tensor, read its attributes.

Pure PyTorch, plain values in and out; never imports streamlit. Errors a learner can
cause are raised as TensorInputError carrying a locale key, so the page can explain
them in the learner's language.
"""

import ast
import math
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
import torch

from components.safe_text import bracket_depth, inert_excerpt

MAX_LITERAL_CHARS = 200_000  # enough for 10,000 numbers; refused before parsing
MAX_ELEMENTS = 10_000
MAX_DIMS = 3
MAX_SIDE = 6  # bound of each size slider
SHOWN_SIDE = 12  # rows, columns and slices drawn at most; the tensor itself may be bigger

DTYPES = {
    "float32": torch.float32,
    "float64": torch.float64,
    "float16": torch.float16,
    "int64": torch.int64,
    "int32": torch.int32,
    "bool": torch.bool,
}
FLOAT_DTYPES = ("float32", "float64", "float16")
CONSTRUCTORS = ("tensor", "zeros", "ones", "full", "arange", "linspace", "eye", "rand", "randn")


def dtypes_for(constructor: str) -> tuple[str, ...]:
    """The dtypes PyTorch accepts for this constructor (rand needs floats, arange no bools)."""
    if constructor in ("rand", "randn"):
        return FLOAT_DTYPES
    if constructor in ("arange", "linspace"):
        return tuple(name for name in DTYPES if name != "bool")
    return tuple(DTYPES)


class TensorInputError(ValueError):
    """A refusal to explain to the learner: `key` names the locale message."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values


# --- The typed list -----------------------------------------------------------


def parse_tensor_literal(text: str) -> list:
    """`[[1, 2], [3, 4]]` -> nested Python list, without eval.

    Only lists or tuples (1 to 3 levels) of int, float and bool literals, with an
    optional sign, are accepted; the nesting must be rectangular. Parsing the longest
    allowed text is slow, so it is done once per text (a page run asks twice, for the
    tensor and for its code twin, and every rerun asks again).
    """
    parsed = _parsed(text)
    if isinstance(parsed, TensorInputError):
        raise parsed.with_traceback(None)  # the cached instance: no traceback kept from raise to raise
    return _as_lists(parsed)


def _as_lists(values):
    """A fresh nested list: the cached tuples stay as they are, whatever a caller does."""
    return [_as_lists(value) for value in values] if isinstance(values, tuple) else values


@lru_cache(maxsize=16)
def _parsed(text: str) -> tuple | TensorInputError:
    """The nested tuples of `text`, or the refusal (cached too: a long wrong text as well)."""
    try:
        return _parse(text)
    except TensorInputError as refusal:
        return refusal


def _parse(text: str) -> tuple:
    if len(text) > MAX_LITERAL_CHARS:
        raise TensorInputError("tenseurs.error.too_long", max=MAX_LITERAL_CHARS)
    # Cheap refusals before ast.parse: each number or list is followed by one comma at most.
    if text.count(",") > 2 * MAX_ELEMENTS:
        raise TensorInputError("tenseurs.error.too_many", max=MAX_ELEMENTS)
    if bracket_depth(text) > MAX_DIMS:  # before ast.parse, which recurses on nesting
        raise TensorInputError("tenseurs.error.too_deep", max=MAX_DIMS)
    if "\\" in text:  # never valid in a list of numbers; in a string it makes ast.parse warn
        raise TensorInputError("tenseurs.error.syntax")
    try:
        with warnings.catch_warnings():  # "1e", "0x": Python warns before refusing; the learner gets our message
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise TensorInputError("tenseurs.error.syntax") from None
    if not isinstance(tree.body, (ast.List, ast.Tuple)):
        raise TensorInputError("tenseurs.error.not_a_list")
    counter = [0]
    values = _literal(tree.body, counter)
    if counter[0] == 0:
        raise TensorInputError("tenseurs.error.empty")
    literal_shape(values)  # raises on ragged nesting
    return _as_tuples(values)


def _as_tuples(values):
    return tuple(_as_tuples(value) for value in values) if isinstance(values, list) else values


def _literal(node: ast.expr, counter: list[int]):
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_literal(element, counter) for element in node.elts]
    counter[0] += 1
    if counter[0] > MAX_ELEMENTS:
        raise TensorInputError("tenseurs.error.too_many", max=MAX_ELEMENTS)
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float, bool):
        if isinstance(node.value, bool):
            if sign == -1:
                raise TensorInputError("tenseurs.error.not_a_number", element="-" + repr(node.value))
            return node.value
        if isinstance(node.value, int) and abs(node.value) >= 2**63:
            raise TensorInputError("tenseurs.error.too_large")
        if isinstance(node.value, float) and not math.isfinite(node.value):
            raise TensorInputError("tenseurs.error.too_large")
        return sign * node.value
    raise TensorInputError("tenseurs.error.not_a_number", element=inert_excerpt(ast.unparse(node), 30))


def literal_shape(values) -> tuple[int, ...]:
    """Shape of a rectangular nested list; TensorInputError if it is ragged."""
    if not isinstance(values, list):
        return ()
    shapes = {literal_shape(element) for element in values}
    if len(shapes) > 1:
        raise TensorInputError("tenseurs.error.ragged")
    inner = shapes.pop() if shapes else ()
    return (len(values), *inner)


# --- Creation -----------------------------------------------------------------


@dataclass(frozen=True)
class CreateSpec:
    """Everything the creation widgets chose: primitives only, so it can key a cache."""

    constructor: str = "tensor"
    literal: str = "[[1, 2, 3], [4, 5, 6]]"
    shape: tuple[int, ...] = (2, 3)
    dtype: str = "float32"
    fill_value: float = 7.0
    start: float = 0.0
    end: float = 1.0
    seed: int = 0
    requires_grad: bool = False
    device: str = "cpu"


def create_tensor(spec: CreateSpec) -> torch.Tensor:
    """Build the tensor the widgets describe, with PyTorch's own constructors."""
    dtype = DTYPES[spec.dtype]
    device = torch.device(spec.device)
    numel = math.prod(spec.shape)
    try:
        if spec.constructor == "tensor":
            tensor = torch.tensor(parse_tensor_literal(spec.literal), dtype=dtype, device=device)
        elif spec.constructor == "zeros":
            tensor = torch.zeros(spec.shape, dtype=dtype, device=device)
        elif spec.constructor == "ones":
            tensor = torch.ones(spec.shape, dtype=dtype, device=device)
        elif spec.constructor == "full":
            tensor = torch.full(spec.shape, spec.fill_value, dtype=dtype, device=device)
        elif spec.constructor == "arange":
            tensor = torch.arange(numel, dtype=dtype, device=device).reshape(spec.shape)
        elif spec.constructor == "linspace":
            tensor = torch.linspace(spec.start, spec.end, numel, dtype=dtype, device=device)
            tensor = tensor.reshape(spec.shape)
        elif spec.constructor == "eye":
            tensor = torch.eye(*spec.shape[:2], dtype=dtype, device=device)
        elif spec.constructor in ("rand", "randn"):
            # A per-call generator: the same seed gives the same numbers to every
            # learner, and no other session's random state is touched.
            generator = torch.Generator().manual_seed(spec.seed)
            draw = torch.rand if spec.constructor == "rand" else torch.randn
            tensor = draw(spec.shape, generator=generator, dtype=dtype).to(device)
        else:
            raise TensorInputError("tenseurs.error.constructor")
    except (RuntimeError, OverflowError, TypeError) as error:  # PyTorch's own refusal
        raise TensorInputError("tenseurs.error.pytorch", error=inert_excerpt(str(error), 160)) from None
    if spec.requires_grad and tensor.is_floating_point():
        tensor.requires_grad_(True)
    return tensor


@dataclass(frozen=True)
class TensorFacts:
    shape: tuple[int, ...]
    dtype: str
    device: str
    requires_grad: bool
    numel: int
    element_size: int
    nbytes: int  # element_size() * numel()
    stride: tuple[int, ...]
    is_contiguous: bool


def tensor_facts(tensor: torch.Tensor) -> TensorFacts:
    return TensorFacts(
        shape=tuple(tensor.shape),
        dtype=str(tensor.dtype).removeprefix("torch."),
        device=str(tensor.device),
        requires_grad=tensor.requires_grad,
        numel=tensor.numel(),
        element_size=tensor.element_size(),
        nbytes=tensor.element_size() * tensor.numel(),
        stride=tuple(tensor.stride()),
        is_contiguous=tensor.is_contiguous(),
    )


# --- Drawing data -------------------------------------------------------------


@dataclass(frozen=True)
class Cells:
    """A tensor as long-form rows for a heatmap, cut to what can be drawn."""

    frame: pd.DataFrame = field(repr=False)  # slice, row, col, value, label[, mark]
    truncated: bool


def tensor_cells(tensor: torch.Tensor, mark: torch.Tensor | None = None) -> Cells:
    """One row per drawn element; a 3-D tensor becomes slices t[0], t[1], ...

    `mark` is an optional bool tensor of the same shape (selected or stretched cells).
    """
    values = tensor.detach().cpu()
    marks = None if mark is None else mark.detach().cpu()
    if values.dim() == 0:
        values, marks = values.reshape(1, 1, 1), None if marks is None else marks.reshape(1, 1, 1)
    while values.dim() < 3:  # (n,) -> (1, 1, n) ; (r, c) -> (1, r, c)
        values = values.unsqueeze(0)
        marks = None if marks is None else marks.unsqueeze(0)
    truncated = any(side > SHOWN_SIDE for side in values.shape)
    values = values[:SHOWN_SIDE, :SHOWN_SIDE, :SHOWN_SIDE]
    marks = None if marks is None else marks[:SHOWN_SIDE, :SHOWN_SIDE, :SHOWN_SIDE]
    slices, rows, cols = values.shape
    index = torch.arange(slices * rows * cols)
    frame = pd.DataFrame(
        {
            "slice": (index // (rows * cols)).tolist(),
            "row": (index // cols % rows).tolist(),
            "col": (index % cols).tolist(),
            "value": values.reshape(-1).to(torch.float64).tolist(),
            "label": [format_element(v) for v in values.reshape(-1).tolist()],
        }
    )
    if marks is not None:
        frame["mark"] = marks.reshape(-1).tolist()
    return Cells(frame, truncated)


def format_element(value: float | int | bool) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    return f"{value:.3g}"
