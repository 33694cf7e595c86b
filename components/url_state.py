"""Shareable state: a page's widget values live in the URL (/optimiseur?lang=fr&lr=0.1).

Streamlit's own `bind="query-params"` does the two-way sync for numbers
(the widget key is the parameter name) but silently drops a value it cannot use.
These wrappers look at the raw value first, with the same rules, so the learner is
told which value was ignored and which default replaced it. Notices are collected during the run and
shown at the top of the page by the router (`show_notices`).
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import streamlit as st

from components.i18n import t
from components.safe_text import inert_excerpt as _excerpt

_NOTICES_KEY = "_url_state.notices"
_CHECKED_KEY = "_url_state.checked"  # widgets whose URL value was already checked this session
_MAX_LISTED_CHOICES = 8  # a notice lists a few choices, not a hundred shapes
_MAX_SHOWN_CHARS = 40  # a pasted URL may hold anything: show only a short, inert excerpt


@dataclass(frozen=True)
class UrlNotice:
    message_key: str  # locale key, e.g. "url.invalid_number"
    values: dict[str, object] = field(default_factory=dict)


def number_notice(name: str, raw: str, low: float, high: float, default: float) -> UrlNotice | None:
    """None when `raw` is a number Streamlit accepts for a widget bounded by [low, high]."""
    integer = all(isinstance(v, int) for v in (low, high, default))
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        value = math.nan
    if math.isfinite(value) and low <= value <= high:
        return None
    key = "url.invalid_integer" if integer else "url.invalid_number"
    return UrlNotice(key, _values(name, raw, default, min=low, max=high))


def choice_notice(name: str, raw: str, options: Sequence[str], default: str) -> UrlNotice | None:
    """None when `raw` is one of `options` (exact match, as Streamlit requires)."""
    if raw in options:
        return None
    shown = ", ".join(options[:_MAX_LISTED_CHOICES]) + (", …" if len(options) > _MAX_LISTED_CHOICES else "")
    return UrlNotice("url.invalid_choice", _values(name, raw, default, choices=shown))


# ?projecteur=1 reads better in a shared link; Streamlit's own true/false work too.
_BOOLEANS = {"1": True, "0": False, "true": True, "false": False}


def bool_notice(name: str, raw: str, default: bool) -> UrlNotice | None:
    if raw.strip().lower() in _BOOLEANS:
        return None
    return UrlNotice("url.invalid_bool", _values(name, raw, str(default).lower()))


def parse_bool(raw: str) -> bool:
    """1/0/true/false, as `bool_notice` accepts them."""
    return _BOOLEANS[raw.strip().lower()]


def _values(name: str, raw: str, default: object, **extra: object) -> dict[str, object]:
    return {"name": name, "value": inert_excerpt(raw), "default": default, **extra}


def inert_excerpt(raw: str) -> str:
    """A short excerpt of URL text, never empty (an empty code span would not show)."""
    return _excerpt(raw, _MAX_SHOWN_CHARS) or " "


# --- Widgets bound to the URL -------------------------------------------------


def slider(label: str, *, key: str, min_value: float, max_value: float, value: float, **kwargs):
    _check(key, lambda raw: number_notice(key, raw, min_value, max_value, value))
    return st.slider(
        label, min_value, max_value, value, key=key, bind="query-params", **kwargs
    )


def number_input(label: str, *, key: str, min_value: float, max_value: float, value: float, **kwargs):
    """A bound number input; the page may also set its value through st.session_state."""
    _check(key, lambda raw: number_notice(key, raw, min_value, max_value, value))
    if key in st.session_state:  # set by the page (a click on a chart): no default as well
        return st.number_input(label, min_value, max_value, key=key, bind="query-params", **kwargs)
    return st.number_input(label, min_value, max_value, value, key=key, bind="query-params", **kwargs)


def selectbox(label: str, options: Sequence[str], *, key: str, index: int = 0, **kwargs) -> str:
    return _choice(st.selectbox, label, options, key, index, **kwargs)


def radio(label: str, options: Sequence[str], *, key: str, index: int = 0, **kwargs) -> str:
    return _choice(st.radio, label, options, key, index, **kwargs)


def select_slider(label: str, options: Sequence[str], *, key: str, index: int = 0, **kwargs) -> str:
    """A slider over text options, e.g. learning rates on a log scale: ?lr=0.1"""
    return _choice(st.select_slider, label, options, key, index, **kwargs)


def _choice(widget, label: str, options: Sequence[str], key: str, index: int, **kwargs) -> str:
    """A choice widget whose URL value is the option itself, not its displayed label.

    Streamlit's binding would put the label from `format_func` in the URL
    (?lang=Français), so choices are synced here: the URL seeds the value once,
    the session keeps it across pages, and each run writes it back.
    """
    default = options[index]
    if key not in st.session_state or st.session_state[key] not in options:
        raw = st.query_params.get(key)
        notice = None if raw is None else choice_notice(key, raw, options, default)
        if notice is not None:
            add_notice(notice)
        st.session_state[key] = raw if raw is not None and notice is None else default
    value = widget(label, options, key=key, persist_state="session", **kwargs)
    if value == default:
        st.query_params.pop(key, None)  # defaults stay out of the URL, as with bound widgets
    else:
        st.query_params[key] = value
    return value


def toggle(label: str, *, key: str, value: bool = False, **kwargs) -> bool:
    """A toggle synced by hand, like the choices: the URL says 1 or 0 (or true/false).

    Streamlit's binding only reads true/false and drops ?projecteur=1 from the
    address after the first run, so a shared link would lose it.
    """
    if key not in st.session_state:
        raw = st.query_params.get(key)
        notice = None if raw is None else bool_notice(key, raw, value)
        if notice is not None:
            add_notice(notice)
        st.session_state[key] = value if raw is None or notice is not None else parse_bool(raw)
    checked = st.toggle(label, key=key, persist_state="session", **kwargs)
    if checked == value:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = "1" if checked else "0"
    return checked


def _check(key: str, notice_for: Callable[[str], UrlNotice | None]) -> None:
    """Check a widget's URL value the first time the widget is drawn in the session.

    Later values in the URL are the app's own writes: when a widget's bounds change
    (a slider over a tensor's side), Streamlit resets the value, no notice needed.
    """
    checked = st.session_state.setdefault(_CHECKED_KEY, set())
    if key in checked:
        return
    checked.add(key)
    raw = st.query_params.get(key)
    if raw is None:
        return
    notice = notice_for(raw)
    if notice is not None:
        add_notice(notice)


# --- Notices ------------------------------------------------------------------


def add_notice(notice: UrlNotice) -> None:
    """For a URL value read by hand elsewhere (the slide number)."""
    st.session_state.setdefault(_NOTICES_KEY, []).append(notice)


def start_run() -> None:
    """Forget the notices of the previous run (the router calls this first)."""
    st.session_state[_NOTICES_KEY] = []


def show_notices() -> None:
    for notice in st.session_state.get(_NOTICES_KEY, []):
        st.warning(t(notice.message_key, **notice.values), icon=":material/link_off:")
