"""Widget values no browser sends but any websocket client can, found by the live fuzz
(tests/live/test_protocol_fuzz.py), replayed here with AppTest: a choice that is none
of the options, a number or NaN where a label is expected, a select slider given numbers.
Each must leave the page healthy: no exception, no friendly error (it hides a crash),
nothing logged as unexpected, and the widget back on a valid value.

(A chart selection cannot be sent by AppTest: those live in tests/live/test_chart_selection.py.)
"""

import logging
import math

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from components.i18n import translate
from lessons.optimiseur.sections import LEARNING_RATES

from .conftest import APP, RUN_TIMEOUT

LOSS_PAGE = "lessons/fonction_de_cout/page.py"
OPTIMIZER_PAGE = "lessons/optimiseur/page.py"
HOME_PAGE = "lessons/accueil/page.py"
FRIENDLY = {translate("error.unexpected", lang) for lang in ("fr", "en")}
WRONG_LABELS = {
    "text": ("string_value", "not an option"),
    "99": ("int_value", 99),
    "-1": ("int_value", -1),
    "NaN": ("double_value", math.nan),
}


def open_page(script: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    app.run()
    app.switch_page(script).run()
    return app


def send_raw(widget, field: str, value) -> None:
    """Give `widget` a wire value of any type, as a websocket client may: AppTest's own
    setters only send what the widget's type allows."""
    state = WidgetState(id=widget.id)
    if field.endswith("_array_value"):
        getattr(state, field).data.extend(value)
    else:
        setattr(state, field, value)
    widget.__class__ = type(
        f"Raw{type(widget).__name__}", (type(widget),), {"_widget_state": property(lambda self: state)}
    )


def assert_healthy(app: AppTest, caplog) -> None:
    assert not app.exception, [exception.message for exception in app.exception]
    assert not FRIENDLY & {error.value for error in app.error}, "the friendly error hides a crash"
    assert "unexpected error" not in caplog.text


@pytest.mark.parametrize("wrong", WRONG_LABELS, ids=str)
def test_the_loss_page_survives_a_custom_loss_that_is_no_option(wrong, caplog):
    app = open_page(LOSS_PAGE)
    send_raw(app.selectbox(key="perso"), *WRONG_LABELS[wrong])
    with caplog.at_level(logging.ERROR):
        app.run()
        assert_healthy(app, caplog)
        assert app.selectbox(key="perso").value == "log_cosh", "back on the default"
        app.run()  # the next rerun too: the value did not stay in the session
        assert_healthy(app, caplog)


@pytest.mark.parametrize("wrong", WRONG_LABELS, ids=str)
@pytest.mark.parametrize(
    ("script", "kind", "key", "default"),
    [
        (OPTIMIZER_PAGE, "selectbox", "surface", "regression"),
        (HOME_PAGE, "radio", "lang", "fr"),
        (OPTIMIZER_PAGE, "radio", "vitesse", "1"),
    ],
    ids=("selectbox", "radio", "radio-in-fragment"),
)
def test_choice_widgets_survive_any_label(script, kind, key, default, wrong, caplog):
    app = open_page(script)
    send_raw(getattr(app, kind)(key=key), *WRONG_LABELS[wrong])
    with caplog.at_level(logging.ERROR):
        app.run()
        assert_healthy(app, caplog)
        assert getattr(app, kind)(key=key).value == default


def test_a_choice_keeps_the_last_valid_option_when_a_wrong_label_comes(caplog):
    app = open_page(OPTIMIZER_PAGE)
    app.selectbox(key="surface").set_value("rosenbrock").run()
    send_raw(app.selectbox(key="surface"), "int_value", 99)
    with caplog.at_level(logging.ERROR):
        app.run()
        assert_healthy(app, caplog)
    assert app.selectbox(key="surface").value == "rosenbrock", "the URL keeps the last valid choice"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("double_array_value", [99]),
        ("double_array_value", [-1]),
        ("double_array_value", [math.nan]),
        ("string_value", "abc"),
        ("string_array_value", ["not a rate"]),
        ("string_array_value", []),
    ],
    ids=("[99]", "[-1]", "[NaN]", "text", "unknown-label", "empty"),
)
def test_the_learning_rate_select_slider_survives_values_of_the_wrong_type(field, value, caplog):
    app = open_page(OPTIMIZER_PAGE)
    send_raw(app.select_slider(key="lr"), field, value)
    with caplog.at_level(logging.ERROR):
        app.run()
        assert_healthy(app, caplog)
        # Streamlit reads a value it cannot map as the widget's first option: valid, if not the last one
        assert app.select_slider(key="lr").value in LEARNING_RATES
        app.run()
        assert_healthy(app, caplog)


def quiz_radio(app: AppTest):
    return next(radio for radio in app.radio if radio.label == translate("quiz.your_answer", "fr"))


@pytest.mark.parametrize("wrong", WRONG_LABELS, ids=str)
def test_a_quiz_radio_survives_any_answer(wrong, caplog):
    app = open_page(HOME_PAGE)
    send_raw(quiz_radio(app), *WRONG_LABELS[wrong])
    with caplog.at_level(logging.ERROR):
        app.run()
        assert_healthy(app, caplog)
        assert quiz_radio(app).value is None, "no answer chosen"
