"""The e2e crash checks catch a crash the app's guard hid: a page that fails on purpose,
served by a server of its own, makes both the on-screen check and the log check fail."""

import pytest

from components.i18n import LANGUAGES

from .conftest import WatchedServer, assert_no_caught_crash_logged, assert_no_crash, wait_until_idle

# A page whose body fails under the app's guard, in the language of its ?lang= parameter.
FAILING_PAGE = """
import streamlit as st

from components.errors import friendly_errors

st.session_state["lang"] = st.query_params.get("lang", "fr")
st.title("A page that fails")
with friendly_errors("e2e-check"):
    raise RuntimeError("injected by the e2e crash checks' own test")
"""


@pytest.fixture(scope="module")
def failing_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("failing_app")
    script = folder / "failing_page.py"
    script.write_text(FAILING_PAGE)
    server = WatchedServer(folder / "streamlit.log", script=str(script))
    yield server
    server.stop()


@pytest.mark.expects_server_error
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_hidden_crash_fails_the_screen_and_the_log_checks(page, failing_app, lang):
    log_before = {failing_app.log_path: failing_app.log_path.stat().st_size}
    page.goto(f"{failing_app.url}/?lang={lang}")
    wait_until_idle(page)
    with pytest.raises(AssertionError, match="to have count"):
        assert_no_crash(page, timeout=2_000)
    with pytest.raises(AssertionError, match="the server caught a crash"):
        assert_no_caught_crash_logged(log_before)
