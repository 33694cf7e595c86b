"""Driving one exercise panel in AppTest: type (or pick) an answer, press "Exécuter"."""

from streamlit.testing.v1 import AppTest

from components.exercise import Exercise


def answer_widgets(app: AppTest, exercise: Exercise) -> list:
    """The editor (a text field), or for a Parsons problem its select boxes, one per line."""
    key = f"exercise.{exercise.exercise_id}.answer"
    if exercise.kind == "parsons":
        return [box for box in app.selectbox if box.key and box.key.startswith(f"{key}.")]
    return [getattr(app, "text_input" if exercise.kind == "line" else "text_area")(key=key)]


def run_button(app: AppTest, exercise: Exercise):
    form = f"exercise.{exercise.exercise_id}.form"
    return next(button for button in app.button if button.proto.form_id == form)


def submit(app: AppTest, exercise: Exercise, answer: str) -> AppTest:
    """The learner's answer in the editor (for Parsons: the lines picked in that order,
    the remaining boxes left empty), then "Exécuter"."""
    widgets = answer_widgets(app, exercise)
    if exercise.kind == "parsons":
        lines = answer.splitlines()
        for number, box in enumerate(widgets):
            box.set_value(lines[number] if number < len(lines) else None)
    else:
        widgets[0].set_value(answer)
    run_button(app, exercise).click()
    return app.run()


def hint_button(app: AppTest, exercise: Exercise):
    return app.button(key=f"exercise.{exercise.exercise_id}.hint_button")


def panel_messages(app: AppTest) -> list[str]:
    """The feedback shown: errors, infos and successes, in page order within each kind."""
    return [element.value for kind in ("error", "info", "success") for element in getattr(app, kind)]


def single_exercise_page(exercise_id: str, lang: str = "fr") -> None:
    """A page with one exercise panel alone (AppTest.from_function): fast reruns for sweeps."""
    import streamlit as st

    from components.code_editor import editor_support
    from components.exercise_panel import exercise_panel
    from lessons.exercise_catalog import ALL_EXERCISES

    st.session_state.setdefault("lang", lang)
    exercise = next(exercise for exercise in ALL_EXERCISES if exercise.exercise_id == exercise_id)
    editor_support()
    exercise_panel(exercise, 1, 1)
