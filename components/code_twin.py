"""The code twin: the runnable script that reproduces what the page shows.

Each lesson's snippets.py builds the script from the same values the page used;
tests/twin_check.py runs it in a subprocess and compares what it prints with what
the page computed.
"""

import streamlit as st

from components.i18n import t
from components.slides import presentation_mode

SLIDE_CODE_HEIGHT = 330  # px: in presentation mode the script scrolls inside its box, the slide fits the screen


def code_twin(script: str, file_name: str) -> None:
    """Show the script with a copy button (built into st.code) and a download button."""
    st.caption(t("twin.caption"))
    height = SLIDE_CODE_HEIGHT if presentation_mode() else "content"
    st.code(script, language="python", line_numbers=True, height=height)
    st.download_button(
        t("twin.download"),
        data=script,
        file_name=file_name,
        mime="text/x-python",
        icon=":material/download:",
        on_click="ignore",  # downloading changes nothing on the page: no rerun
    )
