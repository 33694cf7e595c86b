"""Live fixtures: a real `streamlit run streamlit_app.py` server, its log in a file the
tests read, its memory read from /proc, and Streamlit's websocket protocol spoken
directly (bench/protocol.py), as any client may, browser or not.

The log is a third witness of a crash, after the exception element and the friendly
error on screen: the app rate-limits repeated log lines (components/log_limits.py),
so a burst of the same crash is logged ten times a minute, not every time.
"""

import asyncio
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.harness import Server
from bench.protocol import Rerun
from components.i18n import translate

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90  # a cold start imports torch
FUZZ_COUNTS: dict[str, dict[str, int]] = {}  # page -> {"messages": n, widget kind: values sent}, printed at the end
FUZZ_CRASHES: list[str] = []
PEAK_RSS_MB: dict[str, float] = {}  # test -> the server's peak resident memory
FRIENDLY_ERRORS = [translate("error.unexpected", lang) for lang in ("fr", "en")]  # the app's guard: a crash hidden
UPSTREAM_OUTCOMES: list[str] = []  # what Streamlit itself did with each value it is known to refuse


def pytest_terminal_summary(terminalreporter):
    if FUZZ_COUNTS:
        terminalreporter.section("protocol fuzz: messages sent, and hostile values per widget kind")
        kinds = sorted({kind for counts in FUZZ_COUNTS.values() for kind in counts} - {"messages"})
        terminalreporter.write_line(f"{'page':<22}{'messages':>9}" + "".join(f"{kind:>16}" for kind in kinds))
        for page, counts in sorted(FUZZ_COUNTS.items()):
            terminalreporter.write_line(
                f"{page:<22}{counts['messages']:>9}" + "".join(f"{counts.get(kind, 0):>16}" for kind in kinds)
            )
        messages = sum(counts["messages"] for counts in FUZZ_COUNTS.values())
        values = sum(sum(counts.values()) - counts["messages"] for counts in FUZZ_COUNTS.values())
        terminalreporter.write_line(f"messages: {messages}, hostile values: {values}, crashes: {len(FUZZ_CRASHES)}")
        for crash in FUZZ_CRASHES[:20]:
            terminalreporter.write_line(f"  {crash[:300]}")
    if UPSTREAM_OUTCOMES:
        terminalreporter.section("values Streamlit's own deserializers refuse (one session each)")
        for outcome in UPSTREAM_OUTCOMES:
            terminalreporter.write_line(outcome)
    if PEAK_RSS_MB:
        terminalreporter.section("live server memory")
        for test, peak in PEAK_RSS_MB.items():
            terminalreporter.write_line(f"{test}: peak RSS {peak:.0f} MB (limit 690 MB)")


class LiveServer(Server):
    """`streamlit run streamlit_app.py` with the project's .streamlit/config.toml, its
    output in a log file the tests read."""

    def __init__(self, log_path: Path, *options: str):
        """`options`: more command-line options, e.g. "--server.maxWidgetStateSize", "25"."""
        super().__init__(log_path=log_path, options=("--browser.gatherUsageStats", "false", *options))

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:
        """As the harness's, but a server that exits or never answers fails the test with its log."""
        if self.process.poll() is not None:
            pytest.fail(f"streamlit exited early:\n{self.log_text()}")
        try:
            super().wait_healthy(timeout)
        except RuntimeError:
            pytest.fail(f"streamlit did not answer /_stcore/health within {timeout} s:\n{self.log_text()}")

    def log_text(self, since: int = 0) -> str:
        """The server's output from byte `since` on (`log_size()` marks a point)."""
        self._log.flush()
        with self.log_path.open("rb") as log:
            log.seek(since)
            return log.read().decode(errors="replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size


def project_frames(traceback_text: str) -> list[str]:
    """The frames of a traceback that are the project's own code."""
    return [
        line.strip()
        for line in traceback_text.splitlines()
        if line.strip().startswith(f'File "{ROOT}') and "/.venv/" not in line
    ]


def crash_lines(log: str) -> list[str]:
    """What the log says failed: the app's guard logs "unexpected error on page …" with
    the traceback, Streamlit logs a callback's or its own traceback. Each traceback is
    summed up by its exception and the last frame of the project's code in it."""
    lines = log.splitlines()
    found = [line.strip() for line in lines if "unexpected error" in line.lower()]
    for start, line in enumerate(lines):
        if not line.startswith("Traceback"):
            continue
        end = start + 1
        while end < len(lines) and lines[end].startswith(" "):
            end += 1
        frames = project_frames("\n".join(lines[start:end]))
        last = lines[end].strip() if end < len(lines) else "?"
        found.append(f"Traceback: {last[:160]}" + (f" ({frames[-1][len('File ') :]})" if frames else ""))
    return found


def problems(result: Rerun, log: str) -> list[str]:
    """Why a rerun counts as a crash; empty when it is healthy."""
    found = [] if result.status is not None else ["the rerun did not finish"]
    found += [f"exception element: {message[:120]}" for message in result.exceptions]
    alerts = [element.proto.body for element in result.elements if element.kind == "alert"]  # st.error is one
    if any(message in alert for alert in alerts for message in FRIENDLY_ERRORS):
        found.append("the friendly error is shown")
    found += [f"server log: {line[:300]}" for line in crash_lines(log)]
    return found


@contextmanager
def running_server(tmp_path_factory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("server") / "streamlit.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """One server for the tests that only need it to answer (the fuzz)."""
    with running_server(tmp_path_factory) as server:
        yield server


def run_async(coroutine: Coroutine):
    """asyncio.run in a thread of its own: in the same pytest run, the e2e tests'
    Playwright (its sync API) keeps an event loop running in the main thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
