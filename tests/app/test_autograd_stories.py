"""Stories on the autograd page."""

import pytest

from components.i18n import translate
from lessons.autograd import core
from tests.twin_check import assert_twin_matches

from .prediction import answer, show_without_answering

PAGE = "lessons/autograd/page.py"


@pytest.fixture
def autograd_page(open_app):
    def open_with(**query: str):
        return open_app(page=PAGE, **query)

    return open_with


def metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_the_three_derivatives_agree_for_a_preset(autograd_page):
    app = autograd_page(fonction="sin(x)*x**2", ax="1.0")
    shown = metrics(app)
    assert shown["x.grad"] == shown["Différence finie"] == shown["SymPy f'(x)"] == "2.22324"
    assert any("Les trois méthodes sont d'accord" in success.value for success in app.success)
    assert "f'(x) = x^{2} \\cos" in app.latex[0].value


@pytest.mark.parametrize("levels", [8, 12])
def test_a_formula_too_complex_for_sympy_is_explained_and_pytorch_still_answers(autograd_page, levels):
    text = "sigmoid(" * levels + "x" + ")" * levels
    app = autograd_page(fonction="saisie", expr=text, ax="0.5")
    expected = core.derivatives(text, 0.5)
    shown = metrics(app)
    assert float(shown["x.grad"]) == pytest.approx(expected.autograd, rel=1e-5)
    assert shown["SymPy f'(x)"] == "—"
    assert any("Expression trop complexe pour le calcul symbolique" in info.value for info in app.info)
    assert not any("f'(x) =" in block.value for block in app.latex)
    assert any("`autograd` et la différence finie sont d'accord" in success.value for success in app.success)
    app.slider(key="ax").set_value(1.5).run()  # a new x: the same notice, SymPy not asked again
    assert metrics(app)["SymPy f'(x)"] == "—"
    assert any("Expression trop complexe pour le calcul symbolique" in info.value for info in app.info)


def test_abs_at_zero_is_explained(autograd_page):
    app = autograd_page(fonction="abs(x)", ax="0.0")
    assert any("la fonction a un coin" in warning.value for warning in app.warning)
    assert metrics(app)["x.grad"] == "0"


def test_the_learner_accumulates_gradients_then_zeroes_them(autograd_page):
    app = autograd_page(fonction="x**2", ax="1.5")
    show_without_answering(app, "autograd", "two_backward")  # the table waits for a prediction
    app.slider(key="appels").set_value(3).run()
    table = app.table[0].value
    assert list(table["x.grad"]) == ["3", "6", "9"]
    app.toggle(key="zero").set_value(True).run()
    assert list(app.table[0].value["x.grad"]) == ["3", "3", "3"]
    assert any("x.grad.zero_()" in block.value and "repart de zéro" in block.value for block in app.markdown)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("__import__('os').system('touch PWNED')", "not_allowed"),
        ("().__class__.__bases__", "not_allowed"),
        ("9**9**9", "exponent_too_large"),
        ("x**1e9", "constant_too_large"),
        ("(" * 10_000 + ")" * 10_000, "too_long"),
        ("x" * 5_000, "too_long"),
        ("", "empty"),
        ("sin(x", "syntax"),
        ("log(x)", "not_finite"),  # at x = -1
        ("toto(x)", "not_allowed"),
    ],
)
def test_a_bad_expression_is_explained_and_the_last_valid_function_stays(
    autograd_page, typed, reason, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    app = autograd_page(ax="-1.0")
    app.selectbox(key="fonction").set_value("saisie").run()
    app.text_input(key="expr").set_value("x**3").run()
    assert metrics(app)["x.grad"] == "3"
    app.text_input(key="expr").set_value(typed).run()
    assert not app.exception
    message = translate(f"autograd.error.{reason}", "fr", max=0, name="toto", allowed="x", element="x", x=-1.0)
    assert any(error.value.split("`")[0][:12] == message.split("`")[0][:12] for error in app.error), [
        e.value for e in app.error
    ]
    assert metrics(app)["x.grad"] == "3"  # x**3 at -1, still on screen
    assert any("x**3" in caption.value for caption in app.caption)
    assert not (tmp_path / "PWNED").exists()


def test_stepping_through_the_graph_ends_on_x_grad(autograd_page):
    app = autograd_page(fonction="sin(x)*x**2", ax="1.0")
    assert not app.get("graphviz_chart")  # its node names answer the question above it
    answer(app, "autograd", "grad_fn", "MulBackward0")
    dot = app.get("graphviz_chart")[0].proto.spec
    assert "MulBackward0" in dot and "SinBackward0" in dot and "PowBackward0" in dot
    app.slider(key="etape").set_value(4).run()
    done = [success.value for success in app.success if "feuille" in success.value]
    assert done == ["Arrivé à la feuille `x`\u00a0: `2.22324`, exactement `x.grad = 2.22324` donné par `y.backward()`."]


def test_two_variables_give_both_partials(autograd_page):
    app = autograd_page(fonction2="x*y", px="2.0", py="-1.0")
    assert metrics(app)["∂f/∂y = y.grad"] == "?"
    answer(app, "autograd", "partial_y", 2.0)
    assert metrics(app)["∂f/∂x = x.grad"] == "-1" and metrics(app)["∂f/∂y = y.grad"] == "2"


def test_the_second_backward_error_is_explained_and_retain_graph_fixes_it(autograd_page):
    app = autograd_page(fonction="sin(x)*x**2")
    assert any("Le second `backward()` échoue" in error.value for error in app.error)
    app.toggle(key="retain").set_value(True).run()
    assert not any("Le second" in error.value for error in app.error)


def test_the_quiz_asks_for_x_grad_after_two_backward_calls(autograd_page):
    app = answer(autograd_page(fonction="x**2", ax="1.5"), "autograd", "two_backward", 6.0)  # 2 * (2 * 1.5)
    assert "Bonne réponse\u00a0!" in [success.value for success in app.success]
    assert list(app.table[0].value["x.grad"]) == ["3", "6"]


def test_the_final_quiz_asks_for_x_grad_at_another_point(autograd_page):
    app = answer(autograd_page(fonction="x**2", ax="1.5"), "autograd", "grad_elsewhere", 5.0)  # 2 * 2.5
    assert "Bonne réponse\u00a0!" in [success.value for success in app.success]


def test_the_code_twin_prints_what_the_page_shows(autograd_page):
    app = autograd_page(fonction="exp(-x**2)", ax="0.7", fonction2="sin(x)*cos(y)", px="0.5", py="-1.0")
    [script] = [block.value for block in app.code if block.value.startswith('"""')]
    result = core.derivatives("exp(-x**2)", 0.7)
    gradient = core.gradient_2d("sin(x)*cos(y)", 0.5, -1.0)
    assert_twin_matches(
        script,
        {
            "f(x)": result.value,
            "x.grad": result.autograd,
            "(f(x + h) - f(x - h)) / 2h": result.finite_difference,
            "y.grad_fn": core.recorded_graph("exp(-x**2)", 0.7).nodes[0].name,
            "x.grad (2 backward)": 2 * result.autograd,
            "df/dx": gradient.d_dx,
            "df/dy": gradient.d_dy,
        },
        rel_tol=1e-9,
    )
    assert float(metrics(app)["x.grad"]) == pytest.approx(result.autograd, rel=1e-5)
