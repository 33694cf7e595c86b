"""The crash guard (tests/crash_guard.py) catches a crash hidden behind the friendly error.

On every page a section is made to raise: the page still draws, shows the friendly
message and logs the traceback, and the run fails the test, with the page's place and
the traceback in the failure. Then the guard's parts one by one: the message alone, the
log alone, a callback, an uncaught exception, more crashes than the log's repeat limit
lets through, and, in a separate pytest run, which tests pass and which fail.
"""

import importlib
import logging
import textwrap
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.i18n import LANGUAGES, translate
from components.log_limits import MAX_LINES_PER_WINDOW
from lessons.catalog import ALL_LESSONS

from .conftest import APP, RUN_TIMEOUT

# One function each page calls after it began to draw, looked up at call time (a page's
# script runs again at every run, so its `from ... import` takes the patched one).
INJECTIONS = {
    "accueil": ("lessons.accueil.core", "environment"),
    "tenseurs": ("lessons.tenseurs.sections", "quiz_section"),
    "autograd": ("lessons.autograd.sections", "quiz_section"),
    "fonction_de_cout": ("lessons.fonction_de_cout.sections", "quiz_section"),
    "optimiseur": ("lessons.optimiseur.sections", "quiz_section"),
    "boucle_entrainement": ("lessons.boucle_entrainement.questions", "quiz_section"),
    "resume": ("lessons.resume.snippets", "key_code"),
    "glossaire": ("components.glossary", "definition"),
}
REPO = Path(__file__).resolve().parents[2]


def inject_failure(monkeypatch: pytest.MonkeyPatch, page_id: str) -> str:
    module_name, name = INJECTIONS[page_id]

    def broken(*args, **kwargs):
        raise RuntimeError(f"injected into {page_id}")

    monkeypatch.setattr(importlib.import_module(module_name), name, broken)
    return f"RuntimeError: injected into {page_id}"


def test_every_page_has_an_injection():
    assert set(INJECTIONS) == {lesson.page_id for lesson in ALL_LESSONS}


@pytest.mark.parametrize("lesson", ALL_LESSONS, ids=lambda lesson: lesson.page_id)
def test_a_section_that_raises_fails_the_run_on_every_page(lesson, monkeypatch, crash_guard):
    app = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT).run()
    app.switch_page(lesson.script).run()  # healthy: the guard lets it through
    error = inject_failure(monkeypatch, lesson.page_id)
    with crash_guard.must_fail() as caught:
        app.run()
    report = str(caught.value)
    wheres = {lesson.page_id, lesson.url_path or "/"}  # a fragment's guard, or the page's
    assert any(f"unexpected error on page {where}\n" in report for where in wheres), report
    assert "Traceback (most recent call last)" in report and error in report, "the traceback is in the failure"
    assert "the page shows the friendly error" in report
    assert lesson.script in report, "the failure names the page"
    assert app.error, "the learner still sees the friendly message, not a traceback"
    assert app.title, "the rest of the page and the sidebar are drawn"
    monkeypatch.undo()
    app.run()  # healthy again: the guard's check is per run


def test_a_crash_after_a_widget_moved_fails_the_run(monkeypatch, crash_guard):
    app = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT).run()
    app.switch_page("lessons/optimiseur/page.py").run()
    error = inject_failure(monkeypatch, "optimiseur")
    with crash_guard.must_fail() as caught:
        app.selectbox(key="surface").set_value("rosenbrock").run()
    assert error in str(caught.value)
    assert "'surface': 'rosenbrock'" in str(caught.value), "the failure gives the URL, with the widgets' values"


def friendly_message_only(lang: str) -> None:
    import streamlit as st

    from components.i18n import translate

    st.error(translate("error.unexpected", lang))


def logged_error_only() -> None:
    import logging

    import streamlit as st

    st.write("looks fine")
    logging.getLogger("apprendre_pytorch.some_part").error("a part of the app gave up")


def failing_callback_page() -> None:
    import streamlit as st

    from components.errors import guarded_callback

    def explode() -> None:
        raise KeyError("from a callback")

    st.button("go", key="go", on_click=guarded_callback("callback", explode))


def uncaught_page() -> None:
    raise ValueError("outside the guard")


def crashing_page() -> None:
    from components.errors import friendly_errors

    with friendly_errors("loop"):
        raise RuntimeError("again")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_friendly_message_alone_fails_the_run(lang, crash_guard):
    with crash_guard.must_fail() as caught:
        AppTest.from_function(friendly_message_only, args=(lang,)).run()
    assert translate("error.unexpected", lang) in str(caught.value)


def test_an_error_logged_alone_fails_the_run(crash_guard):
    with crash_guard.must_fail() as caught:
        AppTest.from_function(logged_error_only).run()
    assert "'apprendre_pytorch.some_part' at ERROR: a part of the app gave up" in str(caught.value)


def test_a_failing_callback_fails_the_click(crash_guard):
    app = AppTest.from_function(failing_callback_page).run()
    with crash_guard.must_fail() as caught:
        app.button(key="go").click().run()
    assert "unexpected error on page callback" in str(caught.value)
    assert "KeyError: 'from a callback'" in str(caught.value)


def test_an_uncaught_exception_fails_the_run(crash_guard):
    with crash_guard.must_fail() as caught:
        AppTest.from_function(uncaught_page).run()
    assert "uncaught exception" in str(caught.value)


def test_the_repeat_limit_of_the_log_hides_no_crash(crash_guard, caplog):
    app = AppTest.from_function(crashing_page)
    runs = MAX_LINES_PER_WINDOW + 5
    with caplog.at_level(logging.ERROR, logger="apprendre_pytorch"):
        for _ in range(runs):
            with crash_guard.must_fail() as caught:
                app.run()
            assert "unexpected error on page loop" in str(caught.value), "each crash is reported with its log line"
    logged = [record for record in caplog.records if record.name == "apprendre_pytorch"]
    assert len(logged) == MAX_LINES_PER_WINDOW, "the limit dropped lines from the log, not from the guard"


def test_the_guard_decides_the_outcome_of_each_test(pytester, monkeypatch):
    """A separate pytest run with the guard as its only plugin: a crash fails the test,
    even a swallowed one; the marker lets a test provoke the friendly error, at the
    places it names, and fails when nothing appeared."""
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    pytester.makepyfile(
        test_inner=textwrap.dedent(
            """
            import logging

            import pytest
            from streamlit.testing.v1 import AppTest


            def crashing():
                import streamlit as st
                from components.errors import friendly_errors

                with friendly_errors("inner"):
                    st.write("drawn")
                    raise RuntimeError("injected")


            def healthy():
                import streamlit as st

                st.write("fine")


            def test_healthy():
                AppTest.from_function(healthy).run()


            def test_crash():
                app = AppTest.from_function(crashing).run()
                assert app.markdown[0].value == "drawn"  # what an AppTest test checked before the guard


            def test_swallowed_crash():
                try:
                    AppTest.from_function(crashing).run()
                except BaseException:
                    pass


            def test_logged_outside_apptest():
                logging.getLogger("apprendre_pytorch").error("no page at all")


            @pytest.mark.expects_friendly_error
            def test_marked():
                assert AppTest.from_function(crashing).run().error


            @pytest.mark.expects_friendly_error("inner")
            def test_marked_here():
                assert AppTest.from_function(crashing).run().error


            @pytest.mark.expects_friendly_error("elsewhere")
            def test_marked_elsewhere():
                AppTest.from_function(crashing).run()


            @pytest.mark.expects_friendly_error
            def test_marked_without_error():
                AppTest.from_function(healthy).run()
            """
        )
    )
    result = pytester.runpytest_subprocess("-p", "tests.crash_guard", "-p", "no:cacheprovider", "-rA", timeout=300)
    result.stdout.fnmatch_lines_random(  # -rA's summary: one line per outcome, cut to the terminal's width
        [
            "PASSED test_inner.py::test_healthy",
            "FAILED test_inner.py::test_crash - Failed: A page crashed*",
            "ERROR test_inner.py::test_swallowed_crash - Failed: A crash was*",
            "ERROR test_inner.py::test_logged_outside_apptest - Failed: *",
            "PASSED test_inner.py::test_marked",
            "PASSED test_inner.py::test_marked_here",
            "FAILED test_inner.py::test_marked_elsewhere - Failed: A page crashed*",
            "ERROR test_inner.py::test_marked_without_error - Failed: *",
        ]
    )
    output = result.stdout.str()
    assert "RuntimeError: injected" in output, "the failure shows the traceback"
    assert "The app logged an error outside any AppTest run" in output
    assert "is marked expects_friendly_error but no friendly error appeared" in output
    outcomes = result.parseoutcomes()
    assert (outcomes.get("failed"), outcomes.get("errors")) == (2, 3), outcomes
