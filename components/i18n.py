"""Every visible string comes from locales/<lang>.toml (and locales/<lang>/*.toml); French is the default.

Keys are dotted paths into the TOML tables ("home.title"); placeholders use
str.format syntax ("{value}"), so a literal brace is written "{{". A string that
depends on a count has two keys, "<key>.one" and "<key>.other", read with `tn`.
"""

import functools
import string
import tomllib
from pathlib import Path

import streamlit as st

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
LANGUAGE_KEY = "lang"  # session_state key of the sidebar widget, and URL parameter
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """All strings of one language, flattened to dotted keys: locales/<lang>.toml, then
    the lessons' own files locales/<lang>/*.toml (the exercises' texts), which may not
    redefine a key."""
    files = [LOCALES_DIR / f"{lang}.toml", *sorted((LOCALES_DIR / lang).glob("*.toml"))]
    strings: dict[str, str] = {}
    for path in files:
        with open(path, "rb") as file:
            table = _flatten(tomllib.load(file))
        repeated = strings.keys() & table.keys()
        if repeated:
            raise ValueError(f"{path.name} redefines {sorted(repeated)}")
        strings.update(table)
    return strings


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{key}."))
        else:
            flat[key] = value
    return flat


def placeholders(text: str) -> set[str]:
    """Names of the {placeholders} in a catalogue string."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def translate(key: str, lang: str, **values: object) -> str:
    """The string for `key` in `lang`, with its placeholders filled.

    A missing key raises KeyError: the catalogue test catches it before users do.
    """
    return catalogue(lang)[key].format(**values)


def current_language() -> str:
    lang = st.session_state.get(LANGUAGE_KEY)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    """The string for `key` in the learner's language."""
    return translate(key, current_language(), **values)


def plural_form(lang: str, count: int) -> str:
    """The CLDR plural category of `count`, "one" or "other": French says "0 bonne réponse",
    English "0 correct answers"."""
    singular = (0, 1) if lang == "fr" else (1,)
    return "one" if count in singular else "other"


def translate_count(key: str, lang: str, count: int, **values: object) -> str:
    """`key`.one or `key`.other for `count`, with {count} and the other placeholders filled."""
    return translate(f"{key}.{plural_form(lang, count)}", lang, count=count, **values)


def tn(key: str, count: int, **values: object) -> str:
    """The string for `key` and `count` in the learner's language: "1 question", "2 questions"."""
    return translate_count(key, current_language(), count, **values)
