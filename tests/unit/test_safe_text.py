"""Helpers for visitor text: nesting depth and inert excerpts."""

from components.safe_text import bracket_depth, inert_excerpt


def test_bracket_depth_counts_every_kind_of_bracket():
    assert bracket_depth("x") == 0
    assert bracket_depth("[[1, 2], [3]]") == 2
    assert bracket_depth("sin((x + [1]){})") == 3


def test_an_excerpt_is_short_printable_and_has_no_backticks():
    assert inert_excerpt("a`b\nc", 10) == "abc"
    assert inert_excerpt("x" * 50, 5) == "xxxxx…"


def test_an_excerpt_is_never_empty():
    # Shown inside a code span, which Markdown would not draw empty.
    assert inert_excerpt("", 10) == " "
    assert inert_excerpt("\n\x00`", 10) == " "
