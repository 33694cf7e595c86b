"""The code twin helper: it passes on a faithful script and fails on every kind of drift."""

import re

import pytest

from components.i18n import LANGUAGES
from lessons.accueil import core
from lessons.accueil.snippets import pillars_script
from tests.twin_check import assert_twin_matches, printed_values


def test_printed_values_reads_name_equals_value_lines():
    stdout = "y = 4.0\nx.grad = 5.0\nsome other line\ny.grad_fn = AddBackward0\n"
    assert printed_values(stdout) == {"y": "4.0", "x.grad": "5.0", "y.grad_fn": "AddBackward0"}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("function_id", "x"), [("polynome", 1.0), ("sinus", -2.3), ("gaussienne", 0.4)])
def test_the_home_script_reproduces_the_home_page_values(lang, function_id, x):
    result = core.pillars_demo(function_id, x)
    assert_twin_matches(
        pillars_script(core.PillarsSpec(function_id, x), lang),
        {"y": result.y, "x.grad": result.grad, "y.grad_fn": result.grad_fn},
    )


def test_a_different_number_fails():
    with pytest.raises(AssertionError, match=re.escape("x.grad: the page shows 6.0, its code twin prints 5.0")):
        assert_twin_matches(pillars_script(core.PillarsSpec("polynome", 1.0), "fr"), {"x.grad": 6.0})


def test_a_different_text_fails():
    with pytest.raises(AssertionError, match=re.escape("y.grad_fn")):
        assert_twin_matches(pillars_script(core.PillarsSpec("polynome", 1.0), "fr"), {"y.grad_fn": "MulBackward0"})


def test_a_value_the_script_never_prints_fails():
    with pytest.raises(AssertionError, match="never prints 'loss'"):
        assert_twin_matches(pillars_script(core.PillarsSpec("polynome", 1.0), "fr"), {"loss": 0.0})


def test_a_script_that_crashes_fails_with_its_traceback():
    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        assert_twin_matches("print('y = 1')\n1 / 0\n", {"y": 1.0})
