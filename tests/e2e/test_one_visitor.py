"""One visitor must not stall or crash the class: hostile links against a live server,
in real Chromium (a live server fills widgets from the URL, which AppTest does not)."""

import re
import time
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from components.i18n import translate
from lessons.catalog import ALL_LESSONS
from tests.app.test_hostile_sweep import PWNED

from .conftest import IDLE, assert_no_crash, server_log_text, server_tree_cpu_seconds, wait_until_idle

HOSTILE_URL_VALUES = ("inf", "-inf", "1e999", "9" * 400, "nan", PWNED)
SHARED_KEYS = ("lang", "device", "projecteur", "presentation", "diapo")


def nested_sigmoid(levels: int) -> str:
    return "sigmoid(" * levels + "x" + ")" * levels


def assert_server_caught_nothing(log_before: int, context: str) -> None:
    new_lines = server_log_text()[log_before:]
    assert "unexpected error" not in new_lines and "Traceback" not in new_lines, f"{context}: {new_lines[-2000:]}"


def idle_within(seconds: float, window: float = 0.5, busy_below: float = 0.1) -> float:
    """Seconds until the server (its SymPy worker included) used under `busy_below` s of
    CPU in a `window`; fails after `seconds`."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        before = server_tree_cpu_seconds()
        time.sleep(window)
        if server_tree_cpu_seconds() - before < busy_below:
            return time.monotonic() - start
    raise AssertionError(f"the server was still busy {seconds} s later")


def first_seen(*watched, timeout: float) -> list[float]:
    """For each (locator, start): seconds from start until the locator is visible. Both
    pages are polled in turn every few milliseconds (expect() backs off up to 1 s)."""
    seen: list[float | None] = [None] * len(watched)
    deadline = time.monotonic() + timeout
    while None in seen and time.monotonic() < deadline:
        for index, (locator, start) in enumerate(watched):
            if seen[index] is None and locator.first.is_visible():
                seen[index] = time.monotonic() - start
        time.sleep(0.02)
    assert None not in seen, f"not seen within {timeout} s: {seen}"
    return seen


def open_at_once(app_url, student, student_done, other, query: str, other_done) -> list[float]:
    """The student's home page and another tab's autograd link opened at the same moment;
    seconds until each is done, each from its own navigation."""
    other_start = time.monotonic()
    other.goto(f"{app_url}/autograd?{query}", wait_until="commit")
    student_start = time.monotonic()
    student.goto(app_url, wait_until="commit")
    return first_seen((student_done, student_start), (other_done, other_start), timeout=30)


# Seconds beyond the ordinary pair of tabs that count as a stall: the observed jitter
# (up to about 1.1 s) plus SymPy's 0.8 s budget, with room to spare.
STALL_MARGIN = 2.5


@pytest.mark.parametrize("levels", [8, 12])
def test_a_nested_sigmoid_link_does_not_stall_the_class(browser, app_url, levels):
    """The attacker's link and a student's home page opened at the same moment.

    Targets (issue 15): the student's page finishes within 2 s, the attacker's page
    says the formula is too complex within 2 s, and the server is idle within 3 s.
    Those targets are measured by bench.hostile; here the same two tabs with an ordinary
    autograd page are timed first, and the test fails on a stall, i.e. well past that
    floor: two Chromium tabs loading at once on a 2-core machine vary by about 1 s from
    run to run, while SymPy without its 0.8 s budget runs for minutes on these
    functions. The figures are printed (-s) for the record.
    """
    attacker_context, student_context = browser.new_context(), browser.new_context()
    attacker, student = attacker_context.new_page(), student_context.new_page()
    message = re.split(r"\s:", translate("autograd.one.symbolic_too_complex", "fr", milliseconds=800, grad=""))[0]
    home_title = student.locator(f"{IDLE} h1", has_text=translate("home.title", "fr"))
    try:
        # Warm, as a server is in class: torch's imports, the pages' caches, SymPy's worker.
        typed = urlencode({"fonction": "saisie", "expr": "sigmoid(sigmoid(x))"})
        for page, path in ((student, ""), (attacker, f"autograd?{typed}"), (student, "")):
            page.goto(f"{app_url}/{path}")
            wait_until_idle(page)
        ordinary = attacker.locator(IDLE).get_by_text(re.split(r"\s:", translate("autograd.one.agree", "fr"))[0])
        ordinary_seconds, _ = open_at_once(app_url, student, home_title, attacker, "fonction=sin(x)*x**2", ordinary)
        wait_until_idle(attacker)
        log_before = len(server_log_text())

        hostile = urlencode({"fonction": "saisie", "expr": nested_sigmoid(levels)})
        student_seconds, attacker_seconds = open_at_once(
            app_url, student, home_title, attacker, hostile, attacker.get_by_text(message)
        )
        idle_seconds = idle_within(10)
        print(
            f"nested sigmoid x{levels}: the student's page {student_seconds:.2f} s (beside an ordinary page: "
            f"{ordinary_seconds:.2f} s), the message {attacker_seconds:.2f} s, "
            f"the server idle again {idle_seconds:.2f} s after"
        )

        # No stall: within the ordinary floor plus this machine's jitter (the budget is 0.8 s).
        assert student_seconds < ordinary_seconds + STALL_MARGIN, f"the student's page took {student_seconds:.2f} s"
        assert attacker_seconds < ordinary_seconds + STALL_MARGIN, f"the message took {attacker_seconds:.2f} s"
        assert idle_seconds < 3, f"the server was idle again after {idle_seconds:.2f} s"
        expect(attacker.get_by_test_id("stMetricValue").nth(1)).not_to_have_text("—")  # x.grad: PyTorch answered
        assert_no_crash(attacker, "nested sigmoid")
        assert_server_caught_nothing(log_before, "nested sigmoid")
    finally:
        attacker_context.close()
        student_context.close()


def widget_keys_on(page) -> set[str]:
    """The keys of the keyed elements on screen (Streamlit gives each a class st-key-<key>)."""
    return set(
        page.evaluate(
            "[...document.querySelectorAll('[class*=st-key-]')]"
            ".flatMap((element) => [...element.classList].filter((name) => name.startsWith('st-key-')))"
            ".map((name) => name.slice('st-key-'.length))"
        )
    )


@pytest.mark.parametrize("lesson", ALL_LESSONS, ids=lambda lesson: lesson.page_id)
def test_hostile_values_in_every_url_parameter_of_a_live_page(page, app_url, lesson):
    """Every parameter of the page at once, for each hostile value: notices, no crash."""
    page.goto(f"{app_url}/{lesson.url_path}")
    wait_until_idle(page)
    keys = sorted(widget_keys_on(page) | set(SHARED_KEYS))
    assert len(keys) > len(SHARED_KEYS), "the page's own widgets were found"
    for value in HOSTILE_URL_VALUES:
        context = f"/{lesson.url_path}?*={value[:20]!r}"
        log_before = len(server_log_text())
        page.goto(f"{app_url}/{lesson.url_path}?" + urlencode(dict.fromkeys(keys, value)))
        wait_until_idle(page)
        expect(page.locator("h1").first, context).to_be_visible()
        assert_no_crash(page, context)
        expect(
            page.get_by_test_id("stAlertContentWarning").first, context
        ).to_be_visible()  # the refusals are explained
        assert_server_caught_nothing(log_before, context)
