"""The shared optimizer tables: the code line builds the very optimizer the page builds."""

import pytest
import torch

from components.optimizers import (
    OPTIMIZER_KINDS,
    SCHEDULER_NAMES,
    OptimizerSpec,
    make_optimizer,
    make_scheduler,
    optimizer_line,
    scheduler_line,
)
from components.twin_sources import function_source

SPEC = {"lr": 0.03, "momentum": 0.7, "beta1": 0.8, "beta2": 0.95, "weight_decay": 0.02}


def hyperparameters(optimizer: torch.optim.Optimizer) -> dict:
    return {key: value for key, value in optimizer.param_groups[0].items() if key != "params"}


@pytest.mark.parametrize("kind", OPTIMIZER_KINDS)
def test_the_line_builds_the_same_optimizer(kind):
    spec = OptimizerSpec(kind, **SPEC)
    p = torch.zeros(2, requires_grad=True)
    built = make_optimizer(spec, [p])
    line = optimizer_line(spec, "[p]")
    assert line.startswith("torch.optim.") and "[p], lr=0.03" in line
    from_line = eval(line, {"torch": torch, "p": p})  # the oracle: Python runs the text itself
    assert type(from_line) is type(built)
    assert hyperparameters(from_line) == hyperparameters(built)


def test_nesterov_and_momentum_differ_only_by_nesterov():
    assert optimizer_line(OptimizerSpec("nesterov", lr=0.1), "[p]") == (
        "torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True)"
    )
    assert optimizer_line(OptimizerSpec("momentum", lr=0.1), "model.parameters()") == (
        "torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)"
    )


@pytest.mark.parametrize("name", SCHEDULER_NAMES)
def test_the_scheduler_line_builds_the_same_scheduler(name):
    spec = OptimizerSpec("sgd", scheduler=name)
    built = make_scheduler(spec, make_optimizer(spec, [torch.zeros(1, requires_grad=True)]), 40)
    optimizer = make_optimizer(spec, [torch.zeros(1, requires_grad=True)])
    from_line = eval(scheduler_line(spec, 40), {"torch": torch, "optimizer": optimizer})
    if built is None:
        assert from_line is None
    else:
        assert type(from_line) is type(built)
        keys = ("step_size", "gamma", "T_max")
        assert {k: getattr(from_line, k, None) for k in keys} == {k: getattr(built, k, None) for k in keys}


LIMIT = 3


def uses_a_constant(x):
    return x * LIMIT


def test_a_function_source_carries_the_constants_it_reads():
    source = function_source(uses_a_constant)
    assert source.startswith("LIMIT = 3\n")
    namespace: dict = {}
    exec(source, namespace)  # runs on its own
    assert namespace["uses_a_constant"](2) == 6
