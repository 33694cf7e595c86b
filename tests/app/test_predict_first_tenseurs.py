"""Tensors page, predict first: each question comes before the result that answers it.

Per question: before answering, the result as the page shows it is not in the page's
text; after answering (or showing it without answering), it is, with the explanation.
"""

import pytest
import torch

from components.i18n import translate
from lessons.tenseurs import manipulations as ops
from lessons.tenseurs.core import CreateSpec, create_tensor
from lessons.tenseurs.sections import other_dtype

from .prediction import (
    answer,
    hidden_notice,
    pending_notice,
    question_form,
    readable_text,
    show_from_pending,
    show_without_answering,
)

PAGE = "lessons/tenseurs/page.py"
PAGE_ID = "tenseurs"
DEFAULT = create_tensor(CreateSpec())  # the page's default t: [[1, 2, 3], [4, 5, 6]], float32
SELECTED, _ = ops.selection(DEFAULT, ops.IndexingSpec().slice_objects())


def matmul(**spec) -> ops.MatmulDemo:
    full = {"m": 2, "k": 3, "k_b": 2, "n": 3, "transpose_b": False} | spec
    return ops.matmul_demo(full["m"], full["k"], full["k_b"], full["n"], full["transpose_b"])


FIXED = matmul(transpose_b=True)  # (2, 3) @ (3, 2)
FIXED_SHAPE = tuple(FIXED.product.result.shape)

# (question id, query, the result as the page shows it, an answer, a part of the explanation)
QUESTIONS = [
    (
        "bytes",
        {},
        f"{DEFAULT.element_size() * DEFAULT.numel()} octets ({DEFAULT.element_size()} × {DEFAULT.numel()})",
        float(DEFAULT.element_size() * DEFAULT.numel()),
        f"D'où {DEFAULT.numel()} × {DEFAULT.element_size()} = {DEFAULT.element_size() * DEFAULT.numel()} octets.",
    ),
    (
        "matmul_shape",
        {},
        "`(2, 3) @ (2, 3)` échoue",  # PyTorch refuses the default sizes
        "impossible (erreur)",
        "or `a` a 3 colonnes et `b` 2 lignes",
    ),
    (
        "matmul_shape",
        {"mm_t": "true"},
        f"`c = a @ b` {FIXED_SHAPE}",
        str(FIXED_SHAPE),
        f"PyTorch répond `{FIXED_SHAPE}`",
    ),
    (
        "selection",
        {},
        f"`r` {tuple(SELECTED.shape)}",
        float(SELECTED.numel()),
        f"{' × '.join(map(str, SELECTED.shape))} = {SELECTED.numel()} éléments",
    ),
    (
        "bytes_converted",
        {},
        f"= {DEFAULT.to(torch.float64).element_size() * DEFAULT.numel()} octets, contre",
        float(DEFAULT.to(torch.float64).element_size() * DEFAULT.numel()),
        "`torch.float64` en prend 8 octets chacun",
    ),
]


@pytest.mark.parametrize(("question_id", "query", "shown", "value", "why"), QUESTIONS)
def test_the_answer_is_hidden_until_the_learner_answers(open_app, question_id, query, shown, value, why):
    app = open_app(page=PAGE, **query)
    assert shown not in readable_text(app)
    assert why not in readable_text(app)
    app = answer(app, PAGE_ID, question_id, value)
    assert translate("quiz.correct", "fr") in readable_text(app)
    assert shown in readable_text(app)
    assert why in readable_text(app)


@pytest.mark.parametrize("question_id", ["bytes", "matmul_shape", "selection"])
def test_a_result_can_be_shown_without_answering(open_app, question_id):
    app = open_app(page=PAGE, lang="en")
    assert hidden_notice("en") in readable_text(app)
    app = show_without_answering(app, PAGE_ID, question_id)
    assert any(info.value.startswith("You did not answer. PyTorch's answer:") for info in app.info)


def test_shown_without_answering_draws_the_result_and_its_explanation(open_app):
    app = show_without_answering(open_app(page=PAGE, mm_t="true"), PAGE_ID, "matmul_shape")
    text = readable_text(app)
    assert f"`c = a @ b` {FIXED_SHAPE}" in text
    assert f"Sans réponse de votre part. Réponse de PyTorch\u00a0: «\u00a0{FIXED_SHAPE}\u00a0»." in text
    assert "chaque case de `c` combine une ligne de `a` et une colonne de `b`" in text


def test_a_revealed_result_stays_for_new_settings(open_app):
    app = show_without_answering(open_app(page=PAGE), PAGE_ID, "selection")
    app.slider(key="i1_pas").set_value(1).run()  # t[1:, :]: 3 elements, a new question
    assert "`r` (1, 3)" in readable_text(app)


@pytest.mark.parametrize(
    "sizes",
    [
        (1, 1, 1, 1, False),
        (2, 3, 2, 3, False),
        (2, 3, 2, 3, True),
        (4, 4, 4, 4, False),
        (3, 2, 2, 3, True),
        (1, 4, 4, 1, False),
        (4, 1, 1, 4, True),
        (3, 3, 2, 2, False),
    ],
)
def test_the_matmul_question_has_one_right_choice(open_app, sizes):
    """No tie: whatever the sizes, PyTorch's answer is exactly one of the choices."""
    m, k, k_b, n, transpose = sizes
    app = open_app(page=PAGE, mm_m=str(m), mm_k=str(k), mm_kb=str(k_b), mm_n=str(n), mm_t=str(transpose).lower())
    options = question_form(app, PAGE_ID, "matmul_shape").radio[0].options
    demo = ops.matmul_demo(m, k, k_b, n, transpose)
    expected = "impossible (erreur)" if demo.product.error else str(tuple(demo.product.result.shape))
    assert len(options) == len(set(options))
    assert options.count(expected) == 1


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int64", "bool"])
def test_the_final_question_asks_about_another_size_than_the_page_shows(dtype):
    """The converted size must differ from t's own (shown once the bytes question is done)."""
    tensor = torch.zeros(2, 3, dtype=getattr(torch, dtype))
    target = other_dtype(tensor.dtype)
    assert tensor.to(target).element_size() != tensor.element_size()


@pytest.mark.parametrize(
    ("question_id", "diapo", "query", "shown"),
    [
        ("matmul_shape", "8", {"mm_t": "true"}, f"`c = a @ b` {FIXED_SHAPE}"),
        ("selection", "15", {}, f"`r` {tuple(SELECTED.shape)}"),
    ],
)
def test_a_result_slide_says_it_waits_for_its_question_and_can_show_it(open_app, question_id, diapo, query, shown):
    """In presentation mode the result has a slide of its own, after its question's."""
    app = open_app(page=PAGE, presentation="1", diapo=diapo, **query)
    assert sum(info.value == pending_notice() for info in app.info) == 2  # matmul and indexing
    assert shown not in readable_text(app)
    app = show_from_pending(app, PAGE_ID, question_id)
    assert shown in readable_text(app)
    assert sum(info.value == pending_notice() for info in app.info) == 1
