"""The bug lab's mistakes as one table, read by the training loop and by its code twin.

`Loop` says how the training loop is written; `MISTAKES` says what each bug-lab switch
changes in it. core.train runs the loop `loop_with(bugs)` describes and the snippet
writes that same loop, so a switch cannot mean one thing on the page and another in
the code.
"""

import dataclasses
from dataclasses import dataclass
from enum import StrEnum


class Bug(StrEnum):
    """The bug lab's switches; each value is its URL key's and catalogue key's suffix."""

    NO_ZERO_GRAD = "no_zero_grad"
    ZERO_GRAD_AFTER_BACKWARD = "zero_grad_after_backward"
    NO_TRAIN_EVAL = "no_train_eval"
    HUGE_LR = "huge_lr"
    NO_NO_GRAD = "no_no_grad"
    NO_SHUFFLE_SORTED = "no_shuffle_sorted"


BUGS = tuple(Bug)


class ZeroGrad(StrEnum):
    """Where the loop calls optimizer.zero_grad()."""

    BEFORE_FORWARD = "before_forward"  # correct: each step starts from fresh gradients
    AFTER_BACKWARD = "after_backward"  # the gradients are gone before step()
    NEVER = "never"  # the gradients add up over the steps


@dataclass(frozen=True)
class Loop:
    """How the training loop is written; the defaults are the correct loop."""

    zero_grad: ZeroGrad = ZeroGrad.BEFORE_FORWARD
    switches_modes: bool = True  # model.train() before training, model.eval() before validating
    lr_factor: float = 1.0  # the learning rate actually used, over the one chosen
    validates_without_graph: bool = True  # validation under torch.no_grad()
    sorted_unshuffled: bool = False  # the training set sorted by target, never shuffled


CORRECT_LOOP = Loop()
# What each mistake changes in the loop. Zero_grad after backward() comes after "no
# zero_grad" here, so with both on the loop has the later one (and the code shows it).
MISTAKES: dict[Bug, dict[str, object]] = {
    Bug.NO_ZERO_GRAD: {"zero_grad": ZeroGrad.NEVER},
    Bug.ZERO_GRAD_AFTER_BACKWARD: {"zero_grad": ZeroGrad.AFTER_BACKWARD},
    Bug.NO_TRAIN_EVAL: {"switches_modes": False},
    Bug.HUGE_LR: {"lr_factor": 100.0},
    Bug.NO_NO_GRAD: {"validates_without_graph": False},
    Bug.NO_SHUFFLE_SORTED: {"sorted_unshuffled": True},
}


def loop_with(bugs: frozenset[Bug]) -> Loop:
    changes: dict[str, object] = {}
    for bug in BUGS:
        if bug in bugs:
            changes.update(MISTAKES[bug])
    return dataclasses.replace(CORRECT_LOOP, **changes)
