"""What a buggy run did and the questions about it: the bug lab's prediction, the
outcome sentence and the why texts computed from the runs, and the final quiz (a run
without zero_grad, steps per epoch). The parameter count's question is in sections.py."""

import dataclasses
import math
from contextlib import AbstractContextManager, nullcontext

import streamlit as st
import torch

from components.i18n import t, tn
from components.optimizers import OptimizerSpec
from components.quiz import ChoiceQuestion, NumberQuestion, quiz, result_revealed
from components.slides import presentation_mode
from lessons.boucle_entrainement import core, mistakes, outcomes
from lessons.boucle_entrainement.charts import RUN_COLOURS

PAGE_ID = "boucle_entrainement"
CORRECT, BUGGY = tuple(RUN_COLOURS)  # "correct", "buggy"
QUIZ_EPOCHS = 10


def optimizer_label(spec: OptimizerSpec) -> str:
    return t("boucle.optimizer_label", kind=t(f"optimiseur.kind.{spec.kind}"), lr=f"{spec.lr:g}")


def run_outcome(results: dict) -> outcomes.Outcome | None:
    """What the buggy loop did next to the correct one, once both have epochs."""
    correct, buggy = results.get(CORRECT), results.get(BUGGY)
    if not (correct and correct.epochs and buggy and buggy.epochs):
        return None
    losses = [[epoch.train_loss for epoch in result.epochs] for result in (buggy, correct)]
    return outcomes.outcome(*losses, buggy.diverged)


def number(value: float) -> str:
    return f"{value:.3g}"


def outcome_sentence(outcome: outcomes.Outcome, optimizer: OptimizerSpec) -> str:
    """The outcome in words, with this run's numbers."""
    return t(
        f"boucle.outcome.{outcome.kind}",
        optimizer=optimizer_label(optimizer),
        epochs=outcome.epochs,
        first=number(outcome.first),
        last=number(outcome.last),
        lowest=number(outcome.lowest),
        lowest_epoch=outcome.lowest_epoch,
        correct_first=number(outcome.correct_first),
        correct_last=number(outcome.correct_last),
        correct_epoch=outcome.correct_epoch,
        ratio=number(outcome.ratio),
    )


def why_texts(bugs: frozenset[mistakes.Bug], results: dict, spec: core.TrainSpec) -> list[str]:
    """Why each mistake that is on does what it does, with this run's numbers."""
    texts = []
    for bug in mistakes.BUGS:
        if bug not in bugs:
            continue
        extra = {}
        if bug is mistakes.Bug.NO_NO_GRAD and results.get(BUGGY) and results[BUGGY].epochs:
            extra["kilobytes"] = f"{results[BUGGY].epochs[-1].kept_graph_bytes / 1024:.1f}"
        if bug is mistakes.Bug.HUGE_LR:
            extra["lr"] = f"{spec.used_optimizer.lr:g}"
        texts.append(t(outcomes.why_key(bug, spec.optimizer.kind), **extra))
    return texts


def bug_explanations(bugs: frozenset[mistakes.Bug], results: dict, spec: core.TrainSpec) -> None:
    """What this run did (computed from the two curves), then why, mistake by mistake."""
    outcome = run_outcome(results)
    if outcome is not None:
        st.markdown(outcome_sentence(outcome, spec.used_optimizer))
    for text in why_texts(bugs, results, spec):
        st.info(text, icon=":material/bug_report:")


def outcome_question_id(bugs: frozenset[mistakes.Bug]) -> str:
    """One question per set of mistakes: predicting one bug does not reveal another's run."""
    return "bug_outcome." + "+".join(sorted(bugs))


def outcome_predicted(bugs: frozenset[mistakes.Bug]) -> bool:
    """Whether the learner has answered this set's question or asked to see its result:
    the buggy loop's live curve may then be drawn while it trains."""
    return result_revealed(PAGE_ID, outcome_question_id(bugs))


def bug_outcome_question(bugs: frozenset[mistakes.Bug], results: dict, spec: core.TrainSpec) -> ChoiceQuestion | None:
    """ "What did this mistake do to the training loss?", asked before the buggy run's
    curve and numbers; None when there is no buggy run yet, or when the run's answer is
    too close to a boundary between two choices to be fair."""
    outcome = run_outcome(results)
    if outcome is None or not outcomes.clear_cut(outcome):
        return None
    names = ", ".join(t("boucle.predict.quoted", name=t(f"boucle.bugs.{bug}")) for bug in mistakes.BUGS if bug in bugs)
    optimizer = spec.used_optimizer
    return ChoiceQuestion(
        outcome_question_id(bugs),
        tn("boucle.predict.prompt", len(bugs), bugs=names, optimizer=optimizer_label(optimizer), epochs=spec.epochs),
        choices=tuple(t(f"boucle.predict.{answer}") for answer in outcomes.PREDICTIONS),
        expected=t(f"boucle.predict.{outcomes.ANSWER[outcome.kind]}"),
        explanation="\n\n".join([outcome_sentence(outcome, optimizer), *why_texts(bugs, results, spec)]),
    )


@st.cache_data(max_entries=64, show_spinner=False)
def cached_run_without_zero_grad(
    data_spec: core.DataSpec, model_spec: core.ModelSpec, spec: core.TrainSpec
) -> tuple[float, float, bool, int]:
    """Train QUIZ_EPOCHS epochs without zero_grad: (first training loss, last, diverged,
    epochs run)."""
    data = core.make_data(data_spec.kind, data_spec.n, data_spec.noise, data_spec.seed)
    short = dataclasses.replace(spec, epochs=QUIZ_EPOCHS, bugs=frozenset({mistakes.Bug.NO_ZERO_GRAD}))
    result = core.train(data, model_spec, short)
    return result.epochs[0].train_loss, result.epochs[-1].train_loss, result.diverged, len(result.epochs)


def zero_grad_question(data_spec: core.DataSpec, model_spec: core.ModelSpec, train_spec: core.TrainSpec) -> bool:
    """The page shows this run nowhere (the lab trains its own, after its own question).
    No question (False) when the loss ends too near the line between two answers."""
    first, last, diverged, epochs = cached_run_without_zero_grad(data_spec, model_spec, train_spec)
    outcome = outcomes.zero_grad_quiz_answer(first, last, diverged)
    if outcome is None:
        return False
    answers = ("goes_down", "stalls", "goes_up", "diverges")
    course = t(
        f"boucle.quiz.course_{'diverged' if diverged else 'finite'}",
        first=number(first),
        last=number(last),
        epochs=epochs,
    )
    quiz(
        PAGE_ID,
        ChoiceQuestion(
            "no_zero_grad",
            t("boucle.quiz.no_zero_grad", epochs=QUIZ_EPOCHS),
            choices=tuple(t(f"boucle.quiz.outcome_{key}") for key in answers),
            expected=t(f"boucle.quiz.outcome_{outcome}"),
            explanation=t(
                "boucle.quiz.no_zero_grad_why",
                optimizer=optimizer_label(train_spec.optimizer),
                course=course,
                outcome=t(f"boucle.quiz.outcome_{outcome}"),
                why=t(outcomes.why_key(mistakes.Bug.NO_ZERO_GRAD, train_spec.optimizer.kind)),
            ),
        ),
    )
    return True


def quiz_section(
    data: core.Data,
    data_spec: core.DataSpec,
    model_spec: core.ModelSpec,
    train_spec: core.TrainSpec,
    first_slide: AbstractContextManager | None = None,
    second_slide: AbstractContextManager | None = None,
) -> None:
    """The questions whose answers the page does not show (the parameter count is asked
    beside the model, before its count); in presentation mode, one slide each."""
    with first_slide or nullcontext():
        if not zero_grad_question(data_spec, model_spec, train_spec) and presentation_mode():
            st.caption(t("boucle.quiz.no_zero_grad_question"))
    with second_slide or nullcontext():
        if presentation_mode():
            st.header(t("boucle.quiz.steps_title"), divider="gray")
        steps_question(data, train_spec)


def steps_question(data: core.Data, train_spec: core.TrainSpec) -> None:
    steps = math.ceil(len(data.x_train) / train_spec.batch_size)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(data.x_train, data.y_train), batch_size=train_spec.batch_size
    )
    quiz(
        PAGE_ID,
        NumberQuestion(
            "steps",
            t("boucle.quiz.steps", n=len(data.x_train), batch=train_spec.batch_size),
            expected=float(len(loader)),
            explanation=t("boucle.quiz.steps_why", steps=steps, n=len(data.x_train), batch=train_spec.batch_size),
            tolerance=0.5,
            relative=0.0,
        ),
    )
