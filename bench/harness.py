"""What every benchmark needs: a real `streamlit run` server, its memory and CPU time,
a real Chromium, and medians and percentiles.

The server is one Python process (`python -m streamlit run ...`), so its resident
memory and CPU time are read from /proc (Linux, as on Community Cloud).
"""

import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_memory_mb(pid: int, field: str) -> float:
    """A memory line of /proc/<pid>/status: VmRSS (resident now) or VmHWM (its peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (the SymPy worker and the children it forks)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with suppress(OSError, IndexError):
                parents.setdefault(int(_stat(int(entry))[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of the server and of its live children; a child's children that ended
    and were waited for count in its own cutime and cstime."""
    ticks = os.sysconf("SC_CLK_TCK")
    fields = _stat(pid)
    total = int(fields[11]) + int(fields[12])
    for child in descendants(pid):
        with suppress(OSError, IndexError):
            fields = _stat(child)
            total += sum(int(value) for value in fields[11:15])
    return total / ticks


def tree_rss_mb(pid: int) -> float:
    total = process_memory_mb(pid, "VmRSS")
    for child in descendants(pid):
        with suppress(OSError):
            total += process_memory_mb(child, "VmRSS")
    return total


class Server:
    """`streamlit run script` on a free port, headless, until `stop()`."""

    def __init__(self, script: str = "streamlit_app.py", log_path: Path | None = None, options: tuple[str, ...] = ()):
        """`log_path`: where the server's output goes (nowhere by default); `options`: more
        command-line options, e.g. ("--server.maxWidgetStateSize", "25")."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.started = time.perf_counter()
        self.script = script
        self.log_path = log_path
        self._log = subprocess.DEVNULL if log_path is None else log_path.open("w")
        self.process = subprocess.Popen(
            [*self.command(), "--server.port", str(self.port), "--server.address", "127.0.0.1", *options],
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.wait_healthy()

    def command(self) -> list[str]:
        return [sys.executable, "-m", "streamlit", "run", self.script, "--server.headless", "true"]

    def wait_healthy(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1).read() == b"ok":
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"no answer from {self.url}")

    def rss_mb(self) -> float:
        return process_memory_mb(self.process.pid, "VmRSS")

    def peak_rss_mb(self) -> float:
        return process_memory_mb(self.process.pid, "VmHWM")

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.log_path is not None:
            self._log.close()


@contextmanager
def running(script: str = "streamlit_app.py"):
    server = Server(script)
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        path = shutil.which("chromium") or shutil.which("chromium-browser")
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: p95 of 20 values is the 19th smallest, of 100 the 95th."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(round(fraction * len(ordered), 9))))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)
