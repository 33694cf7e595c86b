"""Teacher links: the deep link of what is on screen, ready to copy.

Every widget value already lives in the URL (components/url_state.py), so the link is
the page's path plus the current query parameters.
"""

from urllib.parse import urlencode

import streamlit as st

from components.i18n import t


def deep_link(url_path: str, query: dict[str, str | list[str]], base_url: str | None) -> str:
    """`base/url_path?query`; relative when the browser's address is unknown (tests)."""
    pairs = [
        (key, value)
        for key, values in sorted(query.items())
        for value in (values if isinstance(values, list) else [values])
    ]
    path = f"/{url_path}" + (f"?{urlencode(pairs)}" if pairs else "")
    return (base_url or "").rstrip("/") + path


def share_controls(url_path: str) -> None:
    """A popover in the sidebar with the link in a code block (Streamlit's copy button).

    Opening it reruns the page: a fragment's rerun (the home page's demo) changes the
    URL without redrawing the sidebar, and the link must hold the latest values."""
    with st.popover(t("share.label"), icon=":material/share:", width="stretch", key="partage", on_change="rerun"):
        st.caption(t("share.help"))
        st.code(deep_link(url_path, st.query_params.to_dict(), st.context.url), language=None, wrap_lines=True)
