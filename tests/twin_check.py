"""Test helper for code twins: run the script a page shows, compare what it prints.

A twin script prints its results as `name = value` lines; `assert_twin_matches`
runs it in a fresh Python process and fails when a value differs from the one the
page computed, when a name is missing, or when the script itself fails.
"""

import math
import subprocess
import sys
from collections.abc import Mapping


def printed_values(stdout: str) -> dict[str, str]:
    """`name = value` lines of a script's output; other lines are ignored."""
    values = {}
    for line in stdout.splitlines():
        name, separator, value = line.partition(" = ")
        if separator and name.strip():
            values[name.strip()] = value.strip()
    return values


def run_twin(script: str, timeout: float = 120) -> dict[str, str]:
    """Run `script` with this interpreter, as a learner would run the downloaded file."""
    completed = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, timeout=timeout)
    if completed.returncode != 0:
        raise AssertionError(f"the code twin failed:\n{completed.stderr}\n--- script ---\n{script}")
    return printed_values(completed.stdout)


def assert_twin_matches(
    script: str, expected: Mapping[str, float | str], rel_tol: float = 1e-6, abs_tol: float = 1e-6
) -> None:
    """Numbers must agree within the tolerances; anything else must be equal as text."""
    printed = run_twin(script)
    for name, page_value in expected.items():
        assert name in printed, f"the code twin never prints {name!r}; it printed {printed}"
        if isinstance(page_value, (int, float)):
            twin_value = float(printed[name])
            assert math.isclose(twin_value, page_value, rel_tol=rel_tol, abs_tol=abs_tol), (
                f"{name}: the page shows {page_value}, its code twin prints {twin_value}"
            )
        else:
            assert printed[name] == str(page_value), (
                f"{name}: the page shows {page_value!r}, its code twin prints {printed[name]!r}"
            )
