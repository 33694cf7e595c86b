"""The opening of a lesson page: chapter, title, the objective from the seed, short prose."""

import streamlit as st

from components.i18n import t


def lesson_intro(page_id: str) -> None:
    st.caption(t("app.chapter"))
    st.title(t(f"{page_id}.title"))
    st.success(t(f"{page_id}.objective"), icon=":material/flag:")
    st.markdown(t(f"{page_id}.intro"))
