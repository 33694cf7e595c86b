"""Recap of the chapter: the five objectives and the key code of each, printable."""

import streamlit as st

from components.chapter_path import chapter_links
from components.i18n import current_language, t
from components.slides import Deck
from lessons.catalog import ALL_LESSONS, OBJECTIVES
from lessons.resume.snippets import key_code

# Printing keeps the lesson, not the app around it (static stylesheet, no user text).
PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; }
  [data-testid="stMain"] .block-container { padding: 0 !important; max-width: 100% !important; }
  [data-testid="stCode"] { break-inside: avoid; }
}
</style>
"""

st.html(PRINT_CSS)
deck = Deck(
    "resume",
    [("intro", "resume.title")] + [(lesson.page_id, f"home.objectives.{lesson.page_id}") for lesson in OBJECTIVES],
)
with deck.slide("intro"):
    st.caption(t("app.chapter"))
    st.title(t("resume.title"))
    st.markdown(t("resume.intro"))
for number, lesson in enumerate(OBJECTIVES, start=1):
    with deck.slide(lesson.page_id):
        st.header(f"{number}. {t(f'home.objectives.{lesson.page_id}')}", divider="gray")
        st.markdown(t(f"resume.summary.{lesson.page_id}"))
        st.code(key_code(lesson.page_id, current_language()), language="python")
        st.page_link(lesson.script, label=t("resume.open_lesson"), icon=lesson.icon)
chapter_links("resume", ALL_LESSONS, shown=deck.on_last_slide)
