"""Every page renders in both languages, with no exception and in the right language."""

import pytest

from components.i18n import LANGUAGES, translate
from lessons.catalog import ALL_LESSONS, OBJECTIVES

from .conftest import texts


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("lesson", ALL_LESSONS, ids=lambda lesson: lesson.page_id)
def test_every_page_renders_in_every_language(open_app, lesson, lang):
    app = open_app(page=lesson.script, lang=lang)
    assert not app.exception
    assert not app.warning, [w.value for w in app.warning]
    assert app.title[0].value == translate(
        "home.title" if lesson.page_id == "accueil" else f"{lesson.page_id}.title", lang
    )
    assert translate("app.chapter", lang) in texts(app)


@pytest.mark.parametrize("lesson", OBJECTIVES, ids=lambda lesson: lesson.page_id)
def test_lesson_pages_state_their_objective(open_app, lesson):
    app = open_app(page=lesson.script)
    assert app.success[0].value == translate(f"{lesson.page_id}.objective", "fr")
    assert translate(f"{lesson.page_id}.intro", "fr") in texts(app)


PROJECTOR_MARK = "Readable from the back of a room"  # the projector stylesheet's first comment


def test_french_is_the_default(open_app):
    app = open_app()
    assert app.title[0].value == "Qu'est-ce que PyTorch\u00a0?"
    assert app.radio(key="lang").value == "fr"


def test_switching_language_in_the_sidebar_changes_the_text(open_app):
    app = open_app()
    french = texts(app)
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "What is PyTorch?"
    assert "🎯 Chapter objectives" in texts(app)
    assert texts(app) != french
    assert app.query_params["lang"] == "en"  # mirrored into the URL


def test_the_language_is_kept_when_moving_to_another_page(open_app):
    app = open_app(lang="en")
    app.switch_page("lessons/optimiseur/page.py").run()
    assert app.title[0].value == "Optimizer"


def test_the_sidebar_holds_language_device_and_projector(open_app):
    app = open_app()
    sidebar_keys = {widget.key for widget in app.sidebar.children.values() if hasattr(widget, "key")}
    assert {"lang"} <= sidebar_keys
    assert app.selectbox(key="device").value == "cpu"
    assert app.toggle(key="projecteur").value is False


def test_the_projector_toggle_is_shared_state_kept_across_pages(open_app):
    app = open_app()
    app.toggle(key="projecteur").set_value(True).run()
    app.switch_page("lessons/tenseurs/page.py").run()
    assert app.toggle(key="projecteur").value is True
    assert app.session_state["projecteur"] is True


@pytest.mark.parametrize("lesson", ALL_LESSONS, ids=lambda lesson: lesson.page_id)
@pytest.mark.parametrize("raw", ["1", "true"])
def test_projector_mode_is_reachable_by_url_on_every_page(open_app, lesson, raw):
    app = open_app(page=lesson.script, projecteur=raw)
    assert app.toggle(key="projecteur").value is True
    assert not app.warning and not app.exception
    styles = [element for element in app.get("html") if PROJECTOR_MARK in element.proto.body]
    assert len(styles) == 1  # the projector stylesheet, once


def test_projector_mode_survives_reruns_and_page_changes(open_app):
    app = open_app(projecteur="1")
    app.switch_page("lessons/optimiseur/page.py").run()
    app.run()
    assert app.toggle(key="projecteur").value is True
    assert app.query_params["projecteur"] == "1"  # kept in the address, so in the share link
    app.toggle(key="projecteur").set_value(False).run()
    assert "projecteur" not in app.query_params
    assert not [element for element in app.get("html") if PROJECTOR_MARK in element.proto.body]
    assert [
        element for element in app.get("html") if "stCaptionContainer" in element.proto.body
    ]  # the base style stays


def test_the_share_popover_holds_the_deep_link_of_the_view(open_app):
    app = open_app(page="lessons/optimiseur/page.py", surface="bowl")
    app.select_slider(key="lr").set_value("0.03").run()
    links = [block.value for block in app.sidebar.code]
    assert links and links[0].startswith("/optimiseur?") and "surface=bowl" in links[0] and "lr=0.03" in links[0]
