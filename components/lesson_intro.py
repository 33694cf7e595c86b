"""The opening of a lesson page: chapter, title, the objective from the seed, short prose,
and the page's words, each linked to its entry in the glossary."""

import streamlit as st

from components.glossary import entry_link, terms_of_page
from components.i18n import current_language, t, translate


def glossary_line(page_id: str, lang: str) -> str | None:
    """Markdown: "Mots du chapitre : [époque](glossaire?lang=fr#epoque), … · [Glossaire](…)";
    None for a page that teaches no term. The links open the glossary in a new tab."""
    terms = terms_of_page(page_id)
    if not terms:
        return None
    names = (translate(f"glossaire.term.{term.term_id}", lang) for term in terms)
    words = ", ".join(f"[{name}]({entry_link(term, lang)})" for name, term in zip(names, terms, strict=True))
    return translate("glossaire.page_words", lang, words=words, url=entry_link(None, lang))


def lesson_intro(page_id: str) -> None:
    st.caption(t("app.chapter"))
    st.title(t(f"{page_id}.title"))
    st.success(t(f"{page_id}.objective"), icon=":material/flag:")
    st.markdown(t(f"{page_id}.intro"))
    line = glossary_line(page_id, current_language())
    if line is not None:
        st.caption(line)
