"""Shareable URLs: good values reproduce a view, bad ones give a notice, never a traceback."""

import pytest
import torch
from streamlit.testing.v1 import AppTest

from components.i18n import translate

from .conftest import texts
from .prediction import show_without_answering


def assert_no_crash(app: AppTest) -> None:
    assert not app.exception, [error.message for error in app.exception]
    assert not any(translate("error.unexpected", "fr") in error.value for error in app.error)


def test_a_shared_url_reproduces_the_view(open_app):
    app = open_app(lang="en", f="sinus", x="2.0")
    assert app.title[0].value == "What is PyTorch?"
    assert app.selectbox(key="f").value == "sinus"
    assert app.slider(key="x").value == 2.0
    assert [m.value for m in app.metric][:3] == ["1.8186", "0.0770", "?"]  # grad_fn: asked before shown
    app = show_without_answering(app, "accueil", "last_grad_fn")
    assert [m.value for m in app.metric][:3] == ["1.8186", "0.0770", "MulBackward0"]
    assert not app.warning


def test_an_unknown_language_falls_back_to_french_with_a_notice(open_app):
    app = open_app(lang="xx")
    assert not app.exception
    assert app.title[0].value == "Qu'est-ce que PyTorch\u00a0?"
    assert [w.value for w in app.warning] == [
        "Paramètre d'adresse `lang` ignoré\u00a0: `xx` ne fait pas partie des choix possibles"
        " (fr, en). Valeur utilisée\u00a0: fr."
    ]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"x": "banana"}, "x"),
        ({"x": "99"}, "x"),
        ({"x": "nan"}, "x"),
        ({"f": "__import__('os').system('touch PWNED')"}, "f"),
        ({"projecteur": "oui"}, "projecteur"),
        ({"device": "tpu"}, "device"),
    ],
)
def test_malformed_values_fall_back_to_defaults_with_a_notice(open_app, query, parameter, tmp_path):
    app = open_app(**query)
    assert not app.exception
    assert len(app.warning) == 1 and f"`{parameter}`" in app.warning[0].value
    assert app.slider(key="x").value == 1.0 and app.selectbox(key="f").value == "polynome"
    assert [m.value for m in app.metric][:2] == ["4.0000", "5.0000"]


def test_the_notice_speaks_the_learners_language(open_app):
    app = open_app(lang="en", x="banana")
    assert app.warning[0].value == (
        "Address parameter `x` ignored: `banana` is not a number between -3.0 and 3.0. Using 1.0."
    )


def test_hostile_text_is_shown_short_and_inert(open_app):
    app = open_app(x="`<script>alert(1)</script>`" + "9" * 10_000)
    notice = app.warning[0].value
    assert "`" not in notice.split("`x`")[1].split("`")[0]  # the value sits in one code span
    assert len(notice) < 200 and "…" in notice
    assert "<script>" not in texts(app)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_asking_for_cuda_without_a_gpu_explains_why(open_app):
    app = open_app(device="cuda")
    assert "`device`" in app.warning[0].value
    assert app.selectbox(key="device").value == "cpu"
    assert any("`cuda`" in caption.value for caption in app.sidebar.caption)


def learning_rate_page():
    """A page with an `lr` slider, the way the optimizer lesson will share it."""
    import streamlit as st

    from components import url_state

    url_state.start_run()
    notices = st.container()
    lr = url_state.slider("lr", key="lr", min_value=0.001, max_value=2.0, value=0.1)
    st.metric("lr", lr)
    with notices:
        url_state.show_notices()


@pytest.mark.parametrize(
    ("raw", "value", "notices"), [("0.5", 0.5, 0), ("banana", 0.1, 1), ("50", 0.1, 1), ("-1", 0.1, 1)]
)
def test_lr_from_the_url(raw, value, notices):
    app = AppTest.from_function(learning_rate_page)
    app.query_params["lr"] = raw
    app.run()
    assert not app.exception
    assert app.slider(key="lr").value == value
    assert len(app.warning) == notices
    if notices:
        assert "`lr`" in app.warning[0].value and "0.001" in app.warning[0].value


def test_values_survive_a_visit_to_another_page(open_app):
    app = open_app(lang="en")
    app.selectbox(key="f").set_value("sinus").run()
    app.slider(key="x").set_value(2.0).run()
    app.switch_page("lessons/tenseurs/page.py").run()
    app.switch_page("lessons/accueil/page.py").run()
    assert (app.selectbox(key="f").value, app.slider(key="x").value) == ("sinus", 2.0)
    assert app.query_params["f"] == "sinus" and app.query_params["lang"] == "en"
    assert [m.value for m in app.metric][1] == "0.0770"


OVERFLOWING = ("inf", "-inf", "Infinity", "1e999", "9" * 400)


@pytest.mark.parametrize(
    ("page", "query", "parameter"),
    [
        *[("lessons/fonction_de_cout/page.py", {"graine": value}, "graine") for value in OVERFLOWING],
        ("lessons/boucle_entrainement/page.py", {"graine_b": "-inf"}, "graine_b"),
        ("lessons/tenseurs/page.py", {"ctor": "rand", "seed": "1e999"}, "seed"),
    ],
    ids=lambda value: str(value)[:30],
)
def test_numbers_no_widget_can_hold_are_taken_out_of_the_url_before_streamlit_reads_them(
    open_app, page, query, parameter
):
    app = open_app(page=page, **query)
    assert_no_crash(app)
    assert any(f"`{parameter}`" in warning.value for warning in app.warning)
    assert parameter not in app.query_params  # gone from the address, not only ignored
    app.run()  # the next rerun neither crashes nor tells it again
    assert_no_crash(app)
    assert not any(f"`{parameter}`" in warning.value for warning in app.warning)
