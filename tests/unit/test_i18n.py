"""The catalogues: complete in both languages, same placeholders, French typography."""

import re

import pytest

from components.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalogue, placeholders, translate


def test_french_is_the_default_language():
    assert DEFAULT_LANGUAGE == "fr"
    assert set(LANGUAGES) == {"fr", "en"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_key_is_missing_in_any_language(lang):
    every_key = set().union(*(catalogue(other) for other in LANGUAGES))
    missing = sorted(every_key - set(catalogue(lang)))
    assert not missing, f"keys missing in {lang}.toml: {missing}"


def test_placeholders_are_the_same_in_every_language():
    french = catalogue("fr")
    differing = {
        key: (placeholders(french[key]), placeholders(catalogue("en")[key]))
        for key in french
        if placeholders(french[key]) != placeholders(catalogue("en")[key])
    }
    assert not differing, f"placeholders differ between fr and en: {differing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_formats_with_its_placeholders(lang):
    for key, text in catalogue(lang).items():
        filled = translate(key, lang, **dict.fromkeys(placeholders(text), "VALUE"))
        assert "{" not in filled.replace("{{", ""), key


def test_placeholders_finds_names():
    assert placeholders("en `x = {x}`, pente {grad:.2f}") == {"x", "grad"}
    assert placeholders("aucun") == set()


def test_translate_fills_placeholders():
    assert translate("quiz.wrong", "en", expected="7") == "Not quite. PyTorch's answer: 7."


def test_an_unknown_key_is_an_error_not_a_blank():
    with pytest.raises(KeyError):
        translate("no.such.key", "fr")


def test_french_uses_non_breaking_spaces_before_high_punctuation():
    # "Qu'est-ce que PyTorch ?" must not break the line before "?".
    offenders = {key: text for key, text in catalogue("fr").items() if re.search(r" [:;?!»]|« ", text)}
    assert not offenders, f"use a non-breaking space (U+00A0) in: {sorted(offenders)}"


SAME_IN_BOTH_LANGUAGES = {
    "home.compare.pytorch.origin",  # proper nouns and a year
    "sidebar.language",  # bilingual on purpose
    "tenseurs.shape_stride_line",  # code only
    "tenseurs.numpy.from_numpy",
    "tenseurs.numpy.copy",
    "fonction_de_cout.model.delta",  # parameter names
    "optimiseur.scheduler.exponential",  # a class name and a number
}


def test_french_text_is_not_english():
    # A key copied across untranslated would read the same in both catalogues.
    french, english = catalogue("fr"), catalogue("en")
    same = [
        key
        for key in french
        if french[key] == english[key] and len(french[key]) > 20 and key not in SAME_IN_BOTH_LANGUAGES
    ]
    assert not same, f"untranslated strings: {same}"
