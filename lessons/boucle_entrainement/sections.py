"""Sections of the training-loop page: bug lab, model summary, live training, results, quiz."""

from contextlib import AbstractContextManager, nullcontext

import pandas as pd
import streamlit as st
import torch

from components import url_state
from components.charts import show_chart
from components.further import further_reading
from components.i18n import t
from components.optimizers import OptimizerSpec
from components.quiz import NumberQuestion, explanation_shown, predict_first
from components.run_lock import let_others_run
from components.slides import presentation_mode
from lessons.boucle_entrainement import core, mistakes, outcomes
from lessons.boucle_entrainement.charts import (
    RUN_COLOURS,
    drawable_losses,
    live_loss_template,
    live_predictions_template,
    loss_chart,
    replay_chart,
)
from lessons.boucle_entrainement.questions import bug_explanations, bug_outcome_question, optimizer_label

PAGE_ID = "boucle_entrainement"
CORRECT, BUGGY = tuple(RUN_COLOURS)  # "correct", "buggy"
OPTIMIZER_KEY, LR_KEY = "optim", "lr_b"  # the optimizer widgets' keys (page.py)


def use_optimizer(spec: OptimizerSpec) -> None:
    """Set the optimizer widgets (a callback: it runs before the next rerun draws them)."""
    st.session_state[OPTIMIZER_KEY] = spec.kind
    st.session_state[LR_KEY] = f"{spec.lr:g}"


def recommend_on_switch(bug: mistakes.Bug) -> None:
    """Switching on a mistake that acts through the step brings the optimizer that shows it best."""
    if st.session_state.get(f"bug_{bug}"):
        use_optimizer(outcomes.RECOMMENDED[bug])


def bug_controls(optimizer: OptimizerSpec) -> frozenset[mistakes.Bug]:
    """The bug lab's switches; `optimizer` is the one chosen above, for the recommendation."""
    st.subheader(t("boucle.bugs.title"))
    st.markdown(t("boucle.bugs.intro"))
    columns = st.columns(3)
    chosen = []
    for index, bug in enumerate(mistakes.BUGS):
        with columns[index % 3]:
            recommends = bug in outcomes.RECOMMENDED
            on_change = {"on_change": recommend_on_switch, "args": (bug,)} if recommends else {}
            if url_state.toggle(t(f"boucle.bugs.{bug}"), key=f"bug_{bug}", **on_change):
                chosen.append(bug)
    for bug in chosen:
        if bug in outcomes.RECOMMENDED:
            recommendation_note(bug, optimizer)
    return frozenset(chosen)


def recommendation_note(bug: mistakes.Bug, optimizer: OptimizerSpec) -> None:
    """Which optimizer shows `bug` best, what the others do instead, and a click to use it."""
    recommended = outcomes.RECOMMENDED[bug]
    in_use = (optimizer.kind, optimizer.lr) == (recommended.kind, recommended.lr)
    key = "recommended_in_use" if in_use else "recommended"
    st.caption(t(f"boucle.bugs.{key}", bug=t(f"boucle.bugs.{bug}"), optimizer=optimizer_label(recommended)))
    with further_reading(t("boucle.bugs.adaptive_topic")):
        st.markdown(t(f"boucle.bugs.{bug}_adaptive"))
    if not in_use:
        st.button(
            t("boucle.bugs.use_recommended", optimizer=optimizer_label(recommended)),
            key=f"recommend_{bug}",
            on_click=use_optimizer,
            args=(recommended,),
        )


def parameter_terms(model: torch.nn.Module) -> str:
    """The count, layer by layer: "(1 × 16 + 16) + (16 × 1 + 1)" (weights + biases)."""
    layers = [layer for layer in model.modules() if isinstance(layer, torch.nn.Linear)]
    return " + ".join(f"({layer.in_features} × {layer.out_features} + {layer.out_features})" for layer in layers)


def parameters_question(model: torch.nn.Module) -> bool:
    """Asked before the count: True once the learner may see it."""
    count = core.parameter_count(model)
    return predict_first(
        PAGE_ID,
        NumberQuestion(
            "parameters",
            t("boucle.quiz.parameters"),
            expected=float(count),
            explanation=t("boucle.quiz.parameters_why", count=count, terms=parameter_terms(model)),
            tolerance=0.5,
            relative=0.0,
        ),
    )


def model_summary(model_spec: core.ModelSpec, classification: bool, seed: int) -> None:
    model = core.make_model(model_spec, classification, seed)
    compact = presentation_mode()  # a slide: the count under the model, the question beside them
    left, right = st.columns([1, 1] if compact else [3, 2])
    with left:
        st.code(str(model), language="text")
    with right:
        shown = parameters_question(model)
    if shown:
        (left if compact else right).metric(t("boucle.model.parameters"), core.parameter_count(model))


def training_runs(bugs: frozenset[mistakes.Bug]) -> list[str]:
    """The correct loop always; the buggy one beside it when a bug switch is on."""
    return [CORRECT, BUGGY] if bugs else [CORRECT]


def run_names() -> dict[str, str]:
    return {CORRECT: t("boucle.live.correct"), BUGGY: t("boucle.live.buggy")}


def run_colours(runs) -> dict[str, str]:
    """{run name: its colour}, the same in every chart of the page."""
    names = run_names()
    return {names[run]: RUN_COLOURS[run] for run in runs}


@st.cache_data(max_entries=32, show_spinner=False)
def cached_live_templates(
    colours: dict, loss_titles: dict, classification: bool, fit_titles: dict
) -> tuple[dict, dict]:
    """The two live charts' Vega-Lite dicts, built with Altair once per language and runs:
    a click on "train" then costs no Altair work."""
    return (
        live_loss_template(colours, loss_titles),
        live_predictions_template(classification, fit_titles, core.map_cell(), colours),
    )


def train_live(
    data: core.Data,
    setup: core.Setup,
    train_spec: core.TrainSpec,
    runs: list[str],
    results: dict,
    hide_buggy: bool = False,
) -> None:
    """Train each run (`train_spec` the correct one, `setup.train` the one with the bug
    lab's mistakes), drawing the progress, the loss curves and the fit every few epochs.
    `hide_buggy`: the learner has not predicted what the mistake does yet, so the buggy
    run trains with its progress only.

    The two live charts are Vega-Lite dicts built once; a redraw only swaps their data.
    """
    progress = st.progress(0.0, text=t("boucle.live.progress", epoch=0, total=train_spec.epochs))
    chart_slot, caption_slot, fit_slot = st.empty(), st.empty(), st.empty()
    names = run_names()
    split_names = {"train": t("boucle.live.train_split"), "val": t("boucle.live.val_split")}
    loss_template, fit_template = cached_live_templates(
        run_colours(runs),
        {"epoch": t("boucle.live.epoch"), "loss": t("boucle.live.loss")},
        data.classification,
        {"probability": t("boucle.replay.probability")},
    )
    data_rows = prediction_rows(data, None)
    refresh = max(1, train_spec.epochs // 5)  # five redraws per run: the loop, not the UI, sets the pace
    total = train_spec.epochs * len(runs)
    for run_index, run in enumerate(runs):
        spec = setup.train if run == BUGGY else train_spec

        def on_epoch(record: core.Epoch, partial: core.TrainResult, run=run, run_index=run_index) -> None:
            results[run] = partial
            let_others_run()  # the class's reruns go between two epochs (dropout trainings too)
            if record.epoch % refresh:
                return
            done = run_index * train_spec.epochs + record.epoch
            progress.progress(
                min(done / total, 1.0), text=t("boucle.live.progress", epoch=record.epoch, total=train_spec.epochs)
            )
            if hide_buggy and run == BUGGY:
                return
            shown = [r for r in results if not (hide_buggy and r == BUGGY)]
            history = pd.concat([core.history_frame(results[r], names[r], split_names) for r in shown])
            chart_slot.vega_lite_chart({**loss_template, "datasets": {"history": drawable_losses(history)}})
            caption_slot.caption(
                t("boucle.live.latest", run=names[run], epoch=record.epoch, loss=f"{record.train_loss:.4g}")
            )
            if partial.snapshots:
                model_rows = prediction_rows(data, partial.snapshots[-1][1]).assign(run=names[run])
                fit_slot.vega_lite_chart({**fit_template, "datasets": {"live": pd.concat([data_rows, model_rows])}})

        results[run] = core.train(data, setup.model, spec, setup.device, on_epoch)
    progress.progress(1.0, text=t("boucle.live.done"))
    for slot in (chart_slot, caption_slot, fit_slot):
        slot.empty()


def prediction_rows(data: core.Data, predictions: list[float] | None) -> pd.DataFrame:
    """Rows for the live predictions chart: the training points, or the model on its grid."""
    if predictions is None:
        if data.classification:
            return pd.DataFrame(
                {
                    "kind": "data",
                    "x1": data.x_train[:, 0].tolist(),
                    "x2": data.x_train[:, 1].tolist(),
                    "label": data.y_train.tolist(),
                }
            )
        return pd.DataFrame({"kind": "data", "x": data.x_train[:, 0].tolist(), "y": data.y_train[:, 0].tolist()})
    grid = core.prediction_grid(data)
    if data.classification:
        return pd.DataFrame(
            {"kind": "model", "x1": grid[:, 0].tolist(), "x2": grid[:, 1].tolist(), "prediction": predictions}
        )
    return pd.DataFrame({"kind": "model", "x": grid[:, 0].tolist(), "prediction": predictions})


def show_results(data: core.Data, kind: str, results: dict, replay_slide: AbstractContextManager | None = None) -> bool:
    """The curves and numbers, then the replay (in `replay_slide`); True when the replay drew."""
    names = run_names()
    split_names = {"train": t("boucle.live.train_split"), "val": t("boucle.live.val_split")}
    history = pd.concat(
        [core.history_frame(results[run], names[run], split_names) for run in results if results[run].epochs]
    )
    compact = presentation_mode()  # a slide: the numbers beside a smaller chart
    left, right = st.columns([3, 2], gap="large") if compact else (st.container(), st.container())
    with left:
        show_chart(
            loss_chart,
            history,
            {"epoch": t("boucle.live.epoch"), "loss": t("boucle.live.loss")},
            run_colours(results),
            280 if compact else 300,
            alt=t("boucle.results.chart_alt", runs=", ".join(names[run] for run in results)),
        )
    with right:
        for run in results:
            last = results[run].epochs[-1] if results[run].epochs else None
            if last is None:
                continue
            columns = [st.container() for _ in range(3)] if compact else st.columns(3)
            columns[0].metric(t("boucle.results.train_loss", run=names[run]), f"{last.train_loss:.4g}")
            columns[1].metric(t("boucle.results.val_loss", run=names[run]), f"{last.val_loss:.4g}")
            if last.val_accuracy is not None:
                columns[2].metric(t("boucle.results.accuracy", run=names[run]), f"{last.val_accuracy:.0%}")
            if results[run].diverged:
                st.error(t("boucle.results.diverged", run=names[run], epoch=last.epoch), icon=":material/warning:")
    correct = results.get(CORRECT)
    if correct is not None and correct.model is not None:
        line = core.learned_line(correct.model) if kind == "line" else None
        if line is not None:
            right.markdown(
                t("boucle.results.line", w=f"{line[0]:.3f}", b=f"{line[1]:.3f}", true_w=core.TRUE_W, true_b=core.TRUE_B)
            )
        with replay_slide or nullcontext():
            replay_section(data, correct)
        return True
    return False


def results_section(
    data: core.Data,
    kind: str,
    bugs: frozenset[mistakes.Bug],
    results: dict,
    spec: core.TrainSpec,
    replay_slide: AbstractContextManager | None = None,
) -> bool:
    """With a mistake on, "what did it do?" first; then the curves, numbers and replay,
    and the explanations below them unless the answer to the question just gave them."""
    question = bug_outcome_question(bugs, results, spec)
    if question is not None and not predict_first(PAGE_ID, question):
        return False
    replayed = show_results(data, kind, results, replay_slide)
    if question is None or not explanation_shown(PAGE_ID, question):
        bug_explanations(bugs, results, spec)
    return replayed


def replay_section(data: core.Data, result: core.TrainResult) -> None:
    st.subheader(t("boucle.replay.title"))
    st.markdown(t("boucle.replay.intro"))
    epochs = [epoch for epoch, _ in result.snapshots]
    st.altair_chart(
        predictions_chart(data, result.snapshots), alt=t("boucle.replay.alt", first=epochs[0], last=epochs[-1])
    )


def predictions_chart(data: core.Data, snapshots: list[tuple[int, list[float]]]):
    """The data and the model's predictions at the given snapshots, with a replay slider."""
    grid = core.prediction_grid(data)
    rows = []
    for epoch, predictions in snapshots:
        for point, value in zip(grid.tolist(), predictions, strict=True):
            row = {"epoch": epoch, "prediction": value}
            row.update({"x1": point[0], "x2": point[1]} if data.classification else {"x": point[0]})
            rows.append(row)
    if data.classification:
        points = pd.DataFrame(
            {"x1": data.x_train[:, 0].tolist(), "x2": data.x_train[:, 1].tolist(), "label": data.y_train.tolist()}
        )
    else:
        points = pd.DataFrame({"x": data.x_train[:, 0].tolist(), "y": data.y_train[:, 0].tolist()})
    epochs = [epoch for epoch, _ in snapshots]
    titles = {
        "replay": t("boucle.replay.slider"),
        "probability": t("boucle.replay.probability"),
        "class": t("boucle.replay.class"),
    }
    return replay_chart(
        points,
        pd.DataFrame(rows),
        data.classification,
        epochs,
        titles,
        core.map_cell(),
        RUN_COLOURS[CORRECT],
        280 if presentation_mode() else 340,
    )
