"""The "Pour aller plus loin" boundary: advanced material below a lesson's core, folded."""

from contextlib import AbstractContextManager

import streamlit as st

from components.i18n import t
from components.slides import presentation_mode


def further_reading(topic: str) -> AbstractContextManager:
    """A folded block titled "Pour aller plus loin : <topic>"; `topic` is already translated.

    Open in presentation mode: there the block sits on its own slides, which the
    teacher has chosen to show."""
    return st.expander(t("further.heading", topic=topic), icon=":material/school:", expanded=presentation_mode())
