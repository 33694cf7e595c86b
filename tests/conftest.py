"""Shared by every test layer: the crash guard (tests/crash_guard.py), autouse, and the store's databases."""

import os
import tempfile
from pathlib import Path

import pytest

from components.database import make_engine
from components.torch_setup import configure_torch
from tests.crash_guard import crash_guard, pytest_runtest_makereport
from tests.postgres_server import find_bindir, fresh_database, postgres_server

# One CPU thread per tensor operation, as in the app: the exercises' time budget is
# measured on the clock, and the tests then time what the server does.
configure_torch()

pytest_plugins = ["pytester"]  # the guard's own tests run small test files with it

__all__ = ["crash_guard", "pytest_runtest_makereport"]

# No test writes the app's own database (data/classe.sqlite3): unless a test or the
# caller names another, every AppTest and every server the tests start uses this file.
if "PYTORCH_COURSE_DATABASE_URL" not in os.environ:
    _TEST_DATABASE = Path(tempfile.mkdtemp(prefix="pytorch-course-db-")) / "tests.sqlite3"
    os.environ["PYTORCH_COURSE_DATABASE_URL"] = f"sqlite:///{_TEST_DATABASE}"

NO_POSTGRES = (
    "PostgreSQL's server binaries (initdb, pg_ctl) are missing: `apt-get install postgresql` "
    "(.ci/run does), or deselect these tests with `-m 'not postgres'`."
)


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL server for the session (tests/postgres_server.py): its URL, as a string."""
    bindir = find_bindir()
    if bindir is None:
        # CI must run the PostgreSQL tests: a missing server fails there instead of skipping unseen.
        if os.environ.get("CI"):
            pytest.fail(NO_POSTGRES)
        pytest.skip(NO_POSTGRES)
    with postgres_server(bindir) as url:
        yield url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """An empty database of each back end the store supports: a SQLite file, or a new database on the server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    # Asked for here, not as an argument: a run of the SQLite tests alone starts no server.
    with fresh_database(request.getfixturevalue("postgres_url")) as url:
        yield url.render_as_string(hide_password=False)


@pytest.fixture
def store_engine(database_url):
    """The engine the app makes (components.database.make_engine: SQLite's settings, the migration) on database_url."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()
