"""The glossary as data (components/glossary.py), the lessons' links to it, and the guided path's order."""

import re
from itertools import pairwise

import pytest

from components.chapter_path import neighbours
from components.glossary import (
    MAX_FILTER_CHARS,
    TERMS,
    URL_PATH,
    FilterRefused,
    checked_filter,
    definition,
    english,
    entry_link,
    folded,
    french,
    matching_terms,
    terms_of_page,
)
from components.i18n import LANGUAGES, translate
from components.lesson_intro import glossary_line
from lessons.catalog import ALL_LESSONS, GLOSSARY, HOME, OBJECTIVES, RECAP

BY_ID = {term.term_id: term for term in TERMS}
PWNED = "__import__('os').system('touch PWNED')"


def test_the_chapter_words_asked_for_are_all_there():
    names = {english(term) for term in TERMS}
    for word in (
        "gradient descent",
        "learning rate",
        "epoch",
        "batch (mini-batch)",
        "logit",
        "mean squared error (MSE)",
        "mean absolute error (MAE, L1)",
        "accuracy",
        "gradient",
        "tensor",
        "computational graph",
        "momentum",
    ):
        assert word in names
    assert french(BY_ID["taux_d_apprentissage"]) == "taux d'apprentissage"
    assert french(BY_ID["epoque"]) == "époque"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_term_has_two_names_a_definition_and_a_pytorch_name(lang):
    for term in TERMS:
        assert french(term) and english(term)
        text = definition(term, lang)
        assert text.endswith(".") and text.count(". ") == 0, term.term_id  # one sentence
    assert all(term.pytorch for term in TERMS)


def test_anchors_are_unique_and_safe_in_a_url():
    anchors = [term.anchor for term in TERMS]
    assert len(set(anchors)) == len(anchors)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", anchor) for anchor in anchors)
    assert BY_ID["taux_d_apprentissage"].anchor == "taux-d-apprentissage"


def test_each_objective_page_teaches_some_words_and_only_those_pages_do():
    assert {term.page_id for term in TERMS} == {lesson.page_id for lesson in OBJECTIVES}
    assert terms_of_page("accueil") == ()


def test_a_link_opens_the_glossary_at_the_entry_in_the_page_language():
    assert GLOSSARY.url_path == URL_PATH == "glossaire"
    assert entry_link(BY_ID["taux_d_apprentissage"], "en") == "glossaire?lang=en#taux-d-apprentissage"
    assert entry_link(None, "fr") == "glossaire?lang=fr"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_intro_line_links_each_word_of_the_page(lang):
    line = glossary_line("optimiseur", lang)
    for term in terms_of_page("optimiseur"):
        name = translate(f"glossaire.term.{term.term_id}", lang)
        assert f"[{name}](glossaire?lang={lang}#{term.anchor})" in line
    assert f"(glossaire?lang={lang})" in line
    assert glossary_line("accueil", lang) is None


def test_the_filter_sets_case_and_accents_aside():
    assert folded("Époque") == folded("EPOQUE") == "epoque"
    assert folded("taux d’apprentissage") == "taux d'apprentissage"
    assert matching_terms("EPOQUE") == matching_terms("époque") == (BY_ID["epoque"],)


def test_the_filter_searches_both_names_and_the_pytorch_name():
    assert matching_terms("apprentissage") == (BY_ID["taux_d_apprentissage"],)
    assert matching_terms("learning rate") == (BY_ID["taux_d_apprentissage"],)
    assert matching_terms("MSELoss") == (BY_ID["erreur_quadratique_moyenne"],)
    assert BY_ID["retropropagation"] in matching_terms("backward")
    assert {BY_ID["erreur_absolue_moyenne"], BY_ID["erreur_quadratique_moyenne"]} <= set(matching_terms("loss"))


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_filter_keeps_every_term(text):
    assert matching_terms(text) == TERMS


@pytest.mark.parametrize("text", ["zzzz", "nan", "-1e308", "épouvantail"])
def test_a_filter_nothing_matches_keeps_no_term(text):
    assert matching_terms(text) == ()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (PWNED, "glossaire.filter.characters"),
        ("<script>alert('x')</script>", "glossaire.filter.characters"),
        ("'; DROP TABLE eleves; --", "glossaire.filter.characters"),
        ("é\u200b", "glossaire.filter.characters"),
        ("x" * (MAX_FILTER_CHARS + 1), "glossaire.filter.too_long"),
        ("9" * 100_000, "glossaire.filter.too_long"),
    ],
)
def test_a_filter_with_code_or_too_long_is_refused_with_a_message(text, key):
    with pytest.raises(FilterRefused) as refused:
        matching_terms(text)
    assert refused.value.key == key
    for lang in LANGUAGES:
        assert translate(key, lang, **refused.value.values)


def test_the_refusal_names_the_characters_and_the_longest_filter_passes():
    with pytest.raises(FilterRefused) as refused:
        checked_filter("lot; <b>")
    assert refused.value.values == {"characters": ";<>"}
    assert checked_filter("x" * MAX_FILTER_CHARS) == "x" * MAX_FILTER_CHARS


def test_the_path_runs_through_every_page_once_home_first():
    assert ALL_LESSONS[0] is HOME
    assert ALL_LESSONS.index(RECAP) == len(OBJECTIVES) + 1  # the seed's order, then the references
    assert neighbours(HOME.page_id, ALL_LESSONS) == (None, OBJECTIVES[0])
    assert neighbours(ALL_LESSONS[-1].page_id, ALL_LESSONS) == (ALL_LESSONS[-2], None)
    for previous, following in pairwise(ALL_LESSONS):
        assert neighbours(following.page_id, ALL_LESSONS)[0] is previous
        assert neighbours(previous.page_id, ALL_LESSONS)[1] is following


def test_a_page_missing_from_the_order_is_an_error():
    with pytest.raises(ValueError):
        neighbours("nulle_part", ALL_LESSONS)
