"""The crash guard: a page that crashed fails the test that ran it, whatever the test asserts.

components/errors.py turns every exception of a page into a friendly message and a
line on the server's log, so a crashed page looks healthy to `assert not app.exception`.
The guard, autouse in tests/conftest.py, fails a test when any AppTest run of it:

- logged on the app's logger ("apprendre_pytorch", or a child) at ERROR or above: the
  guard reads every record as it is created (a log record factory), before any filter,
  so components/log_limits.py, which drops repeated lines, cannot hide one;
- shows the friendly message (`error.unexpected`, in any of the catalogues' languages),
  even with nothing logged;
- ended on an exception Streamlit caught itself (`app.exception`).

Every run is checked, whatever started it (`app.run()`, `widget.set_value(...).run()`,
`switch_page(...).run()`): all go through `AppTest._run`, which the guard wraps. The
failure names the page, the URL (the widgets' values live there) and the logged traceback.
A test that swallowed that failure still fails at teardown, and so does a test that logged
an error outside AppTest.

A test that provokes the friendly error on purpose says so with
`@pytest.mark.expects_friendly_error` (optionally naming the places it expects, e.g.
`expects_friendly_error("test")`, the `where` of `friendly_errors`); it must still assert
the message itself, and it fails if no friendly error appeared at all (a stale marker).
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components import log_limits
from components.errors import LOGGER
from components.i18n import LANGUAGES, catalogue

MARKER = "expects_friendly_error"
FRIENDLY_MESSAGES = tuple(catalogue(lang)["error.unexpected"] for lang in LANGUAGES)
CALL_REPORT = pytest.StashKey[pytest.TestReport]()
HINT = (
    f"A test that provokes this on purpose is marked @pytest.mark.{MARKER} and asserts the message; "
    "otherwise this is a crash of the app."
)


def is_crash_record(record: logging.LogRecord) -> bool:
    """A line the app logs when something went wrong: ERROR or above on its logger."""
    return record.levelno >= logging.ERROR and (record.name == LOGGER.name or record.name.startswith(LOGGER.name + "."))


def record_where(record: logging.LogRecord) -> str | None:
    """The `where` of friendly_errors ("autograd", "router", ...): the record's argument."""
    args = record.args
    return args[0] if isinstance(args, tuple) and len(args) == 1 and isinstance(args[0], str) else None


def friendly_shown(app: AppTest) -> list[str]:
    """The st.error texts of the last run that carry the friendly message."""
    return [error.value for error in app.error if any(message in str(error.value) for message in FRIENDLY_MESSAGES)]


def describe_record(record: logging.LogRecord) -> str:
    text = f"logged on {record.name!r} at {record.levelname}: {record.getMessage()}"
    if record.exc_info:
        text += "\n" + logging.Formatter().formatException(record.exc_info)
    elif record.exc_text:
        text += "\n" + record.exc_text
    return text


def describe_exception(exception: Any) -> str:
    """An exception Streamlit caught (st.exception element). With the app's
    client.showErrorDetails = "none" its text is redacted: Streamlit's own log line
    "Uncaught app execution", in pytest's captured log, has the traceback."""
    return "\n".join(["uncaught exception (Streamlit's own error box): " + exception.message, *exception.stack_trace])


def describe_page(app: AppTest) -> str:
    """Which page the run ended on, and its URL: url_state keeps the widgets' values there."""
    page = str(getattr(app, "_script_path", "?"))
    try:
        info = app._registered_pages.get(app._finished_page_script_hash) or {}
        page = str(info.get("script_path") or page)
    except AttributeError:  # a Streamlit whose AppTest keeps these elsewhere: the script is enough
        pass
    return f"page {page}, URL query {dict(app.query_params)!r}"


def crash_report(
    app: AppTest,
    records: list[logging.LogRecord],
    expected_wheres: tuple[str, ...] | None = None,
) -> str | None:
    """What went wrong in one AppTest run, or None when it was healthy.

    `expected_wheres` is None for an ordinary test (any friendly error is a crash); for a
    test marked expects_friendly_error it is the places named by the marker (empty: any):
    the friendly message and the records of those places are then expected.
    """
    problems = []
    for record in records:
        where = record_where(record)
        if expected_wheres is not None and (not expected_wheres or where in expected_wheres):
            continue
        problems.append(describe_record(record))
    if expected_wheres is None:
        problems += [f"the page shows the friendly error: «{text}»" for text in friendly_shown(app)]
    problems += [describe_exception(exception) for exception in app.exception]
    if not problems:
        return None
    body = "\n".join(f"- {problem}" for problem in problems)
    return f"A page crashed during an AppTest run ({describe_page(app)}):\n{body}\n{HINT}"


class CrashGuard:
    """One test's watch: the app's error records, and the crashes already reported."""

    def __init__(self, expected_wheres: tuple[str, ...] | None) -> None:
        self.expected_wheres = expected_wheres  # None: the test is not marked
        self.expected_seen = 0  # friendly errors seen by a marked test
        self.reports: list[str] = []  # crashes reported in this test (the test must fail)
        self.seen: list[logging.LogRecord] = []  # every error record of this test, for health checks
        self._records: list[logging.LogRecord] = []
        self._lock = threading.Lock()

    def collect(self, record: logging.LogRecord) -> None:
        with self._lock:
            self._records.append(record)
            self.seen.append(record)

    def take_records(self) -> list[logging.LogRecord]:
        with self._lock:
            records, self._records = self._records, []
        return records

    def check_run(self, app: AppTest) -> None:
        """After each AppTest run: fail the test now if the run crashed."""
        __tracebackhide__ = True
        records = self.take_records()
        if self.expected_wheres is not None:
            self.expected_seen += len(friendly_shown(app)) + len(records)
        report = crash_report(app, records, self.expected_wheres)
        if report:
            self.reports.append(report)
            pytest.fail(report)

    @contextmanager
    def must_fail(self) -> Iterator[Any]:
        """For the guard's own tests: the runs inside must be reported as a crash; the
        report is then settled (the test does not fail at teardown for it)."""
        reported = len(self.reports)
        with pytest.raises(pytest.fail.Exception) as caught:
            yield caught
        del self.reports[reported:]

    def check_teardown(self, call: pytest.TestReport | None) -> None:
        __tracebackhide__ = True
        leftover = self.take_records()  # logged outside any AppTest run (a unit test, a thread)
        if self.expected_wheres is not None:
            self.expected_seen += len(leftover)
            wheres = self.expected_wheres
            leftover = [record for record in leftover if wheres and record_where(record) not in wheres]
        if call is None or call.failed:  # the test already failed (or never ran): nothing to add
            return
        if leftover:
            body = "\n".join(f"- {describe_record(record)}" for record in leftover)
            pytest.fail(f"The app logged an error outside any AppTest run:\n{body}\n{HINT}")
        if self.reports:
            pytest.fail(
                "A crash was reported during this test but the test passed (was the failure caught?):\n"
                + "\n".join(self.reports)
            )
        if self.expected_wheres is not None and not self.expected_seen:
            pytest.fail(f"This test is marked {MARKER} but no friendly error appeared: drop the marker or fix the test")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    report = yield
    if report.when == "call":
        item.stash[CALL_REPORT] = report
    return report


@pytest.fixture(autouse=True)
def crash_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[CrashGuard]:
    marker = request.node.get_closest_marker(MARKER)
    guard = CrashGuard(None if marker is None else tuple(marker.args))
    assert LOGGER.isEnabledFor(logging.ERROR), f"the logger {LOGGER.name!r} must not be silenced in tests"

    # Each test starts with fresh repeat-limit windows: another test's crashes, logged on
    # purpose, must not use up this test's lines (tests read them with caplog).
    monkeypatch.setattr(log_limits.REPEAT_LIMIT, "_windows", {})

    make_record = logging.getLogRecordFactory()

    def watching_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if is_crash_record(record):
            guard.collect(record)
        return record

    real_run = AppTest._run

    def checked_run(self: AppTest, *args: Any, **kwargs: Any) -> AppTest:
        __tracebackhide__ = True
        result = real_run(self, *args, **kwargs)
        guard.check_run(self)
        return result

    logging.setLogRecordFactory(watching_factory)
    monkeypatch.setattr(AppTest, "_run", checked_run)
    try:
        yield guard
    finally:
        logging.setLogRecordFactory(make_record)
    guard.check_teardown(request.node.stash.get(CALL_REPORT, None))
