"""Lesson "Boucle d'entraînement": assemble data, model, loss and optimizer, train live."""

import dataclasses

import streamlit as st

from components import url_state
from components.chapter_path import chapter_links
from components.code_twin import code_twin
from components.devices import selected_device
from components.exercise_panel import exercise_slides, exercises_section
from components.i18n import current_language, t
from components.lesson_intro import lesson_intro
from components.optimizers import OptimizerSpec
from components.slides import Deck
from lessons.boucle_entrainement import core, questions, sections
from lessons.boucle_entrainement.exercises import EXERCISES
from lessons.boucle_entrainement.snippets import training_script
from lessons.catalog import ALL_LESSONS

PAGE_ID = "boucle_entrainement"
RESULTS_KEY = "boucle_entrainement.results"  # {core.Setup: {run label: TrainResult}}
LEARNING_RATES = ("0.001", "0.003", "0.01", "0.03", "0.05", "0.1", "0.3", "1")


def data_controls() -> core.DataSpec:
    columns = st.columns(4)
    with columns[0]:
        kind = url_state.selectbox(
            t("boucle.data.kind"), core.DATASETS, key="donnees", format_func=lambda k: t(f"boucle.data.{k}")
        )
    with columns[1]:
        n = url_state.slider(t("boucle.data.size"), key="n", min_value=40, max_value=400, value=200, step=20)
    with columns[2]:
        noise = url_state.slider(
            t("boucle.data.noise"), key="bruit_d", min_value=0.0, max_value=1.0, value=0.2, step=0.05
        )
    with columns[3]:
        seed = url_state.number_input(t("boucle.data.seed"), key="graine_b", min_value=0, max_value=1000, value=0)
    return core.DataSpec(kind, n, noise, seed)


def model_controls(kind: str) -> core.ModelSpec:
    columns = st.columns(4)
    default = 0 if kind == "line" else 1
    with columns[0]:
        model_kind = url_state.selectbox(
            t("boucle.model.kind"),
            ("linear", "mlp"),
            key="modele",
            index=default,
            format_func=lambda k: t(f"boucle.model.{k}"),
        )
    if model_kind == "linear":
        return core.ModelSpec("linear")
    with columns[1]:
        layers = url_state.slider(t("boucle.model.layers"), key="couches", min_value=1, max_value=3, value=2)
    with columns[2]:
        width = url_state.slider(
            t("boucle.model.width"), key="largeur", min_value=2, max_value=core.MAX_WIDTH, value=32, step=2
        )
    with columns[3]:
        activation = url_state.selectbox(t("boucle.model.activation"), tuple(core.ACTIVATIONS), key="activation")
    return core.ModelSpec("mlp", layers, width, activation)


def training_controls(classification: bool) -> core.TrainSpec:
    columns = st.columns(5)
    with columns[0]:
        epochs = url_state.slider(
            t("boucle.train.epochs"), key="epoques", min_value=5, max_value=core.MAX_EPOCHS, value=60, step=5
        )
    with columns[1]:
        batch = url_state.select_slider(
            t("boucle.train.batch"), ("4", "8", "16", "32", "64", "128"), key="lot", index=2
        )
    with columns[2]:
        losses = ("cross_entropy",) if classification else tuple(core.REGRESSION_LOSSES)
        loss = url_state.selectbox(
            t("boucle.train.loss"), losses, key="perte_b", format_func=lambda k: t(f"boucle.loss.{k}")
        )
    with columns[3]:
        kind = url_state.selectbox(
            t("boucle.train.optimizer"),
            core.PAGE_OPTIMIZERS,
            key=sections.OPTIMIZER_KEY,
            index=core.PAGE_OPTIMIZERS.index(core.PAGE_DEFAULT_OPTIMIZER.kind),
            format_func=lambda k: t(f"optimiseur.kind.{k}"),
        )
    with columns[4]:
        lr = float(
            url_state.select_slider(
                "lr",
                LEARNING_RATES,
                key=sections.LR_KEY,
                index=LEARNING_RATES.index(f"{core.PAGE_DEFAULT_OPTIMIZER.lr:g}"),
            )
        )
    shuffle = url_state.toggle(t("boucle.train.shuffle"), key="melange", value=True)
    return core.TrainSpec(
        epochs=epochs, batch_size=int(batch), loss=loss, optimizer=OptimizerSpec(kind, lr=lr), shuffle=shuffle
    )


# In presentation mode the setup is three slides (the settings, the model and its
# parameter count, the bug lab), the replay and the two quiz questions one each.
deck = Deck(
    PAGE_ID,
    [
        ("intro", f"{PAGE_ID}.title"),
        ("plan", f"{PAGE_ID}.plan_title"),
        ("reglages", "boucle.setup.title"),
        ("parametres", "boucle.model.summary_title"),
        ("erreurs", "boucle.bugs.title"),
        ("entrainement", "boucle.live.title"),
        ("rejeu", "boucle.replay.title"),
        ("code", "boucle.twin_title"),
        ("quiz", "boucle.quiz_title"),
        ("quiz_lots", "boucle.quiz.steps_title"),
        *exercise_slides(EXERCISES),
    ],
)
with deck.slide("intro"):
    lesson_intro(PAGE_ID)
with deck.slide("plan"):
    st.markdown(t("boucle_entrainement.plan"))
with deck.slide("reglages"):
    st.header(t("boucle.setup.title"), divider="gray")
    data_spec = data_controls()
    data = core.make_data(data_spec.kind, data_spec.n, data_spec.noise, data_spec.seed)
    chosen_model = model_controls(data_spec.kind)
    train_spec = dataclasses.replace(training_controls(data.classification), seed=data_spec.seed)
# The model depends on the bug lab (dropout), drawn below it on the page but after it as slides.
parameters_slide, bugs_slide = deck.slide("parametres"), deck.slide("erreurs")
with bugs_slide:
    bugs = sections.bug_controls(train_spec.optimizer)
model_spec = core.lab_model(chosen_model, bugs)
buggy_spec = dataclasses.replace(train_spec, bugs=bugs)
with parameters_slide:
    if deck.active:
        st.subheader(t("boucle.model.summary_title"))
    sections.model_summary(model_spec, data.classification, data_spec.seed)

live_slide, replay_slide = deck.slide("entrainement"), deck.slide("rejeu")
with live_slide:
    st.header(t("boucle.live.title"), divider="gray")
    setup = core.Setup(data_spec, model_spec, buggy_spec, str(selected_device()))
    stored = st.session_state.setdefault(RESULTS_KEY, {})
    runs = sections.training_runs(bugs)
    # On a slide the two buttons stand side by side.
    buttons = st.container(horizontal=True) if deck.active else st.columns([1, 4])[0]
    with buttons:
        start = st.button(t("boucle.live.train"), type="primary", icon=":material/play_arrow:")
        st.button(t("boucle.live.stop"), icon=":material/stop:", help=t("boucle.live.stop_help"))
    if start:
        stored.clear()  # one trained setting at a time per session: memory stays bounded
        # Partial results are kept as training goes: a click on "stop" interrupts this run.
        stored[setup] = {}
        hide_buggy = bool(bugs) and not questions.outcome_predicted(bugs)
        sections.train_live(data, setup, train_spec, runs, stored[setup], hide_buggy=hide_buggy)
    results = stored.get(setup)
    if results is None:
        st.info(t("boucle.live.not_trained"), icon=":material/school:")
        replayed = False
    else:
        replayed = sections.results_section(data, data_spec.kind, bugs, results, setup.train, replay_slide)
if deck.active and not replayed:
    with replay_slide:
        st.subheader(t("boucle.replay.title"))
        if results is None:
            st.info(t("boucle.live.not_trained"), icon=":material/school:")
        else:
            st.caption(t("quiz.hidden_until_answer"))

with deck.slide("code"):
    st.header(t("boucle.twin_title"), divider="gray")
    code_twin(training_script(setup, current_language()), "entrainement.py")
quiz_slide, steps_slide = deck.slide("quiz"), deck.slide("quiz_lots")
with quiz_slide:
    st.header(t("boucle.quiz_title"), divider="gray")
questions.quiz_section(data, data_spec, model_spec, train_spec, quiz_slide, steps_slide)
exercises_section(deck, EXERCISES)
chapter_links(PAGE_ID, ALL_LESSONS, shown=deck.on_last_slide)
