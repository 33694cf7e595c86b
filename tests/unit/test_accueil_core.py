"""Home page core: autograd against hand-written derivatives (the oracle)."""

import math

import pytest
import torch

from components.i18n import LANGUAGES, catalogue, placeholders, translate, translate_count
from lessons.accueil import core

# Derivatives written by hand, independent of PyTorch.
ANALYTIC = {
    "polynome": (lambda x: x**2 + 3 * x, lambda x: 2 * x + 3),
    "sinus": (lambda x: math.sin(x) * x, lambda x: math.cos(x) * x + math.sin(x)),
    "gaussienne": (lambda x: math.exp(-(x**2)), lambda x: -2 * x * math.exp(-(x**2))),
}


def test_every_demo_function_has_an_oracle():
    assert set(core.DEMO_FUNCTIONS) == set(ANALYTIC)


@pytest.mark.parametrize("function_id", sorted(ANALYTIC))
@pytest.mark.parametrize("x", [-3.0, -1.3, 0.0, 0.7, 2.0, 3.0])
def test_autograd_matches_the_analytic_derivative(function_id, x):
    value, derivative = ANALYTIC[function_id]
    result = core.pillars_demo(function_id, x)
    # float32 tensors: compare at float32 precision.
    assert result.y == pytest.approx(value(x), rel=1e-5, abs=1e-5)
    assert result.grad == pytest.approx(derivative(x), rel=1e-5, abs=1e-5)


@pytest.mark.parametrize(
    ("function_id", "grad_fn"),
    [("polynome", "AddBackward0"), ("sinus", "MulBackward0"), ("gaussienne", "ExpBackward0")],
)
def test_the_last_recorded_operation_is_named_like_pytorch_names_it(function_id, grad_fn):
    assert core.pillars_demo(function_id, 1.0).grad_fn == grad_fn
    assert grad_fn in core.GRAD_FN_CHOICES


def test_the_demo_leaves_no_graph_and_no_global_state_behind():
    before = torch.random.get_rng_state()
    result = core.pillars_demo("sinus", 0.5)
    assert all(isinstance(v, (float, str)) for v in vars(result).values())
    assert torch.equal(torch.random.get_rng_state(), before)


@pytest.mark.parametrize(("x", "expected"), [(1.0, 2.0), (-3.0, -2.0), (2.0, 3.0), (2.5, 1.5), (3.0, 2.0)])
def test_next_x_stays_on_the_slider(x, expected):
    assert core.next_x(x) == expected
    assert core.X_MIN <= core.next_x(x) <= core.X_MAX


def test_environment_reports_real_versions():
    env = core.environment()
    assert env.torch == torch.__version__
    assert env.cuda_build == torch.version.cuda
    assert env.python.count(".") == 2 and env.streamlit[0].isdigit()


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("fr", 0, "0 bonne réponse sur 2 questions"),  # French: 0 and 1 are singular
        ("fr", 1, "1 bonne réponse sur 1 question"),
        ("fr", 2, "2 bonnes réponses sur 3 questions"),
        ("en", 0, "0 correct answers out of 2 questions"),  # English: only 1 is
        ("en", 1, "1 correct answer out of 1 question"),
        ("en", 2, "2 correct answers out of 3 questions"),
    ],
)
def test_the_progress_line_agrees_with_its_counts(lang, count, expected):
    answered = {0: 2, 1: 1, 2: 3}[count]
    line = translate(
        "home.progress.line",
        lang,
        page="P",
        correct=translate_count("home.progress.correct", lang, count),
        answered=translate_count("home.progress.answered", lang, answered),
    )
    assert line.split(":", 1)[1].replace("\u00a0", " ").strip() == expected


def test_every_counted_string_has_both_forms_with_the_same_placeholders():
    for lang in LANGUAGES:
        strings = catalogue(lang)
        counted = {key.rsplit(".", 1)[0] for key in strings if key.endswith((".one", ".other"))}
        assert counted, "the progress line is counted"
        for key in counted:
            one, other = strings[f"{key}.one"], strings[f"{key}.other"]
            # Either form may leave the number out and only agree with it ("la valeur aberrante",
            # "les erreurs {bugs}"); apart from the number, both say the same things.
            assert placeholders(one) - {"count"} == placeholders(other) - {"count"}, key
