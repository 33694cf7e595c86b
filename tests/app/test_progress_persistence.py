"""Stories of self-study progress kept across visits: the same browser id finds its
answers again on the home page, another id starts fresh, "Effacer ma progression"
forgets them. No JavaScript runs in AppTest: each test sets the id the browser would
send (components/browser_storage.py) and uses a database of its own."""

import base64

import pytest
from streamlit.testing.v1 import AppTest

from components import progress_store
from components.browser_storage import ID_KEY, MAX_TEACHER_ENTRIES, PENDING_KEY, TEACHER_KEY
from components.database import URL_VARIABLE, engine
from components.exercise import find_exercise
from components.i18n import translate
from lessons.exercise_catalog import ALL_EXERCISES

from .conftest import APP, RUN_TIMEOUT, texts
from .exercises import submit
from .prediction import answer

BROWSER_X = base64.urlsafe_b64encode(b"x" * 32).decode().rstrip("=")
BROWSER_Y = base64.urlsafe_b64encode(b"y" * 32).decode().rstrip("=")


@pytest.fixture(autouse=True)
def own_database(tmp_path, monkeypatch):
    """A new SQLite file per test: components.database makes one engine per URL."""
    monkeypatch.setenv(URL_VARIABLE, f"sqlite:///{tmp_path / 'progress.sqlite3'}")


def visit(browser: str | None, **query: str) -> AppTest:
    """A new session of the app, as a browser whose storage holds `browser` would open it."""
    app = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    app.query_params.update(query)
    if browser is not None:
        app.session_state[ID_KEY] = browser
    return app.run()


def progress_lines(app: AppTest) -> list[str]:
    """The home page's progress bars, without their page's name: "1 bonne réponse sur 1 question"."""
    return [bar.proto.text.rpartition(": ")[2] for bar in app.get("progress")]


def erase_button(app: AppTest):
    [button] = [button for button in app.button if button.key == "progress.erase"]
    return button


def test_answers_come_back_in_a_new_session_of_the_same_browser():
    first = visit(BROWSER_X, x="1.0")  # the quiz asks about x = 2.0, where dy/dx = 7
    answer(first, "accueil", "grad_at_other_x", 7.0)
    assert progress_lines(first) == ["1 bonne réponse sur 1 question"]

    again = visit(BROWSER_X)  # the tab closed, the learner comes back the next day
    assert progress_lines(again) == ["1 bonne réponse sur 1 question"]
    assert translate("saved_progress.kept_here", "fr", days=90) in texts(again)


def test_a_solved_exercise_comes_back_too():
    zeros = find_exercise("tenseurs.zeros")
    app = visit(BROWSER_X)
    submit(app.switch_page("lessons/tenseurs/page.py").run(), zeros, "z = torch.zeros(4, 3)")  # wrong shape first
    submit(app, zeros, zeros.solution)
    total = sum(exercise.page_id == "tenseurs" for exercise in ALL_EXERCISES)
    assert progress_lines(visit(BROWSER_X))[-1] == f"1 réussi sur {total}"


def test_another_browser_starts_fresh():
    answer(visit(BROWSER_X, x="1.0"), "accueil", "grad_at_other_x", 7.0)
    other = visit(BROWSER_Y)
    assert progress_lines(other) == []
    assert translate("home.progress.empty", "fr") in texts(other)
    assert not [button for button in other.button if button.key == "progress.erase"]


def test_a_later_answer_replaces_the_stored_one_and_both_questions_count():
    app = visit(BROWSER_X, x="1.0")
    answer(app, "accueil", "grad_at_other_x", 2.0)  # wrong
    answer(app, "accueil", "grad_at_other_x", 7.0)  # right, in the same form
    answer(app, "accueil", "last_grad_fn", "AddBackward0")  # y = x**2 + 3*x ends with an addition
    assert progress_lines(visit(BROWSER_X)) == ["2 bonnes réponses sur 2 questions"]


def test_erasing_forgets_the_progress_here_and_in_the_next_session():
    app = visit(BROWSER_X, x="1.0")
    answer(app, "accueil", "grad_at_other_x", 7.0)
    erase_button(app).click().run()
    assert progress_lines(app) == []
    assert translate("home.progress.empty", "fr") in texts(app)
    assert not app.success  # the quiz's feedback went with the answer it praised
    assert progress_store.load_progress(engine(), BROWSER_X) is None
    assert progress_lines(visit(BROWSER_X)) == []


def test_without_a_browser_id_the_progress_lasts_the_session_only():
    """The first run of a visit, before the browser answered, or storage refused."""
    app = visit(None, x="1.0")
    answer(app, "accueil", "grad_at_other_x", 7.0)
    assert progress_lines(app) == ["1 bonne réponse sur 1 question"]
    assert translate("saved_progress.kept_here", "fr", days=90) not in texts(app)
    assert progress_lines(visit(BROWSER_X)) == []


def test_an_answer_given_before_the_id_arrived_joins_the_stored_progress():
    """The browser's id comes one rerun after the first: what was answered meanwhile is kept."""
    answer(visit(BROWSER_X, x="1.0"), "accueil", "last_grad_fn", "AddBackward0")
    app = visit(None, x="1.0")
    answer(app, "accueil", "grad_at_other_x", 7.0)
    app.session_state[ID_KEY] = BROWSER_X
    app.run()
    assert progress_lines(app) == ["2 bonnes réponses sur 2 questions"]
    assert progress_lines(visit(BROWSER_X)) == ["2 bonnes réponses sur 2 questions"]


def test_reruns_neither_read_nor_store_an_unchanged_progress(monkeypatch):
    app = visit(BROWSER_X, x="1.0")
    answer(app, "accueil", "grad_at_other_x", 7.0)
    calls = []
    for name in ("load_progress", "save_progress"):
        monkeypatch.setattr(progress_store, name, lambda *args, name=name, **kwargs: calls.append(name))
    app.slider(key="x").set_value(2.0).run()
    app.run()
    assert calls == []


def test_the_english_page_says_where_the_progress_is_kept():
    app = visit(BROWSER_X, lang="en")
    assert translate("saved_progress.kept_here", "en", days=90) in texts(app)


def teacher_script():
    """A page that keeps teacher capabilities (as the class page does) for the test below."""
    import streamlit as st

    from components import browser_storage

    browser_storage.mount_browser_storage()
    for code in st.session_state.get("codes", []):
        browser_storage.remember_teacher(code, "s" * 43)
    for code in st.session_state.get("forget", []):
        browser_storage.forget_teacher(code)
    st.session_state.codes = st.session_state.forget = []


def test_teacher_capabilities_are_kept_at_once_and_queued_for_the_browser():
    app = AppTest.from_function(teacher_script, default_timeout=RUN_TIMEOUT)
    codes = [f"CODE{a}{b}" for a in "234" for b in "23456789"][: MAX_TEACHER_ENTRIES + 1]
    app.session_state["codes"] = codes
    app.run()
    kept = app.session_state[TEACHER_KEY]
    assert list(kept) == codes[1:]  # past the limit, the oldest is forgotten
    assert {"code": codes[0], "secret": None} in app.session_state[PENDING_KEY]  # replaced its own write
    assert len(app.session_state[PENDING_KEY]) == MAX_TEACHER_ENTRIES + 1  # none acknowledged: no browser

    app.session_state["forget"] = [codes[1], "NOTHER"]
    app.run()
    assert codes[1] not in app.session_state[TEACHER_KEY]
    assert [write["code"] for write in app.session_state[PENDING_KEY]].count(codes[1]) == 1
    assert not app.exception
