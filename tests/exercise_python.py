"""The oracle for the interpreter: an exercise's answer run by Python itself, as the
downloadable script, in a subprocess; the names its check reads come back through
torch.save (trusted: the answers are the tests' own)."""

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import torch

from components.exercise import Exercise

TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class PythonRun:
    names: dict[str, object]  # the exercise's outputs, when the script ran to the end
    exception: str | None  # the class name of what it raised, e.g. "RuntimeError"
    stderr: str


def run_with_python(exercise: Exercise, answer: str) -> PythonRun:
    with tempfile.TemporaryDirectory() as folder:
        saved = Path(folder) / "outputs.pt"
        outputs = f"{{name: value for name, value in globals().items() if name in {exercise.outputs!r}}}"
        dump = f"\nimport torch as _torch_for_the_test\n_torch_for_the_test.save({outputs}, {str(saved)!r})\n"
        result = subprocess.run(
            [sys.executable, "-c", exercise.script(answer) + dump],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            cwd=folder,
        )
        if result.returncode != 0:
            last = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
            return PythonRun({}, last.split(":", 1)[0].rsplit(".", 1)[-1] or "?", result.stderr)
        return PythonRun(torch.load(saved, weights_only=False), None, result.stderr)
