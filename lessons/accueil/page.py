"""Home page: the chapter's objectives, what PyTorch is, and a first live computation."""

import streamlit as st

from components import url_state
from components.chapter_path import chapter_links
from components.code_twin import code_twin
from components.devices import device_inventory, missing_device_reason_key
from components.exercise_panel import exercise_progress
from components.fragments import partial_rerun
from components.i18n import current_language, t, tn
from components.persisted_progress import progress_controls
from components.quiz import ChoiceQuestion, NumberQuestion, predict_first, quiz, quiz_progress, result_pending
from components.slides import Deck
from components.tables import markdown_table
from lessons.accueil import core
from lessons.accueil.snippets import pillars_script
from lessons.catalog import ALL_LESSONS, OBJECTIVES
from lessons.exercise_catalog import ALL_EXERCISES

PAGE_ID = "accueil"


@st.cache_data(max_entries=256, show_spinner=False)
def cached_pillars_demo(function_id: str, x: float) -> core.PillarsResult:
    return core.pillars_demo(function_id, x)


def objectives_section() -> None:
    st.header(t("home.objectives.title"), divider="gray")
    st.markdown(t("home.objectives.intro"))
    for number, lesson in enumerate(OBJECTIVES, start=1):
        st.page_link(
            lesson.script,
            label=f"{number}. {t(f'home.objectives.{lesson.page_id}')}",
            icon=lesson.icon,
        )


def what_is_pytorch_section() -> None:
    st.header(t("home.what.title"), divider="gray")
    st.markdown(t("home.what.intro"))
    tensors, autograd = st.columns(2, gap="large")
    with tensors, st.container(border=True):
        st.subheader(t("home.what.tensors_title"))
        st.markdown(t("home.what.tensors_body"))
    with autograd, st.container(border=True):
        st.subheader(t("home.what.autograd_title"))
        st.markdown(t("home.what.autograd_body"))


def pillars_controls() -> core.PillarsSpec:
    functions = list(core.DEMO_FUNCTIONS)
    left, right = st.columns(2, gap="large")
    with left:
        function_id = url_state.selectbox(
            t("home.demo.function"),
            functions,
            key="f",
            format_func=lambda name: f"y = {core.DEMO_FUNCTIONS[name].source}",
        )
    with right:
        x = url_state.slider(
            t("home.demo.x"),
            key="x",
            min_value=core.X_MIN,
            max_value=core.X_MAX,
            value=core.X_DEFAULT,
            step=0.1,
        )
    return core.PillarsSpec(function_id, x)


def pillars_section() -> None:
    """Five slides in presentation mode, one idea each: the settings, the question, the
    numbers that answer it, the code, then a question on a point the page does not show."""
    with deck.slide("piliers"):
        st.header(t("home.demo.title"), divider="gray")
        st.markdown(t("home.demo.intro"))
        spec = pillars_controls()
    result = cached_pillars_demo(spec.function_id, spec.x)
    with deck.slide("piliers_question"):
        predicted = grad_fn_question(spec, result)
    with deck.slide("piliers_resultat"):
        if not predicted and deck.active:  # its question is on the slide before
            result_pending(PAGE_ID, "last_grad_fn")
        y_column, grad_column, grad_fn_column = st.columns(3)
        y_column.metric("y", f"{result.y:.4f}")
        grad_column.metric("x.grad", f"{result.grad:.4f}")
        # The node's name answers the question above: a neutral mark until the learner predicts.
        grad_fn_column.metric("y.grad_fn", result.grad_fn if predicted else "?")
        st.markdown(t("home.demo.reading", x=f"{spec.x:.1f}", grad=f"{result.grad:.4f}"))

    with deck.slide("piliers_code"):
        st.subheader(t("home.demo.code_title"))
        code_twin(pillars_script(spec, current_language()), "deux_piliers.py")

    with deck.slide("piliers_quiz"):
        st.subheader(t("home.demo.quiz_title"))
        pillars_quiz(spec)


# Moving x redraws this section only: nothing else on the page depends on it. Not on slides:
# there the fragment's block would stay on every other slide, empty, and take a gap there.
pillars_fragment = partial_rerun(PAGE_ID)(pillars_section)


def grad_fn_question(spec: core.PillarsSpec, result: core.PillarsResult) -> bool:
    """Asked before the metrics: True once the learner may see `y.grad_fn`."""
    source = core.DEMO_FUNCTIONS[spec.function_id].source
    return predict_first(
        PAGE_ID,
        ChoiceQuestion(
            "last_grad_fn",
            t("home.quiz.grad_fn_prompt", source=source),
            choices=core.GRAD_FN_CHOICES,
            expected=result.grad_fn,
            explanation=t(
                "home.quiz.grad_fn_explanation",
                source=source,
                grad_fn=result.grad_fn,
                y=f"{result.y:.4f}",
                x=f"{spec.x:.1f}",
            ),
        ),
        refresh_page=True,  # the progress section below counts the answer
    )


def pillars_quiz(spec: core.PillarsSpec) -> None:
    """A point the page does not show: its answer stays off the page until checked."""
    source = core.DEMO_FUNCTIONS[spec.function_id].source
    other_x = core.next_x(spec.x)
    other = cached_pillars_demo(spec.function_id, other_x)
    here = cached_pillars_demo(spec.function_id, spec.x)
    quiz(
        PAGE_ID,
        NumberQuestion(
            "grad_at_other_x",
            t("home.quiz.grad_prompt", source=source, x=f"{other_x:.1f}"),
            expected=other.grad,
            explanation=t(
                "home.quiz.grad_explanation",
                x=f"{other_x:.1f}",
                grad=f"{other.grad:.4f}",
                here_x=f"{spec.x:.1f}",
                here_grad=f"{here.grad:.4f}",
            ),
        ),
        refresh_page=True,  # the progress section below counts the answer
    )


def comparison_section() -> None:
    st.header(t("home.compare.title"), divider="gray")
    st.markdown(t("home.compare.intro"))
    libraries = ("pytorch", "tensorflow", "keras", "jax")
    columns = ("library", "origin", "style", "strengths")
    st.markdown(
        markdown_table(
            [t(f"home.compare.column.{column}") for column in columns],
            [[t(f"home.compare.{library}.{column}") for column in columns] for library in libraries],
        )
    )


def why_pytorch_section() -> None:
    st.subheader(t("home.why.title"))
    st.markdown(t("home.why.body"))


def progress_section() -> None:
    """Per page: the questions answered and the exercises solved, in this session and,
    for this browser, in earlier ones; where they are kept, and a button to erase them."""
    st.header(t("home.progress.title"), divider="gray")
    progress, solved = quiz_progress(), exercise_progress()
    if not progress and not solved:
        st.caption(t("home.progress.empty"))
        progress_controls(has_progress=False)
        return
    for lesson in ALL_LESSONS:
        answers = progress.get(lesson.page_id)
        if answers:
            correct = sum(answers.values())
            st.progress(
                correct / len(answers),
                text=t(
                    "home.progress.line",
                    page=t(f"nav.{lesson.page_id}"),
                    correct=tn("home.progress.correct", correct),
                    answered=tn("home.progress.answered", len(answers)),
                ),
            )
        tried = solved.get(lesson.page_id)
        if tried:
            total = sum(exercise.page_id == lesson.page_id for exercise in ALL_EXERCISES)
            done = sum(tried.values())
            st.progress(
                done / total,
                text=t(
                    "home.progress.exercises_line",
                    page=t(f"nav.{lesson.page_id}"),
                    solved=tn("home.progress.solved", done),
                    total=total,
                ),
            )
    progress_controls(has_progress=True)


def versions_section() -> None:
    st.header(t("home.env.title"), divider="gray")
    env = core.environment()
    versions = st.columns(4)
    versions[0].metric("Python", env.python)
    versions[1].metric("PyTorch", env.torch)
    versions[2].metric("Streamlit", env.streamlit)
    versions[3].metric(t("home.env.cuda_build"), env.cuda_build or t("home.env.cpu_build"))


def devices_section() -> None:
    inventory = device_inventory()
    header = [t("home.env.column.device"), t("home.env.column.available"), t("home.env.column.detail")]
    rows = [
        [
            f"`{device.name}`",
            t("home.env.yes") if device.available else t("home.env.no"),
            device.detail if device.available else t(missing_device_reason_key(device.name)),
        ]
        for device in inventory
    ]
    st.markdown(markdown_table(header, rows))
    if not any(device.available for device in inventory if device.name != "cpu"):
        st.info(t("home.env.no_gpu"), icon=":material/memory:")


deck = Deck(
    "accueil",
    [
        ("objectifs", "home.objectives.title"),
        ("pytorch", "home.what.title"),
        ("piliers", "home.demo.title"),
        ("piliers_question", "home.demo.question_slide"),
        ("piliers_resultat", "home.demo.result_slide"),
        ("piliers_code", "home.demo.code_title"),
        ("piliers_quiz", "home.demo.quiz_title"),
        ("comparaison", "home.compare.title"),
        ("pourquoi", "home.why.title"),
        ("progression", "home.progress.title"),
        ("environnement", "home.env.title"),
        ("peripheriques", "home.env.devices_title"),
    ],
)
with deck.slide("objectifs"):
    st.caption(t("app.chapter"))
    st.title(t("home.title"))
    objectives_section()
with deck.slide("pytorch"):
    what_is_pytorch_section()
(pillars_section if deck.active else pillars_fragment)()  # its own slides
with deck.slide("comparaison"):
    comparison_section()
with deck.slide("pourquoi"):
    why_pytorch_section()
with deck.slide("progression"):
    progress_section()
with deck.slide("environnement"):
    versions_section()
with deck.slide("peripheriques"):
    devices_section()
chapter_links(PAGE_ID, ALL_LESSONS, shown=deck.on_last_slide)
