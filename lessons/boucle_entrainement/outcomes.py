"""What one bug-lab run did, next to the correct loop trained on the same seed.

Pure: `outcome` reads the two training-loss curves and returns a kind and the numbers;
the page turns it into a sentence from the catalogues, so the sentence says what this
run did. Why it did so is one text per mistake, or, for the mistakes that act through
the optimizer's step (forgetting zero_grad, a learning rate ×100), one text per family
of optimizers: plain steps (SGD, with or without momentum) or steps divided by the
gradients' own size (Adam, RMSprop...).
"""

import math
from dataclasses import dataclass
from enum import StrEnum

from components.optimizers import OptimizerSpec
from lessons.boucle_entrainement.mistakes import Bug

FLAT_TOLERANCE = 1e-5  # relative spread of a curve whose weights never moved (summation order only)
ROSE_AGAIN_FACTOR = 2.0  # ending this many times above its lowest point: it went back up
SAME_BAND = 1.1  # within this factor of the correct loop: the same result


class Course(StrEnum):
    """What the buggy loop's training loss did; each value is a catalogue key's suffix."""

    DIVERGED = "diverged"  # a loss became infinite or nan: the loop stopped
    IDENTICAL = "identical"  # exactly the correct loop's losses
    FLAT = "flat"  # unchanged from the first epoch to the last: the weights never moved
    WENT_UP = "went_up"  # ended above where it started
    ROSE_AGAIN = "rose_again"  # went down, then back up to twice its lowest or more
    HIGHER = "higher"  # went down, but ended above the correct loop
    LIKE_CORRECT = "like_correct"  # went down to the correct loop's loss, within 10 %
    LOWER = "lower"  # went down below the correct loop


@dataclass(frozen=True)
class Outcome:
    kind: Course
    epochs: int  # epochs the buggy loop ran
    first: float  # its loss at epoch 1
    last: float  # at its last epoch (not finite when it diverged)
    lowest: float
    lowest_epoch: int
    correct_first: float
    correct_last: float  # the correct loop's loss at that same epoch, or its last if it stopped sooner
    correct_epoch: int  # the epoch of correct_last

    @property
    def ratio(self) -> float:
        """The buggy loop's last loss over the correct loop's, at the same epoch."""
        return self.last / self.correct_last if self.correct_last > 0 else float("inf")


def outcome(buggy: list[float], correct: list[float], diverged: bool) -> Outcome:
    """Classify the buggy loop's training-loss curve, epoch by epoch, against the correct one's."""
    epochs = len(buggy)
    finite = buggy[:-1] if diverged else buggy
    lowest = min(finite) if finite else float("nan")
    reference = correct[: min(epochs, len(correct))]
    numbers = {
        "epochs": epochs,
        "first": buggy[0],
        "last": buggy[-1],
        "lowest": lowest,
        "lowest_epoch": finite.index(lowest) + 1 if finite else 1,
        "correct_first": reference[0],
        "correct_last": reference[-1],
        "correct_epoch": len(reference),
    }
    first, last = buggy[0], buggy[-1]
    if diverged:
        kind = Course.DIVERGED
    elif buggy == reference:
        kind = Course.IDENTICAL
    elif max(buggy) - min(buggy) <= FLAT_TOLERANCE * abs(first):
        kind = Course.FLAT
    elif last > first:
        kind = Course.WENT_UP
    elif last >= ROSE_AGAIN_FACTOR * lowest:
        kind = Course.ROSE_AGAIN
    elif last > SAME_BAND * reference[-1]:
        kind = Course.HIGHER
    elif last * SAME_BAND < reference[-1]:
        kind = Course.LOWER
    else:
        kind = Course.LIKE_CORRECT
    return Outcome(kind, **numbers)


# Plain steps (lr × gradient) or steps divided by the gradients' running size.
FAMILIES = {
    "sgd": "sgd",
    "momentum": "sgd",
    "nesterov": "sgd",
    "adagrad": "adaptive",
    "rmsprop": "adaptive",
    "adam": "adaptive",
    "adamw": "adaptive",
}
# The mistakes that act through the optimizer's step: their explanation depends on its family.
STEP_MISTAKES = (Bug.NO_ZERO_GRAD, Bug.HUGE_LR)
# The optimizer that shows each of those mistakes most clearly: plain SGD, whose step is
# lr × gradient, so a summed gradient or a ×100 rate makes the step that much larger.
RECOMMENDED: dict[Bug, OptimizerSpec] = {bug: OptimizerSpec("sgd", lr=0.05) for bug in STEP_MISTAKES}


def why_key(bug: Bug, optimizer_kind: str) -> str:
    """The catalogue key of the explanation of `bug` for this optimizer."""
    if bug in STEP_MISTAKES:
        return f"boucle.bugs.{bug}_why_{FAMILIES[optimizer_kind]}"
    return f"boucle.bugs.{bug}_why"


# --- The lab's question: "what will this bug do?" ---------------------------------------


class Prediction(StrEnum):
    """What a learner can predict of the buggy loop's training loss; each value is a
    catalogue key's suffix. Two courses a learner cannot tell apart share one answer."""

    DIVERGES = "diverges"
    FLAT = "flat"
    GOES_UP = "goes_up"
    ENDS_HIGHER = "ends_higher"
    LIKE_CORRECT = "like_correct"
    ENDS_LOWER = "ends_lower"


PREDICTIONS = tuple(Prediction)
ANSWER: dict[Course, Prediction] = {
    Course.DIVERGED: Prediction.DIVERGES,
    Course.IDENTICAL: Prediction.LIKE_CORRECT,
    Course.FLAT: Prediction.FLAT,
    Course.WENT_UP: Prediction.GOES_UP,
    Course.ROSE_AGAIN: Prediction.GOES_UP,
    Course.HIGHER: Prediction.ENDS_HIGHER,
    Course.LIKE_CORRECT: Prediction.LIKE_CORRECT,
    Course.LOWER: Prediction.ENDS_LOWER,
}
CLEAR_MARGIN = 0.05  # an answer this close (relatively) to a boundary between two answers is a coin toss


def _far(value: float, boundary: float) -> bool:
    """`value` is more than CLEAR_MARGIN away from `boundary`, relatively."""
    return abs(value - boundary) > CLEAR_MARGIN * abs(boundary)


def clear_cut(result: Outcome) -> bool:
    """Whether the run's answer is unambiguous: no number that decides it sits near the
    threshold that separates it from another answer (the sentence shows three digits)."""
    kind = result.kind
    if kind in (Course.DIVERGED, Course.IDENTICAL, Course.FLAT):
        return True
    if not (math.isfinite(result.last) and math.isfinite(result.correct_last)):
        return False
    if kind is Course.WENT_UP:
        return _far(result.last, result.first)
    if kind is Course.ROSE_AGAIN:
        return _far(result.last, ROSE_AGAIN_FACTOR * result.lowest)
    # Went down: clearly below its start, clearly below a rise back, clearly in its band.
    if not (_far(result.last, result.first) and _far(result.last, ROSE_AGAIN_FACTOR * result.lowest)):
        return False
    return _far(result.last, SAME_BAND * result.correct_last) and _far(result.last * SAME_BAND, result.correct_last)


def zero_grad_quiz_answer(first: float, last: float, diverged: bool) -> str | None:
    """The final quiz's answer for a loop without zero_grad(): "diverges", "goes_up",
    "stalls" or "goes_down"; None when the loss ends too near a boundary to say."""
    if diverged:
        return "diverges"
    ratio = last / first
    if ratio > 1 + CLEAR_MARGIN:
        return "goes_up"
    if ratio >= 1 - CLEAR_MARGIN:
        return "stalls"
    if ratio < 1 - 3 * CLEAR_MARGIN:
        return "goes_down"
    return None  # between 0.85 and 0.95 of its start: "stalls" and "goes down" both fit
