"""Autograd page, predict first: each question comes before the result that answers it.

Per question: before answering, the result as the page shows it is not in the page's
text; after answering (or showing it without answering), it is, with the explanation.
"""

import math

import pytest

from components.expressions import ExpressionError
from components.i18n import translate
from lessons.autograd import core
from lessons.autograd.sections import other_point

from .prediction import (
    answer,
    hidden_notice,
    pending_notice,
    question_form,
    readable_text,
    show_from_pending,
    show_without_answering,
)

PAGE = "lessons/autograd/page.py"
PAGE_ID = "autograd"
# Settings whose numbers are long enough not to appear on the page by chance.
QUERY = {"fonction": "sin(x)*x**2", "ax": "1.0", "fonction2": "sin(x)*cos(y)", "px": "1.0", "py": "0.5"}
ONE = core.derivatives("sin(x)*x**2", 1.0)
TWICE = core.accumulated_gradients("sin(x)*x**2", 1.0, 2, zero_between=False)[-1]
TWO = core.gradient_2d("sin(x)*cos(y)", 1.0, 0.5)
LAST = core.recorded_graph("sin(x)*x**2", 1.0).nodes[0].name
OTHER_X, OTHER_GRAD = other_point("sin(x)*x**2", 1.0, ONE.autograd)

# (question id, the result as the page shows it, an answer, a part of the explanation)
QUESTIONS = [
    ("grad_fn", LAST, LAST, f"Son nœud, `{LAST}`, est donc le dernier enregistré"),
    ("partial_y", f"∂f/∂y = y.grad {TWO.d_dy:.6g}", round(TWO.d_dy, 4), f"`y.grad = {TWO.d_dy:.4g}`"),
    ("two_backward", f"{TWICE:.6g}", round(TWICE, 4), f"le second ajoute encore `{ONE.autograd:.6g}`"),
    (
        "grad_elsewhere",
        f"il obtient `{OTHER_GRAD:.6g}`",
        round(OTHER_GRAD, 4),
        f"PyTorch trouvait `{ONE.autograd:.6g}`",
    ),
]


def test_the_settings_make_a_real_test():
    assert LAST == "MulBackward0"
    assert f"{TWICE:.6g}" == "4.44649" and OTHER_X == 2.0


@pytest.mark.parametrize(("question_id", "shown", "value", "why"), QUESTIONS)
def test_the_answer_is_hidden_until_the_learner_answers(open_app, question_id, shown, value, why):
    app = open_app(page=PAGE, **QUERY)
    assert shown not in readable_text(app)
    assert why not in readable_text(app)
    app = answer(app, PAGE_ID, question_id, value)
    assert translate("quiz.correct", "fr") in readable_text(app)
    assert shown in readable_text(app)
    assert why in readable_text(app)


def test_the_graph_is_drawn_once_shown_without_answering(open_app):
    app = open_app(page=PAGE, **QUERY)
    assert not app.get("graphviz_chart")
    app = show_without_answering(app, PAGE_ID, "grad_fn")
    assert LAST in app.get("graphviz_chart")[0].proto.spec
    assert f"Sans réponse de votre part. Réponse de PyTorch\u00a0: «\u00a0{LAST}\u00a0»." in readable_text(app)


def test_the_gradient_arrow_and_partials_wait_for_the_prediction(open_app):
    app = open_app(page=PAGE, lang="en", **QUERY)
    alt_before = f"∂f/∂y = {TWO.d_dy:.4g}"
    assert alt_before not in readable_text(app)
    assert {m.value for m in app.metric if m.label.startswith(("f(x, y)", "∂f/"))} == {"?"}
    assert hidden_notice("en") in readable_text(app)
    app = show_without_answering(app, PAGE_ID, "partial_y")
    assert alt_before in readable_text(app)  # the chart's text alternative, with the arrow
    assert f"`x.grad = {TWO.d_dx:.4g}` for the other direction" in readable_text(app)


def test_a_revealed_table_stays_for_new_settings(open_app):
    app = show_without_answering(open_app(page=PAGE, **QUERY), PAGE_ID, "two_backward")
    app.slider(key="ax").set_value(2.0).run()
    twice = core.accumulated_gradients("sin(x)*x**2", 2.0, 2, zero_between=False)[-1]
    assert f"{twice:.6g}" in list(app.table[0].value["x.grad"])


def test_two_backward_is_not_asked_where_its_answer_equals_the_shown_derivative(open_app):
    """relu at x = -1: x.grad is 0, and 0 + 0 = 0 is already on the page."""
    app = open_app(page=PAGE, fonction="relu(x)", ax="-1.0")
    assert not [form for form in app.get("form") if "two_backward" in form.proto.form.form_id]
    assert list(app.table[0].value["x.grad"]) == ["0", "0"]


@pytest.mark.parametrize("text", core.PRESETS)
def test_the_grad_fn_question_has_one_right_choice(open_app, text):
    app = open_app(page=PAGE, fonction=text, ax="0.5")
    options = question_form(app, PAGE_ID, "grad_fn").radio[0].options
    expected = core.recorded_graph(text, 0.5).nodes[0].name
    assert len(options) == len(set(options)) and options.count(expected) == 1
    assert "x" not in options and all("Backward" in option for option in options)  # only grad_fn nodes


@pytest.mark.parametrize("text", core.PRESETS)
def test_the_final_question_asks_for_a_slope_the_page_does_not_show(text):
    """Over every x of the slider: the asked x.grad is never the one on the page, at the
    quiz's tolerance (relu at x < 0 and abs have flat stretches)."""
    for tenth in range(-30, 31):
        x = tenth / 10
        try:
            grad = core.derivatives(text, x).autograd
        except ExpressionError:  # not finite there
            continue
        point = other_point(text, x, grad)
        assert point is not None, (text, x)
        other_x, other_grad = point
        assert other_x != x and core.X_MIN <= other_x <= core.X_MAX
        assert other_grad == core.derivatives(text, other_x).autograd
        assert not math.isclose(other_grad, grad, rel_tol=0.001, abs_tol=0.01)


def test_a_slope_that_never_changes_gets_no_final_question(open_app):
    app = open_app(page=PAGE, fonction="saisie", expr="3*x")
    assert not [form for form in app.get("form") if "grad_elsewhere" in form.proto.form.form_id]
    assert any("vaut `3` partout sur le curseur" in caption.value for caption in app.caption)


GRAPH_INTRO = "Pendant le calcul de `y`, PyTorch a construit ce graphe"


def test_each_result_slide_says_it_waits_for_its_question_and_can_show_it(open_app):
    """Slides 5 (the graph), 8 (the gradient map) and 11 (the sum's table) come after their
    question's slide: a notice and its button, not a title over an empty place."""
    app = open_app(page=PAGE, presentation="1", diapo="5", **QUERY)
    pending = {button.key for button in app.button if button.key.endswith(".pending")}
    assert pending == {
        f"quiz.revealed.{PAGE_ID}.{question}.pending" for question in ("grad_fn", "partial_y", "two_backward")
    }
    assert sum(info.value == pending_notice() for info in app.info) == 3
    assert GRAPH_INTRO not in readable_text(app)
    assert not [slider for slider in app.slider if slider.key == "etape"]  # no lone slider
    app = show_from_pending(app, PAGE_ID, "grad_fn")
    assert LAST in readable_text(app)  # in the drawing
    assert GRAPH_INTRO in readable_text(app)
    app = show_from_pending(app, PAGE_ID, "two_backward")
    assert f"{TWICE:.6g}" in readable_text(app)
    app = show_from_pending(app, PAGE_ID, "partial_y")
    assert f"∂f/∂y = y.grad {TWO.d_dy:.6g}" in readable_text(app)
    assert pending_notice() not in readable_text(app)


@pytest.mark.parametrize("presentation", [{}, {"presentation": "1", "diapo": "5"}])
def test_the_step_from_the_url_is_kept_for_the_reveal(open_app, presentation):
    """?etape=4: the slider is drawn only with the graph, and then stands at step 4."""
    app = open_app(page=PAGE, etape="4", **QUERY, **presentation)
    assert not [slider for slider in app.slider if slider.key == "etape"]
    app = show_without_answering(app, PAGE_ID, "grad_fn")
    assert app.slider(key="etape").value == 4
    assert app.query_params["etape"] == "4"
    assert f"exactement `x.grad = {ONE.autograd:.6g}`" in readable_text(app)  # step 4: the leaf
