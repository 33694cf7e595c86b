"""Shared by every test layer: the crash guard (tests/crash_guard.py), autouse."""

from components.torch_setup import configure_torch
from tests.crash_guard import crash_guard, pytest_runtest_makereport

# One CPU thread per tensor operation, as in the app: the exercises' time budget is
# measured on the clock, and the tests then time what the server does.
configure_torch()

pytest_plugins = ["pytester"]  # the guard's own tests run small test files with it

__all__ = ["crash_guard", "pytest_runtest_makereport"]
