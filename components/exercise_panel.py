"""One exercise on the page: statement, what is already defined, the editor, "Exécuter",
the feedback computed by PyTorch (components/exercise.py), three levels of hints, and
the solved script to download. Each panel is a fragment: running the code reruns the
panel alone, inside the script turn like any rerun (components/fragments.py).
"""

from collections.abc import Sequence
from contextlib import nullcontext

import streamlit as st

from components import persisted_progress
from components.code_editor import code_editor, editor_support
from components.exercise import Exercise, Feedback, Grade, grade
from components.fragments import partial_rerun
from components.i18n import t, tn
from components.print_style import print_only
from components.safe_text import inert_excerpt
from components.slides import Deck, presentation_mode

_PROGRESS_KEY = "exercise.progress"  # {page_id: {exercise_id: solved}}
MAX_ANSWER_CHARS = 4_000  # the editor's own limit; the interpreter refuses longer text too
LINE_CHARS = 200
EDITOR_LINES = (6, 18)  # the code editor's height follows the starter code, within these bounds
SLIDE_EDITOR_LINES = 6  # presentation mode: the slide fits the screen
SLIDE_CODE_LINES, SLIDE_CODE_HEIGHT = 6, 220  # presentation mode: longer code scrolls in a box of this height (px)


def exercise_slides(exercises: Sequence[Exercise]) -> list[tuple[str, str]]:
    """The slides of a lesson's exercises, one each, for lesson_deck."""
    return [(slide_id(exercise), f"exercises.{exercise.exercise_id}.title") for exercise in exercises]


def slide_id(exercise: Exercise) -> str:
    return "exercice_" + exercise.exercise_id.split(".", 1)[1]


def exercises_section(deck: Deck, exercises: Sequence[Exercise]) -> None:
    """The lesson's exercises, each on its own slide; on the page, in one container
    (keyed "exercises_<page>", for the browser tests' screenshots)."""
    page_id = exercises[0].page_id
    with nullcontext() if deck.active else st.container(key=f"exercises_{page_id}"):
        for number, exercise in enumerate(exercises, start=1):
            with deck.slide(slide_id(exercise)):
                if number == 1:
                    editor_support()
                    # On a slide the bar shows the exercise's title: the section's prints only.
                    with print_only(f"exercises_{page_id}") if deck.active else nullcontext():
                        st.header(t("exercise.section_title"), divider="gray")
                        st.caption(t("exercise.section_intro"))
                exercise_panel(exercise, number, len(exercises))


def exercise_progress() -> dict[str, dict[str, bool]]:
    """{page_id: {exercise_id: solved}} for every exercise tried in this session."""
    return st.session_state.get(_PROGRESS_KEY, {})


def _record(exercise: Exercise, passed: bool) -> None:
    solved = st.session_state.setdefault(_PROGRESS_KEY, {}).setdefault(exercise.page_id, {})
    solved[exercise.exercise_id] = solved.get(exercise.exercise_id, False) or passed
    persisted_progress.save()


def _key(exercise: Exercise, part: str) -> str:
    return f"exercise.{exercise.exercise_id}.{part}"


@partial_rerun("exercise")
def exercise_panel(exercise: Exercise, number: int, count: int) -> None:
    """A fragment: "Exécuter" and the hints rerun this panel alone (one per call site).
    On a slide, the statement and the code around the blank sit beside the editor."""
    presenting = presentation_mode()
    prompt_area, work_area = st.columns(2, gap="large") if presenting else (st.container(), st.container())
    with prompt_area:
        _heading(exercise, number, count)
        if exercise.kind != "block":
            st.code(exercise.template, language="python", line_numbers=True, height=_code_height(exercise.template))
    with work_area:
        _work(exercise)


def _work(exercise: Exercise) -> None:
    """The editor, then what the last run gave, then the hints."""
    answer = exercise_editor(exercise)
    if answer is not None and not answer.strip():
        st.info(t("exercise.empty_choice" if exercise.kind == "parsons" else "exercise.empty_answer"))
    elif answer is not None:  # an empty answer is not a try: it does not unlock the solution
        result = grade(exercise, answer)  # longer than the interpreter reads: refused with a message
        st.session_state[_key(exercise, "grade")] = (answer, result)
        st.session_state[_key(exercise, "tries")] = st.session_state.get(_key(exercise, "tries"), 0) + 1
        _record(exercise, result.passed)
    last = st.session_state.get(_key(exercise, "grade"))
    if last is not None:
        show_feedback(exercise, *last)
    _hints(exercise)


def _heading(exercise: Exercise, number: int, count: int) -> None:
    solved = exercise_progress().get(exercise.page_id, {}).get(exercise.exercise_id, False)
    badge = f":green-badge[:material/task_alt: {t('exercise.solved_badge')}]" if solved else ""
    if presentation_mode():  # the slide's bar already shows the title: the statement gets the room
        if badge:
            st.markdown(badge)
    else:
        st.subheader(f"{t(f'exercises.{exercise.exercise_id}.title')} {badge}".rstrip())
        st.caption(t("exercise.numbered", number=number, count=count, kind=t(f"exercise.kind.{exercise.kind}")))
    st.markdown(t(f"exercises.{exercise.exercise_id}.statement"))
    # Open on the page where the learner needs the names; on a slide, a popover over the slide,
    # which must fit the screen.
    given = (
        st.popover(t("exercise.given_title"), icon=":material/code:")
        if presentation_mode()
        else st.expander(t("exercise.given_title"), expanded=exercise.kind != "block")
    )
    with given:
        st.code(exercise.setup.strip(), language="python", line_numbers=True)


def _code_height(code: str) -> int | str:
    """On a slide, code taller than its box scrolls inside it (the slide fits the screen)."""
    return SLIDE_CODE_HEIGHT if presentation_mode() and len(code.strip().splitlines()) > SLIDE_CODE_LINES else "content"


def _forget_foreign_value(key: str, allowed) -> None:
    """Drop a value no browser sends (a list for a text, an index past the options) before
    its widget meets it: any client can send one, and the widget would fail on it."""
    if key in st.session_state and not allowed(st.session_state[key]):
        del st.session_state[key]


def exercise_editor(
    exercise: Exercise, *, submit_label: str | None = None, line_label: str | None = None, help_text: str | None = None
) -> str | None:
    """The learner's answer when "Exécuter" was pressed (or Ctrl+Entrée typed), else None.
    The class page names the button and the line's field its own way (there, running sends)."""
    slots = range(1, len(exercise.solution.splitlines()) + 1) if exercise.kind == "parsons" else range(0)
    _forget_foreign_value(_key(exercise, "answer"), lambda value: isinstance(value, str))
    for slot in slots:
        _forget_foreign_value(_key(exercise, f"answer.{slot}"), lambda value: value is None or value in exercise.lines)
    with st.form(_key(exercise, "form"), border=False, enter_to_submit=True):
        if exercise.kind == "line":
            answer = st.text_input(
                line_label or t("exercise.line_label"),
                max_chars=LINE_CHARS,
                key=_key(exercise, "answer"),
                placeholder="___",
            )
        elif exercise.kind == "parsons":
            # On a slide, the short form: the statement above says the rest.
            st.markdown(t("exercise.parsons_label_short" if presentation_mode() else "exercise.parsons_label"))
            # One select box per line of the answer: a fixed layout (a multiselect grows and
            # shrinks with its focus, and the button moved under the learner's click).
            chosen = [
                st.selectbox(
                    t("exercise.parsons_slot", number=slot),
                    exercise.lines,
                    index=None,
                    key=_key(exercise, f"answer.{slot}"),
                    format_func=_visible_indent,
                    placeholder=t("exercise.parsons_placeholder", number=slot),
                    label_visibility="collapsed",
                )
                for slot in slots
            ]
            answer = "\n".join(line for line in chosen if line is not None)
        else:
            answer = code_editor(
                t("exercise.code_label"),
                exercise.template,
                key=_key(exercise, "answer"),
                height=_editor_height(exercise.template),
                max_chars=MAX_ANSWER_CHARS,
            )
        submitted = st.form_submit_button(
            submit_label or t("exercise.run"), icon=":material/play_arrow:", type="primary"
        )
    # On a slide, the short help: the class watches, the keys are for the learner's own screen.
    full_help = exercise.kind == "block" and not presentation_mode()
    st.caption(help_text or t("exercise.editor_help" if full_help else "exercise.run_help"))
    return answer if submitted else None


def _visible_indent(line: str) -> str:
    """An option's indentation is part of the answer, and spaces vanish in a proportional
    font: each level of four spaces shows as an arrow, "⇥ val_loss = …"."""
    stripped = line.lstrip(" ")
    return "⇥ " * ((len(line) - len(stripped)) // 4) + stripped


def _editor_height(template: str) -> int:
    if presentation_mode():
        lines = SLIDE_EDITOR_LINES
    else:
        lines = min(max(len(template.splitlines()) + 3, EDITOR_LINES[0]), EDITOR_LINES[1])
    return 24 * lines + 20  # px: one line of the monospaced font, and the field's padding


def feedback_text(feedback: Feedback) -> str:
    """The message for the learner; the values come from the learner's run, so they are
    made inert for Markdown (no backticks, links or HTML survive)."""
    values = {name: inert_excerpt(_value_text(value), 300) for name, value in feedback.values.items()}
    return t(feedback.key, **values)


def _value_text(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)  # 2 s, not 2.0 s


def show_feedback(exercise: Exercise, answer: str, result: Grade) -> None:
    """What a run gave: solved (and the script to download), or what to fix, the
    interpreter's output; the class page shows a student's own the same way."""
    if result.passed:
        st.success(t("exercise.solved"), icon=":material/task_alt:")
        st.download_button(
            t("exercise.download"),
            data=exercise.solved_script(answer),
            file_name=f"{exercise.exercise_id.replace('.', '_')}.py",
            mime="text/x-python",
            icon=":material/download:",
            on_click="ignore",
            key=_key(exercise, "download"),
        )
    else:
        first, *others = result.feedback
        st.error(feedback_text(first), icon=":material/error:")
        if result.error_line:
            st.caption(t("exercise.at_line", line=result.error_line))
        for more in others:
            st.info(feedback_text(more), icon=":material/lightbulb:")
        if result.error_line:
            st.code(result.program, language="python", line_numbers=True)
    if result.output:
        st.caption(t("exercise.output_title"))
        st.code(result.output, language="text")


def _hints(exercise: Exercise) -> None:
    """Hint 1 (a nudge), hint 2 (the key line), hint 3 (the solution, after a first try)."""
    shown = st.session_state.get(_key(exercise, "hints"), 0)
    tried = st.session_state.get(_key(exercise, "tries"), 0) > 0
    if shown >= 1:
        st.info(t("exercise.hint_prefix") + t(f"exercises.{exercise.exercise_id}.hint"), icon=":material/lightbulb:")
    if shown >= 2:
        st.caption(t("exercise.key_line_title"))
        st.code(exercise.key_line, language="python")
    if shown >= 3:
        st.caption(t("exercise.solution_title"))
        st.code(exercise.solution, language="python")
    if shown < 3:
        locked = shown == 2 and not tried
        st.button(
            t("exercise.hint_button", level=shown + 1),
            key=_key(exercise, "hint_button"),
            icon=":material/lightbulb:",
            disabled=locked,
            on_click=_show_next_hint,
            args=(_key(exercise, "hints"),),
            help=t("exercise.solution_after_try") if locked else None,
        )
        if locked:
            st.caption(t("exercise.solution_after_try"))
    tries = st.session_state.get(_key(exercise, "tries"), 0)
    if tries:
        st.caption(tn("exercise.tries", tries))


def _show_next_hint(key: str) -> None:
    st.session_state[key] = st.session_state.get(key, 0) + 1
