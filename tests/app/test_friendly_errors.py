"""An unexpected failure shows a short message in the learner's language, no traceback,
and is logged on the server with its traceback. These tests make a page fail on purpose:
they are marked for the crash guard (tests/crash_guard.py), which fails any other test
whose page shows this message."""

import logging

import pytest
from streamlit.testing.v1 import AppTest

from components.i18n import translate


def failing_page():
    import streamlit as st

    from components.errors import friendly_errors

    st.session_state.setdefault("lang", st.query_params.get("lang", "fr"))
    st.title("avant")
    with friendly_errors("test"):
        st.write("drawn before the failure")
        raise ZeroDivisionError("a bug in a page")


def stopping_page():
    import streamlit as st

    from components.errors import friendly_errors

    with friendly_errors("test"):
        st.write("before st.stop")
        st.stop()
    st.write("never drawn")


@pytest.mark.expects_friendly_error("test")
def test_a_failing_page_shows_the_message_in_french_without_traceback(caplog):
    app = AppTest.from_function(failing_page)
    with caplog.at_level(logging.ERROR, logger="apprendre_pytorch"):
        app.run()
    assert not app.exception
    assert app.error[0].value == translate("error.unexpected", "fr")
    assert "Traceback" not in app.error[0].value and "ZeroDivisionError" not in app.error[0].value
    assert app.markdown[0].value == "drawn before the failure"  # what ran before stays
    assert "ZeroDivisionError: a bug in a page" in caplog.text  # the server log has the traceback
    assert "Traceback" in caplog.text


@pytest.mark.expects_friendly_error("test")
def test_the_message_follows_the_language():
    app = AppTest.from_function(failing_page)
    app.query_params["lang"] = "en"
    app.run()
    assert app.error[0].value == translate("error.unexpected", "en")


def test_streamlit_control_flow_passes_through():
    app = AppTest.from_function(stopping_page)
    app.run()
    assert not app.exception and not app.error
    assert [block.value for block in app.markdown] == ["before st.stop"]
