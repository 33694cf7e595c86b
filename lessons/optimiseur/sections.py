"""Sections of the optimizer page: the optimizers' widgets, divergence, results, the
optimizer's insides, and the quiz."""

import dataclasses
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import streamlit as st

from components import url_state
from components.further import further_reading
from components.i18n import current_language, t, translate
from components.optimizers import OPTIMIZER_KINDS, SCHEDULER_NAMES, OptimizerSpec
from components.quiz import quiz
from components.run_lock import let_others_run, shared_between_turns
from components.slides import presentation_mode
from lessons.optimiseur import core, questions

PAGE_ID = "optimiseur"
MAX_OPTIMIZERS = 4
NONE = "aucun"
LEARNING_RATES = (
    "0.0001",
    "0.0003",
    "0.001",
    "0.003",
    "0.01",
    "0.03",
    "0.1",
    "0.2",
    "0.5",
    "0.9",
    "1",
    "1.1",
    "2",
    "5",
    "10",
)
DEFAULT_KINDS = ("sgd", "momentum", NONE, NONE)
FORMULAS = {
    "sgd": r"p \leftarrow p - \eta\, g",
    "momentum": r"v \leftarrow \mu v + g,\quad p \leftarrow p - \eta\, v",
    "nesterov": r"v \leftarrow \mu v + g,\quad p \leftarrow p - \eta\,(g + \mu v)",
    "adagrad": r"s \leftarrow s + g^2,\quad p \leftarrow p - \eta\, \frac{g}{\sqrt{s} + \varepsilon}",
    "rmsprop": r"s \leftarrow \alpha s + (1-\alpha) g^2,\quad p \leftarrow p - \eta\, \frac{g}{\sqrt{s} + \varepsilon}",
    "adam": r"m \leftarrow \beta_1 m + (1-\beta_1) g,\ v \leftarrow \beta_2 v + (1-\beta_2) g^2,\ "
    r"p \leftarrow p - \eta\, \frac{m / (1-\beta_1^t)}{\sqrt{v / (1-\beta_2^t)} + \varepsilon}",
    "adamw": r"p \leftarrow p - \eta \lambda p,\ \text{then Adam's update}",
}


def labels(prefix: str) -> Callable[[str], str]:
    """A select's format_func: `<prefix>.<option>` in the language of this run (bound
    now, so whoever calls it later, AppTest included, gets the labels the page showed)."""
    lang = current_language()
    return lambda option: translate(f"{prefix}.{option}", lang)


def suffix(slot: int) -> str:
    """URL keys: slot 1 is ?opt=adam&lr=0.1, slot 2 ?opt2=…&lr2=…"""
    return "" if slot == 0 else str(slot + 1)


def optimizer_slots() -> dict[int, OptimizerSpec]:
    """The four optimizer slots; returns the chosen ones by slot (SGD if none is)."""
    st.subheader(t("optimiseur.optimizers.title"))
    st.markdown(t("optimiseur.optimizers.intro"))
    columns = st.columns(MAX_OPTIMIZERS)
    chosen = {}  # slot: its optimizer, for the slots not left at "—"
    for slot, column in enumerate(columns):
        with column:
            spec = slot_controls(slot)
        if spec is not None:
            chosen[slot] = spec
    if not chosen:
        st.info(t("optimiseur.optimizers.none_chosen"))
        chosen[0] = OptimizerSpec()
    return chosen


def run_controls(chosen: dict[int, OptimizerSpec]) -> tuple[tuple[OptimizerSpec, ...], int]:
    """The number of steps, and each optimizer's scheduler (in a fold)."""
    steps = url_state.slider(
        t("optimiseur.optimizers.steps"), key="pas", min_value=10, max_value=core.MAX_STEPS, value=150, step=10
    )
    return scheduler_controls(chosen), steps


def scheduler_controls(chosen: dict[int, OptimizerSpec]) -> tuple[OptimizerSpec, ...]:
    """Beyond the core: a learning-rate scheduler for each optimizer, in a fold."""
    specs = []
    with further_reading(t("optimiseur.further.schedulers")):
        st.markdown(t("optimiseur.further.schedulers_intro"))
        # in presentation mode side by side, so the slide fits a projector's screen
        places = st.columns(len(chosen)) if presentation_mode() else [st.container() for _ in chosen]
        for place, (slot, spec) in zip(places, chosen.items(), strict=True):
            with place:
                scheduler = url_state.selectbox(
                    t("optimiseur.optimizers.scheduler_of", label=spec.label),
                    SCHEDULER_NAMES,
                    key=f"sched{suffix(slot)}",
                    format_func=labels("optimiseur.scheduler"),
                )
            specs.append(dataclasses.replace(spec, scheduler=scheduler))
    return tuple(specs)


def slot_controls(slot: int) -> OptimizerSpec | None:
    key = suffix(slot)
    kinds = (NONE, *OPTIMIZER_KINDS) if slot else OPTIMIZER_KINDS
    default = kinds.index(DEFAULT_KINDS[slot])
    kind = url_state.selectbox(
        t("optimiseur.optimizers.slot", number=slot + 1),
        kinds,
        key=f"opt{key}",
        index=default,
        format_func=labels("optimiseur.kind"),
    )
    if kind == NONE:
        return None
    lr = float(
        url_state.select_slider(
            t("optimiseur.optimizers.lr"), LEARNING_RATES, key=f"lr{key}", index=LEARNING_RATES.index("0.1")
        )
    )
    values = {"kind": kind, "lr": lr}
    with st.expander(t("optimiseur.optimizers.more")):
        if kind in ("momentum", "nesterov"):
            values["momentum"] = url_state.slider(
                "momentum", key=f"mom{key}", min_value=0.0, max_value=0.99, value=0.9, step=0.01
            )
        if kind in ("adam", "adamw"):
            values["beta1"] = url_state.slider(
                "beta1", key=f"b1{key}", min_value=0.0, max_value=0.99, value=0.9, step=0.01
            )
            values["beta2"] = url_state.slider(
                "beta2", key=f"b2{key}", min_value=0.9, max_value=0.9999, value=0.999, step=0.0001, format="%.4f"
            )
        values["weight_decay"] = url_state.slider(
            "weight_decay",
            key=f"wd{key}",
            min_value=0.0,
            max_value=0.5,
            value=0.0 if kind != "adamw" else 0.01,
            step=0.01,
        )
    return OptimizerSpec(**values)


def chart_description(name: str, labels: list[str], results: tuple[core.Trajectory, ...], chosen: core.Surface) -> str:
    endings = "; ".join(
        f"{label}: ({result.points[-1][0]:.3g}, {result.points[-1][1]:.3g}), "
        f"{t('optimiseur.animation.loss')} {result.losses[-1]:.3g}"
        + (f" ({t('optimiseur.results.stopped')})" if result.diverged else "")
        for label, result in zip(labels, results, strict=True)
    )
    return t("optimiseur.animation.alt", surface=t(f"optimiseur.surface.{name}"), endings=endings)


@shared_between_turns  # its body hands the turn on
@st.cache_data(max_entries=128, show_spinner=False)
def cached_safer_learning_rate(experiment: core.Experiment, spec: OptimizerSpec) -> float | None:
    choices = tuple(float(lr) for lr in LEARNING_RATES)
    return core.safer_learning_rate(
        experiment.surface,
        experiment.condition,
        spec,
        experiment.start,
        experiment.steps,
        choices,
        between_steps=let_others_run,
    )


def divergence_notices(experiment: core.Experiment, results: tuple[core.Trajectory, ...]) -> None:
    """A warning for each optimizer that stopped, with a learning rate that would not have."""
    for spec, result in zip(experiment.specs, results, strict=True):
        if not result.diverged:
            continue
        safer = cached_safer_learning_rate(experiment, spec)
        advice = (
            t("optimiseur.divergence.try", lr=f"{safer:g}") if safer is not None else t("optimiseur.divergence.no_safe")
        )
        st.warning(
            t(f"optimiseur.divergence.{result.reason}", label=spec.label, step=result.stopped_at) + " " + advice,
            icon=":material/warning:",
        )


def results_table(labels: list[str], results: tuple[core.Trajectory, ...], chosen: core.Surface) -> None:
    rows = {
        t("optimiseur.results.optimizer"): labels,
        t("optimiseur.results.end"): [f"({r.points[-1][0]:.4f}, {r.points[-1][1]:.4f})" for r in results],
        t("optimiseur.results.loss"): [format(r.losses[-1], core.LOSS_SHOWN) for r in results],
        t("optimiseur.results.distance"): [
            format(core.distance_to_minimum(chosen, r.points[-1]), core.DISTANCE_SHOWN) if chosen.minima else "—"
            for r in results
        ],
        t("optimiseur.results.status"): [
            t("optimiseur.results.stopped") if r.diverged else t("optimiseur.results.ran") for r in results
        ],
    }
    st.table(rows, hide_index=True)


def inside_section(
    experiment: core.Experiment,
    results: tuple[core.Trajectory, ...],
    question_place: Callable[[], AbstractContextManager] = nullcontext,
    table_place: Callable[[], AbstractContextManager] = nullcontext,
    waiting: Callable[[], None] = lambda: None,
) -> None:
    """One optimizer's step, read from inside: p, its gradient, the lr, the update, opt.state[p].

    First a prediction of one SGD step (in `question_place`), then the table of any
    step (in `table_place`), which waits for it; `waiting` draws what shows meanwhile."""
    specs = experiment.specs
    with question_place():
        st.header(t("optimiseur.inside.title"), divider="gray")
        predicted = questions.prediction_before_the_step(experiment)
    with table_place():
        st.markdown(t("optimiseur.inside.intro"))
        if presentation_mode():  # the formula, then the controls stacked beside the table: fits a screen
            formula_area = st.container()
            controls, table_area = st.columns([2, 3])
            left = right = controls
        else:
            left, right = st.columns(2)
            formula_area = table_area = st.container()
        with left:
            slot = int(
                url_state.selectbox(
                    t("optimiseur.inside.which"),
                    [str(i) for i in range(len(specs))],
                    key="voir",
                    format_func=lambda i: specs[int(i)].label,
                )
            )
        last = len(results[slot].points) - 1
        if last < 1:
            st.info(t("optimiseur.inside.no_step"))
            return
        with right:
            step = (
                1
                if last == 1
                else url_state.slider(
                    t("optimiseur.inside.step"),
                    key="pas_vu",
                    min_value=1,
                    max_value=last,
                    value=1,
                    help=t("optimiseur.inside.step_help"),
                )
            )
        with table_area:
            if not predicted:
                waiting()
                return
            step_table(experiment, slot, step, formula_area)


def step_table(experiment: core.Experiment, slot: int, step: int, formula_area) -> None:
    """The update formula of the optimizer in `slot` (in `formula_area`), and its quantities at `step`."""
    specs = experiment.specs
    details = core.inspect_step(
        experiment.surface, experiment.condition, specs[slot], experiment.start, experiment.steps, step
    )
    formula_area.latex(FORMULAS[specs[slot].kind])
    rows = [
        ("p_before", details.before),
        ("g = p.grad", details.gradient),
        ("lr", details.lr),
        ("p_after", details.after),
        ("p_before - p_after", details.update),
        *((f"opt.state[p]['{key}']", value) for key, value in details.state.items()),
    ]
    st.table(
        {
            t("optimiseur.inside.quantity"): [f"`{label}`" for label, _ in rows],
            t("optimiseur.inside.value"): [_format(v) for _, v in rows],
        },
        hide_index=True,
    )


def _format(value) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(f"{v:.6g}" for v in value) + ")"
    return f"{value:.6g}"


def quiz_section(experiment: core.Experiment, results: tuple[core.Trajectory, ...]) -> None:
    """The questions whose answer the page does not show (the others sit before their result)."""
    st.markdown(t("optimiseur.quiz.intro"))
    question = questions.what_if_question(experiment)
    if question is None:
        st.caption(t("optimiseur.quiz.none"))
        return
    quiz(PAGE_ID, question)
