"""In a real browser: a lesson's word opens the glossary at its entry, and the guided
path's "next page" link moves to the next lesson in the same session."""

import re

from playwright.sync_api import expect

from components.i18n import translate

from .conftest import assert_no_crash, wait_until_idle

IN_VIEW = """(id) => {
  const box = document.getElementById(id).getBoundingClientRect();
  return box.top >= 0 && box.top < window.innerHeight;
}"""


def test_a_word_of_the_lesson_opens_the_glossary_at_its_entry(page, app_url):
    page.goto(f"{app_url}/optimiseur?lang=en")
    wait_until_idle(page)
    word = page.get_by_test_id("stCaptionContainer").get_by_role("link", name="learning rate")
    expect(word).to_have_attribute("href", "glossaire?lang=en#taux-d-apprentissage")
    with page.context.expect_page() as opened:  # Streamlit opens Markdown links in a new tab
        word.click()
    glossary = opened.value
    glossary.wait_for_load_state()
    wait_until_idle(glossary)
    expect(glossary).to_have_url(re.compile(r"/glossaire\?lang=en#taux-d-apprentissage$"))
    expect(glossary.locator("h1").first).to_contain_text(translate("glossaire.title", "en"))
    glossary.wait_for_function(IN_VIEW, arg="taux-d-apprentissage")  # Streamlit scrolls to the anchor
    assert_no_crash(glossary)
    glossary.close()


def test_the_next_page_link_moves_along_the_chapter(page, app_url):
    page.goto(app_url)
    wait_until_idle(page)
    label = translate("path.next", "fr", title=translate("nav.tenseurs", "fr"))
    page.get_by_role("link", name=label).click()
    expect(page.locator("h1").first).to_contain_text(translate("tenseurs.title", "fr"))
    expect(page).to_have_url(re.compile(r"/tenseurs$"))
    wait_until_idle(page)
    assert_no_crash(page)
