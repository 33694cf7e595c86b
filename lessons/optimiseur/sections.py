"""Sections of the optimizer page: the optimizers' widgets, divergence, results, the
optimizer's insides, and the quiz."""

import streamlit as st

from components import url_state
from components.i18n import t
from components.optimizers import OPTIMIZER_KINDS, SCHEDULER_NAMES, OptimizerSpec
from components.quiz import ChoiceQuestion, NumberQuestion, quiz
from components.run_lock import let_others_run
from lessons.optimiseur import core

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


def suffix(slot: int) -> str:
    """URL keys: slot 1 is ?opt=adam&lr=0.1, slot 2 ?opt2=…&lr2=…"""
    return "" if slot == 0 else str(slot + 1)


def optimizer_controls() -> tuple[tuple[OptimizerSpec, ...], int]:
    st.subheader(t("optimiseur.optimizers.title"))
    st.markdown(t("optimiseur.optimizers.intro"))
    columns = st.columns(MAX_OPTIMIZERS)
    specs = []
    for slot, column in enumerate(columns):
        with column:
            spec = slot_controls(slot)
        if spec is not None:
            specs.append(spec)
    if not specs:
        st.info(t("optimiseur.optimizers.none_chosen"))
        specs.append(OptimizerSpec())
    steps = url_state.slider(
        t("optimiseur.optimizers.steps"), key="pas", min_value=10, max_value=core.MAX_STEPS, value=150, step=10
    )
    return tuple(specs), steps


def slot_controls(slot: int) -> OptimizerSpec | None:
    key = suffix(slot)
    kinds = (NONE, *OPTIMIZER_KINDS) if slot else OPTIMIZER_KINDS
    default = kinds.index(DEFAULT_KINDS[slot])
    kind = url_state.selectbox(
        t("optimiseur.optimizers.slot", number=slot + 1),
        kinds,
        key=f"opt{key}",
        index=default,
        format_func=lambda option: t(f"optimiseur.kind.{option}"),
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
        values["scheduler"] = url_state.selectbox(
            t("optimiseur.optimizers.scheduler"),
            SCHEDULER_NAMES,
            key=f"sched{key}",
            format_func=lambda option: t(f"optimiseur.scheduler.{option}"),
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
            f"{core.distance_to_minimum(chosen, r.points[-1]):.3g}" if chosen.minima else "—" for r in results
        ],
        t("optimiseur.results.status"): [
            t("optimiseur.results.stopped") if r.diverged else t("optimiseur.results.ran") for r in results
        ],
    }
    st.table(rows, hide_index=True)


def inside_section(experiment: core.Experiment, results: tuple[core.Trajectory, ...]) -> None:
    """One optimizer's step, read from inside: p, its gradient, the lr, the update, opt.state[p]."""
    specs = experiment.specs
    st.header(t("optimiseur.inside.title"), divider="gray")
    st.markdown(t("optimiseur.inside.intro"))
    left, right = st.columns(2)
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
    details = core.inspect_step(
        experiment.surface, experiment.condition, specs[slot], experiment.start, experiment.steps, step
    )
    st.latex(FORMULAS[specs[slot].kind])
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
    name, specs, start, steps = experiment.surface, experiment.specs, experiment.start, experiment.steps
    first = specs[0]
    outcome = _outcome(experiment, results[0])
    quiz(
        PAGE_ID,
        ChoiceQuestion(
            "converge",
            t("optimiseur.quiz.converge", label=first.label, surface=t(f"optimiseur.surface.{name}"), steps=steps),
            choices=tuple(t(f"optimiseur.quiz.outcome_{key}") for key in ("converges", "slow", "diverges")),
            expected=t(f"optimiseur.quiz.outcome_{outcome}"),
            explanation=t("optimiseur.quiz.converge_why", outcome=t(f"optimiseur.quiz.outcome_{outcome}")),
        ),
    )
    one_step = core.trajectory(name, experiment.condition, OptimizerSpec(kind="sgd", lr=first.lr), start, 1)
    if len(one_step.points) > 1:
        quiz(
            PAGE_ID,
            NumberQuestion(
                "one_step",
                t("optimiseur.quiz.one_step", lr=f"{first.lr:g}", x=f"{start[0]:.2f}", y=f"{start[1]:.2f}"),
                expected=one_step.points[1][0],
                explanation=t("optimiseur.quiz.one_step_why", value=f"{one_step.points[1][0]:.4f}"),
            ),
        )
    lowest = core.lowest_final_loss(results)
    if len(specs) > 1 and lowest:  # none when every optimizer stopped: nothing to compare
        labels = [spec.label for spec in specs]
        if len(set(labels)) < len(labels):  # two identical labels: the slot numbers tell them apart
            labels = [f"{number}. {label}" for number, label in enumerate(labels, start=1)]
        tie = t("optimiseur.quiz.tie")
        if len(lowest) == 1:
            expected = labels[lowest[0]]
            explanation = t("optimiseur.quiz.best_why", label=expected)
        else:  # equal at the precision the table shows: the only unambiguous answer is the tie
            expected = tie
            explanation = t(
                "optimiseur.quiz.tie_why",
                labels=", ".join(labels[i] for i in lowest),
                loss=format(results[lowest[0]].losses[-1], core.LOSS_SHOWN),
            )
        quiz(
            PAGE_ID,
            ChoiceQuestion(
                "best",
                t("optimiseur.quiz.best", steps=steps),
                choices=(*labels, tie),
                expected=expected,
                explanation=explanation,
            ),
        )


def _outcome(experiment: core.Experiment, result: core.Trajectory) -> str:
    if result.diverged:
        return "diverges"
    return "converges" if core.converged(experiment.surface, experiment.condition, result) else "slow"
