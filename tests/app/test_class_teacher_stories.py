"""Stories of the teacher's projected screen: a launched question confirmed and back in
view, the students who joined counted, the distribution hidden until the reveal, the
CSV in the teacher's language, the end of a session told. The helpers and the
database of each test are test_class_stories.py's."""

import csv
import io

from components import class_push, class_store
from components.database import engine
from components.i18n import translate
from components.projector import PROJECTOR_KEY
from lessons.catalog import CLASSE
from lessons.classe import teacher as projected

from .prediction import readable_text
from .test_class_stories import (
    STUDENT_A,
    STUDENT_B,
    TEACHER,
    answer,
    form_button,
    join,
    own_database,
    push_vote,
    run,
    start_session,
    tally_rows,
    visit,
)

__all__ = ["own_database"]  # autouse: a database of its own for each test here too


def scroll_scripts(app) -> list[str]:
    return [html.proto.body for html in app.get("html") if "scrollTo" in html.proto.body]


def shows_joined(app, count: int) -> bool:
    form = "one" if count < 2 else "other"
    return f"**{translate(f'classe.teach.joined.{form}', 'fr', count=count)}**" in [md.value for md in app.markdown]


def test_a_launched_vote_is_confirmed_cleared_and_its_question_brought_into_view():
    teacher, _ = start_session()
    poll = push_vote(teacher, "Pause ?", "oui\nnon")
    assert [toast.value for toast in teacher.toast] == [translate("classe.teach.pushed", "fr")]
    assert scroll_scripts(teacher), "the page scrolls back to the current question"
    assert teacher.text_input(key="classe.vote_prompt").value == ""  # no second launch by mistake
    assert teacher.text_area(key="classe.vote_options").value == ""
    assert teacher.button(key="classe.reveal") and poll.prompt == "Pause ?"
    run(teacher)
    assert not teacher.toast and not scroll_scripts(teacher)  # once, not on every rerun

    teacher.text_input(key="classe.vote_prompt").set_value("Encore ?")
    teacher.text_area(key="classe.vote_options").set_value("oui")
    run(form_button(teacher, "classe.vote").click())
    assert teacher.text_input(key="classe.vote_prompt").value == "Encore ?"  # refused: kept, to be corrected
    assert not teacher.toast and class_store.current_poll(engine(), teacher.metric[0].value) == poll


def test_a_question_asked_from_a_lesson_keeps_the_projector_and_the_language():
    teacher = visit(TEACHER, lang="en", **{PROJECTOR_KEY: "1"})
    run(teacher.button(key="classe.start").click())
    code = teacher.metric[0].value
    run(teacher.switch_page("lessons/tenseurs/page.py"))
    [push] = [button for button in teacher.button if button.key and button.key.startswith("quiz.tenseurs.bytes.")]
    run(push.click())
    assert dict(teacher.query_params) == {"code": code, PROJECTOR_KEY: "1", "lang": "en"}
    assert teacher.session_state[PROJECTOR_KEY] is True
    assert [toast.value for toast in teacher.toast] == [translate("classe.teach.pushed", "en")]
    assert scroll_scripts(teacher) and teacher.button(key="classe.reveal")
    teacher.switch_page(CLASSE.script)  # AppTest's next runs: the page the script switched to


def test_the_projector_counts_the_students_who_joined():
    teacher, code = start_session()
    assert shows_joined(teacher, 0)
    student = join(code, STUDENT_A)
    run(student)  # the phone's reruns count it once
    run(teacher)
    assert shows_joined(teacher, 1)
    join(code, STUDENT_B)
    run(teacher)
    assert shows_joined(teacher, 2)
    assert class_store.joined_count(engine(), code) == 2


def test_the_distribution_can_wait_for_the_reveal_while_the_count_shows():
    teacher, code = start_session()
    poll = push_vote(teacher, "Pause ?", "oui\nnon")
    run(teacher.toggle(key="classe.hide_tally").set_value(True))
    answer(join(code, STUDENT_A), poll, "oui")
    run(teacher)
    assert teacher.metric[1].value == "1 élève"  # the count, always
    assert not teacher.get("arrow_vega_lite_chart") and not teacher.get("vega_lite_chart")
    assert translate("classe.teach.tally_hidden", "fr") in readable_text(teacher)
    run(teacher.button(key="classe.reveal").click())
    assert tally_rows(teacher) == [("oui", 1), ("non", 0)]


def test_the_csv_is_in_the_teachers_language_one_line_per_student_and_question():
    teacher, code = start_session()
    poll = push_vote(teacher, "Pause ?", "oui\nnon")
    student = join(code, STUDENT_A, nickname="Zoé")
    answer(student, poll, "oui")
    answer(student, poll, "non")  # changed: the final answer only
    assert translate("classe.session.export_help", "fr") in readable_text(teacher)
    exported = projected._export(engine(), teacher.session_state[class_push.TEACHER_KEY], "fr")
    assert exported.startswith("\ufeff".encode())  # a spreadsheet reads the accents
    [line] = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    assert (line["Type"], line["Énoncé"], line["Réponse"], line["Pseudo"]) == ("Vote", "Pause ?", "non", "Zoé")


def test_after_the_end_the_teacher_is_told_and_may_still_download_the_csv():
    teacher, code = start_session()
    poll = push_vote(teacher, "Pause ?", "oui\nnon")
    answer(join(code, STUDENT_A), poll, "oui")
    in_charge = teacher.session_state[class_push.TEACHER_KEY]
    run(teacher.button(key="classe.close").click())
    assert translate("classe.session.closed", "fr") in [success.value for success in teacher.success]
    assert teacher.get("download_button"), "the CSV of the closed session"
    assert class_store.open_session(engine(), code) is None
    exported = projected._export(engine(), in_charge, "fr").decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(exported)))) == 1
    run(teacher.button(key="classe.start").click())  # the next session: the last one's message goes
    assert not teacher.success and teacher.metric[0].value != code
