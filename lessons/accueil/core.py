"""Home page: the two pillars of PyTorch in one computation, and the environment.

Pure PyTorch, plain values in and out; never imports streamlit.
"""

import importlib.metadata
import platform
from collections.abc import Callable
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class DemoFunction:
    source: str  # the Python expression, as printed in the code twin
    compute: Callable[[torch.Tensor], torch.Tensor]


# The same expression twice (text and code): the code twin test runs the text and
# compares it with what `compute` gave, so the two cannot drift apart unnoticed.
DEMO_FUNCTIONS = {
    "polynome": DemoFunction("x ** 2 + 3 * x", lambda x: x**2 + 3 * x),
    "sinus": DemoFunction("torch.sin(x) * x", lambda x: torch.sin(x) * x),
    "gaussienne": DemoFunction("torch.exp(-x ** 2)", lambda x: torch.exp(-(x**2))),
}

# Names a learner may confuse with the right one, for the grad_fn question.
GRAD_FN_CHOICES = ("AddBackward0", "MulBackward0", "PowBackward0", "ExpBackward0")

X_MIN, X_MAX, X_DEFAULT = -3.0, 3.0, 1.0


@dataclass(frozen=True)
class PillarsSpec:
    """The demo's widgets: which function, at which x."""

    function_id: str  # a key of DEMO_FUNCTIONS
    x: float


@dataclass(frozen=True)
class PillarsResult:
    x: float
    y: float
    grad: float  # x.grad after y.backward(): dy/dx at x
    grad_fn: str  # name of the last operation autograd recorded, e.g. "AddBackward0"


def pillars_demo(function_id: str, x: float) -> PillarsResult:
    """Pillar A, a tensor that records operations; pillar B, autograd computing dy/dx."""
    x_tensor = torch.tensor(x, requires_grad=True)  # float32, as the learner's script
    y = DEMO_FUNCTIONS[function_id].compute(x_tensor)
    y.backward()
    return PillarsResult(x=x, y=y.item(), grad=x_tensor.grad.item(), grad_fn=y.grad_fn.name())


def next_x(x: float) -> float:
    """The point the quiz asks about: one step to the right, kept inside the slider."""
    return round(x + 1.0 if x + 1.0 <= X_MAX else x - 1.0, 1)


@dataclass(frozen=True)
class Environment:
    python: str
    torch: str
    streamlit: str
    cuda_build: str | None  # CUDA version torch was built with; None for a CPU build


def environment() -> Environment:
    return Environment(
        python=platform.python_version(),
        torch=torch.__version__,
        streamlit=importlib.metadata.version("streamlit"),
        cuda_build=torch.version.cuda,
    )
