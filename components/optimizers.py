"""torch.optim optimizers and learning-rate schedulers as tables, shared by the lessons.

Each table entry names the torch class and the arguments it takes. `make_optimizer`
builds the object from the table and `optimizer_line` writes the same call as code,
so a page's optimizer and the line its code twin shows cannot differ (the same for
schedulers). Pure PyTorch; never imports streamlit.
"""

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, LRScheduler, StepLR


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer's widgets: primitives only, so it keys the cache."""

    kind: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    weight_decay: float = 0.0
    scheduler: str = "none"

    @property
    def label(self) -> str:
        return f"{self.kind} (lr={self.lr:g})"


# How each argument of an optimizer's constructor is read from the widgets.
ARGUMENT_VALUES: dict[str, Callable[[OptimizerSpec], object]] = {
    "lr": lambda spec: spec.lr,
    "momentum": lambda spec: spec.momentum,
    "nesterov": lambda spec: spec.kind == "nesterov",
    "betas": lambda spec: (spec.beta1, spec.beta2),
    "weight_decay": lambda spec: spec.weight_decay,
}


@dataclass(frozen=True)
class OptimizerKind:
    torch_class: type[torch.optim.Optimizer]
    arguments: tuple[str, ...]  # keys of ARGUMENT_VALUES, in the order the code shows them


OPTIMIZERS = {
    "sgd": OptimizerKind(torch.optim.SGD, ("lr", "weight_decay")),
    "momentum": OptimizerKind(torch.optim.SGD, ("lr", "momentum", "weight_decay")),
    "nesterov": OptimizerKind(torch.optim.SGD, ("lr", "momentum", "nesterov", "weight_decay")),
    "adagrad": OptimizerKind(torch.optim.Adagrad, ("lr", "weight_decay")),
    "rmsprop": OptimizerKind(torch.optim.RMSprop, ("lr", "weight_decay")),
    "adam": OptimizerKind(torch.optim.Adam, ("lr", "betas", "weight_decay")),
    "adamw": OptimizerKind(torch.optim.AdamW, ("lr", "betas", "weight_decay")),
}
OPTIMIZER_KINDS = tuple(OPTIMIZERS)


def optimizer_arguments(spec: OptimizerSpec) -> dict[str, object]:
    """The keyword arguments the optimizer of `spec` is built with.

    An argument equal to the torch class's own default is left out, so the code line
    reads as a learner would write it (`torch.optim.SGD(p, lr=0.1)`); `lr` always shows,
    being the setting every lesson is about.
    """
    kind = OPTIMIZERS[spec.kind]
    defaults = _defaults(kind.torch_class)
    values = {name: ARGUMENT_VALUES[name](spec) for name in kind.arguments}
    return {name: value for name, value in values.items() if name == "lr" or defaults.get(name, _NO_DEFAULT) != value}


_NO_DEFAULT = object()


@functools.cache
def _defaults(torch_class: type) -> dict[str, object]:
    parameters = inspect.signature(torch_class).parameters.values()
    return {parameter.name: parameter.default for parameter in parameters if parameter.default is not parameter.empty}


def make_optimizer(spec: OptimizerSpec, parameters: list[torch.Tensor]) -> torch.optim.Optimizer:
    return OPTIMIZERS[spec.kind].torch_class(parameters, **optimizer_arguments(spec))


def optimizer_line(spec: OptimizerSpec, parameters_text: str) -> str:
    """The code that builds `make_optimizer(spec, ...)`, e.g. `torch.optim.SGD([p], lr=0.1)`."""
    torch_class = OPTIMIZERS[spec.kind].torch_class
    return _call_text(f"torch.optim.{torch_class.__name__}", parameters_text, optimizer_arguments(spec))


@dataclass(frozen=True)
class SchedulerKind:
    torch_class: type[LRScheduler]
    arguments: Callable[[int], dict[str, object]]  # its keyword arguments for a run of `steps` steps


SCHEDULERS: dict[str, SchedulerKind | None] = {
    "none": None,
    "step": SchedulerKind(StepLR, lambda steps: {"step_size": max(steps // 4, 1), "gamma": 0.5}),
    "exponential": SchedulerKind(ExponentialLR, lambda steps: {"gamma": 0.99}),
    "cosine": SchedulerKind(CosineAnnealingLR, lambda steps: {"T_max": steps}),
}
SCHEDULER_NAMES = tuple(SCHEDULERS)


def make_scheduler(spec: OptimizerSpec, optimizer: torch.optim.Optimizer, steps: int) -> LRScheduler | None:
    kind = SCHEDULERS[spec.scheduler]
    return None if kind is None else kind.torch_class(optimizer, **kind.arguments(steps))


def scheduler_line(spec: OptimizerSpec, steps: int, optimizer_text: str = "optimizer") -> str:
    """The code that builds `make_scheduler(spec, ..., steps)`, or `None` without a scheduler."""
    kind = SCHEDULERS[spec.scheduler]
    if kind is None:
        return "None"
    return _call_text(f"torch.optim.lr_scheduler.{kind.torch_class.__name__}", optimizer_text, kind.arguments(steps))


def _call_text(callee: str, first_argument: str, keywords: dict[str, object]) -> str:
    return f"{callee}({', '.join([first_argument, *(f'{name}={value!r}' for name, value in keywords.items())])})"
