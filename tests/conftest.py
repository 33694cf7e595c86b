"""Shared by every test layer: the crash guard (tests/crash_guard.py), autouse."""

from tests.crash_guard import crash_guard, pytest_runtest_makereport

pytest_plugins = ["pytester"]  # the guard's own tests run small test files with it

__all__ = ["crash_guard", "pytest_runtest_makereport"]
