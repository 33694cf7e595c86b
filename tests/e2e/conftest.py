"""End-to-end fixtures: a real `streamlit run` server and real Chromium (pytest-playwright).

Debian's Chromium (/usr/bin/chromium) is used when present, else Playwright's own
browser. With neither, these tests skip outside CI and fail in CI.
"""

import contextlib
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from bench.harness import free_port, process_cpu_seconds, tree_cpu_seconds

# A cold page (torch warming up, a first optimisation) can take seconds on a busy
# 2-core CI machine: wait up to 20 s for what a learner would wait for.
expect.set_options(timeout=20_000)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# Without the background-networking flags Chromium keeps dialling Google on a closed network.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
HOW_TO_GET_A_BROWSER = (
    "no Chromium found: install Debian's with `sudo apt-get install -y chromium`, "
    "or Playwright's with `python -m playwright install chromium`"
)


def system_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def playwright_chromium_installed() -> bool:
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH", Path.home() / ".cache" / "ms-playwright"))
    return any(cache.glob("chromium*"))


@pytest.fixture(scope="session", autouse=True)
def require_a_browser():
    if system_chromium() or playwright_chromium_installed():
        return
    if os.environ.get("CI"):
        pytest.fail(HOW_TO_GET_A_BROWSER)
    pytest.skip(HOW_TO_GET_A_BROWSER)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {**browser_type_launch_args, "args": CHROMIUM_FLAGS}
    chromium = system_chromium()
    if chromium:
        args["executable_path"] = chromium
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}}


SERVER_PIDS: list[int] = []  # the server's process, for tests that read its CPU time
SERVER_LOGS: list[Path] = []  # its log file, for tests that look for errors it caught


def server_cpu_seconds() -> float:
    return process_cpu_seconds(SERVER_PIDS[0])


def server_tree_cpu_seconds() -> float:
    """CPU time of the server and every process below it (SymPy's worker and its children)."""
    return tree_cpu_seconds(SERVER_PIDS[0])


def server_log_text() -> str:
    return SERVER_LOGS[0].read_text(errors="replace")


def server_frames(page) -> list:
    """The websocket frames the server sends to `page` from now on, as they arrive."""
    frames = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda frame: frames.append(frame)))
    return frames


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    port = free_port()
    log_path = tmp_path_factory.mktemp("server") / "streamlit.log"
    SERVER_LOGS[:] = [log_path]
    log = log_path.open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "streamlit_app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    SERVER_PIDS[:] = [server.pid]
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
        if server.poll() is not None:
            pytest.fail(f"streamlit exited early; see {log.name}")
    else:
        server.kill()
        pytest.fail("streamlit did not answer /_stcore/health within 90 s")
    yield url
    server.terminate()
    server.wait(timeout=20)
    log.close()


@pytest.fixture
def page(page):
    """Playwright's page, failing the test on any JavaScript error in the app."""
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.set_default_timeout(30_000)
    yield page
    assert not errors, f"JavaScript errors in the page: {errors}"


def wait_until_idle(page) -> None:
    page.wait_for_selector(IDLE, timeout=60_000)


def wait_for_app_style(page) -> None:
    """The app's own stylesheet applied: Streamlit draws `st.html` with a component it
    loads lazily, a moment after the page reports idle."""
    page.wait_for_function(
        "[...document.querySelectorAll('style')].some((style) => style.textContent.includes('stCaptionContainer'))",
        timeout=30_000,
    )


def screenshot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside stMain, so grow the viewport to its height."""
    SCREENSHOTS.mkdir(exist_ok=True)
    viewport = page.viewport_size
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": min(max(height, viewport["height"]), 8000)})
    wait_until_idle(page)
    # Widgets Streamlit loads lazily show grey skeletons first: shoot the page drawn. A
    # screenshot is for the eye; the tests' assertions are elsewhere, so a timeout is not fatal.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function("!document.querySelector('[data-testid^=stSkeleton]')", timeout=10_000)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")
    page.set_viewport_size(viewport)
