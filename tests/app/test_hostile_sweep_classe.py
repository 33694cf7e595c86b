"""The hostile sweep of the class page (/classe), which is not in ALL_LESSONS: each of
its views (the join form, the teacher's start and session views, a student's answer
form for each kind of poll) gets the sweep's bad values in every input, the values no
browser sends set straight in the session, and every button clicked; `?code=` gets
garbage; the browser-storage component's state gets what no browser sends. Nothing may
crash, show the friendly error or log an error; a refused value is told in French; and
plain SQL on the test database finds no invalid row and every table still there.
"""

import base64
import json
import math
import re

import pytest
from sqlalchemy import inspect, text
from streamlit.testing.v1 import AppTest

from components import class_push, class_rules, class_store
from components.browser_storage import COMPONENT_KEY, ID_KEY, SECRET
from components.browser_storage import TEACHER_KEY as BROWSER_TEACHER_KEY
from components.class_polls import poll_from_exercise, vote_draft
from components.class_store import PollDraft
from components.database import URL_VARIABLE, engine
from components.exercise import find_exercise
from components.i18n import translate
from lessons.catalog import CLASSE
from lessons.classe.student import JOINED_KEY

from .conftest import APP, RUN_TIMEOUT, SWEEP_COUNTS
from .test_hostile_sweep import BAD_TEXTS, BAD_URL_VALUES, PWNED, apply, assert_healthy, bad_values, french_message_key

DROP = "'; DROP TABLE answers; --"
TEXTS = (*BAD_TEXTS, DROP, "Zoé", "abc-123", "\x00")
URL_VALUES = (*BAD_URL_VALUES, DROP, "abc", "AAAAAAA", "\x00", "O0I1L5")
FOREIGN = (5, True, [1, 2], {"a": 1})  # no browser sends these as a widget's value
TEACHER_ID = base64.urlsafe_b64encode(b"t" * 32).decode().rstrip("=")
STUDENT_ID = base64.urlsafe_b64encode(b"s" * 32).decode().rstrip("=")
KINDS = ("text_input", "text_area", "number_input", "selectbox", "radio", "button")
LAST_BUTTONS = ("classe.reveal", "classe.close")  # after the other inputs: they end the question or the session
TABLES = {"class_sessions", "polls", "answers", "progress"}


@pytest.fixture(autouse=True)
def own_database(tmp_path, monkeypatch):
    monkeypatch.setenv(URL_VARIABLE, f"sqlite:///{tmp_path / 'classe.sqlite3'}")
    class_push.forget_shared_reads()
    yield
    class_push.forget_shared_reads()


def run(app: AppTest) -> AppTest:
    class_push.forget_shared_reads()  # a second later: the class's shared reads are fresh
    return app.run()


def open_class(
    browser: str | None = None,
    teacher: dict | None = None,
    first: str | None = None,
    state: dict | None = None,
    **query,
) -> AppTest:
    """/classe as a browser that sent `browser` as its id and `teacher` as its kept
    secrets; `first`: a page visited before (its questions are then "met"); `state`:
    values in the session before the class page first draws."""
    app = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    app.query_params.update(query)
    if browser is not None:
        app.session_state[ID_KEY] = browser
    if teacher is not None:
        app.session_state[BROWSER_TEACHER_KEY] = teacher
    for key, value in (state or {}).items():
        app.session_state[key] = value
    app.run()
    if first is not None:
        app.switch_page(first).run()
    return run(app.switch_page(CLASSE.script))


def new_session() -> tuple[str, str]:
    session, secret = class_store.create_session(engine())
    return session.join_code, secret


def keys_on(app: AppTest) -> list[tuple[str, str]]:
    found = [
        (kind, widget.key)
        for kind in KINDS
        for widget in getattr(app.main, kind)  # the sidebar's are swept on every lesson page
        if widget.key and not widget.key.startswith("FormSubmitter:")  # a form's button: `submit`
    ]
    return sorted(found, key=lambda item: item[1] in LAST_BUTTONS)


def values_for(widget, kind: str) -> list:
    if kind in ("text_input", "text_area"):
        return list(TEXTS)
    if kind == "button":
        return ["click"]
    return bad_values(widget, kind)


def submit(app: AppTest, widget) -> None:
    """A widget in a form reaches the page with the form's button, as in the browser."""
    form = widget.proto.form_id
    if form:
        next(button for button in app.button if button.proto.form_id == form).click()


def told_in_french(app: AppTest, context: str) -> None:
    for element in (*app.error, *app.warning):
        assert french_message_key(element.value), f"{context}: {element.value!r} is no French message"


def sweep(open_view, view: str, crash_guard, companions: dict | None = None, refuse_code: tuple = ()) -> int:
    """Every input of the view opened by `open_view()` gets its bad values, one run each;
    `companions`: good values the other inputs hold meanwhile (a valid code beside a
    nickname); `refuse_code`: inputs where code typed as text must be refused."""
    app = open_view(None)
    tried = 0
    for kind, key in keys_on(app):
        values = values_for(getattr(app, kind)(key=key), kind) + ([] if kind == "button" else ["foreign"])
        for value in values:
            for _ in range(2):  # a value may have left the view (a join, a new question): open it again
                try:
                    widget = getattr(app, kind)(key=key)
                    break
                except KeyError:
                    app = open_view(None)
            else:
                break
            for other, good in (companions or {}).items():
                holders = [w for w in (*app.text_input, *app.text_area) if w.key == other and other != key]
                for holder in holders:
                    holder.set_value(good)
            if kind == "button":
                widget.click()
            elif value == "foreign":
                tried += foreign_values(open_view, key, view, crash_guard)
                continue
            else:
                apply(widget, kind, value)
                submit(app, widget)
            run(app)
            tried += 1
            context = f"/classe [{view}] {key}={str(value)[:40]!r}"
            assert_healthy(app, context, crash_guard)
            told_in_french(app, context)
            if key in refuse_code and value in (PWNED, "<script>alert('x')</script>", DROP):
                assert app.error, f"{context}: code typed as a value must be refused with a message"
            if kind == "number_input" and not (math.isfinite(value) and abs(value) <= class_rules.MAX_NUMBER):
                shown = [w.value for w in (*app.warning, *app.info, *app.success)]
                refusals = {translate(name, "fr") for name in ("classe.status.invalid", "quiz.no_answer")}  # NaN: empty
                assert refusals & set(shown), (context, shown)
    run(app)
    assert_healthy(app, f"/classe [{view}] after the sweep", crash_guard)
    assert app.title, "the page still draws"
    SWEEP_COUNTS[f"classe: {view}"] = SWEEP_COUNTS.get(f"classe: {view}", 0) + tried
    return tried


def foreign_values(open_view, key: str, view: str, crash_guard) -> int:
    """Values of the wrong type in the widget's session state when the page draws it
    (AppTest itself cannot send them once the widget is on screen): the page forgets them."""
    for value in FOREIGN:
        app = open_view({key: value})
        assert_healthy(app, f"/classe [{view}] {key}={value!r} in the session", crash_guard)
    return len(FOREIGN)


def check_store() -> int:
    """Plain SQL: every table is there, and every stored answer is one the store accepts."""
    store = engine()
    assert set(inspect(store).get_table_names()) >= TABLES, "a table went"
    with store.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT a.answer, a.nickname, a.student, a.correct, a.changes, p.kind, p.choices "
                "FROM answers AS a JOIN polls AS p ON p.id = a.poll_id"
            )
        ).all()
        assert connection.execute(text("SELECT COUNT(*) FROM class_sessions")).scalar() >= 1
    for row in rows:
        if row.kind == "number":
            value = float(row.answer)
            assert math.isfinite(value) and abs(value) <= class_rules.MAX_NUMBER and repr(value) == row.answer, row
        elif row.kind in ("choice", "vote"):
            assert row.answer in json.loads(row.choices), row
        else:
            assert class_rules.valid_outcome(row.answer), row
        assert row.kind != "vote" or row.correct is None, row
        assert class_store.valid_nickname(row.nickname) and row.nickname == row.nickname.strip(), row
        assert re.fullmatch(r"[0-9a-f]{64}", row.student) and 0 <= row.changes <= class_store.MAX_CHANGES, row
    return len(rows)


# --- the views ----------------------------------------------------------------------


def test_the_join_form_and_the_start_view(crash_guard):
    code, _ = new_session()
    tried = sweep(
        lambda state: open_class(STUDENT_ID, state=state),
        "join form, start view",
        crash_guard,
        companions={"classe.join_code": code.lower()},
        refuse_code=("classe.join_nickname",),
    )
    assert tried >= 2 * len(TEXTS)
    check_store()


def test_the_join_form_refuses_code_typed_as_the_code(crash_guard):
    app = open_class(STUDENT_ID)
    for value in (PWNED, "<script>alert('x')</script>", DROP, "9" * 100_000):
        app.text_input(key="classe.join_code").set_value(value)
        submit(app, app.text_input(key="classe.join_code"))
        run(app)
        assert_healthy(app, f"join code {value[:30]!r}", crash_guard)
        assert [error.value for error in app.error] == [translate("classe.join.unknown", "fr")]


def teacher_view(code: str, secret: str):
    return lambda state=None: open_class(TEACHER_ID, {code: secret}, first="lessons/tenseurs/page.py", state=state)


def test_the_teachers_session_view(crash_guard):
    code, secret = new_session()
    poll = class_store.push_poll(engine(), code, secret, STUDENT_POLLS["choice"]())
    for number, choice in enumerate(poll.choices):  # a tally to draw, the store's own choice labels in it
        student = class_rules.student_key(f"{number}" * 43, code)
        class_store.submit_answer(engine(), code, poll.poll_id, student, choice, correct=None, nickname="Zoé")
    tried = sweep(
        teacher_view(code, secret),
        "teacher session",
        crash_guard,
        companions={"classe.vote_prompt": "Quel optimiseur ?", "classe.vote_options": "SGD\nAdam"},
    )
    assert tried >= 2 * len(TEXTS)
    check_store()


def test_the_teacher_acts_on_a_session_closed_elsewhere(crash_guard):
    code, secret = new_session()
    app = teacher_view(code, secret)()
    class_store.close_session(engine(), code, secret)  # from another tab
    for key in ("classe.reveal", "classe.push_exercise", "classe.close"):
        buttons = [button for button in app.button if button.key == key]
        if buttons:
            run(buttons[0].click())
            assert_healthy(app, f"{key} after the end", crash_guard)
            told_in_french(app, key)
    assert app.button(key="classe.start"), "the start view again"


STUDENT_POLLS = {
    "number": lambda: PollDraft("number", "Combien ?", expected=repr(12.0), source="vote"),
    "choice": lambda: PollDraft("choice", "Lequel ?", choices=("a", "b", DROP), expected="b", source="vote"),
    "vote": lambda: vote_draft("Quel optimiseur ?", "SGD\nAdam\n<b>x</b>"),
    "exercise line": lambda: poll_from_exercise(find_exercise("tenseurs.zeros"), "zeros"),
    "exercise block": lambda: poll_from_exercise(find_exercise("tenseurs.reshape_slice"), "reshape"),
    "exercise parsons": lambda: poll_from_exercise(find_exercise("autograd.zero_grad"), "zero_grad"),
}


@pytest.mark.parametrize("poll", STUDENT_POLLS, ids=lambda name: name.replace(" ", "-"))
def test_a_students_answer_form(poll, crash_guard):
    code, secret = new_session()
    pushed = class_store.push_poll(engine(), code, secret, STUDENT_POLLS[poll]())
    tried = sweep(
        lambda state: open_class(STUDENT_ID, state=state, code=code),
        f"student {poll}",
        crash_guard,
        refuse_code=("classe.nickname",),
    )
    assert tried >= 3
    check_store()
    assert class_store.current_poll(engine(), code).poll_id == pushed.poll_id


def test_a_student_without_browser_storage_and_after_the_end(crash_guard):
    code, secret = new_session()
    class_store.push_poll(engine(), code, secret, STUDENT_POLLS["choice"]())
    sweep(lambda state: open_class(None, state=state, code=code), "student connecting", crash_guard)
    class_store.close_session(engine(), code, secret)
    sweep(lambda state: open_class(STUDENT_ID, state=state, code=code), "student, session over", crash_guard)
    sweep(  # a student who was in it: told it ended, "Saisir un autre code"
        lambda state: open_class(STUDENT_ID, state={**(state or {}), JOINED_KEY: code}, code=code),
        "student, told the end",
        crash_guard,
    )
    check_store()


def test_a_student_cannot_store_what_the_poll_does_not_accept():
    """Beneath the page: the store itself refuses, whatever a client managed to send."""
    code, secret = new_session()
    student = class_rules.student_key(STUDENT_ID, code)
    for kind in ("number", "choice", "vote", "exercise line"):
        poll = class_store.push_poll(engine(), code, secret, STUDENT_POLLS[kind]())
        for answer in (*TEXTS, "nan", "1e13", "-inf", None, 5, ["a"], "A", "b "):
            if answer in poll.choices or (kind.startswith("exercise") and class_rules.valid_outcome(answer)):
                continue  # an answer this poll accepts
            status = class_store.submit_answer(engine(), code, poll.poll_id, student, answer, correct=True)
            assert status == class_store.ANSWER_INVALID, (kind, answer)
        good = poll.choices[0] if poll.choices else "1.0"
        for nickname in (DROP, PWNED, "x" * 25, "\x00", None, 5):
            status = class_store.submit_answer(
                engine(), code, poll.poll_id, student, good, correct=True, nickname=nickname
            )
            assert status == class_store.ANSWER_INVALID, nickname
        for who in (DROP, "0" * 63, STUDENT_ID, None):
            assert class_store.submit_answer(engine(), code, poll.poll_id, who, good, correct=True) == "invalid"
    assert check_store() == 0


# --- the URL and the browser's storage ----------------------------------------------


@pytest.mark.parametrize("who", ["nobody", "student", "teacher"])
def test_garbage_in_the_code_parameter(who, crash_guard):
    code, secret = new_session()
    browser = {"nobody": None, "student": STUDENT_ID, "teacher": TEACHER_ID}[who]
    kept = {code: secret} if who == "teacher" else None
    for value in URL_VALUES:
        app = open_class(browser, kept, code=value)
        context = f"/classe?code={value[:30]!r} ({who})"
        assert_healthy(app, context, crash_guard)
        told_in_french(app, context)
        assert app.warning, f"{context}: a code that opens no session is explained"
        assert app.text_input(key="classe.join_code"), f"{context}: the join form, to type the code again"
        assert not [b for b in app.button if b.key == "classe.reveal"], context
    closed, closed_secret = new_session()
    class_store.close_session(engine(), closed, closed_secret)
    unknown = "ABCDEF" if "ABCDEF" not in (code, closed) else "ABCDEG"
    for value in (unknown, closed, f" {closed[:3].lower()}-{closed[3:]} "):  # well formed, but no open session
        app = open_class(browser, kept, code=value)
        assert_healthy(app, f"/classe?code={value!r} ({who})", crash_guard)
        told_in_french(app, value)
        if browser is not None:  # never in it: told as a wrong code is, with the form to type another
            assert [w.value for w in app.warning] == [translate("classe.join.unknown", "fr")], value
            assert app.text_input(key="classe.join_code"), value
    SWEEP_COUNTS["classe: ?code="] = SWEEP_COUNTS.get("classe: ?code=", 0) + len(URL_VALUES) + 3
    check_store()


def browser_reports(code: str, secret: str, other_code: str, other_secret: str) -> list:
    huge = "A" * 10_000_000
    return [
        None, 5, "x", huge, [], True, 1e308, math.nan,
        {"id": 5}, {"id": huge}, {"id": "A" * 42}, {"id": "A" * 44}, {"id": "A" * 42 + "="},
        {"id": "A" * 42 + "\n"}, {"id": ["A" * 43]}, {"id": DROP}, {"id": None},
        {"id": TEACHER_ID, "teacher": "x"}, {"id": TEACHER_ID, "teacher": [code, secret]},
        {"id": TEACHER_ID, "teacher": {code: 5}}, {"id": TEACHER_ID, "teacher": {code: huge}},
        {"id": TEACHER_ID, "teacher": {huge: secret}}, {"id": TEACHER_ID, "teacher": {code: other_secret}},
        {"id": TEACHER_ID, "teacher": {code.lower(): secret}}, {"id": TEACHER_ID, "teacher": {code: secret + "\n"}},
        {"id": TEACHER_ID, "teacher": {code: secret[:-1]}}, {"id": TEACHER_ID, "teacher": {code: None}},
        {"id": TEACHER_ID, "teacher": {other_code: secret, code: other_secret}},
        {"id": TEACHER_ID, "teacher": {f"{i:06d}".translate(str.maketrans("01", "AB")): secret for i in range(10_000)}},
        {"id": TEACHER_ID, "teacher": {code: {"secret": secret}}},
    ]  # fmt: skip


def test_what_no_browser_sends_as_its_storage_is_ignored(crash_guard):
    code, secret = new_session()
    other_code, other_secret = new_session()
    reports = [{"browser": report} for report in browser_reports(code, secret, other_code, other_secret)]
    reports += [{}, {"other": 1}, "x", 5, None, [], {"browser": None, "other": "y"}]  # the state itself, any shape
    for report in reports:
        app = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
        app.query_params["code"] = code
        app.session_state[COMPONENT_KEY] = report
        app.run()
        run(app.switch_page(CLASSE.script))
        context = f"the browser reported {str(report)[:60]!r}"
        assert_healthy(app, context, crash_guard)
        sent_id = app.session_state[ID_KEY] if ID_KEY in app.session_state else None  # noqa: SIM401 (no .get)
        assert sent_id in (None, TEACHER_ID), context
        kept = app.session_state[BROWSER_TEACHER_KEY] if BROWSER_TEACHER_KEY in app.session_state else {}  # noqa: SIM401
        assert all(class_store.normalise_join_code(c) == c and SECRET.fullmatch(s) for c, s in kept.items()), context
        assert len(kept) <= 20, context
        assert class_push.TEACHER_KEY not in app.session_state, f"{context}: taken for the teacher"
        assert not [b for b in app.button if b.key == "classe.reveal"], context
    # The real report, for contrast: the teacher's view.
    app = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    app.query_params["code"] = code
    app.session_state[COMPONENT_KEY] = {"browser": {"id": TEACHER_ID, "teacher": {code: secret}}}
    app.run()
    run(app.switch_page(CLASSE.script))
    assert app.session_state[class_push.TEACHER_KEY].join_code == code
    SWEEP_COUNTS["classe: browser storage"] = len(reports)
    check_store()
