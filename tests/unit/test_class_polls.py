"""Class polls, pure: drafts from the lessons' own questions and exercises, a teacher's
vote checked, the tally's bars and chart, the join link, the CSV."""

import csv
import io
import re
from dataclasses import replace

import pytest
import torch

from components.class_polls import (
    MAX_VOTE_OPTION_CHARS,
    MAX_VOTE_PROMPT_CHARS,
    PROJECTED_LABEL_PX,
    PROJECTED_TITLE_PX,
    SOLVED,
    Bar,
    InvalidVote,
    exercise_id_of,
    exercise_outcome,
    export_csv,
    join_link,
    markdown_literal,
    outcome_label_key,
    poll_from_exercise,
    poll_from_question,
    qr_png,
    tally_bars,
    tally_chart,
    vote_draft,
)
from components.class_rules import KINDS, MAX_CHOICE_CHARS, MAX_CHOICES, Poll, PollDraft, Tally
from components.exercise import Feedback, Grade, find_exercise, grade
from components.i18n import LANGUAGES, catalogue, translate, translate_count
from components.projector import PROJECTOR_CSS
from components.quiz import ChoiceQuestion, NumberQuestion
from lessons.exercise_catalog import ALL_EXERCISES
from lessons.tenseurs.core import tensor_facts

OUTCOME = re.compile(r"[a-z0-9_.]{1,80}")  # what the store accepts for an exercise poll


def bytes_question() -> NumberQuestion:
    """The tensors page's first question, built as the page builds it (lessons/tenseurs/questions.py)."""
    facts = tensor_facts(torch.zeros(3, 4, dtype=torch.float16))
    return NumberQuestion(
        "bytes",
        translate("tenseurs.quiz.bytes", "fr", shape=facts.shape, dtype=facts.dtype),
        expected=float(facts.nbytes),
        explanation=translate_count(
            "tenseurs.quiz.bytes_why", "fr", facts.nbytes, numel=12, size=2, dtype="float16", bits=16
        ),
        tolerance=0.5,
        relative=0.0,
    )


def matmul_question() -> ChoiceQuestion:
    impossible = translate("tenseurs.quiz.impossible", "fr")
    product = torch.zeros(2, 3) @ torch.zeros(3, 4)
    return ChoiceQuestion(
        "matmul_shape",
        translate("tenseurs.quiz.matmul", "fr", a_shape=(2, 3), b_shape=(3, 4)),
        choices=("(2, 4)", "(3, 3)", "(2, 3)", "(3, 4)", impossible),
        expected=str(tuple(product.shape)),
        explanation="",
    )


def as_poll(draft: PollDraft, *, revealed: bool = False) -> Poll:
    return Poll(**vars(draft), poll_id=1, position=1, revealed=revealed)


def test_a_number_question_keeps_pytorchs_answer_and_its_tolerance():
    question = bytes_question()
    draft = poll_from_question(question, "tenseurs")
    assert draft.kind == "number" and draft.kind in KINDS
    assert float(draft.expected) == 24.0  # 12 float16 elements of 2 bytes, as PyTorch says
    assert (draft.tolerance, draft.relative) == (0.5, 0.0)
    assert draft.prompt == question.prompt and draft.explanation == question.explanation
    assert draft.source == "tenseurs/bytes"


def test_a_choice_question_keeps_its_choices_and_answer():
    draft = poll_from_question(matmul_question(), "tenseurs")
    assert draft.kind == "choice"
    assert draft.expected == "(2, 4)" and draft.expected in draft.choices
    assert 2 <= len(draft.choices) <= MAX_CHOICES and all(len(choice) <= MAX_CHOICE_CHARS for choice in draft.choices)
    assert draft.source == "tenseurs/matmul_shape"


def test_an_exercise_poll_names_its_exercise():
    exercise = ALL_EXERCISES[0]
    draft = poll_from_exercise(exercise, "Titre")
    assert (draft.kind, draft.prompt, draft.expected) == ("exercise", "Titre", None)
    assert exercise_id_of(draft) == exercise.exercise_id
    assert exercise_id_of(vote_draft("Q ?", "a\nb")) is None


def test_an_exercise_outcome_is_solved_or_the_first_thing_to_fix():
    exercise = find_exercise("tenseurs.zeros")
    assert exercise_outcome(grade(exercise, exercise.solution)) == SOLVED
    wrong = grade(exercise, exercise.wrong[0].answer)
    assert exercise_outcome(wrong) == wrong.feedback[0].key


def test_every_outcome_is_one_the_store_accepts():
    keys = {wrong.expected_key for exercise in ALL_EXERCISES for wrong in exercise.wrong}
    for key in keys:
        outcome = exercise_outcome(Grade(False, (Feedback(key),), "", None, ""))
        assert OUTCOME.fullmatch(outcome), key
        assert outcome == key  # every feedback key of the chapter is counted under its own name


def test_a_vote_is_cleaned_and_bounded():
    draft = vote_draft("  Quel  optimiseur\u202e ?  ", "SGD\n\n  Adam \nRMSprop\n")
    assert draft.kind == "vote" and draft.source == "vote"
    assert draft.prompt == "Quel optimiseur ?"  # the invisible right-to-left override is gone
    assert draft.choices == ("SGD", "Adam", "RMSprop")
    assert draft.expected is None


@pytest.mark.parametrize(
    ("prompt", "options", "key"),
    [
        ("", "a\nb", "classe.vote.no_prompt"),
        (" \t", "a\nb", "classe.vote.no_prompt"),
        ("x" * (MAX_VOTE_PROMPT_CHARS + 1), "a\nb", "classe.vote.prompt_too_long"),
        ("Q", "a", "classe.vote.option_count"),
        ("Q", "\n".join("abcdefg"), "classe.vote.option_count"),
        ("Q", "a\n" + "b" * (MAX_VOTE_OPTION_CHARS + 1), "classe.vote.option_too_long"),
        ("Q", "oui\noui", "classe.vote.duplicate_option"),
    ],
)
def test_a_bad_vote_is_refused_with_its_reason(prompt, options, key):
    with pytest.raises(InvalidVote) as refused:
        vote_draft(prompt, options)
    assert refused.value.key == key
    translate(key, "fr", **refused.value.values)  # the message exists and takes these values


def test_typed_text_reads_literally_where_streamlit_parses_markdown():
    escaped = markdown_literal("[clic](https://x.example) **gras** <b>:red[rouge]</b> `code` $x$")
    assert not re.search(r"(?<!\\)[\[\]()*<>:`$]", escaped), escaped
    assert escaped.replace("\\", "") == "[clic](https://x.example) **gras** <b>:red[rouge]</b> `code` $x$"


def test_choice_bars_follow_the_choices_and_mark_the_answer_once_revealed():
    poll = as_poll(poll_from_question(matmul_question(), "tenseurs"))
    tally = Tally(3, dict.fromkeys(poll.choices, 0) | {"(2, 4)": 2, "(3, 3)": 1}, (), 2)
    bars = tally_bars(tally, poll)
    assert [bar.label for bar in bars] == list(poll.choices)
    assert [bar.count for bar in bars][:2] == [2, 1]
    assert not any(bar.correct for bar in bars)
    revealed = tally_bars(tally, replace(poll, revealed=True))
    assert [bar.label for bar in revealed if bar.correct] == ["(2, 4)"]


def test_few_numbers_get_a_bar_each_many_get_ranges():
    poll = as_poll(poll_from_question(bytes_question(), "tenseurs"), revealed=True)
    few = tally_bars(Tally(4, {}, (24.0, 24.0, 48.0, 12.0), 2), poll)
    assert [(bar.label, bar.count, bar.correct) for bar in few] == [("12", 1, False), ("24", 2, True), ("48", 1, False)]
    numbers = tuple(float(value) for value in range(100))
    many = tally_bars(Tally(100, {}, numbers, 1), poll)
    assert len(many) == 10 and sum(bar.count for bar in many) == 100
    assert [bar.correct for bar in many].count(True) == 1 and many[2].correct  # 24 lies in 19.8 – 29.7


def test_exercise_bars_put_solved_first_with_their_labels():
    poll = as_poll(poll_from_exercise(ALL_EXERCISES[0], "T"), revealed=True)
    tally = Tally(4, {"exercise.wrong_shape": 3, SOLVED: 1}, (), 1)
    bars = tally_bars(tally, poll, {SOLVED: "Réussi", "exercise.wrong_shape": "Mauvaise forme"})
    assert bars == [Bar("Réussi", 1, True), Bar("Mauvaise forme", 3, False)]


def test_the_chart_is_valid_vega_lite_with_one_row_per_bar():
    bars = (Bar("SGD", 3, False), Bar("Adam", 5, True))
    spec = tally_chart(bars, "Élèves").to_dict()  # validates the spec
    (rows,) = spec["datasets"].values()
    assert [(row["label"], row["count"], row["correct"]) for row in rows] == [("SGD", 3, False), ("✓ Adam", 5, True)]


def test_the_join_link_holds_the_code_and_nothing_else():
    assert join_link("https://cours.example/classe", "ABC234") == "https://cours.example/classe?code=ABC234"
    assert join_link(None, "ABC234") == "/classe?code=ABC234"
    png = qr_png("https://cours.example/classe?code=ABC234")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png != qr_png("https://cours.example/classe?code=ABC235")


def french(key: str) -> str:
    return translate(key, "fr")


def test_the_csv_has_every_column_and_defuses_formulas():
    rows = [
        {
            "position": 1,
            "source": "vote",
            "kind": "vote",
            "prompt": '=HYPERLINK("https://x.example")',
            "expected": None,
            "answer": "-3.5",
            "correct": None,
            "nickname": "Zoé",
            "answered_at": None,
        },
        {"position": 2, "kind": "number", "answer": "@SUM(A1)", "correct": True, "nickname": "-x"},
    ]
    parsed = list(csv.reader(io.StringIO(export_csv(rows, french))))
    assert parsed[0] == [
        "Question",
        "Origine",
        "Type",
        "Énoncé",
        "Réponse attendue",
        "Réponse",
        "Correcte",
        "Pseudo",
        "Répondu le (UTC)",
    ]
    first, second = (dict(zip(parsed[0], line, strict=True)) for line in parsed[1:])
    assert first["Énoncé"] == '\'=HYPERLINK("https://x.example")'
    assert first["Réponse"] == "-3.5"  # a negative number stays a number
    assert (first["Pseudo"], first["Correcte"], first["Réponse attendue"], first["Type"]) == ("Zoé", "", "", "Vote")
    assert (second["Réponse"], second["Correcte"], second["Pseudo"]) == ("'@SUM(A1)", "Oui", "'-x")


def test_the_csv_reads_as_plain_text_in_the_teachers_language():
    rows = [
        {"position": 1, "kind": "choice", "prompt": "La **forme** de `x` ?", "answer": "(2,)", "correct": False},
        {"position": 2, "kind": "exercise", "prompt": "Zéros", "answer": SOLVED, "correct": True},
        {"position": 2, "kind": "exercise", "prompt": "Zéros", "answer": "exercise.wrong_shape", "correct": False},
    ]
    choice, solved, shape = list(csv.DictReader(io.StringIO(export_csv(rows, french))))
    assert (choice["Énoncé"], choice["Type"], choice["Correcte"]) == ("La forme de x ?", "Choix", "Non")
    assert (solved["Réponse"], shape["Réponse"], shape["Type"]) == ("Réussi", "Mauvaise forme", "Exercice")
    english = list(csv.DictReader(io.StringIO(export_csv(rows, lambda key: translate(key, "en")))))
    assert (english[2]["Answer"], english[2]["Correct"], english[2]["Kind"]) == ("Wrong shape", "No", "Exercise")


def every_outcome() -> set[str]:
    """What an exercise poll may store: the chapter's feedback keys and the interpreter's."""
    keys = {key for key in catalogue("fr") if key.startswith("code.") and not key.startswith("code.hint.")}
    keys |= {key for key in catalogue("fr") if key.startswith("exercise.") and key.count(".") == 1}
    keys |= {wrong.expected_key for exercise in ALL_EXERCISES for wrong in exercise.wrong}
    return {key for key in keys if OUTCOME.fullmatch(key)}


def test_every_outcome_has_a_short_complete_label_in_both_languages():
    assert outcome_label_key(SOLVED) == "classe.outcome.solved"
    assert outcome_label_key("exercise.wrong_shape") == "classe.outcome.shape"
    assert outcome_label_key("code.syntax") == "classe.outcome.syntax"
    assert outcome_label_key("code.torch_error") == "classe.outcome.torch"
    assert outcome_label_key("code.time_budget") == "classe.outcome.budget"
    assert outcome_label_key("code.import_refused") == "classe.outcome.refused"
    assert outcome_label_key("exercises.tenseurs.zeros.no_device") == "classe.outcome.misconception"
    assert outcome_label_key("something.else") == "classe.outcome.other_error"
    for outcome in every_outcome() | {SOLVED, "other"}:
        for lang in LANGUAGES:
            label = translate(outcome_label_key(outcome), lang)
            assert 0 < len(label) <= 30 and "…" not in label and "{" not in label, (outcome, label)


def test_a_projected_chart_writes_its_text_for_the_back_of_the_room():
    bars = (Bar("SGD", 3, False), Bar("Adam", 5, True))
    zoom = float(re.search(r"stVegaLiteChart\"\] \{\s*zoom: ([\d.]+)", PROJECTOR_CSS).group(1))
    assert PROJECTED_LABEL_PX * zoom >= 20 and PROJECTED_TITLE_PX * zoom >= 22  # as the screen shows them
    layers = tally_chart(bars, "Élèves", True).to_dict()["layer"]
    axes = [layer["encoding"][channel]["axis"] for layer in layers for channel in ("x", "y")]
    assert all(axis["labelFontSize"] == PROJECTED_LABEL_PX for axis in axes)
    assert all(axis["titleFontSize"] == PROJECTED_TITLE_PX for axis in axes)
    plain = tally_chart(bars, "Élèves").to_dict()["layer"]
    assert not any("labelFontSize" in layer["encoding"]["y"]["axis"] for layer in plain)
