"""Glossary: the chapter's words in French and English, a filter, one anchored entry per term.

The terms are data (components/glossary.py) so the lessons can link to an entry:
`glossaire?lang=fr#taux-d-apprentissage` scrolls to its heading. In presentation mode
each term is a slide of its own.
"""

import streamlit as st

from components import url_state
from components.chapter_path import chapter_links
from components.glossary import (
    MAX_FILTER_CHARS,
    TERMS,
    FilterRefused,
    Term,
    definition,
    english,
    french,
    matching_terms,
)
from components.i18n import current_language, t
from components.safe_text import inert_excerpt
from components.slides import Deck
from lessons.catalog import ALL_LESSONS

PAGE_ID = "glossaire"
FILTER_KEY = "terme"
LESSONS = {lesson.page_id: lesson for lesson in ALL_LESSONS}


def shown_terms(text: str) -> tuple[tuple[Term, ...], FilterRefused | None]:
    """The terms the filter keeps; every term, with the reason, for a refused filter."""
    try:
        return matching_terms(text), None
    except FilterRefused as refusal:
        return TERMS, refusal


def filter_section(text: str, terms: tuple[Term, ...], refusal: FilterRefused | None) -> None:
    st.caption(t("app.chapter"))
    st.title(t("glossaire.title"))
    st.markdown(t("glossaire.intro"))
    st.text_input(
        t("glossaire.filter.label"),
        key=FILTER_KEY,
        max_chars=MAX_FILTER_CHARS,
        placeholder=t("glossaire.filter.placeholder"),
        help=t("glossaire.filter.help", max=MAX_FILTER_CHARS),
    )
    if refusal is not None:
        values = {name: inert_excerpt(str(value), MAX_FILTER_CHARS) for name, value in refusal.values.items()}
        st.error(t(refusal.key, **values), icon=":material/error:")
    elif not terms:
        st.info(t("glossaire.filter.none", text=inert_excerpt(text, MAX_FILTER_CHARS)), icon=":material/search_off:")
    else:
        st.caption(t("glossaire.filter.count", shown=len(terms), total=len(TERMS)))


def term_entry(term: Term, lang: str) -> None:
    """One entry: both names (the page's language first), the definition, PyTorch, the lesson."""
    first, second = (french(term), english(term)) if lang == "fr" else (english(term), french(term))
    st.subheader(f"{first} · _{second}_", anchor=term.anchor, divider="gray")
    st.markdown(definition(term, lang))
    if term.pytorch is not None:
        st.markdown(t("glossaire.pytorch", code=term.pytorch))
    lesson = LESSONS[term.page_id]
    st.page_link(lesson.script, label=t("glossaire.taught_in", title=t(f"nav.{lesson.page_id}")), icon=lesson.icon)


# The filter is read before its box is drawn: the slides (one per term kept) come first.
url_state.forget_non_text(FILTER_KEY)  # a client may send a list or a number instead of text
text = st.session_state.get(FILTER_KEY, "")
terms, refusal = shown_terms(text)
deck = Deck(
    PAGE_ID,
    [("intro", "glossaire.title"), *((term.term_id, f"glossaire.term.{term.term_id}") for term in terms)],
)
with deck.slide("intro"):
    filter_section(text, terms, refusal)
for term in terms:
    with deck.slide(term.term_id):
        term_entry(term, current_language())
chapter_links(PAGE_ID, ALL_LESSONS, shown=deck.on_last_slide)
