"""The optimizer page's questions, each built from the PyTorch run that answers it.

Predict, observe, explain: `converge` and `best` come before the animation and the
results table (which answer them), `one_step` before the table of one step seen from
inside; `what_if` (another learning rate, run but not drawn) stays in the final quiz.
A question whose answer the page would show ambiguously (a distance that rounds to the
threshold) is not asked.
"""

import dataclasses
import math
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext

import streamlit as st

from components.i18n import t
from components.optimizers import OptimizerSpec
from components.quiz import ChoiceQuestion, NumberQuestion, predict_first
from components.run_lock import let_others_run, shared_between_turns
from components.slides import presentation_mode
from lessons.optimiseur import core

PAGE_ID = "optimiseur"
OUTCOMES = ("converges", "slow", "diverges")
WHAT_IF_FACTORS = (2.0, 0.5, 4.0, 0.25, 10.0, 0.1)  # tried in turn: the first not shown on the page
POINT_SHOWN = ".6g"  # the precision of the inside table


@shared_between_turns  # its body hands the turn on
@st.cache_data(max_entries=128, show_spinner=False)
def cached_trajectory(experiment: core.Experiment) -> core.Trajectory:
    """The first optimizer of `experiment`, alone (the what-if run, drawn nowhere)."""
    return core.trajectory(
        experiment.surface,
        experiment.condition,
        experiment.specs[0],
        experiment.start,
        experiment.steps,
        between_steps=let_others_run,
    )


def outcome_choices() -> tuple[str, ...]:
    return tuple(t(f"optimiseur.quiz.outcome_{key}") for key in OUTCOMES)


def outcome_explanation(experiment: core.Experiment, spec: OptimizerSpec, result: core.Trajectory) -> str:
    """Why `spec` ends as it does, with the run's own numbers."""
    chosen = core.surface(experiment.surface, experiment.condition)
    values = {
        "label": spec.label,
        "lr": f"{spec.lr:g}",
        "steps": experiment.steps,
        "start_loss": format(result.losses[0], core.LOSS_SHOWN),
        "end_loss": format(result.losses[-1], core.LOSS_SHOWN),
        "tolerance": f"{core.CONVERGED_WITHIN:g}",
    }
    if result.diverged:  # past the hollow, unless there is none: then down the endless slope
        why = "escapes" if result.reason == core.OUTSIDE and not chosen.minima else result.reason
        return t(f"optimiseur.quiz.why_{why}", step=result.stopped_at, **values)
    if not chosen.minima:
        start, end = (f"({x:.3g}, {y:.3g})" for x, y in (result.points[0], result.points[-1]))
        return t("optimiseur.quiz.why_no_minimum", start=start, end=end, **values)
    distance = core.distance_to_minimum(chosen, result.points[-1])
    last_step = math.dist(result.points[-1], result.points[-2]) if len(result.points) > 1 else 0.0
    why = core.outcome(experiment.surface, experiment.condition, result)
    if why == "slow" and last_step > distance:  # not creeping: jumping across the hollow
        why = "bouncing"
    return t(
        f"optimiseur.quiz.why_{why}",
        distance=format(distance, core.DISTANCE_SHOWN),
        last_step=format(last_step, core.DISTANCE_SHOWN),
        **values,
    )


def converge_question(experiment: core.Experiment, results: tuple[core.Trajectory, ...]) -> ChoiceQuestion | None:
    spec, result = experiment.specs[0], results[0]
    outcome = core.outcome(experiment.surface, experiment.condition, result)
    if outcome is None:
        return None
    return ChoiceQuestion(
        "converge",
        t(
            "optimiseur.quiz.converge",
            label=spec.label,
            surface=t(f"optimiseur.surface.{experiment.surface}"),
            steps=experiment.steps,
        ),
        choices=outcome_choices(),
        expected=t(f"optimiseur.quiz.outcome_{outcome}"),
        explanation=outcome_explanation(experiment, spec, result),
    )


def best_question(experiment: core.Experiment, results: tuple[core.Trajectory, ...]) -> ChoiceQuestion | None:
    specs = experiment.specs
    lowest = core.lowest_final_loss(results)
    if len(specs) < 2 or not lowest:  # none when every optimizer stopped: nothing to compare
        return None
    labels = [spec.label for spec in specs]
    if len(set(labels)) < len(labels):  # two identical labels: the slot numbers tell them apart
        labels = [f"{number}. {label}" for number, label in enumerate(labels, start=1)]
    # only those that ran every step: saying which stopped would answer `converge`
    finals = "; ".join(
        t("optimiseur.quiz.final_loss", label=label, loss=format(result.losses[-1], core.LOSS_SHOWN))
        for label, result in zip(labels, results, strict=True)
        if not result.diverged
    )
    if len(lowest) > 1:  # equal at the precision the table shows: no fair answer, no question
        return None
    expected = labels[lowest[0]]
    explanation = t("optimiseur.quiz.best_why", label=expected, finals=finals, steps=experiment.steps)
    return ChoiceQuestion(
        "best",
        t("optimiseur.quiz.best", steps=experiment.steps),
        choices=tuple(labels),
        expected=expected,
        explanation=explanation,
    )


def one_step_question(experiment: core.Experiment) -> NumberQuestion | None:
    """One plain SGD step from the start with the first optimizer's lr; none when it is not finite."""
    lr, start = experiment.specs[0].lr, experiment.start
    sgd = OptimizerSpec(kind="sgd", lr=lr)
    if len(core.trajectory(experiment.surface, experiment.condition, sgd, start, 1).points) < 2:
        return None
    details = core.inspect_step(experiment.surface, experiment.condition, sgd, start, 1, 1)
    after = details.after[0]
    return NumberQuestion(
        "one_step",
        t(
            "optimiseur.quiz.one_step",
            lr=f"{lr:g}",
            x=f"{start[0]:.2f}",
            y=f"{start[1]:.2f}",
            gx=format(details.gradient[0], POINT_SHOWN),
            gy=format(details.gradient[1], POINT_SHOWN),
        ),
        expected=after,
        explanation=t(
            "optimiseur.quiz.one_step_why",
            x=format(details.before[0], POINT_SHOWN),
            g=format(details.gradient[0], POINT_SHOWN),
            lr=f"{lr:g}",
            value=format(after, POINT_SHOWN),
        ),
    )


def what_if_question(experiment: core.Experiment) -> ChoiceQuestion | None:
    """The first optimizer with another lr, one no slot of the page runs (so its path is
    drawn nowhere), and whose outcome is unambiguous; none if no factor gives one."""
    first = experiment.specs[0]
    for factor in WHAT_IF_FACTORS:
        spec = dataclasses.replace(first, lr=float(f"{first.lr * factor:.6g}"))
        if spec in experiment.specs:
            continue
        alone = dataclasses.replace(experiment, specs=(spec,))
        result = cached_trajectory(alone)
        outcome = core.outcome(experiment.surface, experiment.condition, result)
        if outcome is None:
            continue
        return ChoiceQuestion(
            "what_if",
            t(
                "optimiseur.quiz.what_if",
                label=first.label,
                lr=f"{spec.lr:g}",
                surface=t(f"optimiseur.surface.{experiment.surface}"),
                steps=experiment.steps,
            ),
            choices=outcome_choices(),
            expected=t(f"optimiseur.quiz.outcome_{outcome}"),
            explanation=outcome_explanation(experiment, spec, result),
        )
    return None


def predictions_before_the_run(
    experiment: core.Experiment,
    results: tuple[core.Trajectory, ...],
    places: Sequence[Callable[[], AbstractContextManager]] = (nullcontext, nullcontext),
) -> bool:
    """The questions the animation and the results table answer, each drawn in its
    place (a slide in presentation mode); True once each is answered or shown (the
    page then draws them)."""
    shown = True
    for question, place in zip(
        (converge_question(experiment, results), best_question(experiment, results)), places, strict=True
    ):
        with place():
            if question is not None:
                shown = predict_first(PAGE_ID, question) and shown  # every question drawn, none skipped
            elif presentation_mode():  # a slide of its own: say why it has no question
                st.caption(t("optimiseur.slides.no_question"))
    return shown


def prediction_before_the_step(experiment: core.Experiment) -> bool:
    question = one_step_question(experiment)
    return question is None or predict_first(PAGE_ID, question)
