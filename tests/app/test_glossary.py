"""The glossary page: every term in both languages with its anchor, a filter that narrows
and refuses code with a message, and the lessons' intros linking to its entries."""

import pytest

from components.glossary import TERMS, definition, english, entry_link, french, terms_of_page
from components.i18n import LANGUAGES, translate
from lessons.catalog import GLOSSARY, OBJECTIVES

from .conftest import texts

FILTER_KEY = "terme"


def headings(app) -> list:
    """The term entries' headings on the page, in order (the only ones with an anchor)."""
    return [heading for heading in app.main.subheader if heading.proto.anchor]


def entries(app) -> list[str]:
    return [heading.proto.anchor for heading in headings(app)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_term_is_shown_with_both_names_its_definition_and_its_anchor(open_app, lang):
    app = open_app(page=GLOSSARY.script, lang=lang)
    assert not app.exception and not app.error
    assert entries(app) == [term.anchor for term in TERMS]
    page = texts(app)
    for term, heading in zip(TERMS, headings(app), strict=True):
        first, second = (french(term), english(term)) if lang == "fr" else (english(term), french(term))
        assert heading.value == f"{first} · _{second}_"
        assert definition(term, lang) in page
        assert f"`{term.pytorch}`" in page
    assert translate("glossaire.filter.count", lang, shown=len(TERMS), total=len(TERMS)) in page


def test_the_filter_narrows_the_list(open_app):
    app = open_app(page=GLOSSARY.script)
    app.text_input(key=FILTER_KEY).set_value("apprentissage").run()
    assert entries(app) == ["taux-d-apprentissage"]
    assert translate("glossaire.filter.count", "fr", shown=1, total=len(TERMS)) in texts(app)
    app.text_input(key=FILTER_KEY).set_value("LOSS").run()  # case set aside, PyTorch names searched
    assert {"erreur-quadratique-moyenne", "erreur-absolue-moyenne"} <= set(entries(app))
    app.text_input(key=FILTER_KEY).set_value("").run()
    assert len(entries(app)) == len(TERMS)


def test_a_filter_that_matches_nothing_says_so(open_app):
    app = open_app(page=GLOSSARY.script, lang="en")
    app.text_input(key=FILTER_KEY).set_value("zzzz").run()
    assert not app.exception and not app.error
    assert entries(app) == []
    assert [box.value for box in app.info] == [translate("glossaire.filter.none", "en", text="zzzz")]


@pytest.mark.parametrize(
    "text", ["__import__('os').system('touch PWNED')", "<script>alert('x')</script>", "lot; DROP TABLE"]
)
def test_a_hostile_filter_is_refused_with_a_message_and_every_term_stays(open_app, text):
    app = open_app(page=GLOSSARY.script)
    app.text_input(key=FILTER_KEY).set_value(text).run()
    assert not app.exception
    assert len(app.error) == 1
    message = app.error[0].value
    assert message.startswith("Le filtre ne prend que des lettres")
    assert "<script>" not in message and "__import__" not in message
    assert len(entries(app)) == len(TERMS)


def test_presentation_mode_gives_each_term_a_slide(open_app):
    app = open_app(page=GLOSSARY.script, presentation="1", diapo="2")
    assert not app.exception
    title = french(TERMS[0])
    position = translate("slides.position", "fr", number=2, total=len(TERMS) + 1, title=title)
    assert position in [block.value for block in app.markdown]
    app.text_input(key=FILTER_KEY).set_value("apprentissage").run()  # the filter keeps one slide
    assert translate("slides.position", "fr", number=2, total=2, title="taux d'apprentissage") in [
        block.value for block in app.markdown
    ]


@pytest.mark.parametrize("lesson", OBJECTIVES, ids=lambda lesson: lesson.page_id)
def test_each_lesson_intro_links_its_words_to_the_glossary(open_app, lesson):
    app = open_app(page=lesson.script, lang="en")
    line = next(caption.value for caption in app.caption if "glossaire?lang=en" in caption.value)
    for term in terms_of_page(lesson.page_id):
        assert f"[{english(term)}]({entry_link(term, 'en')})" in line
