"""The code twin: the runnable script that reproduces what the page shows.

Each lesson's snippets.py builds the script from the same values the page used;
tests/twin_check.py runs it in a subprocess and compares what it prints with what
the page computed.
"""

import streamlit as st

from components.i18n import t


def code_twin(script: str, file_name: str) -> None:
    """Show the script with a copy button (built into st.code) and a download button."""
    st.caption(t("twin.caption"))
    st.code(script, language="python", line_numbers=True)
    st.download_button(
        t("twin.download"),
        data=script,
        file_name=file_name,
        mime="text/x-python",
        icon=":material/download:",
        on_click="ignore",  # downloading changes nothing on the page: no rerun
    )
