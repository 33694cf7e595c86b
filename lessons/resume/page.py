"""Recap of the chapter: the five objectives and the key code of each, printable."""

import streamlit as st

from components.chapter_path import chapter_links
from components.i18n import current_language, t
from components.slides import Deck
from lessons.catalog import ALL_LESSONS, OBJECTIVES, Lesson
from lessons.resume.snippets import SLIDE_BREAKS, key_code, key_code_slides

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


def summary_and_link(lesson: Lesson) -> None:
    """The objective in one sentence and the way to its lesson: side by side on a slide,
    where the code below needs the room; the link under the code otherwise."""
    if not deck.active:
        st.markdown(t(f"resume.summary.{lesson.page_id}"))
        return
    summary, link = st.columns([3, 1], vertical_alignment="center")
    summary.markdown(t(f"resume.summary.{lesson.page_id}"))
    with link:
        st.page_link(lesson.script, label=t("resume.open_lesson"), icon=lesson.icon)


st.html(PRINT_CSS)
slides = [("intro", "resume.title")]
for lesson in OBJECTIVES:
    slides.append((lesson.page_id, f"home.objectives.{lesson.page_id}"))
    if lesson.page_id in SLIDE_BREAKS:  # a script too long for one slide: its end on the next
        slides.append((f"{lesson.page_id}_suite", f"resume.continued.{lesson.page_id}"))
deck = Deck("resume", slides)
with deck.slide("intro"):
    st.caption(t("app.chapter"))
    st.title(t("resume.title"))
    st.markdown(t("resume.intro"))
for number, lesson in enumerate(OBJECTIVES, start=1):
    language = current_language()
    parts = key_code_slides(lesson.page_id, language) if deck.active else [key_code(lesson.page_id, language)]
    with deck.slide(lesson.page_id):
        st.header(f"{number}. {t(f'home.objectives.{lesson.page_id}')}", divider="gray")
        summary_and_link(lesson)
        st.code(parts[0], language="python")
    if len(parts) > 1:
        with deck.slide(f"{lesson.page_id}_suite"):
            st.code(parts[1], language="python")
    if not deck.active:
        st.page_link(lesson.script, label=t("resume.open_lesson"), icon=lesson.icon)
chapter_links("resume", ALL_LESSONS, shown=deck.on_last_slide)
