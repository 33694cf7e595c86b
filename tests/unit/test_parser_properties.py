"""Property-based tests for every parser of visitor text: the tensor list, the URL
values (numbers, choices, booleans, slides) and the inert excerpts. Whatever arrives,
each either returns a value in its contract or refuses with its own error, never
anything else. (The expression language has its own in test_expressions.py.)"""

import math
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from components.safe_text import bracket_depth, inert_excerpt
from components.url_state import bool_notice, choice_notice, number_notice, parse_bool
from lessons.tenseurs.core import MAX_DIMS, MAX_ELEMENTS, TensorInputError, literal_shape, parse_tensor_literal

LIST_TEXT = st.text(alphabet=string.digits + "[](), .-+eTrueFalsnij_'\"\\#x", max_size=200)
HOSTILE = st.sampled_from(
    [
        "__import__('os').system('touch PWNED')",
        "<script>alert(1)</script>",
        "'; DROP TABLE t; --",
        "nan",
        "inf",
        "-1e309",
        "[" * 5000,
        "9" * 5000,
        "\x00",
        "🔥" * 50,
        "[[1,2],[3]]",
        "()",
        "[]",
        "[True, -True]",
    ]
)


@settings(max_examples=300)
@given(st.one_of(LIST_TEXT, st.text(max_size=300), HOSTILE))
def test_the_tensor_list_parser_returns_a_rectangular_list_or_refuses(text):
    try:
        values = parse_tensor_literal(text)
    except TensorInputError as error:
        assert error.key.startswith("tenseurs.error.")
        return
    shape = literal_shape(values)
    assert 1 <= len(shape) <= MAX_DIMS
    assert 1 <= math.prod(shape) <= MAX_ELEMENTS


@given(st.lists(st.lists(st.integers(-(10**6), 10**6), min_size=2, max_size=2), min_size=1, max_size=5))
def test_the_tensor_list_parser_reads_back_what_python_prints(rows):
    assert parse_tensor_literal(repr(rows)) == rows


@given(st.one_of(st.text(max_size=60), HOSTILE), st.floats(-100, 0), st.floats(0, 100))
def test_a_number_notice_is_given_exactly_when_the_value_is_unusable(raw, low, high):
    notice = number_notice("x", raw, low, high, low)
    try:
        value = float(raw)
        usable = math.isfinite(value) and low <= value <= high
    except ValueError:
        usable = False
    assert (notice is None) == usable
    if notice is not None:
        assert len(notice.values["value"]) <= 41  # an excerpt, never the whole text


@given(
    st.one_of(st.text(max_size=60), HOSTILE),
    st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=20, unique=True),
)
def test_a_choice_notice_is_given_exactly_when_the_value_is_not_an_option(raw, options):
    assert (choice_notice("c", raw, options, options[0]) is None) == (raw in options)


@given(st.one_of(st.text(max_size=20), HOSTILE))
def test_a_boolean_is_read_only_when_no_notice_is_given(raw):
    if bool_notice("b", raw, False) is None:
        assert parse_bool(raw) in (True, False)


@given(st.one_of(st.text(max_size=500), HOSTILE), st.integers(1, 60))
def test_an_inert_excerpt_is_short_printable_and_has_no_backtick(text, limit):
    excerpt = inert_excerpt(text, limit)
    assert len(excerpt) <= limit + 1
    assert "`" not in excerpt and all(char.isprintable() for char in excerpt)


@given(st.text(alphabet="([{)]}ab", max_size=200))
def test_bracket_depth_is_the_deepest_opening_run(text):
    depth, deepest = 0, 0
    for char in text:
        depth += 1 if char in "([{" else -1 if char in ")]}" else 0
        deepest = max(deepest, depth)
    assert bracket_depth(text) == deepest
