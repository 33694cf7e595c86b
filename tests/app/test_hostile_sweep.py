"""The hostile sweep: on every page, every widget gets bad or extreme values, and every
URL parameter garbage. Nothing may show an exception, a traceback or the friendly error
(it hides a crash), log an error, run code, create a file, or stop the page from
answering; a refused text gets a message in the page's language. The number of inputs
tried per page is printed at the end of the run. The class page, not in ALL_LESSONS, has
its own sweep, view by view: test_hostile_sweep_classe.py.
"""

import math
import re
import string
import traceback
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.i18n import catalogue
from lessons.catalog import ALL_LESSONS
from tests.crash_guard import FRIENDLY_MESSAGES, CrashGuard, crash_report

from .conftest import APP, RUN_TIMEOUT, SWEEP_COUNTS, texts

PWNED = "__import__('os').system('touch PWNED')"
BAD_TEXTS = (
    "",
    "   ",
    "9" * 100_000,
    "-1e308",
    "nan",
    "inf",
    "∑√π 🔥 é\u200b",
    PWNED,
    "<script>alert('x')</script>",
    "<b>gras</b>",
    "'; DROP TABLE eleves; --",
    "[[1, 2], [3]]",
    "x" * 5_000,
    "[" * 2_000,
)
BAD_URL_VALUES = ("<script>alert(1)</script>", "9" * 5_000, "nan", "-inf", "∞", "'; DROP TABLE t; --", PWNED, "")
WIDGET_KINDS = ("text_input", "text_area", "number_input", "slider", "select_slider", "selectbox", "radio", "toggle")


def assert_healthy(app: AppTest, context: str, guard: CrashGuard) -> None:
    """No exception, no friendly error on the page, nothing logged as an error since the
    test began (the crash guard's records: the repeat limit on the log cannot hide one)."""
    report = crash_report(app, guard.seen)
    assert report is None, f"{context}: {report}"
    shown = texts(app) + "\n".join(
        element.value for kind in ("error", "warning", "info") for element in getattr(app, kind)
    )
    assert "Traceback" not in shown, context
    for place in (Path.cwd(), Path("/tmp")):
        assert not (place / "PWNED").exists(), f"{context}: a file was created"


def template_pattern(template: str) -> re.Pattern:
    """A catalogue string as a pattern: its placeholders match any text."""
    parts = [
        re.escape(literal) + ("" if field is None else ".*")
        for literal, field, _, _ in string.Formatter().parse(template)
    ]
    return re.compile("".join(parts), re.DOTALL)


def literal_length(template: str) -> int:
    return sum(len(literal) for literal, _, _, _ in string.Formatter().parse(template))


# Messages of the French catalogue with enough fixed text to recognise (not "`{error}`"),
# the friendly error excluded: a refusal is a message of its own.
FRENCH_MESSAGES = {
    key: template_pattern(template)
    for key, template in catalogue("fr").items()
    if literal_length(template) >= 12 and template not in FRIENDLY_MESSAGES
}


def french_message_key(text: str) -> str | None:
    """The key of the French catalogue message `text` is, or None."""
    return next((key for key, pattern in FRENCH_MESSAGES.items() if pattern.fullmatch(text)), None)


def bad_values(widget, kind: str) -> list:
    proto = widget.proto
    if kind in ("text_input", "text_area"):
        return list(BAD_TEXTS)
    if kind == "number_input":
        if proto.data_type == proto.INT:  # the protocol carries an int64: no NaN or infinity to send
            return [proto.min, proto.max, -(2**62), 2**62]
        return [proto.min, proto.max, -1e308, 1e308, math.nan, math.inf, -math.inf]
    if kind == "slider":
        return [proto.min, proto.max]
    if kind in ("select_slider", "selectbox", "radio"):
        return ["first", "last"]
    if kind == "toggle":
        return [not widget.value, widget.value]
    return []


def choose_option(widget, kind: str, index: int) -> None:
    """Choose the option at `index` as the browser does: by its displayed label.

    AppTest's own setters take the option's value, which the sweep does not know
    (the page formats values into labels); the browser sends the label itself.
    """
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state = WidgetState(id=widget.id)
    label = widget.proto.options[index]
    if kind == "select_slider":
        state.double_array_value.data[:] = [index]
    else:
        state.string_value = label
    widget.__class__ = type(
        f"Chosen{type(widget).__name__}", (type(widget),), {"_widget_state": property(lambda self: state)}
    )


def apply(widget, kind: str, value) -> None:
    if value in ("first", "last") and kind in ("select_slider", "selectbox", "radio"):
        choose_option(widget, kind, 0 if value == "first" else len(widget.proto.options) - 1)
        return
    if kind == "number_input" and widget.proto.data_type == widget.proto.INT:
        value = int(value)
    widget.set_value(value)


def submit_form_of(app: AppTest, key: str) -> None:
    """An exercise's editor sits in a form: its text reaches the grader with "Exécuter"."""
    if key.startswith("exercise."):
        form = ".".join(key.split(".")[:3]) + ".form"  # exercise.<page>.<name>.answer[.<n>]
        next(button for button in app.button if button.proto.form_id == form).click()


def widget_keys(app: AppTest) -> list[tuple[str, str]]:
    return [(kind, widget.key) for kind in WIDGET_KINDS for widget in getattr(app, kind) if widget.key]


def reopen(lesson) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    app.run()
    app.switch_page(lesson.script).run()
    return app


@pytest.mark.parametrize("lesson", ALL_LESSONS, ids=lambda lesson: lesson.page_id)
def test_every_widget_of_every_page_survives_bad_and_extreme_values(lesson, crash_guard):
    app = reopen(lesson)
    tried = 0
    for kind, key in widget_keys(app):
        try:
            values = bad_values(getattr(app, kind)(key=key), kind)
        except KeyError:  # an earlier value hid it (a choice that reveals other widgets)
            continue
        for value in values:
            try:
                widget = getattr(app, kind)(key=key)
            except KeyError:  # an earlier value hid it (a choice that reveals other widgets)
                break
            apply(widget, kind, value)
            submit_form_of(app, key)
            try:
                app.run()
            except ValueError as error:
                # AppTest itself (not the app) cannot always map a chosen label back to
                # its option for select boxes with formatted labels; then the sweep starts
                # the page again and goes on (the URL sweep covers choices too).
                if "is not in list" not in str(error) or "streamlit/testing" not in "".join(
                    traceback.format_tb(error.__traceback__)
                ):
                    raise
                app = reopen(lesson)
                break
            tried += 1
            assert_healthy(app, f"/{lesson.url_path} {key}={str(value)[:40]!r}", crash_guard)
            if kind in ("text_input", "text_area") and value in (PWNED, "<script>alert('x')</script>"):
                assert app.error, f"{key}: code typed as a value must be refused with a message"
                for error in app.error:  # in the page's language (French), from the catalogue
                    assert french_message_key(error.value), f"{key}: {error.value!r} is no French message"
    app.run()  # the page still answers
    assert_healthy(app, f"/{lesson.url_path} after the sweep", crash_guard)
    assert app.title, "the page still draws"
    SWEEP_COUNTS[lesson.url_path or "/"] = SWEEP_COUNTS.get(lesson.url_path or "/", 0) + tried
    assert tried >= 1


@pytest.mark.parametrize("lesson", ALL_LESSONS, ids=lambda lesson: lesson.page_id)
def test_garbage_in_every_url_parameter_gives_notices_not_errors(lesson, crash_guard):
    probe = reopen(lesson)
    keys = sorted({key for _, key in widget_keys(probe)} | {"lang", "device", "projecteur", "presentation", "diapo"})
    for value in BAD_URL_VALUES:
        app = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
        app.query_params.update(dict.fromkeys(keys, value))
        app.switch_page(lesson.script)  # the link opens this page first: its notices show here
        app.run()
        assert_healthy(app, f"/{lesson.url_path}?*={value[:30]!r}", crash_guard)
        if value:
            assert app.warning, "a refused URL value is explained"
            assert all("`" in warning.value for warning in app.warning)  # the value is shown inert, in a code span
    SWEEP_COUNTS[lesson.url_path or "/"] = SWEEP_COUNTS.get(lesson.url_path or "/", 0) + len(keys) * len(BAD_URL_VALUES)
