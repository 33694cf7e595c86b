"""End-to-end fixtures: a real `streamlit run` server and real Chromium (pytest-playwright).

Debian's Chromium (/usr/bin/chromium) is used when present, else Playwright's own
browser. With neither, these tests skip outside CI and fail in CI.

A page that crashed can look healthy: the app's guard (components/errors.py) replaces
the exception with a friendly message and logs it. So `assert_no_crash` looks for that
message too, and after every test the servers' logs are read for the guard's line
(tests that provoke it on purpose are marked `expects_server_error`).
"""

import contextlib
import os
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from bench.harness import Server, tree_cpu_seconds
from components.i18n import LANGUAGES, translate
from components.run_lock import TURN_WAIT_RAN_OUT

# A cold page (torch warming up, a first optimisation) can take seconds on a busy
# 2-core CI machine: wait up to 20 s for what a learner would wait for.
expect.set_options(timeout=20_000)

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


SERVER_ERROR_MARKER = "expects_server_error"  # a test that makes a server log a caught crash on purpose
# What the app's guard (components/errors.py) logs, with the traceback, when it hides a crash.
CAUGHT_CRASH_LOG = "unexpected error"
# The guard's message as the page shows it: the catalogue's text, its Markdown emphasis rendered.
FRIENDLY_ERRORS = tuple(translate("error.unexpected", lang).replace("**", "") for lang in LANGUAGES)
WATCHED_LOGS: list[Path] = []  # every server's log, read after each test for caught crashes
APP_SERVER: list["WatchedServer"] = []  # the session's server of streamlit_app.py


class WatchedServer(Server):
    """harness.Server with the project's options and its output in a log file that the
    check after each test reads (`no_caught_crash_in_server_logs`)."""

    def __init__(self, log_path: Path, script: str = "streamlit_app.py"):
        WATCHED_LOGS.append(log_path)
        super().__init__(script, log_path=log_path, options=("--browser.gatherUsageStats", "false"))

    def wait_healthy(self, timeout: float = 90) -> None:
        """As the harness's, but a server that exits or never answers fails the test with
        the end of its log (a cold start imports torch: up to 90 s on a busy machine)."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(RuntimeError):
                return super().wait_healthy(timeout=1)
        self.stop()
        log_end = self.log_path.read_text(errors="replace")[-3000:]
        pytest.fail(f"streamlit exited, or did not answer /_stcore/health within {timeout} s:\n{log_end}")


def server_tree_cpu_seconds() -> float:
    """CPU time of the server and every process below it (SymPy's worker and its children)."""
    return tree_cpu_seconds(APP_SERVER[0].process.pid)


def server_threads_cpu_seconds() -> dict[int, float]:
    """The server's threads, each id with its CPU time so far (/proc/<pid>/task)."""
    ticks = os.sysconf("SC_CLK_TCK")
    threads = {}
    for task in Path(f"/proc/{APP_SERVER[0].process.pid}/task").iterdir():
        with contextlib.suppress(OSError, IndexError):  # a thread that ended meanwhile
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            threads[int(task.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return threads


def server_log_text() -> str:
    return APP_SERVER[0].log_path.read_text(errors="replace")


def server_frames(page) -> list:
    """The websocket frames the server sends to `page` from now on, as they arrive."""
    frames = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda frame: frames.append(frame)))
    return frames


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    server = WatchedServer(tmp_path_factory.mktemp("server") / "streamlit.log")
    APP_SERVER[:] = [server]
    yield server.url
    server.stop()


def log_sizes() -> dict[Path, int]:
    return {path: path.stat().st_size for path in WATCHED_LOGS if path.exists()}


def assert_no_caught_crash_logged(since: dict[Path, int]) -> None:
    """No server logged a crash its guard caught, nor a run that gave up waiting for its
    turn, after the offsets `since` (a log not in `since` started later, and is read whole)."""
    for path in WATCHED_LOGS:
        with path.open("rb") as log:
            log.seek(since.get(path, 0))
            new_lines = log.read().decode(errors="replace")
        caught = [line for line in new_lines.splitlines() if CAUGHT_CRASH_LOG in line.lower()]
        assert not caught, f"the server caught a crash ({path}): {caught}\n{new_lines[-3000:]}"
        # A run kept waiting for its turn that long is a stall of the whole class (components/run_lock.py).
        stalled = [line for line in new_lines.splitlines() if TURN_WAIT_RAN_OUT in line]
        assert not stalled, f"a run waited too long for its turn ({path}): {stalled}\n{new_lines[-3000:]}"


@pytest.fixture(autouse=True)
def no_caught_crash_in_server_logs(request):
    """Every e2e test fails when a server logged a caught crash meanwhile (the page then
    shows a friendly message, which no Streamlit exception element reveals) or a stall."""
    before = log_sizes()
    yield
    if request.node.get_closest_marker(SERVER_ERROR_MARKER) is None:
        assert_no_caught_crash_logged(before)


@pytest.fixture
def page(page):
    """Playwright's page, failing the test on any JavaScript error in the app."""
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.set_default_timeout(30_000)
    yield page
    assert not errors, f"JavaScript errors in the page: {errors}"


def assert_no_crash(page, context: str | None = None, timeout: float | None = None) -> None:
    """Nothing on screen says the page crashed: Streamlit's exception element, a traceback,
    or the app's friendly message in either language. `timeout` (ms): how long a crash on
    screen is given to go away (expect's default unless said)."""
    expect(page.get_by_test_id("stException"), context).to_have_count(0, timeout=timeout)
    expect(page.get_by_text("Traceback"), context).to_have_count(0, timeout=timeout)
    for message in FRIENDLY_ERRORS:
        expect(page.get_by_text(message), context).to_have_count(0, timeout=timeout)


BROWSER_STORAGE = ".st-key-stockage_navigateur"  # components/browser_storage.py's hidden component
BROWSER_REPORTED = f"{BROWSER_STORAGE} [data-reported]"


def wait_until_idle(page) -> None:
    """Idle, and past the rerun a new visit asks for when its browser sends its id
    (components/browser_storage.py marks the report sent): frames counted after this
    belong to the test's own action."""
    page.wait_for_selector(IDLE, timeout=60_000)
    if page.locator(BROWSER_STORAGE).count():
        page.wait_for_selector(BROWSER_REPORTED, state="attached", timeout=60_000)
        page.wait_for_selector(IDLE, timeout=60_000)


# What a chart draws, as text: two equal texts are the same picture. Vega draws on a
# canvas, or in an SVG element.
PICTURE_JS = "(drawing) => drawing instanceof HTMLCanvasElement ? drawing.toDataURL() : drawing.outerHTML"


def drawing_of(chart):
    """The canvas or SVG element a Vega-Lite chart draws in."""
    return chart.locator("canvas, svg").first


def picture(drawing) -> str:
    return drawing.evaluate(PICTURE_JS)


def wait_for_new_picture(drawing, old: str) -> str:
    """Until the chart shows another picture than `old`; returns it."""
    drawing.page.wait_for_function(
        f"([drawing, old]) => ({PICTURE_JS})(drawing) !== old", arg=[drawing.element_handle(), old], polling=50
    )
    return picture(drawing)


def wait_for_still_picture(drawing) -> str:
    """Until the chart shows the same picture on two animation frames in a row (an
    animation at one step a frame changes it on every frame); returns it."""
    drawing.page.wait_for_function(
        f"""(drawing) => {{
          const now = ({PICTURE_JS})(drawing);
          const still = now === drawing.previousPicture;
          drawing.previousPicture = now;
          return still;
        }}""",
        arg=drawing.element_handle(),
        polling="raf",
    )
    return picture(drawing)


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


def show_result_without_answering(page, page_id: str, *question_ids: str) -> None:
    """Click "Voir le résultat sans répondre" for each question (components.quiz.predict_first).

    Streamlit's class for a key replaces every character but [a-zA-Z0-9_-] with "-"."""
    for question_id in question_ids:
        page.locator(f".st-key-quiz-revealed-{page_id}-{question_id}-button button").click()
        wait_until_idle(page)


def show_every_result(page) -> None:
    """Click every visible "Voir le résultat sans répondre" (at least one must come): the
    questions a page asks depend on its settings (a tie is not asked)."""
    buttons = page.locator("[class*='st-key-quiz-revealed-'] button:visible")
    buttons.first.wait_for()  # at least one: the page may still be drawing its questions
    while buttons.count():
        buttons.first.click()
        wait_until_idle(page)
