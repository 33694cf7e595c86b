"""Helpers for the predict-first tests: what a learner can read, and answering a question.

A question asked before its result (`components.quiz.predict_first`) must keep its
answer out of the page until the learner answers or asks to see it: these helpers read
every text the page shows (alerts, metrics, tables, code, graphs, chart specs) so that a
test can say "the answer is not there yet" and "now it is".
"""

from streamlit.testing.v1 import AppTest

from components.i18n import translate

TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "latex", "code")
ALERT_KINDS = ("success", "info", "warning", "error", "exception")


def readable_text(app: AppTest) -> str:
    """Everything on the page a learner can read, except the options of the page's own
    widgets (a choice question lists its answer among its choices)."""
    parts = [element.value for kind in (*TEXT_KINDS, *ALERT_KINDS) for element in getattr(app, kind)]
    parts += [f"{metric.label} {metric.value}" for metric in app.metric]
    for kind in ("table", "dataframe"):
        parts += [getattr(app, kind)[index].value.to_string() for index in range(len(getattr(app, kind)))]
    for kind in ("graphviz_chart", "arrow_vega_lite_chart", "vega_lite_chart"):
        parts += [str(element.proto) for element in app.get(kind)]
    return "\n".join(str(part) for part in parts)


def question_form(app: AppTest, page_id: str, question_id: str):
    prefix = f"quiz.{page_id}.{question_id}."
    [form] = [form for form in app.get("form") if form.proto.form.form_id.startswith(prefix)]
    return form


def answer(app: AppTest, page_id: str, question_id: str, value: float | str) -> AppTest:
    """Types or picks `value` in the question's form and checks it."""
    form = question_form(app, page_id, question_id)
    if isinstance(value, str):
        form.radio[0].set_value(value)
    else:
        form.number_input[0].set_value(value)
    form.button[0].click()
    return app.run()


def show_without_answering(app: AppTest, page_id: str, question_id: str) -> AppTest:
    [button] = [button for button in app.button if button.key == f"quiz.revealed.{page_id}.{question_id}.button"]
    return button.click().run()


def hidden_notice(lang: str = "fr") -> str:
    return translate("quiz.hidden_until_answer", lang)


def pending_notice(lang: str = "fr") -> str:
    """What a result's place says while its question, asked further up, has no answer."""
    return translate("quiz.result_pending", lang)


def show_from_pending(app: AppTest, page_id: str, question_id: str) -> AppTest:
    """Clicks "show the result" where the result waits (`components.quiz.result_pending`)."""
    [button] = [button for button in app.button if button.key == f"quiz.revealed.{page_id}.{question_id}.pending"]
    return button.click().run()
