"""The guided path: every page ends with links to the previous and the next page of the
catalogue's order (the last one leads back to the start), in the page's language, and
presentation mode shows them under the last slide only."""

import pytest

from components.i18n import LANGUAGES, translate
from components.slides import NEXT_KEY
from lessons.catalog import ALL_LESSONS, HOME


def links(app) -> dict[str, str]:
    """label -> target url_path of every page link on the page."""
    return {link.value: link.proto.page for link in app.get("page_link")}


def expected_links(page_id: str, lang: str) -> dict[str, str]:
    """Read off the catalogue's order by hand (the oracle for chapter_path.neighbours)."""
    index = [lesson.page_id for lesson in ALL_LESSONS].index(page_id)
    previous = ALL_LESSONS[index - 1] if index else None
    following = ALL_LESSONS[index + 1] if index < len(ALL_LESSONS) - 1 else None
    found = {}
    if previous is not None:
        found[translate("path.previous", lang, title=translate(f"nav.{previous.page_id}", lang))] = previous.url_path
    if following is not None:
        found[translate("path.next", lang, title=translate(f"nav.{following.page_id}", lang))] = following.url_path
    else:
        found[translate("path.start", lang, title=translate(f"nav.{HOME.page_id}", lang))] = HOME.url_path
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("lesson", ALL_LESSONS, ids=lambda lesson: lesson.page_id)
def test_every_page_ends_with_its_neighbours_in_the_chapter(open_app, lesson, lang):
    app = open_app(page=lesson.script, lang=lang)
    assert not app.exception
    wanted = expected_links(lesson.page_id, lang)
    shown = links(app)
    assert {label: shown.get(label) for label in wanted} == wanted
    assert app.main.get("page_link")[-1].value in wanted, "the path's links close the page"
    if lesson is HOME:
        assert not any(label.startswith(translate("path.previous", lang, title="")) for label in shown)


def test_the_labels_read_as_the_brief_asks():
    assert expected_links("accueil", "fr") == {"Page suivante\u00a0: Tenseurs sur CPU et GPU": "tenseurs"}
    assert expected_links("tenseurs", "en") == {
        "Previous page: What is PyTorch?": "",
        "Next page: Gradients with autograd": "autograd",
    }
    last = ALL_LESSONS[-1].page_id
    assert "Retour au début\u00a0: Qu'est-ce que PyTorch\u00a0?" in expected_links(last, "fr")


@pytest.mark.parametrize("lesson", ALL_LESSONS, ids=lambda lesson: lesson.page_id)
def test_presentation_mode_shows_the_links_under_the_last_slide_only(open_app, lesson):
    app = open_app(page=lesson.script, presentation="1")
    assert not app.exception and not app.warning
    wanted = expected_links(lesson.page_id, "fr")
    assert not set(links(app)) & set(wanted), "the first slide keeps the screen for its own idea"
    while not app.button(key=NEXT_KEY).disabled:  # to the last slide, as the teacher goes
        app.button(key=NEXT_KEY).click().run()
    assert {label: links(app).get(label) for label in wanted} == wanted
