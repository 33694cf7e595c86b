"""The predict-first gate on its own: a tiny script with one question and its result."""

from streamlit.testing.v1 import AppTest

from components.i18n import translate
from tests.app.prediction import answer, readable_text, show_without_answering


def gated_page():
    import streamlit as st

    from components.quiz import NumberQuestion, predict_first

    question = NumberQuestion("double", "Combien fait 2 × 21 ?", expected=42.0, explanation="Parce que 2 × 21 = 42.")
    if predict_first("essai", question):
        st.metric("2 × 21", "42")
    else:
        st.caption("le résultat attend")


def open_gate() -> AppTest:
    return AppTest.from_function(gated_page, default_timeout=30).run()


def test_the_result_is_absent_until_the_learner_answers():
    app = open_gate()
    assert "42" not in readable_text(app)
    assert translate("quiz.hidden_until_answer", "fr") in readable_text(app)
    app = answer(app, "essai", "double", 40.0)  # a wrong answer opens the result too
    assert [metric.value for metric in app.metric] == ["42"]
    assert "Parce que 2 × 21 = 42." in readable_text(app)
    assert translate("quiz.hidden_until_answer", "fr") not in readable_text(app)


def test_the_learner_may_see_the_result_without_answering_and_it_stays():
    app = open_gate()
    app = show_without_answering(app, "essai", "double")
    text = readable_text(app)
    assert [metric.value for metric in app.metric] == ["42"]
    assert translate("quiz.shown_without_answer", "fr", expected="42") in text
    assert "Parce que 2 × 21 = 42." in text
    app.run()
    assert [metric.value for metric in app.metric] == ["42"], "still shown on the next rerun"


def test_an_empty_check_keeps_the_result_hidden():
    app = open_gate()
    [form] = app.get("form")
    form.button[0].click()
    app.run()
    assert not app.metric
    assert translate("quiz.no_answer", "fr") in readable_text(app)
