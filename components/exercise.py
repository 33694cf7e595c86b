"""Exercises: the learner writes PyTorch, the allowlist interpreter runs it on real
tensors (components/learner_code.py), and checks compare what it produced with what
the exercise expects. Pure: no streamlit here (the panel is components/exercise_panel.py).

An exercise is data (lessons/<topic>/exercises.py): a trusted `setup` (imports and
data, run by the same interpreter so that it is also the start of the downloadable
script), the learner's part, and a `check` that reads the names the run left and
returns the differences as Feedback, in the learner's terms. Three kinds:
- "line":    the learner writes the line that replaces `___` in `template`;
- "parsons": the learner puts `lines` in order (some are distractors); they replace `___`;
- "block":   the learner writes the whole program, starting from `template`.
"""

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache

import torch

from components.learner_code import LearnerCodeError, Outcome, run_program, torch_error_hint

BLANK = "___"  # the line of `template` the learner's answer replaces
KINDS = ("line", "parsons", "block")


@dataclass(frozen=True)
class Feedback:
    """One message for the learner: `key` names a locale string, `values` fill it."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)


# The names the run left and the learner's program (for the few things no run shows,
# such as which line is missing); [] when the run did what the exercise asks.
Check = Callable[[Mapping[str, object], str], list[Feedback]]


@dataclass(frozen=True)
class WrongSolution:
    """A mistake a learner makes, and the feedback key the grader must answer with."""

    answer: str
    expected_key: str


@dataclass(frozen=True)
class Exercise:
    exercise_id: str  # "<page_id>.<name>"; its texts are exercises.<exercise_id>.{title,statement,hint}
    kind: str  # one of KINDS
    setup: str  # trusted source run first (imports, data, model): the script's first lines
    template: str  # "line"/"parsons": the program with a `___` line; "block": the starter code
    solution: str  # the reference answer (for "parsons": the right lines in order, one per line)
    key_line: str  # the second hint: the line that unlocks the exercise
    check: Check
    wrong: tuple[WrongSolution, ...]
    lines: tuple[str, ...] = ()  # "parsons": every line offered, distractors included, in display order
    distractors: Mapping[str, str] = field(default_factory=dict)  # "parsons": line -> feedback key
    outputs: tuple[str, ...] = ()  # the names `check` reads (the Python-agreement tests save them)
    epilogue: str = ""  # trusted lines run after the learner's, e.g. calling the function they wrote on test data
    forbidden: Mapping[str, str] = field(default_factory=dict)  # regex on the learner's code -> feedback key

    @property
    def page_id(self) -> str:
        return self.exercise_id.split(".", 1)[0]

    def program(self, answer: str) -> str:
        """The learner's part as it runs: the answer, or the template with the answer in its blank."""
        if self.kind == "block":
            return answer
        lines = []
        for line in self.template.splitlines():
            if line.strip() == BLANK:
                indent = line[: len(line) - len(line.lstrip())]
                lines.extend(indent + answer_line for answer_line in answer.splitlines())
            else:
                lines.append(line)
        return "\n".join(lines)

    def runnable(self, answer: str) -> str:
        """What the interpreter runs after the setup: the learner's program, then the epilogue."""
        program = self.program(answer).rstrip()
        return f"{program}\n\n{self.epilogue.rstrip()}\n" if self.epilogue else f"{program}\n"

    def script(self, answer: str) -> str:
        """A runnable Python file: the setup, then the learner's program (and the epilogue's calls)."""
        return f"{self.setup.rstrip()}\n\n{self.runnable(answer)}"

    def solved_script(self, answer: str) -> str:
        """The script a learner downloads once solved: it ends by printing what was checked."""
        shown = "\n".join(f"print({name!r}, '=', {name})" for name in self.outputs)
        return f"{self.script(answer)}\n{shown}\n" if shown else self.script(answer)


@dataclass(frozen=True)
class Grade:
    passed: bool
    feedback: tuple[Feedback, ...]  # empty when passed, else what differs or the error
    output: str  # what the program printed
    error_line: int | None  # the line of the learner's program an error points at
    program: str  # the text that ran, for display with its line numbers


def run_setup(exercise: Exercise) -> dict[str, object]:
    """A fresh copy of the exercise's data: the setup runs anew for every attempt, so
    no attempt sees what another did to the model or the tensors."""
    outcome = run_program(exercise.setup, {})
    if outcome.error is not None:  # the setup is ours: an error in it is a bug, not a learner's mistake
        raise RuntimeError(f"setup of {exercise.exercise_id} failed: {outcome.error.key} {outcome.error.values}")
    return outcome.names


def run_answer(exercise: Exercise, answer: str) -> Outcome:
    return run_program(exercise.runnable(answer), run_setup(exercise))


def grade(exercise: Exercise, answer: str) -> Grade:
    """Run the learner's answer and say what differs from what the exercise asks."""
    program = exercise.program(answer)
    if not answer.strip():
        return Grade(False, (Feedback("exercise.empty_answer"),), "", None, program)
    outcome = run_answer(exercise, answer)
    feedback = static_feedback(exercise, answer)
    if outcome.error is not None:
        line = outcome.error.line
        if line is not None and line > len(program.splitlines()):  # in the epilogue: the call of the learner's code
            line = None
            feedback.insert(0, Feedback("exercise.error_in_check"))
        feedback[:0] = error_feedback(outcome.error)
        return Grade(False, tuple(feedback), outcome.output, line, program)
    feedback.extend(exercise.check(outcome.names, program))
    return Grade(not feedback, tuple(feedback), outcome.output, None, program)


def static_feedback(exercise: Exercise, answer: str) -> list[Feedback]:
    """What the text alone shows: a distractor line chosen, a forbidden call written."""
    chosen = {line.strip() for line in answer.splitlines()}
    program = exercise.program(answer)
    keys = [key for line, key in exercise.distractors.items() if line.strip() in chosen]
    keys += [key for pattern, key in exercise.forbidden.items() if mentions(program, pattern)]
    return [Feedback(key) for key in dict.fromkeys(keys)]  # two distractors may share their reason: said once


# Python's syntax errors are in English: the commonest get a line in the learner's language.
SYNTAX_HINTS = (
    (re.compile(r"was never closed|unexpected EOF|unmatched|does not match opening"), "code.hint.syntax_brackets"),
    (re.compile(r"indent", re.IGNORECASE), "code.hint.syntax_indent"),
    (re.compile(r"expected ':'"), "code.hint.syntax_colon"),
)


def error_feedback(error: LearnerCodeError) -> list[Feedback]:
    """The interpreter's refusal, PyTorch's error or Python's syntax error (their own
    message kept), then a one-line explanation when the error is a common one."""
    values = dict(error.values)
    feedback = [Feedback(error.key, values)]
    message = str(values.get("message", ""))
    if error.key == "code.torch_error":
        hint = torch_error_hint(message)
    elif error.key == "code.syntax":
        hint = next((key for pattern, key in SYNTAX_HINTS if pattern.search(message)), None)
    else:
        hint = None
    if hint is not None:
        feedback.append(Feedback(hint))
    return feedback


@cache
def reference_names(exercise_id: str) -> Mapping[str, object]:
    """What the reference solution leaves, computed once per exercise (the checks compare
    with it; nothing may change it)."""
    exercise = find_exercise(exercise_id)
    outcome = run_answer(exercise, exercise.solution)
    if outcome.error is not None:
        raise RuntimeError(f"reference of {exercise_id} failed: {outcome.error.key} {outcome.error.values}")
    return outcome.names


_REGISTRY: dict[str, Exercise] = {}


def register(*exercises: Exercise) -> tuple[Exercise, ...]:
    """Lessons register their exercises here, so that checks can find their reference by id."""
    for exercise in exercises:
        if exercise.kind not in KINDS:
            raise ValueError(f"{exercise.exercise_id}: unknown kind {exercise.kind!r}")
        _REGISTRY[exercise.exercise_id] = exercise
    return exercises


def find_exercise(exercise_id: str) -> Exercise:
    return _REGISTRY[exercise_id]


# --- Checks the lessons compose ---------------------------------------------------------


def shape_text(shape: torch.Size | tuple[int, ...]) -> str:
    """(3, 4), (3,) or () as Python writes a tuple: what `x.shape` reads like to a learner."""
    dims = tuple(shape)
    return "(" + ", ".join(map(str, dims)) + ("," if len(dims) == 1 else "") + ")"


def number_text(value: float) -> str:
    return f"{value:.4g}"


def type_text(value: object) -> str:
    return type(value).__name__


def _differs(key: str, name: str, got: object, expected: object) -> list[Feedback]:
    return [Feedback(key, {"name": name, "got": got, "expected": expected})]


def compare_tensor(
    names: Mapping[str, object],
    name: str,
    expected: torch.Tensor,
    *,
    values: bool = True,
    requires_grad: bool | None = None,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> list[Feedback]:
    """The first way the learner's `name` differs from `expected`: missing, not a tensor,
    shape, dtype, device, requires_grad, then the values (the largest gap)."""
    if name not in names:
        return [Feedback("exercise.missing_name", {"name": name})]
    got = names[name]
    if not isinstance(got, torch.Tensor):
        return [Feedback("exercise.not_a_tensor", {"name": name, "type": type_text(got)})]
    if got.shape != expected.shape:
        return [
            Feedback(
                "exercise.wrong_shape",
                {"name": name, "got": shape_text(got.shape), "expected": shape_text(expected.shape)},
            )
        ]
    if got.dtype != expected.dtype:
        return [
            Feedback("exercise.wrong_dtype", {"name": name, "got": str(got.dtype), "expected": str(expected.dtype)})
        ]
    if got.device.type != expected.device.type:
        return [
            Feedback("exercise.wrong_device", {"name": name, "got": str(got.device), "expected": str(expected.device)})
        ]
    if requires_grad is not None and got.requires_grad != requires_grad:
        key = "exercise.needs_requires_grad" if requires_grad else "exercise.no_requires_grad"
        return [Feedback(key, {"name": name})]
    if values and not _close(got, expected, atol, rtol):
        return [Feedback("exercise.wrong_values", {"name": name, "gap": number_text(_largest_gap(got, expected))})]
    return []


def compare_grad(
    names: Mapping[str, object], name: str, expected: torch.Tensor, *, atol: float = 1e-5, rtol: float = 1e-4
) -> list[Feedback]:
    """`name.grad` filled by backward() and equal to `expected`."""
    if name not in names or not isinstance(names[name], torch.Tensor):
        return compare_tensor(names, name, expected, values=False)
    grad = names[name].grad
    if grad is None:
        return [Feedback("exercise.grad_missing", {"name": name})]
    if grad.shape != expected.shape or not _close(grad, expected, atol, rtol):
        return [
            Feedback(
                "exercise.wrong_grad",
                {"name": name, "got": _values_text(grad), "expected": _values_text(expected)},
            )
        ]
    return []


def compare_number(
    names: Mapping[str, object], name: str, expected: float, *, atol: float = 1e-5, rtol: float = 1e-4
) -> list[Feedback]:
    """A Python number, or a tensor of one element (what `.item()` would give)."""
    if name not in names:
        return [Feedback("exercise.missing_name", {"name": name})]
    got = names[name]
    if isinstance(got, torch.Tensor) and got.numel() == 1:
        got = got.detach().item()
    if not isinstance(got, (int, float)) or isinstance(got, bool):
        return [Feedback("exercise.not_a_number", {"name": name, "type": type_text(got)})]
    if not math.isclose(got, expected, rel_tol=rtol, abs_tol=atol):
        return [
            Feedback(
                "exercise.wrong_number", {"name": name, "got": number_text(got), "expected": number_text(expected)}
            )
        ]
    return []


def _close(got: torch.Tensor, expected: torch.Tensor, atol: float, rtol: float) -> bool:
    got, expected = got.detach().cpu(), expected.detach().cpu()
    if got.dtype.is_floating_point or expected.dtype.is_floating_point:
        return torch.allclose(got.double(), expected.double(), atol=atol, rtol=rtol, equal_nan=False)
    return torch.equal(got, expected)


def _largest_gap(got: torch.Tensor, expected: torch.Tensor) -> float:
    return (got.detach().cpu().double() - expected.detach().cpu().double()).abs().max().item()


def _values_text(tensor: torch.Tensor, limit: int = 6) -> str:
    """A short, readable view of a few values: 4.0 or [1.0, -2.5, …]."""
    flat = tensor.detach().cpu().flatten().tolist()
    if len(flat) == 1:
        return number_text(flat[0])
    shown = ", ".join(number_text(value) for value in flat[:limit])
    return f"[{shown}{', …' if len(flat) > limit else ''}]"


def mentions(program: str, pattern: str) -> bool:
    """Whether the program's text contains `pattern` as code (a regex), comments left out:
    for the few checks no run can make ("without torch.nn")."""
    code = "\n".join(line.split("#", 1)[0] for line in program.splitlines())
    return re.search(pattern, code) is not None
