"""Router: page config, the shared sidebar (language, device, projector and presentation modes), navigation."""

import streamlit as st

from components import persisted_progress, url_state
from components.browser_storage import mount_browser_storage
from components.class_push import CODE_PARAM
from components.devices import device_controls
from components.errors import friendly_errors
from components.i18n import LANGUAGE_KEY, LANGUAGE_NAMES, LANGUAGES, t
from components.log_limits import limit_repeated_logs
from components.pace import pace_this_rerun
from components.projector import PROJECTOR_KEY, apply_page_style, projector_controls
from components.run_lock import turn
from components.share import share_controls
from components.slides import presentation_controls
from components.torch_setup import configure_torch
from lessons.catalog import CLASSE, GLOSSARY, HOME, OBJECTIVES, RECAP, Lesson


def page(lesson: Lesson) -> st.Page:
    return st.Page(
        lesson.script,
        title=t(f"nav.{lesson.page_id}"),
        icon=lesson.icon,
        url_path=lesson.url_path,
        default=lesson is HOME,
    )


def main() -> None:
    with st.sidebar:
        url_state.radio(
            t("sidebar.language"),  # both languages: whoever cannot read one finds the switch
            LANGUAGES,
            key=LANGUAGE_KEY,
            format_func=LANGUAGE_NAMES.get,
            horizontal=True,
        )

    # After the language is known, so the browser tab's title is translated too. A link
    # opened in projector mode (?projecteur=1), or a class's join link on a phone
    # (?code=ABC123), starts with the sidebar folded away.
    folded = st.query_params.get(PROJECTOR_KEY) in ("1", "true") or CODE_PARAM in st.query_params
    st.set_page_config(
        page_title=t("app.page_title"),
        page_icon="🔥",  # an emoji: a material icon is fetched from Google at every load
        layout="wide",
        initial_sidebar_state="collapsed" if folded else "auto",
    )
    current_page = st.navigation(
        {
            t("nav.section_intro"): [page(HOME)],
            t("nav.section_objectives"): [page(lesson) for lesson in OBJECTIVES],
            t("nav.section_recap"): [page(RECAP), page(GLOSSARY)],
            t("nav.section_class"): [page(CLASSE)],
        }
    )
    with st.sidebar:
        st.divider()
        device_controls()
        projector_controls()
        presentation_controls()

    apply_page_style()
    # Before the page: it reads the browser's id, and its progress joins the session once.
    mount_browser_storage()
    persisted_progress.load()
    notices = st.container()
    with friendly_errors(current_page.url_path or "/"):  # a failing page keeps the sidebar
        current_page.run()
    with notices:
        url_state.show_notices()
    with st.sidebar:  # after the page ran: the link holds every value it set
        share_controls(current_page.url_path)


configure_torch()
limit_repeated_logs()
pace_this_rerun()  # a session asking for reruns faster than a person waits here, outside the turn
with turn():  # one session's script at a time: see components/run_lock.py
    url_state.start_run()
    with friendly_errors("router"):  # even the sidebar: a hostile client can send what no browser would
        main()
