"""Run the PyTorch code a visitor typed, without eval, exec or compile.

The text is parsed with Python's `ast`, checked against an allowlist of statements and
expressions (components/expressions.py's approach, grown to a small language), then
each node becomes a Python closure taking the frame of the run: validation happens
once, and a learner's training loop costs little more than the same loop in Python.
At run time, every attribute goes through a per-type allowlist and every call through
a size check, before torch allocates anything.

Everything the learner wrote ends as `Outcome.error`: refusals, limits, and the errors
torch or a builtin raise on the learner's values. An error of the interpreter itself
propagates, so a bug is seen rather than shown to the learner as theirs.

This module is the entry point; the parts, in the order a program meets them:
learner_syntax (the text and its tree), learner_statements and learner_expressions (the
closures), learner_run (what a run counts, and its calls), learner_builtins, learner_allowlist
(the stand-ins for torch and the attributes of each type), learner_limits (size checks, errors).
"""

import functools
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

import torch
from torch import nn

from components.learner_allowlist import DATA, FUNCTIONAL, NN, OPTIM, TORCH_NAMESPACE
from components.learner_builtins import BUILTINS
from components.learner_limits import MAX_CALL_DEPTH, LearnerCodeError
from components.learner_run import (
    MAX_ALLOCATED_BYTES,
    MAX_LOOP_ITERATIONS,
    MAX_OUTPUT_CHARS,
    MAX_STEPS,
    OUTPUT_CUT,
    Frame,
    Run,
)
from components.learner_statements import compile_program
from components.learner_syntax import MAX_CHARS, MAX_DEPTH, MAX_LINES, MAX_NODES

__all__ = [
    "MAX_ALLOCATED_BYTES",
    "MAX_CHARS",
    "MAX_DEPTH",
    "MAX_LINES",
    "MAX_LOOP_ITERATIONS",
    "MAX_NODES",
    "MAX_OUTPUT_CHARS",
    "MAX_STEPS",
    "OUTPUT_CUT",
    "TIME_BUDGET_SECONDS",
    "LearnerCodeError",
    "Outcome",
    "run_program",
    "standard_names",
    "torch_error_hint",
    "warm_up",
]

TIME_BUDGET_SECONDS = 2.0  # checked at each statement, loop iteration and external call


@dataclass
class Outcome:
    names: dict[str, object]
    output: str
    error: LearnerCodeError | None
    seconds: float
    output_cut: bool = False  # output went past MAX_OUTPUT_CHARS


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


@functools.cache
def warm_up() -> None:
    """Pays once per process, outside any learner's time budget, what torch does on first use:
    the first optimizer imports torch._dynamo (2–8 s), the first backward starts autograd's engine.
    Called by run_program rather than at import: every page imports this module."""
    model = nn.Linear(2, 3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    batches = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.zeros(4, 2), torch.zeros(4, dtype=torch.long)), batch_size=2
    )
    for inputs, targets in batches:
        optimizer.zero_grad()
        nn.CrossEntropyLoss()(model(inputs), targets).backward()
        optimizer.step()


def run_program(source: str, provided: Mapping[str, object], *, time_budget: float = TIME_BUDGET_SECONDS) -> Outcome:
    """Check `source`, then run it on `provided` (over the standard names). Never raises
    for anything the learner wrote: that becomes Outcome.error."""
    warm_up()
    started = time.perf_counter()
    names: dict[str, object] = {**standard_names(), **provided}
    run = Run(time_budget)
    error = None
    try:
        program = compile_program(source)
        run.deadline = time.perf_counter() + time_budget
        program(Frame(names, names, run))
    except LearnerCodeError as refusal:
        error = refusal
    except RecursionError:  # deep expressions inside a deep recursion: Python's own stack
        error = LearnerCodeError("code.recursion", max=MAX_CALL_DEPTH)
    return Outcome(names, "".join(run.output), error, time.perf_counter() - started, run.output_cut)


# --- Hints for torch's messages ------------------------------------------------------

# The first match wins: the two dtype messages with a hint of their own come before dtype_mismatch.
TORCH_HINTS: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), key)
    for pattern, key in (
        (r"does not require grad and does not have a grad_fn", "code.hint.no_grad_required"),
        (r"grad can be implicitly created only for (real )?scalar outputs", "code.hint.scalar_backward"),
        (r"backward through the graph a second time", "code.hint.backward_twice"),
        (r"a leaf Variable that requires grad is being used in an in-place", "code.hint.leaf_inplace"),
        (r"shape '\[.*\]' is invalid for input of size", "code.hint.view_size"),
        (r"Expected all tensors to be on the same device", "code.hint.device_mismatch"),
        (r"Tensors of floating point (and complex )?dtype can require gradients", "code.hint.float_for_grad"),
        (r"expected scalar type Long|expected target (of )?dtype (to be )?Long", "code.hint.target_long"),
        (r"same dtype|scalar type|Found dtype|dtype .* but", "code.hint.dtype_mismatch"),
        (r"shapes cannot be multiplied|size mismatch|inconsistent tensor size", "code.hint.shape_mismatch"),
        (r"must match the size of tensor|(cannot|can't) be broadcast|not broadcastable", "code.hint.broadcast"),
    )
)


def torch_error_hint(message: str) -> str | None:
    """A hint key for a common PyTorch message (the lead writes its text), or None."""
    return next((key for pattern, key in TORCH_HINTS if pattern.search(message)), None)
