"""Grading speed: the training-loop exercise's correct answer graded through the
allowlist interpreter, against the same work written in plain Python.

The exercise is boucle_entrainement.training_loop (20 epochs of 3 batches, a small MLP
on the two moons). Two comparisons, each a median of REPEATS runs, interleaved:
- `grade` (the setup, the answer and the check, all as the app runs them) against a
  plain function doing the same: the setup's lines, the loop and the check in Python;
- `run_program` on the answer alone against the same loop as a Python function, both
  on fresh objects from the same setup.
Target: at most 1.2 times the plain figure (the interpreter's overhead). Torch runs
one thread per operation, as in the server (components/torch_setup.py).

Run alone: .venv/bin/python -m bench.exercises
"""

import time
from collections.abc import Callable, Mapping
from functools import partial

import torch
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

from bench.harness import median
from components.exercise import grade, reference_names, run_setup
from components.learner_code import run_program
from components.torch_setup import configure_torch
from lessons.boucle_entrainement.exercises import TRAINING_LOOP

REPEATS = 15
TARGET = 1.2
MEASURED = ("grade", "plain grade", "setup", "run_program", "check", "plain loop")


def plain_setup() -> dict[str, object]:
    """The exercise's setup, line for line, run by Python."""
    torch.manual_seed(1)
    angles = torch.rand(200) * 3.1416
    upper = torch.stack([torch.cos(angles[:100]), torch.sin(angles[:100])], dim=1)
    lower = torch.stack([1 - torch.cos(angles[100:]), 0.5 - torch.sin(angles[100:])], dim=1)
    x = torch.cat([upper, lower]) + 0.1 * torch.randn(200, 2)
    y = torch.cat([torch.zeros(100, dtype=torch.long), torch.ones(100, dtype=torch.long)])
    x_train = torch.cat([x[:80], x[100:180]])
    y_train = torch.cat([y[:80], y[100:180]])
    x_val = torch.cat([x[80:100], x[180:]])
    y_val = torch.cat([y[80:100], y[180:]])
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=64, shuffle=True)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=0.1)
    return {
        "x_train": x_train,
        "y_train": y_train,
        "x_val": x_val,
        "y_val": y_val,
        "loader": loader,
        "model": model,
        "loss_fn": loss_fn,
        "optimizer": optimizer,
    }


def plain_loop(names: Mapping[str, object]) -> None:
    """The reference answer (lessons/boucle_entrainement/exercises.py, LOOP_SOLUTION) in Python."""
    model, loader, loss_fn, optimizer = names["model"], names["loader"], names["loss_fn"], names["optimizer"]
    for epoch in range(20):  # noqa: B007 (the learner's loop variable, kept as written)
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()


def plain_grade() -> bool:
    """What grade does, in Python: setup, the loop, the exercise's own check."""
    names = plain_setup()
    plain_loop(names)
    return not TRAINING_LOOP.check(names, TRAINING_LOOP.solution)


def timed(function: Callable[[], object]) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this thread, result): torch runs one thread per
    operation here, so the CPU time is the work itself, less disturbed than the wall
    time by other processes sharing the cores."""
    wall, cpu = time.perf_counter(), time.thread_time()
    result = function()
    return time.perf_counter() - wall, time.thread_time() - cpu, result


def same_setup() -> None:
    """The plain setup builds exactly the interpreter's data and initial weights."""
    interpreted, plain = run_setup(TRAINING_LOOP), plain_setup()
    for name in ("x_train", "y_train", "x_val", "y_val"):
        assert torch.equal(interpreted[name], plain[name]), name
    for a, b in zip(interpreted["model"].parameters(), plain["model"].parameters(), strict=True):
        assert torch.equal(a, b)


def first_optimizer_seconds() -> float:
    """torch imports torch._dynamo when the process builds its first optimizer: seconds the
    first setup of an exercise would spend, within the interpreter's time budget, unless
    the app has built one before."""
    seconds, _, _ = timed(lambda: optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1))
    return seconds


def measure() -> dict[str, list[tuple[float, float]]]:
    exercise, answer = TRAINING_LOOP, TRAINING_LOOP.solution
    program = exercise.runnable(answer)
    reference_names(exercise.exercise_id)  # the check's reference, computed once per process
    assert grade(exercise, answer).passed and plain_grade()  # warm-up: torch's lazy imports, caches
    same_setup()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in MEASURED}

    def record(name: str, function: Callable[[], object]) -> object:
        wall, cpu, result = timed(function)
        times[name].append((wall, cpu))
        return result

    for _ in range(REPEATS):
        assert record("grade", partial(grade, exercise, answer)).passed
        assert record("plain grade", plain_grade)
        names = record("setup", partial(run_setup, exercise))
        outcome = record("run_program", partial(run_program, program, names))
        assert outcome.error is None
        record("check", partial(exercise.check, outcome.names, answer))
        record("plain loop", partial(plain_loop, plain_setup()))
    return times


def exercises_table() -> str:
    configure_torch()
    cold = first_optimizer_seconds()
    times = measure()
    wall = {name: median([w for w, _ in values]) * 1000 for name, values in times.items()}
    cpu = {name: median([c for _, c in values]) * 1000 for name, values in times.items()}

    def row(label: str, name: str, plain: str | None) -> str:
        cells = f"| {label} | {wall[name]:.1f} ms | {cpu[name]:.1f} ms |"
        if plain is None:
            return cells + " | |"
        return cells + (
            f" {wall[plain]:.1f} ms / {cpu[plain]:.1f} ms | {wall[name] / wall[plain]:.2f}x / "
            f"{cpu[name] / cpu[plain]:.2f}x |"
        )

    ratios = (cpu["grade"] / cpu["plain grade"], cpu["run_program"] / cpu["plain loop"])
    lines = [
        f"Exercise {TRAINING_LOOP.exercise_id}, reference answer, medians of {REPEATS} "
        f"(torch threads = {torch.get_num_threads()}); target: at most {TARGET}x plain Python.",
        "",
        "| measured | wall | CPU | plain Python (wall / CPU) | ratio (wall / CPU) |",
        "|---|---|---|---|---|",
        row("grade (setup + answer + check)", "grade", "plain grade"),
        row("run_program (the answer alone)", "run_program", "plain loop"),
        row("setup alone (interpreted)", "setup", None),
        row("check alone", "check", None),
        "",
        f"Cold start, not in the figures: the process's first optimizer took {cold * 1000:.0f} ms "
        "(torch imports torch._dynamo then).",
        f"Target {'met' if max(ratios) <= TARGET else 'MISSED'} (CPU time): grade {ratios[0]:.2f}x, "
        f"interpreter {ratios[1]:.2f}x.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(exercises_table())
