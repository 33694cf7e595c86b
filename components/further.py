"""The "Pour aller plus loin" boundary: advanced material below a lesson's core, folded."""

from contextlib import AbstractContextManager

import streamlit as st

from components.i18n import t


def further_reading(topic: str) -> AbstractContextManager:
    """A folded block titled "Pour aller plus loin : <topic>"; `topic` is already translated."""
    return st.expander(t("further.heading", topic=topic), icon=":material/school:")
