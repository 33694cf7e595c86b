"""Quiz answers are judged against the value PyTorch computed."""

import math

import pytest

from components.quiz import ChoiceQuestion, NumberQuestion, expected_text, is_correct, number_text

NUMBER = NumberQuestion("q", "x.grad ?", expected=7.0, explanation="")
CHOICE = ChoiceQuestion("q", "grad_fn ?", ("AddBackward0", "MulBackward0"), "MulBackward0", "")


@pytest.mark.parametrize("answer", [7.0, 7, 7.005, 6.995])
def test_a_number_close_to_pytorchs_is_right(answer):
    assert is_correct(NUMBER, answer)


@pytest.mark.parametrize("answer", [7.1, -7.0, 0.0, None, math.nan, math.inf, "7"])
def test_a_wrong_missing_or_non_finite_number_is_wrong(answer):
    assert not is_correct(NUMBER, answer)


def test_large_expected_values_use_a_relative_tolerance():
    question = NumberQuestion("q", "", expected=1000.0, explanation="")
    assert is_correct(question, 1000.9)
    assert not is_correct(question, 1002.0)


def test_counts_must_be_exact():
    question = NumberQuestion("q", "", expected=2.0, explanation="", tolerance=0.5, relative=0.0)
    assert is_correct(question, 2.0)
    assert not is_correct(question, 1.0) and not is_correct(question, 3.0)


def test_only_the_expected_choice_is_right():
    assert is_correct(CHOICE, "MulBackward0")
    assert not is_correct(CHOICE, "AddBackward0")
    assert not is_correct(CHOICE, None)


def test_expected_text_is_readable():
    assert expected_text(NUMBER) == "7"
    assert expected_text(NumberQuestion("q", "", expected=1.381773, explanation="")) == "1.3818"
    assert expected_text(NumberQuestion("q", "", expected=118.959274, explanation="")) == "118.9593"
    assert expected_text(NumberQuestion("q", "", expected=0.25, explanation="")) == "0.25"
    assert expected_text(NumberQuestion("q", "", expected=0.000123456, explanation="")) == "0.0001235"
    assert expected_text(CHOICE) == "MulBackward0"


@pytest.mark.parametrize("value", [118.959274, 1.381773, -2.5e-5, 0.281639, 24.0, -3.14159, 12345.678])
def test_the_expected_text_is_accepted_by_the_check_itself(value):
    """Typing back the answer the page prints must be marked right."""
    question = NumberQuestion("q", "", expected=value, explanation="")
    assert is_correct(question, float(number_text(value)))
