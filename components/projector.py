"""Projector mode: the shared on/off state, in the sidebar and in the URL (?projecteur=true)."""

import streamlit as st

from components import url_state
from components.i18n import t

PROJECTOR_KEY = "projecteur"


def projector_controls() -> bool:
    return url_state.toggle(t("projector.label"), key=PROJECTOR_KEY, help=t("projector.help"))


def projector_mode() -> bool:
    return bool(st.session_state.get(PROJECTOR_KEY, False))
