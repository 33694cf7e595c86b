"""Friendly errors: an unexpected failure in a page shows a short message in the
learner's language, with what to do, and is logged with its traceback on the server.

Streamlit would otherwise print the exception and, with `client.showErrorDetails` at
its default, the traceback, on the learner's screen. Streamlit's own control flow
(`st.rerun`, `st.stop`, a session ending) raises `BaseException`s, which pass through.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

import streamlit as st

from components.i18n import t

LOGGER = logging.getLogger("apprendre_pytorch")


@contextmanager
def friendly_errors(where: str) -> Iterator[None]:
    try:
        yield
    except Exception:
        LOGGER.exception("unexpected error on page %s", where)
        st.error(t("error.unexpected"), icon=":material/sentiment_dissatisfied:")


def guarded_callback(where: str, callback: Callable[..., None]) -> Callable[..., None]:
    """A widget callback (on_change, on_click, on_select) under the same guard as the
    page: Streamlit runs callbacks before the page script, outside the page's guard."""

    @wraps(callback)
    def guarded(*args, **kwargs) -> None:
        with friendly_errors(where):
            callback(*args, **kwargs)

    return guarded
