"""Validation of URL values: the same rules as Streamlit's binding, with a message."""

import math

import pytest

from components.url_state import bool_notice, choice_notice, number_notice, parse_bool


@pytest.mark.parametrize("raw", ["0.5", " 0.5", "1e-1", "-3", "3", "0"])
def test_numbers_inside_the_range_are_accepted(raw):
    assert number_notice("x", raw, -3.0, 3.0, 1.0) is None


@pytest.mark.parametrize("raw", ["banana", "", "nan", "NaN", "inf", "-inf", "3.01", "1e308", "0x10"])
def test_bad_or_out_of_range_numbers_get_a_notice(raw):
    notice = number_notice("x", raw, -3.0, 3.0, 1.0)
    assert notice is not None
    assert notice.message_key == "url.invalid_number"
    assert notice.values["default"] == 1.0
    assert notice.values["min"] == -3.0 and notice.values["max"] == 3.0


def test_integer_widgets_refuse_decimals_like_streamlit_does():
    assert number_notice("n", "5", 1, 10, 3) is None
    notice = number_notice("n", "3.0", 1, 10, 3)
    assert notice is not None and notice.message_key == "url.invalid_integer"


def test_choices_must_match_exactly():
    assert choice_notice("lang", "en", ("fr", "en"), "fr") is None
    for raw in ("EN", "English", "xx", ""):
        notice = choice_notice("lang", raw, ("fr", "en"), "fr")
        assert notice is not None and notice.values["choices"] == "fr, en"


@pytest.mark.parametrize("raw", ["true", "false", "True", "FALSE", "1", "0"])
def test_booleans_accept_true_and_false(raw):
    assert bool_notice("projecteur", raw, False) is None


@pytest.mark.parametrize("raw", ["2", "yes", "oui", ""])
def test_other_booleans_get_a_notice(raw):
    assert bool_notice("projecteur", raw, False).values["default"] == "false"


def shown_value(raw: str) -> str:
    """The URL value as a notice shows it."""
    return number_notice("x", raw, -3.0, 3.0, 1.0).values["value"]


def test_a_shown_value_is_short_and_cannot_escape_its_code_span():
    hostile = "`<script>alert(1)</script>`" + "A" * 100_000
    excerpt = shown_value(hostile)
    assert "`" not in excerpt
    assert len(excerpt) <= 41 and excerpt.endswith("…")


def test_a_shown_value_has_no_control_characters_and_is_never_empty():
    assert shown_value("a\nb\x00c\u202ed") == "abcd"
    assert shown_value("\n") == " "  # never an empty code span


def test_nan_is_never_in_range():
    assert math.isnan(float("nan"))
    assert number_notice("lr", "nan", 0.0, 1.0, 0.1) is not None


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("0", False), ("true", True), (" FALSE ", False)])
def test_parse_bool_reads_what_bool_notice_accepts(raw, expected):
    assert bool_notice("t", raw, False) is None
    assert parse_bool(raw) is expected
