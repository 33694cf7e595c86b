"""The grader's own feedback, whatever the exercise: syntax errors explained in the
learner's language, a reason said once, the downloadable script."""

import pytest

from components.exercise import Feedback, find_exercise, grade, static_feedback
from lessons.exercise_catalog import ALL_EXERCISES

RESHAPE = find_exercise("tenseurs.reshape_slice")


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ("y = x.reshape(3, 4\ncol = y[:, 1]", "code.hint.syntax_brackets"),
        ("for i in range(3):\nprint(i)", "code.hint.syntax_indent"),
        ("for i in range(3)\n    y = x", "code.hint.syntax_colon"),
    ],
)
def test_a_syntax_error_keeps_python_s_words_and_gets_a_line_of_explanation(answer, hint):
    result = grade(RESHAPE, answer)
    assert [feedback.key for feedback in result.feedback] == ["code.syntax", hint]
    assert result.error_line is not None


def test_an_empty_answer_is_told_so():
    assert grade(RESHAPE, "  \n").feedback == (Feedback("exercise.empty_answer"),)


def test_two_distractors_with_one_reason_say_it_once():
    shared = [e for e in ALL_EXERCISES if len(set(e.distractors.values())) < len(e.distractors)]
    exercise = shared[0]  # two distractors, one reason
    both = "\n".join(exercise.distractors)
    keys = [feedback.key for feedback in static_feedback(exercise, both)]
    assert len(keys) == len(set(keys))


def test_the_solved_script_prints_what_was_checked_after_the_learner_s_code():
    zeros = find_exercise("tenseurs.zeros")
    script = zeros.solved_script(zeros.solution)
    assert script.index(zeros.setup.strip().splitlines()[0]) < script.index(zeros.solution) < script.index("print('z'")
