"""Stories on the home page: a learner moves x, reads the code twin, answers the quiz."""

from components.slides import HIDDEN_PREFIX, SHOWN_PREFIX
from tests.twin_check import assert_twin_matches

from .conftest import texts
from .prediction import answer, question_form, show_without_answering


def slide_keys(app, prefix: str) -> list[str]:
    """Keys of the slide containers drawn whose key starts with `prefix`."""
    found = []

    def visit(node):
        for child in getattr(node, "children", {}).values():
            if isinstance(getattr(child, "key", None), str) and child.key.startswith(prefix):
                found.append(child.key)
            visit(child)

    visit(app.main)
    return found


def metrics(app):
    return {m.label: m.value for m in app.metric}


def test_moving_x_recomputes_the_gradient_with_pytorch(open_app):
    app = open_app()
    app.slider(key="x").set_value(2.0).run()
    # y = x**2 + 3x at x = 2: y = 10, dy/dx = 2x + 3 = 7
    assert metrics(app)["y"] == "10.0000"
    assert metrics(app)["x.grad"] == "7.0000"
    assert "`x = 2.0`" in texts(app)


def test_the_code_twin_prints_what_the_page_shows(open_app):
    app = show_without_answering(open_app(f="gaussienne", x="-0.7"), "accueil", "last_grad_fn")
    shown = metrics(app)
    script = app.code[0].value
    assert "x = torch.tensor(-0.7, requires_grad=True)" in script
    assert "y = torch.exp(-x ** 2)" in script
    assert_twin_matches(
        script,
        {"y": float(shown["y"]), "x.grad": float(shown["x.grad"]), "y.grad_fn": shown["y.grad_fn"]},
        abs_tol=5e-5,  # the page rounds to 4 decimals
    )


def test_the_code_twin_comments_follow_the_language(open_app):
    assert "# Pilier A" in open_app(lang="fr").code[0].value
    assert "# Pillar A" in open_app(lang="en").code[0].value


def test_a_right_prediction_is_praised_and_counted_on_the_home_page(open_app):
    app = open_app(x="1.0")  # the quiz asks about x = 2.0, where dy/dx = 7
    assert "`x = 2.0`" in question_form(app, "accueil", "grad_at_other_x").markdown[0].value
    answer(app, "accueil", "grad_at_other_x", 7.0)
    assert [s.value for s in app.success][-1] == "Bonne réponse\u00a0!"
    progress = app.get("progress")
    assert progress and "1 bonne réponse sur 1 question" in progress[0].proto.text
    answer(app, "accueil", "last_grad_fn", "AddBackward0")  # y = x**2 + 3*x ends with an addition
    assert "2 bonnes réponses sur 2 questions" in app.get("progress")[0].proto.text


def test_a_wrong_prediction_shows_pytorchs_value_and_why(open_app):
    app = open_app(lang="en", x="1.0")
    answer(app, "accueil", "grad_at_other_x", 2.0)
    assert app.error[0].value == "Not quite. PyTorch's answer: 7."
    assert "at `x = 2.0`, it gets `7.0000`" in texts(app)
    assert "At `x = 1.0`, PyTorch found `5.0000`" in texts(app)
    assert "0 correct answers out of 1 question" in app.get("progress")[0].proto.text


def test_the_grad_fn_question_expects_what_autograd_recorded(open_app):
    app = answer(open_app(f="sinus"), "accueil", "last_grad_fn", "MulBackward0")
    assert [s.value for s in app.success][-1] == "Bonne réponse\u00a0!"
    assert metrics(app)["y.grad_fn"] == "MulBackward0"


def test_checking_without_an_answer_asks_for_one(open_app):
    app = open_app()
    question_form(app, "accueil", "grad_at_other_x").button[0].click().run()
    assert not app.exception
    assert app.info[0].value == "Saisissez ou choisissez une réponse avant de vérifier."


def test_the_environment_table_speaks_french(open_app):
    labels = list(metrics(open_app()))  # the demo's y, x.grad, y.grad_fn, then the environment
    assert labels[-4:] == ["Python", "PyTorch", "Streamlit", "CUDA (compilation)"]


def test_on_slides_the_demo_is_five_slides_and_x_still_moves_it(open_app):
    """Presentation mode: settings, question, numbers, code and quiz each on a slide of
    their own (a 1280 x 720 projector shows each whole), the page rerun whole."""
    app = open_app(presentation="1", diapo="5")
    assert "**5\u00a0/\u00a012** · Ce que PyTorch a calculé" in texts(app)
    assert slide_keys(app, SHOWN_PREFIX) == [f"{SHOWN_PREFIX}accueil_piliers_resultat"]
    hidden = slide_keys(app, HIDDEN_PREFIX)
    for slide in ("piliers", "piliers_question", "piliers_code", "piliers_quiz", "peripheriques"):
        assert f"{HIDDEN_PREFIX}accueil_{slide}" in hidden
    app.slider(key="x").set_value(2.0).run()
    assert not app.exception
    assert metrics(app)["x.grad"] == "7.0000"
    assert "**5\u00a0/\u00a012** · Ce que PyTorch a calculé" in texts(app)
