"""Stories of a class session: the teacher starts it and shows the code, students join
from their phones and answer, the projector counts, "Révéler" shows the answer on every
screen. Each AppTest is one browser (its own id, as components/browser_storage.py would
send it); each test has a database of its own."""

import base64

import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from components import class_push, class_store
from components.browser_storage import ID_KEY
from components.browser_storage import TEACHER_KEY as BROWSER_TEACHER_KEY
from components.class_polls import markdown_literal, outcome_label_key
from components.database import URL_VARIABLE, engine
from components.exercise import find_exercise, grade
from components.exercise_panel import feedback_text
from components.i18n import translate
from components.quiz import number_text
from lessons.catalog import CLASSE
from lessons.classe import student as phone

from .conftest import APP, RUN_TIMEOUT
from .prediction import readable_text

TEACHER = base64.urlsafe_b64encode(b"t" * 32).decode().rstrip("=")
STUDENT_A = base64.urlsafe_b64encode(b"a" * 32).decode().rstrip("=")
STUDENT_B = base64.urlsafe_b64encode(b"b" * 32).decode().rstrip("=")


@pytest.fixture(autouse=True)
def own_database(tmp_path, monkeypatch):
    """A new SQLite file per test (components.database makes one engine per URL), and
    none of the class's shared reads, cached a second, from another test."""
    monkeypatch.setenv(URL_VARIABLE, f"sqlite:///{tmp_path / 'classe.sqlite3'}")
    class_push.forget_shared_reads()
    yield
    class_push.forget_shared_reads()


def run(app: AppTest) -> AppTest:
    """A rerun as a second later: what the class shares is read afresh."""
    class_push.forget_shared_reads()
    return app.run()


def visit(browser: str, page: str = CLASSE.script, **query: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    app.query_params.update(query)
    app.session_state[ID_KEY] = browser
    app.run()
    return run(app.switch_page(page))


def start_session(lang: str = "fr") -> tuple[AppTest, str]:
    teacher = visit(TEACHER, lang=lang)
    run(teacher.button(key="classe.start").click())
    return teacher, teacher.metric[0].value


def form_button(app: AppTest, form_id: str):
    return next(button for button in app.button if button.proto.form_id == form_id)


def push_vote(teacher: AppTest, prompt: str, options: str) -> class_store.Poll:
    teacher.text_input(key="classe.vote_prompt").set_value(prompt)
    teacher.text_area(key="classe.vote_options").set_value(options)
    run(form_button(teacher, "classe.vote").click())
    return class_store.current_poll(engine(), teacher.metric[0].value)


def join(code: str, browser: str, nickname: str = "", lang: str = "fr") -> AppTest:
    """A student who typed the code (and maybe a nickname) in the form."""
    student = visit(browser, lang=lang)
    student.text_input(key="classe.join_code").set_value(code.lower())
    student.text_input(key="classe.join_nickname").set_value(nickname)
    return run(form_button(student, "classe.join").click())


def answer(student: AppTest, poll: class_store.Poll, value: float | str) -> AppTest:
    key = f"classe.answer.{poll.poll_id}"
    (student.number_input(key=key) if poll.kind == "number" else student.radio(key=key)).set_value(value)
    return run(form_button(student, f"classe.form.{poll.poll_id}").click())


def tally_rows(app: AppTest) -> list[tuple[str, int]]:
    """The bars of the class's distribution, from the chart's data as the browser gets it."""
    [chart] = [*app.get("arrow_vega_lite_chart"), *app.get("vega_lite_chart")]
    (dataset,) = chart.proto.datasets
    frame = dataframe_util.convert_arrow_bytes_to_pandas_df(dataset.data.data)
    return list(zip(frame["label"], frame["count"].astype(int), strict=True))


def test_a_teacher_starts_a_session_with_a_code_a_link_and_a_qr_code():
    teacher, code = start_session()
    assert class_store.normalise_join_code(code) == code
    secret = teacher.session_state[class_push.TEACHER_KEY].secret
    assert teacher.session_state[BROWSER_TEACHER_KEY] == {code: secret}  # kept by the browser too
    texts = [markdown.value for markdown in teacher.markdown]
    # The link in two parts, each unbroken: it wraps only before "?code=" on the projector.
    assert markdown_literal("/classe") in texts and markdown_literal(f"?code={code}") in texts
    assert teacher.get("image"), "the QR code of the link"
    assert dict(teacher.query_params) == {"code": code}  # the address: the code, never the secret
    assert secret not in readable_text(teacher) and all(secret not in text for text in texts)
    assert translate("classe.teach.no_poll", "fr") in readable_text(teacher)


def test_a_question_of_a_lesson_is_put_to_the_class_with_pytorchs_answer():
    teacher, code = start_session()
    run(teacher.switch_page("lessons/tenseurs/page.py"))
    [push] = [button for button in teacher.button if button.key and button.key.startswith("quiz.tenseurs.bytes.")]
    run(push.click())
    poll = class_store.current_poll(engine(), code)
    assert (poll.kind, poll.source) == ("number", "tenseurs/bytes")
    assert teacher.title[0].value == translate("classe.title", "fr")  # on the class page, the question on
    assert poll.prompt in readable_text(teacher) and teacher.button(key="classe.reveal")
    teacher.switch_page(CLASSE.script)  # AppTest's next runs: the page the script switched to

    student = join(code, STUDENT_A, nickname="Zoé")
    answer(student, poll, float(poll.expected))
    assert translate("classe.status.saved", "fr") in readable_text(student)
    run(teacher)
    assert teacher.metric[1].value == "1 élève"
    assert tally_rows(teacher) == [(number_text(float(poll.expected)), 1)]

    run(teacher.button(key="classe.reveal").click())
    expected = translate("classe.reveal.answer", "fr", expected=number_text(float(poll.expected)))
    assert expected in readable_text(teacher)
    run(student)
    shown = readable_text(student)
    assert expected in shown and poll.explanation in shown
    assert translate("classe.student.right", "fr", answer=number_text(float(poll.expected))) in shown
    rows = class_store.export_rows(engine(), code, teacher.session_state[class_push.TEACHER_KEY].secret)
    assert [(row["nickname"], row["correct"]) for row in rows] == [("Zoé", True)]


def test_a_student_changes_their_answer_until_the_reveal():
    teacher, code = start_session()
    prompt = "Quel optimiseur [essayer](https://x.example) ?"
    poll = push_vote(teacher, prompt, "SGD\nAdam\nRMSprop")
    student = join(code, STUDENT_A)
    answer(student, poll, "SGD")
    answer(student, poll, "Adam")
    assert translate("classe.status.changed", "fr") in readable_text(student)
    current = translate("quiz.quoted", "fr", text=markdown_literal("Adam"))
    assert translate("classe.student.current", "fr", answer=current) in readable_text(student)
    run(teacher)
    assert tally_rows(teacher) == [("SGD", 0), ("Adam", 1), ("RMSprop", 0)]

    run(teacher.button(key="classe.reveal").click())
    run(student)
    assert not student.get("form"), "no answer form after the reveal"
    assert tally_rows(student) == [("SGD", 0), ("Adam", 1), ("RMSprop", 0)]
    # The teacher's text is shown as typed: the link stays text
    assert f"**{markdown_literal(prompt)}**" in [markdown.value for markdown in student.markdown]


def test_two_students_are_counted_apart_and_see_only_the_aggregate():
    teacher, code = start_session()
    poll = push_vote(teacher, "Pause ?", "oui\nnon")
    answer(join(code, STUDENT_A, nickname="Secret Agent"), poll, "oui")
    second = join(code, STUDENT_B)
    answer(second, poll, "non")
    run(teacher.button(key="classe.reveal").click())
    run(second)
    assert tally_rows(second) == [("oui", 1), ("non", 1)]
    assert "Secret Agent" not in readable_text(second)


def test_a_join_code_gives_no_control_of_the_session():
    teacher, code = start_session()
    poll = push_vote(teacher, "Pause ?", "oui\nnon")
    forged = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    forged.session_state[ID_KEY] = STUDENT_A
    forged.session_state[BROWSER_TEACHER_KEY] = {code: "x" * 43}  # a guessed key: refused, forgotten
    forged.query_params.update(code=code)
    forged.run()
    run(forged.switch_page(CLASSE.script))
    keys = {widget.key for widget in forged.button}
    assert not {"classe.reveal", "classe.close", "classe.push_question", "classe.push_exercise"} & keys
    assert not forged.get("download_button")
    assert forged.radio(key=f"classe.answer.{poll.poll_id}")  # a student, who may answer
    with pytest.raises(class_store.NotTeacher):
        class_store.reveal(engine(), code, "x" * 43, poll.poll_id)
    assert not class_store.current_poll(engine(), code).revealed


def test_the_teacher_keeps_control_after_a_reload():
    teacher, code = start_session()
    secret = teacher.session_state[class_push.TEACHER_KEY].secret
    reloaded = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    reloaded.session_state[ID_KEY] = TEACHER
    reloaded.session_state[BROWSER_TEACHER_KEY] = {code: secret}  # what the browser kept
    reloaded.query_params.update(code=code)
    reloaded.run()
    run(reloaded.switch_page(CLASSE.script))
    assert reloaded.metric[0].value == code
    poll = push_vote(reloaded, "Encore ?", "oui\nnon")
    assert reloaded.button(key="classe.reveal") and poll.kind == "vote"


def test_a_lesson_opened_in_a_new_tab_offers_its_questions_to_the_teachers_class():
    teacher, code = start_session()
    tab = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    tab.session_state[ID_KEY] = TEACHER
    tab.session_state[BROWSER_TEACHER_KEY] = {code: teacher.session_state[class_push.TEACHER_KEY].secret}
    tab.run()
    run(tab.switch_page("lessons/tenseurs/page.py"))
    assert any(button.key.endswith(".classe") for button in tab.button if button.key)
    learner = visit(STUDENT_A, page="lessons/tenseurs/page.py")  # a browser that teaches nothing
    assert not any(button.key.endswith(".classe") for button in learner.button if button.key)


def test_an_exercise_is_graded_on_the_students_phone_and_counted_by_outcome():
    teacher, code = start_session()
    teacher.selectbox(key="classe.pick_exercise").set_value("tenseurs.zeros")
    run(teacher.button(key="classe.push_exercise").click())
    exercise = find_exercise("tenseurs.zeros")
    student = join(code, STUDENT_A)
    assert translate("exercises.tenseurs.zeros.statement", "fr") in readable_text(student)
    editor = student.text_input if exercise.kind == "line" else student.text_area
    editor(key="exercise.tenseurs.zeros.answer").set_value(exercise.solution)
    run(form_button(student, "exercise.tenseurs.zeros.form").click())
    assert translate("exercise.solved", "fr") in readable_text(student)
    run(teacher)
    assert tally_rows(teacher) == [(translate("classe.outcome.solved", "fr"), 1)]


def test_closing_the_session_ends_it_for_the_students():
    teacher, code = start_session()
    student = join(code, STUDENT_A)
    run(teacher.button(key="classe.close").click())
    assert teacher.button(key="classe.start"), "the teacher may start another"
    run(student)
    assert translate("classe.student.no_session", "fr") in readable_text(student)


def test_the_class_page_speaks_english():
    teacher, code = start_session(lang="en")
    assert translate("classe.teach.code", "en") == teacher.metric[0].label
    poll = push_vote(teacher, "Break?", "yes\nno")
    student = join(code, STUDENT_A, lang="en")
    answer(student, poll, "yes")
    assert translate("classe.status.saved", "en") in readable_text(student)
    run(teacher.button(key="classe.reveal").click())
    run(student)
    shown = readable_text(student)
    assert translate("classe.student.your_vote", "en", answer=translate("quiz.quoted", "en", text="yes")) in shown
    assert translate("classe.student.class_answers", "en") in shown


def test_a_student_waits_for_the_browsers_id_before_joining():
    _, code = start_session()
    student = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    student.query_params.update(code=code)
    student.run()
    run(student.switch_page(CLASSE.script))
    assert translate("classe.student.connecting", "fr") in readable_text(student)
    run(student.button(key="classe.no_storage").click())  # a browser that keeps nothing
    assert translate("classe.student.waiting", "fr") in readable_text(student)


def test_the_qr_code_is_a_sharp_png_and_the_push_button_finds_the_class_page():
    teacher, _ = start_session()
    [image] = teacher.get("image")
    assert image.proto.imgs[0].url.endswith(".png")
    assert CLASSE.script == class_push.CLASS_PAGE  # components name the page without importing lessons


# --- a student's phone ------------------------------------------------------------------


def test_a_student_is_told_the_session_ended_while_waiting_answering_or_after_the_reveal():
    for state in ("waiting", "answering", "revealed"):
        class_push.forget_shared_reads()
        teacher, code = start_session()
        student = join(code, STUDENT_A)
        if state != "waiting":
            push_vote(teacher, "Pause ?", "oui\nnon")
            run(student)
        if state == "revealed":
            run(teacher.button(key="classe.reveal").click())
            run(student)
        shown = phone.watched_state(code)  # what the phone's two-second fragment keeps comparing
        run(teacher.button(key="classe.close").click())
        class_push.forget_shared_reads()
        assert phone.watched_state(code) == phone.ENDED != shown, state  # the fragment redraws the page
        run(student)
        assert translate("classe.student.no_session", "fr") in readable_text(student), state
        assert student.button(key="classe.other_code"), state


def push_exercise(teacher: AppTest, exercise_id: str) -> None:
    teacher.selectbox(key="classe.pick_exercise").set_value(exercise_id)
    run(teacher.button(key="classe.push_exercise").click())


def test_an_exercise_shows_the_students_own_feedback_then_a_short_outcome_at_the_reveal():
    teacher, code = start_session()
    push_exercise(teacher, "tenseurs.zeros")
    exercise = find_exercise("tenseurs.zeros")
    wrong = "z = torch.zeros(4, 3, dtype=torch.float32, device=device)"
    student = join(code, STUDENT_A)
    [send] = [button for button in student.button if button.proto.form_id == "exercise.tenseurs.zeros.form"]
    assert send.label == translate("classe.student.run_and_send", "fr")  # running it sends it: the button says so
    shown = readable_text(student)
    assert translate("classe.student.exercise_help", "fr") in shown
    assert translate("exercise.run_help", "fr") not in shown
    field = student.text_input(key="exercise.tenseurs.zeros.answer")
    assert field.label == translate("classe.student.line_label", "fr") and "`" not in field.label
    field.set_value(wrong)
    run(send.click())
    result = grade(exercise, wrong)
    shown = readable_text(student)
    assert translate("classe.status.saved", "fr") in shown
    assert feedback_text(result.feedback[0]) in [error.value for error in student.error]  # its real values
    assert "…" not in "".join(error.value for error in student.error) and ".." not in shown

    run(teacher.button(key="classe.reveal").click())
    run(student)
    outcome = translate(outcome_label_key(result.feedback[0].key), "fr")
    expected = translate("classe.student.exercise_wrong", "fr", outcome=outcome)
    assert [error.value for error in student.error] == [expected]
    assert "…" not in expected and ".." not in readable_text(student)


def test_a_wrong_code_is_told_once_and_a_closed_sessions_link_says_the_same():
    unknown = translate("classe.join.unknown", "fr")
    student = visit(STUDENT_A, code="ABC")
    messages = [alert.value for alert in (*student.warning, *student.error)]
    assert messages == [unknown]
    for typed in ("", "XYZ"):
        student.text_input(key="classe.join_code").set_value(typed)
        run(form_button(student, "classe.join").click())
        assert [alert.value for alert in (*student.warning, *student.error)] == [unknown], typed
    placeholder = student.text_input(key="classe.join_code").placeholder
    assert placeholder == translate("classe.join.code_placeholder", "fr") and "K7M2QX" in placeholder

    teacher, code = start_session()
    run(teacher.button(key="classe.close").click())
    late = visit(STUDENT_B, code=code)  # a link to a session that is over, never joined
    assert [alert.value for alert in (*late.warning, *late.error)] == [unknown]
    assert late.text_input(key="classe.join_code"), "the form, to type another code"


def test_a_student_is_told_under_which_name_they_take_part():
    _, code = start_session()
    named = join(code, STUDENT_A, nickname="Léa")
    told = translate("classe.student.nickname_as", "fr", nickname="Léa")
    assert any(told in caption.value for caption in named.caption)
    anonymous = join(code, STUDENT_B)
    assert any(translate("classe.student.anonymous", "fr") in caption.value for caption in anonymous.caption)
    anonymous.text_input(key=phone.NICKNAME_KEY).set_value("Zoé")
    run(anonymous)
    told = translate("classe.student.nickname_as", "fr", nickname="Zoé")
    assert any(told in caption.value for caption in anonymous.caption)
