"""Tensors lesson, manipulation: each step runs the real PyTorch operation.

Pure PyTorch; never imports streamlit. An operation PyTorch refuses is returned as
an Outcome holding PyTorch's own message, so the page can show it and explain it.
"""

import itertools
import math
import statistics
import time
from dataclasses import dataclass

import numpy as np
import torch

ELEMENTWISE_OPS = ("+", "-", "*", "/", ">", "==")
REDUCTIONS = ("sum", "mean", "max")
MATMUL_SIDE = 4  # bound of the matrix-product sliders
BROADCAST_SIDE = 4
TIMING_SIZES = (64, 128, 256, 512, 1024)  # n of the n x n product; 1024 is ~2 GFLOP
TIMING_REPEATS = 5


@dataclass(frozen=True)
class Outcome:
    """A result tensor, or the error PyTorch raised instead."""

    result: torch.Tensor | None = None
    error: str | None = None


def _attempt(operation) -> Outcome:
    try:
        return Outcome(result=operation())
    except (RuntimeError, TypeError, IndexError, ValueError) as error:
        return Outcome(error=str(error).split("\n")[0])


# --- Element-wise -------------------------------------------------------------


def elementwise(tensor: torch.Tensor, op: str, operand: float) -> Outcome:
    """`t <op> operand`, element by element; comparisons give a bool tensor."""
    operations = {
        "+": lambda: tensor + operand,
        "-": lambda: tensor - operand,
        "*": lambda: tensor * operand,
        "/": lambda: tensor / operand,
        ">": lambda: tensor > operand,
        "==": lambda: tensor == operand,
    }
    return _attempt(operations[op])


# --- Matrix product -----------------------------------------------------------


@dataclass(frozen=True)
class MatmulDemo:
    a: torch.Tensor
    b: torch.Tensor
    product: Outcome


def matmul_demo(m: int, k: int, k_b: int, n: int, transpose_b: bool) -> MatmulDemo:
    """a: (m, k) and b: (k_b, n), or b.T when `transpose_b`; then a @ b."""
    a = torch.arange(m * k, dtype=torch.float32).reshape(m, k)
    b = torch.arange(k_b * n, dtype=torch.float32).reshape(k_b, n)
    if transpose_b:
        b = b.T
    return MatmulDemo(a, b, _attempt(lambda: a @ b))


# --- Broadcasting -------------------------------------------------------------


@dataclass(frozen=True)
class BroadcastDemo:
    a: torch.Tensor
    b: torch.Tensor
    outcome: Outcome
    a_stretched: torch.Tensor | None = None  # a as it takes part in the sum
    b_stretched: torch.Tensor | None = None
    a_copies: torch.Tensor | None = None  # bool: True where a's cell is a repeated copy
    b_copies: torch.Tensor | None = None


def broadcast_demo(shape_a: tuple[int, int], shape_b: tuple[int, int]) -> BroadcastDemo:
    a = torch.arange(math.prod(shape_a)).reshape(shape_a)
    b = torch.arange(math.prod(shape_b)).reshape(shape_b) * 10
    outcome = _attempt(lambda: a + b)
    if outcome.error:
        return BroadcastDemo(a, b, outcome)
    a_stretched, b_stretched = torch.broadcast_tensors(a, b)
    return BroadcastDemo(
        a,
        b,
        outcome,
        a_stretched,
        b_stretched,
        copies_mask(shape_a, tuple(outcome.result.shape)),
        copies_mask(shape_b, tuple(outcome.result.shape)),
    )


def copies_mask(shape: tuple[int, ...], out_shape: tuple[int, ...]) -> torch.Tensor:
    """True where a broadcast cell repeats an original: index > 0 along a stretched dim."""
    grids = torch.meshgrid(*(torch.arange(side) for side in out_shape), indexing="ij")
    mask = torch.zeros(out_shape, dtype=torch.bool)
    offset = len(out_shape) - len(shape)
    for dim, grid in enumerate(grids):
        source_side = shape[dim - offset] if dim >= offset else 1
        if source_side == 1 and out_shape[dim] > 1:
            mask |= grid > 0
    return mask


# --- Shape and strides --------------------------------------------------------

SHAPE_OPS = ("reshape", "view", "transpose", "permute")


def shapes_with_numel(numel: int, max_dims: int = 3) -> list[tuple[int, ...]]:
    """Every shape of 1 to `max_dims` dimensions holding `numel` elements."""
    divisors = [d for d in range(1, numel + 1) if numel % d == 0]
    shapes = [(numel,)]
    shapes += [(d, numel // d) for d in divisors]
    if max_dims >= 3:
        shapes += [(d1, d2, numel // (d1 * d2)) for d1 in divisors for d2 in divisors if numel % (d1 * d2) == 0]
    return shapes


def permutations_of(ndim: int) -> list[tuple[int, ...]]:
    return list(itertools.permutations(range(ndim)))


def shape_operation(
    tensor: torch.Tensor,
    op: str,
    target: tuple[int, ...],
    dims: tuple[int, ...],
    start_transposed: bool,
    make_contiguous: bool,
) -> tuple[torch.Tensor, Outcome]:
    """(source, outcome): the source is `tensor`, or its transpose (not contiguous)."""
    source = tensor.detach()
    if start_transposed and source.dim() >= 2:
        source = source.transpose(0, 1)
    if make_contiguous:
        source = source.contiguous()
    operations = {
        "reshape": lambda: source.reshape(target),
        "view": lambda: source.view(target),
        "transpose": lambda: source.transpose(*dims[:2]),
        "permute": lambda: source.permute(dims),
    }
    return source, _attempt(operations[op])


def shape_remark(op: str, source: torch.Tensor, outcome: Outcome) -> str | None:
    """What the page adds under a shape operation (a key of tenseurs.shape), from the run:
    "view_error" when view failed; "view_ok_strided" when view worked on a source that is
    not contiguous; after transpose and permute, whether the result is still contiguous."""
    if outcome.error:
        return "view_error" if op == "view" else None
    if op == "view" and not source.is_contiguous():
        return "view_ok_strided"
    if op in ("transpose", "permute"):
        return "still_contiguous" if outcome.result.is_contiguous() else "not_contiguous"
    return None


# --- Indexing -----------------------------------------------------------------


def selection(tensor: torch.Tensor, slices: tuple[slice, ...]) -> tuple[torch.Tensor, torch.Tensor]:
    """(t[slices], mask): the mask marks, on t's picture, the elements t[slices] took.

    Indexing a tensor of positions with the same slices tells which ones were taken.
    """
    positions = torch.arange(tensor.numel()).reshape(tensor.shape)
    taken = positions[slices].reshape(-1)
    mask = torch.zeros(tensor.numel(), dtype=torch.bool)
    mask[taken] = True
    return tensor.detach()[slices], mask.reshape(tensor.shape)


def slice_text(slices: tuple[slice, ...]) -> str:
    """`t[1:3, ::2]` as Python writes it, omitting defaults."""

    def one(part: slice) -> str:
        start = "" if part.start in (None, 0) else str(part.start)
        stop = "" if part.stop is None else str(part.stop)
        step = "" if part.step in (None, 1) else f":{part.step}"
        return f"{start}:{stop}{step}"

    return f"t[{', '.join(one(part) for part in slices)}]"


# --- Reductions ---------------------------------------------------------------


@dataclass(frozen=True)
class Reduction:
    values: Outcome
    indices: torch.Tensor | None = None  # argmax positions, for max along a dim


def reduce(tensor: torch.Tensor, op: str, dim: int | None, keepdim: bool) -> Reduction:
    source = tensor.detach()
    if dim is None:
        return Reduction(_attempt(lambda: getattr(source, op)()))
    outcome = _attempt(lambda: getattr(source, op)(dim=dim, keepdim=keepdim))
    if op == "max" and outcome.result is not None:  # (values, indices) named tuple
        return Reduction(Outcome(outcome.result.values), outcome.result.indices)
    return Reduction(outcome)


# --- NumPy bridge -------------------------------------------------------------

BRIDGE_TARGETS = ("numpy", "from_numpy", "copy")


@dataclass(frozen=True)
class Bridge:
    array: np.ndarray  # the NumPy array a
    shared: torch.Tensor  # torch.from_numpy(a): same memory
    copy: torch.Tensor  # torch.tensor(a): its own memory
    shares_memory: bool  # measured: do a and the shared tensor use the same buffer?


def numpy_bridge(target: str, row: int, col: int, new_value: float) -> Bridge:
    """Write `new_value` at [row, col] (0-based, as Python indexes) in one of the three,
    then read all three back."""
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    shared = torch.from_numpy(array)
    copy = torch.tensor(array)
    {"numpy": array, "from_numpy": shared, "copy": copy}[target][row, col] = new_value
    shares = shared.data_ptr() == array.__array_interface__["data"][0]
    return Bridge(array.copy(), shared.clone(), copy, shares)


# --- Devices ------------------------------------------------------------------


def mixed_devices_error(device: str) -> tuple[str, str]:
    """(other device, PyTorch's message) for `ones(3, device=other) + ones(3)` on the CPU.

    With a GPU the other device is it; without one, the `meta` device (tensors with a
    shape but no data) shows that PyTorch refuses to mix devices just the same.
    """
    other = device if device != "cpu" else ("cuda" if torch.cuda.is_available() else "meta")
    outcome = _attempt(lambda: torch.ones(3, device=other) + torch.ones(3))
    return other, outcome.error or ""


@dataclass(frozen=True)
class Timing:
    device: str
    n: int
    median_ms: float
    runs_ms: tuple[float, ...]

    @property
    def gflops(self) -> float:
        return 2 * self.n**3 / (self.median_ms / 1000) / 1e9


def time_matmul(device: str, n: int, repeats: int = TIMING_REPEATS) -> Timing:
    """Median time of `a @ b` for (n, n) float32 matrices, after one warm-up run.

    CUDA runs asynchronously: synchronize before reading the clock, or only the
    launch is timed.
    """
    if n not in TIMING_SIZES:
        raise ValueError(f"n must be one of {TIMING_SIZES}")
    generator = torch.Generator().manual_seed(0)
    a = torch.rand((n, n), generator=generator).to(device)
    b = torch.rand((n, n), generator=generator).to(device)

    def synchronize() -> None:
        if a.device.type == "cuda":
            torch.cuda.synchronize()

    a @ b  # warm-up: kernel selection, caches, lazy initialisation
    synchronize()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        synchronize()
        runs.append((time.perf_counter() - start) * 1000)
    return Timing(device, n, statistics.median(runs), tuple(runs))


# --- What the learner chose, for the code twin and the quiz ---------------------


@dataclass(frozen=True)
class ElementwiseSpec:
    op: str = "+"  # one of ELEMENTWISE_OPS
    operand: float = 2.0  # the scalar on the right: t + 2.0


@dataclass(frozen=True)
class MatmulSpec:
    """a is m x k; b is k_b x n, transposed when asked: a @ b needs k == b's rows."""

    m: int = 2
    k: int = 3
    k_b: int = 2
    n: int = 3
    transpose_b: bool = False


@dataclass(frozen=True)
class BroadcastSpec:
    shape_a: tuple[int, int] = (3, 1)
    shape_b: tuple[int, int] = (1, 4)


@dataclass(frozen=True)
class ShapeSpec:
    op: str = "reshape"  # one of SHAPE_OPS
    target: tuple[int, ...] = (6,)  # reshape and view
    dims: tuple[int, ...] = (0, 1)  # transpose (the first two) and permute
    start_transposed: bool = False  # a non-contiguous source, for view's error
    make_contiguous: bool = False


@dataclass(frozen=True)
class IndexingSpec:
    # (start, stop, step) per dim; stop None runs to the end: t[1:, ::2]
    slices: tuple[tuple[int, int | None, int], ...] = ((1, None, 1), (0, None, 2))

    def slice_objects(self) -> tuple[slice, ...]:
        return tuple(slice(*part) for part in self.slices)


@dataclass(frozen=True)
class ReductionSpec:
    op: str = "sum"  # one of REDUCTIONS
    dim: int | None = None  # None reduces every element
    keepdim: bool = False


@dataclass(frozen=True)
class BridgeSpec:
    """The NumPy bridge: which of a, shared, copy is written, where (0-based) and what."""

    target: str = "numpy"  # one of BRIDGE_TARGETS
    row: int = 0
    col: int = 1
    value: float = 99.0

    @property
    def written(self) -> str:
        """The variable the page's code (and the twin) writes: a, shared or copy."""
        return {"numpy": "a", "from_numpy": "shared", "copy": "copy"}[self.target]


@dataclass(frozen=True)
class Steps:
    """The manipulation widgets' values, one spec per tab, and the NumPy bridge's: primitives only."""

    elementwise: ElementwiseSpec = ElementwiseSpec()
    matmul: MatmulSpec = MatmulSpec()
    broadcast: BroadcastSpec = BroadcastSpec()
    shape: ShapeSpec = ShapeSpec()
    indexing: IndexingSpec = IndexingSpec()
    reduction: ReductionSpec = ReductionSpec()
    bridge: BridgeSpec = BridgeSpec()
