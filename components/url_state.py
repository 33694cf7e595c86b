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
from streamlit.runtime.state.session_state_proxy import get_session_state

from components.i18n import t
from components.safe_text import inert_excerpt

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
        value = int(raw) if integer else float(raw)  # int("inf"), int("1e999"): ValueError
    except ValueError:
        value = math.nan
    # An int of 400 digits is exact and compares with the bounds; only a float can be inf or nan.
    if (integer or math.isfinite(value)) and low <= value <= high:
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
    return {"name": name, "value": inert_excerpt(raw, _MAX_SHOWN_CHARS), "default": default, **extra}


# --- Widgets bound to the URL -------------------------------------------------


def slider(label: str, *, key: str, min_value: float, max_value: float, value: float, **kwargs):
    _check(key, lambda raw: number_notice(key, raw, min_value, max_value, value))
    _forget_out_of_bounds(key, min_value, max_value)
    return st.slider(label, min_value, max_value, value, key=key, bind="query-params", **kwargs)


def number_input(label: str, *, key: str, min_value: float, max_value: float, value: float, **kwargs):
    """A bound number input; the page may also set its value through st.session_state."""
    _check(key, lambda raw: number_notice(key, raw, min_value, max_value, value))
    _forget_out_of_bounds(key, min_value, max_value)
    if key in st.session_state:  # set by the page (a click on a chart): no default as well
        number = st.number_input(label, min_value, max_value, key=key, bind="query-params", **kwargs)
    else:
        number = st.number_input(label, min_value, max_value, value, key=key, bind="query-params", **kwargs)
    return type(value)(number)  # a client may send a bool, which Streamlit passes through


def _forget_out_of_bounds(key: str, low: float, high: float) -> None:
    """A value kept from an earlier run whose bounds have moved since (a slider over a
    tensor's side that shrank): Streamlit would refuse it with an error, so the widget
    goes back to its default."""
    current = st.session_state.get(key)
    values = current if isinstance(current, (tuple, list)) else (current,)
    if current is not None and not all(isinstance(v, (int, float)) and low <= v <= high for v in values):
        del st.session_state[key]


def forget_non_text(key: str) -> None:
    """Before a text widget: a client may send it a list or a number, which Streamlit
    and the page would choke on; such a value is forgotten, the widget starts afresh."""
    if key in st.session_state and not isinstance(st.session_state[key], str):
        del st.session_state[key]


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
    chosen = st.session_state.get(key)
    if chosen not in options:  # a first visit, or a value no browser sends (99, NaN, any text)
        raw = st.query_params.get(key)  # the URL holds the last valid choice: each run writes it
        notice = None if raw is None else choice_notice(key, raw, options, default)
        if notice is not None:
            add_notice(notice)
        chosen = raw if raw is not None and notice is None else default
    # Seated afresh on every run: a client may send a value in a field of another type
    # (numbers for a select slider's labels). Streamlit reads it as the default, then
    # fails writing it back into that field; the widget only meets the value checked here.
    if key in st.session_state:
        del st.session_state[key]
    st.session_state[key] = chosen
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
    """Check a bound widget's URL value on every run, before Streamlit's binding reads it.

    Streamlit would call int() on `inf` or `1e999` and fail, so a refused value is taken
    out of the URL first. The learner is told the first time the widget is drawn in the
    session; later refusals are the app's own writes (a slider whose bounds changed,
    whose value Streamlit resets anyway) or a client that no browser is: no notice.
    """
    checked = st.session_state.setdefault(_CHECKED_KEY, set())
    first_check = key not in checked
    checked.add(key)
    notices = [notice for raw in _url_values(key) if (notice := notice_for(raw)) is not None]
    if not notices:
        return
    _drop_from_url(key)
    if first_check:
        add_notice(notices[0])


def _url_values(key: str) -> list[str]:
    """The values of `key` in the address and in the copy Streamlit seeds widgets with
    (the run's first query string; the last value when repeated): both get checked."""
    with get_session_state().query_params() as params:
        values = [params.get_initial_value(key), params.get(key)]
    values = [value[-1] if isinstance(value, list) and value else value for value in values]
    return list(dict.fromkeys(value for value in values if isinstance(value, str)))


def _drop_from_url(key: str) -> None:
    """Take a refused value out of the address and out of the copy that Streamlit seeds
    bound widgets with. `st.query_params` refuses to touch a parameter bound to a widget,
    so this goes through the session's own QueryParams object, an internal API: the URL
    tests (tests/app/test_url_params.py, tests/e2e/test_one_visitor.py) check it still works."""
    with get_session_state().query_params() as params:
        params.remove_param(key)
        params.set_initial_query_params_from_current()


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
