"""No widget key is used by two pages, except the sidebar's and the slide buttons.

A widget's key is its URL parameter (`?lr=0.1`) and its place in the session state,
which every page of a session shares (README, Design: keys are short and unprefixed).
Two pages with one key would give one parameter two meanings, and carry a value from
one page into the other's widget.

Keys are collected twice: at run time, from every page opened in presentation mode
(every section runs, the hidden ones too) plus a few visits that reveal the widgets
drawn only for some settings; and from the lessons' source, for the `key=` (and
`*_key=`) arguments that the visits may not reach.

The class page (/classe, not in ALL_LESSONS) is visited in each of its views: the join
form, a teacher's session, a student's answer form for each kind of poll. It has no
slides; an exercise poll draws the exercise's own editor, under the key of the lesson
page's (the same answer, wherever the learner types it).
"""

import ast
import base64
from collections import defaultdict
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Node, Widget

from components import class_push, class_store
from components.browser_storage import ID_KEY
from components.browser_storage import TEACHER_KEY as BROWSER_TEACHER_KEY
from components.class_polls import poll_from_exercise, vote_draft
from components.class_store import PollDraft
from components.database import engine
from components.exercise import find_exercise
from components.slides import NEXT_KEY, PRESENTATION_KEY, PREVIOUS_KEY
from lessons.catalog import ALL_LESSONS, CLASSE

from .conftest import APP, RUN_TIMEOUT

REPO = Path(__file__).resolve().parents[2]

# The router's sidebar: one widget, drawn once, whatever the page.
APP_WIDE = {"lang", "device", "projecteur", PRESENTATION_KEY}
# Drawn by every page, on purpose: the slide buttons of components/slides.py are the
# same pair on every page (their ← → shortcuts, the e2e tests), and keep no value.
SHARED_BY_DESIGN = {PREVIOUS_KEY, NEXT_KEY}

# Visits that reveal widgets the default settings do not draw.
EXTRA_VISITS = {
    "tenseurs": [{"ctor": "zeros", "dims": "3"}, {"ctor": "linspace"}, {"ctor": "full"}, {"ctor": "rand"}],
    "autograd": [{"fonction": "saisie", "fonction2": "saisie"}],
}


def walk(node: Node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def widget_keys(node: Node) -> set[str]:
    return {element.key for element in walk(node) if isinstance(element, Widget) and element.key}


def visit(script: str, query: dict[str, str], state: dict | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    app.query_params.update({PRESENTATION_KEY: "1", **query})
    for key, value in (state or {}).items():
        app.session_state[key] = value
    app.run()
    app.switch_page(script).run()
    assert not app.exception, (script, query)
    return app


def browser(letter: str) -> str:
    """An anonymous id as the browser sends it (components/browser_storage.py)."""
    return base64.urlsafe_b64encode(letter.encode() * 32).decode().rstrip("=")


def class_visits() -> list[AppTest]:
    """The class page in each view: the join form and the start button; a teacher's
    session; a student's answer form for each kind of poll (the database is the tests')."""
    session, secret = class_store.create_session(engine())
    code = session.join_code
    teacher = {ID_KEY: browser("t"), BROWSER_TEACHER_KEY: {code: secret}}
    apps = [visit(CLASSE.script, {}), visit(CLASSE.script, {}, teacher)]
    drafts = [
        PollDraft("number", "Combien ?", expected="1.0"),
        PollDraft("choice", "Lequel ?", choices=("a", "b"), expected="a"),
        vote_draft("Quel optimiseur ?", "SGD\nAdam"),
        *(poll_from_exercise(find_exercise(name), name) for name in ("tenseurs.zeros", "autograd.zero_grad")),
        poll_from_exercise(find_exercise("tenseurs.reshape_slice"), "reshape_slice"),
    ]
    for draft in drafts:
        class_store.push_poll(engine(), code, secret, draft)
        class_push.forget_shared_reads()  # as the teacher's page does: the student sees this poll now
        apps.append(visit(CLASSE.script, {"code": code}, {ID_KEY: browser("s")}))
    apps.append(visit(CLASSE.script, {"code": code}))  # no id from the browser yet
    return apps


@pytest.fixture(scope="module")
def keys_at_run_time() -> dict[str, tuple[set[str], set[str]]]:
    """page id -> (the keys of the page's own widgets, the sidebar's), over all visits."""
    found = {}
    for lesson in ALL_LESSONS:
        page_keys, sidebar_keys = set(), set()
        for query in [{}, *EXTRA_VISITS.get(lesson.page_id, [])]:
            app = visit(lesson.script, query)
            page_keys |= widget_keys(app.main)
            sidebar_keys |= widget_keys(app.sidebar)
        found[lesson.page_id] = (page_keys, sidebar_keys)
    page_keys, sidebar_keys = set(), set()
    for app in class_visits():
        page_keys |= widget_keys(app.main)
        sidebar_keys |= widget_keys(app.sidebar)
    found[CLASSE.page_id] = (page_keys, sidebar_keys)
    return found


def keys_in_source(folder: Path) -> set[str]:
    """The `key=` and `*_key=` arguments of a lesson's modules that are text: literals,
    module constants, and f-strings as templates (`f"d{dim}"` -> "d{}")."""
    keys = set()
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name) and isinstance(node.value.value, str)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for argument in node.keywords:
                    if argument.arg and (argument.arg == "key" or argument.arg.endswith("_key")):
                        keys.add(source_key(argument.value, constants))
    return keys - {None}


def source_key(value: ast.expr, constants: dict[str, str]) -> str | None:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    if isinstance(value, ast.Name):
        return constants.get(value.id)  # None for a parameter or an imported name
    if isinstance(value, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in value.values)
    return None


def pages_by_key(keys_by_page: dict[str, set[str]]) -> dict[str, list[str]]:
    """Each key used by two pages or more, with those pages."""
    pages = defaultdict(list)
    for page_id, keys in keys_by_page.items():
        for key in keys - SHARED_BY_DESIGN:
            pages[key].append(page_id)
    return {key: sorted(ids) for key, ids in sorted(pages.items()) if len(ids) > 1}


def test_the_sidebar_holds_only_the_app_wide_widgets(keys_at_run_time):
    for page_id, (page_keys, sidebar_keys) in keys_at_run_time.items():
        assert sidebar_keys == APP_WIDE, page_id
        assert not page_keys & APP_WIDE, page_id


def test_every_page_draws_the_keys_it_shares_by_design(keys_at_run_time):
    """Keeps SHARED_BY_DESIGN honest: a key listed there that no page draws any more goes."""
    for page_id, (page_keys, _) in keys_at_run_time.items():
        if page_id != CLASSE.page_id:  # no slides on the class page
            assert page_keys >= SHARED_BY_DESIGN, page_id


def test_no_two_pages_use_the_same_widget_key(keys_at_run_time):
    keys_by_page = {page_id: page_keys for page_id, (page_keys, _) in keys_at_run_time.items()}
    for lesson in (*ALL_LESSONS, CLASSE):
        keys_by_page[lesson.page_id] |= keys_in_source(REPO / Path(lesson.script).parent)
    # An exercise poll's editor is the lesson page's own, by design (see the docstring).
    polled = {key for key in keys_by_page[CLASSE.page_id] if key.startswith(("exercise.", "FormSubmitter:exercise."))}
    keys_by_page[CLASSE.page_id] -= polled
    assert pages_by_key(keys_by_page) == {}
    lesson_keys = set().union(*(keys for page_id, keys in keys_by_page.items() if page_id != CLASSE.page_id))
    # A form's submit button is keyed by its form and its label, which the class page words as "… et envoyer".
    assert polled and {form_of(key) for key in polled} <= {form_of(key) for key in lesson_keys}


def form_of(key: str) -> str:
    """ "FormSubmitter:<form>-<label>" -> "FormSubmitter:<form>"; other keys unchanged."""
    return key.rsplit("-", 1)[0] if key.startswith("FormSubmitter:") else key


def test_the_class_page_draws_its_views(keys_at_run_time):
    """The visits reach every view: the join form, the teacher's tools, each answer form."""
    page_keys, _ = keys_at_run_time[CLASSE.page_id]
    expected = {"classe.join_code", "classe.join_nickname", "classe.start", "classe.vote_prompt", "classe.reveal"}
    expected |= {"classe.pick_exercise", "classe.close", "classe.nickname", "classe.no_storage"}
    assert expected <= page_keys, expected - page_keys
    assert {key.split(".")[1] for key in page_keys if key.startswith("classe.answer.")}, "a student's answer form"


def test_the_source_scan_finds_keys_the_visits_miss():
    """Its own check: a widget drawn only for some settings, and a key built in a loop."""
    tensors = keys_in_source(REPO / "lessons" / "tenseurs")
    assert {"fill", "seed", "d{}", "forme_cible"} <= tensors


def test_a_shared_key_is_reported_with_its_pages():
    assert pages_by_key({"a": {"x", "lr", NEXT_KEY}, "b": {"x", NEXT_KEY}, "c": {"lr"}}) == {
        "lr": ["a", "c"],
        "x": ["a", "b"],
    }
