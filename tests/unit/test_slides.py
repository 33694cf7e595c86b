"""The slide number read from a URL (only 1..count is a slide) and kept within the deck."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.slides import HIDDEN_PREFIX, SLIDES_CSS, clamp_slide, slide_from_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        ("7", 7),
        (" 3 ", 3),
        ("0", None),
        ("8", None),
        ("-1", None),
        ("2.5", None),
        ("deux", None),
        ("", None),
        (None, None),
    ],
)
def test_slide_from_url(raw, expected):
    assert slide_from_url(raw, 7) == expected


@given(st.text(max_size=50), st.integers(min_value=1, max_value=12))
def test_slide_from_url_never_fails_and_stays_in_range(raw, count):
    number = slide_from_url(raw, count)
    assert number is None or 1 <= number <= count


@given(st.integers(min_value=-1000, max_value=1000), st.integers(min_value=1, max_value=12))
def test_clamp_slide_keeps_a_number_inside_the_deck(number, count):
    clamped = clamp_slide(number, count)
    assert 1 <= clamped <= count
    assert clamped == number or (number < 1 and clamped == 1) or (number > count and clamped == count)


def test_the_stylesheet_hides_exactly_the_hidden_slides():
    assert f'[class*="st-key-{HIDDEN_PREFIX}"]' in SLIDES_CSS and "display: none" in SLIDES_CSS
