"""The pure parts of the progress kept across visits: merging the stored progress with
the session's, and validating what a browser sends (components/browser_storage.py)."""

import base64

from components import class_store, exercise_panel, persisted_progress, quiz
from components.browser_storage import MAX_TEACHER_ENTRIES, applied, unacknowledged, valid_teacher_map
from components.persisted_progress import merged_exercises, merged_quiz, progress_document

SECRET = base64.urlsafe_b64encode(b"s" * 32).decode().rstrip("=")  # 43 characters, as token_urlsafe(32)


def test_the_session_keys_are_the_quiz_and_exercise_panels_own():
    """Both modules call persisted_progress, which therefore names their keys itself."""
    assert persisted_progress.QUIZ_KEY == quiz._PROGRESS_KEY
    assert persisted_progress.EXERCISE_KEY == exercise_panel._PROGRESS_KEY


def test_the_caption_promises_what_the_purge_does():
    assert persisted_progress.KEPT_DAYS == class_store.PROGRESS_TTL.days == 90


def test_the_sessions_latest_answer_wins_and_other_answers_stay():
    stored = {"accueil": {"a": True, "b": False}, "tenseurs": {"c": True}}
    session = {"accueil": {"b": True}, "autograd": {"d": False}}
    assert merged_quiz(stored, session) == {
        "accueil": {"a": True, "b": True},
        "autograd": {"d": False},
        "tenseurs": {"c": True},
    }
    assert merged_quiz(stored, {"accueil": {"a": False}})["accueil"]["a"] is False


def test_a_solved_exercise_stays_solved():
    stored = {"tenseurs": {"tenseurs.shape": True, "tenseurs.view": False}}
    session = {"tenseurs": {"tenseurs.shape": False, "tenseurs.dtype": True}}
    assert merged_exercises(stored, session) == {
        "tenseurs": {"tenseurs.shape": True, "tenseurs.view": False, "tenseurs.dtype": True}
    }


def test_merging_nothing_gives_nothing_and_no_empty_page():
    assert merged_quiz({}, {}) == {} == merged_exercises({}, {})
    assert merged_quiz({"accueil": {}}, {}) == {} == merged_exercises({}, {"accueil": {}})


def test_a_stored_document_keeps_only_its_well_formed_part():
    document = progress_document(
        {"accueil": {"a": True, "b": "yes", 3: True, "c" * 81: True}, "x": [True], 4: {}},
        "not a table",
    )
    assert document == {"quiz": {"accueil": {"a": True}}, "exercises": {}}


def test_a_teacher_map_keeps_well_formed_entries_only():
    sent = {
        "ABC234": SECRET,
        "abc234": SECRET,  # lower case: never a join code
        "ABC10O": SECRET,  # 0, 1 and O are not in the alphabet
        "XYZ789": SECRET[:-1],  # a secret one character short
        "QRS456": SECRET + "A",
        "TUV567": 42,
    }
    assert valid_teacher_map(sent) == {"ABC234": SECRET}
    assert valid_teacher_map(["ABC234", SECRET]) == {} == valid_teacher_map(None)


def test_a_teacher_map_holds_at_most_its_limit():
    codes = [f"AAAA{a}{b}" for a in "23456789" for b in "23456789"][: MAX_TEACHER_ENTRIES + 5]
    assert len(valid_teacher_map(dict.fromkeys(codes, SECRET))) == MAX_TEACHER_ENTRIES


def test_writes_apply_in_order_and_a_stored_code_moves_last():
    teacher = {"AAAAA2": SECRET, "BBBBB3": SECRET}
    writes = [{"code": "AAAAA2", "secret": None}, {"code": "CCCCC4", "secret": SECRET}]
    assert applied(teacher, writes) == {"BBBBB3": SECRET, "CCCCC4": SECRET}
    assert list(applied(teacher, [{"code": "AAAAA2", "secret": SECRET}])) == ["BBBBB3", "AAAAA2"]


def test_writes_stay_queued_until_the_browser_reports_them():
    writes = [{"code": "CCCCC4", "secret": SECRET}, {"code": "AAAAA2", "secret": None}]
    assert unacknowledged({"AAAAA2": SECRET}, writes) == writes
    assert unacknowledged({"CCCCC4": SECRET}, writes) == []
