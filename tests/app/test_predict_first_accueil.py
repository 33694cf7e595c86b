"""Home page, predict first: `y.grad_fn` stays hidden until the learner predicts it.

The other question (x.grad one step to the right) asks about a point the page does not
show: its answer is off the page until checked.
"""

import pytest

from components.i18n import translate
from lessons.accueil import core

from .prediction import answer, hidden_notice, pending_notice, readable_text, show_from_pending, show_without_answering

PAGE_ID = "accueil"


def grad_fn_metric(app) -> str:
    [value] = [metric.value for metric in app.metric if metric.label == "y.grad_fn"]
    return value


@pytest.mark.parametrize("function_id", list(core.DEMO_FUNCTIONS))
def test_grad_fn_is_hidden_until_answered(open_app, function_id):
    expected = core.pillars_demo(function_id, core.X_DEFAULT).grad_fn
    app = open_app(f=function_id)
    assert expected not in readable_text(app)
    assert grad_fn_metric(app) == "?"
    assert hidden_notice() in readable_text(app)
    wrong = next(choice for choice in core.GRAD_FN_CHOICES if choice != expected)
    app = answer(app, PAGE_ID, "last_grad_fn", wrong)  # a wrong answer reveals it too
    assert grad_fn_metric(app) == expected
    assert f"Son nœud s'appelle `{expected}`" in readable_text(app)
    assert hidden_notice() not in readable_text(app)


def test_grad_fn_shown_without_answering(open_app):
    app = show_without_answering(open_app(lang="en", f="gaussienne", x="0.5"), PAGE_ID, "last_grad_fn")
    text = readable_text(app)
    assert grad_fn_metric(app) == "ExpBackward0"
    assert "You did not answer. PyTorch's answer: “ExpBackward0”." in text
    assert "gave `y = 0.7788` at `x = 0.5`" in text  # exp(-0.25), from the run


def test_grad_fn_stays_revealed_for_another_function(open_app):
    app = answer(open_app(f="polynome"), PAGE_ID, "last_grad_fn", "AddBackward0")
    app.selectbox(key="f").set_value("sinus").run()
    assert grad_fn_metric(app) == "MulBackward0"


@pytest.mark.parametrize("x", ["-3.0", "-1.5", "0.0", "1.0", "2.5", "3.0"])
@pytest.mark.parametrize("function_id", list(core.DEMO_FUNCTIONS))
def test_grad_at_other_x_is_not_on_the_page_until_checked(open_app, function_id, x):
    other_x = core.next_x(float(x))
    other = core.pillars_demo(function_id, other_x)
    here = core.pillars_demo(function_id, float(x))
    explanation_part = f"en `x = {other_x:.1f}`, il obtient `{other.grad:.4f}`"
    app = open_app(f=function_id, x=x)
    assert explanation_part not in readable_text(app)
    # Not ambiguous: the page's own x.grad (shown) differs from the asked one at 4 decimals.
    assert f"{here.grad:.4f}" != f"{other.grad:.4f}"
    app = answer(app, PAGE_ID, "grad_at_other_x", round(other.grad, 4))
    assert explanation_part in readable_text(app)
    assert translate("quiz.correct", "fr") in readable_text(app)


def test_the_result_slide_says_it_waits_for_the_question_and_can_show_it(open_app):
    """Slide 5 comes after the question's slide: not an empty place, a notice and its button."""
    app = open_app(presentation="1", diapo="5", f="gaussienne", x="0.5")
    assert pending_notice() in readable_text(app)
    assert grad_fn_metric(app) == "?"
    app = show_from_pending(app, PAGE_ID, "last_grad_fn")
    assert grad_fn_metric(app) == "ExpBackward0"
    assert "ExpBackward0" in readable_text(app)
    assert pending_notice() not in readable_text(app)
