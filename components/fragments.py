"""Partial reruns: a page's experiment redrawn alone when one of its widgets moves.

`st.fragment` reruns only the decorated function, skipping the router, the sidebar
and the rest of the page, so the browser receives and redraws only that part. A
fragment's rerun does not pass through the router, so it takes the script turn and
the friendly-error guard here.
"""

from collections.abc import Callable
from functools import wraps

import streamlit as st

from components.errors import friendly_errors
from components.pace import pace_this_rerun
from components.run_lock import in_turn, turn


def partial_rerun(where: str, run_every: float | None = None) -> Callable[[Callable], Callable]:
    """`@partial_rerun("tenseurs")` on a section whose widgets feed only itself;
    `run_every` seconds: a live view, redrawn on its own (the class page's counts)."""

    def decorate(function: Callable) -> Callable:
        @wraps(function)
        def guarded(*args, **kwargs):
            if not in_turn():  # a fragment's own rerun; inside a full run, the router paced it
                pace_this_rerun()
            with turn(), friendly_errors(where):
                return function(*args, **kwargs)

        return st.fragment(guarded, run_every=run_every)

    return decorate
