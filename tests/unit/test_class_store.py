"""The class store on SQLite and on a real PostgreSQL server (the `store_engine` fixture runs each test on both).

Where a count matters, plain SQL counts the rows: the store's own tally is what is under test.
"""

import threading
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from components import class_rules, class_store
from components.class_store import (
    ANSWER_CHANGED,
    ANSWER_INVALID,
    ANSWER_RATE_LIMITED,
    ANSWER_SAVED,
    ANSWER_TOO_LATE,
    NotTeacher,
    PollDraft,
)

T0 = datetime(2030, 3, 4, 8, 30)  # naive UTC, as the store keeps times
CHOICE = PollDraft(
    kind="choice",
    prompt="Quelle est la forme de `x` ?",
    explanation="Deux lignes, trois colonnes.",
    choices=("(2, 3)", "(3, 2)", "(6,)"),
    expected="(2, 3)",
    source="tenseurs/forme",
)
NUMBER = PollDraft(kind="number", prompt="Combien vaut la perte ?", expected=repr(0.25), source="fonction_de_cout/mse")
VOTE = PollDraft(kind="vote", prompt="On continue ?", choices=("Oui", "Non"), source="vote")
EXERCISE = PollDraft(kind="exercise", prompt="Créez un tenseur de zéros.", source="exercise:tenseurs.zeros")
HOSTILE = "'; DROP TABLE answers; --"


def rows(engine, sql: str, **params) -> list:
    with engine.connect() as connection:
        return connection.execute(sa.text(sql), params).all()


def count(engine, sql: str, **params) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text(sql), params).scalar_one()


def answer_rows(engine, poll_id: int) -> list:
    return rows(engine, "select student, answer, correct, nickname from answers where poll_id = :p", p=poll_id)


def new_class(engine, draft=CHOICE, *, now=None):
    session, secret = class_store.create_session(engine, now=now)
    poll = class_store.push_poll(engine, session.join_code, secret, draft, now=now)
    return session.join_code, secret, poll


def student(number: int, code: str) -> str:
    return class_rules.student_key(f"browser-{number:02d}-{'x' * 32}", code)


# --- sessions and the teacher's secret ----------------------------------------------------


def test_a_session_opens_by_its_code_typed_loosely_and_stores_only_a_hash_of_the_secret(store_engine):
    session, secret = class_store.create_session(store_engine, now=T0)
    code = session.join_code
    assert class_store.normalise_join_code(code) == code
    assert (session.created_at, session.expires_at, session.closed) == (T0, T0 + timedelta(hours=24), False)
    loose = f" {code[:3].lower()} {code[3:].lower()} "
    assert class_store.open_session(store_engine, loose, now=T0 + timedelta(hours=1)) == session
    assert class_store.is_teacher(store_engine, loose, secret)
    assert len(secret) >= 43  # 32 random bytes
    stored = rows(store_engine, "select * from class_sessions")
    assert len(stored) == 1
    assert not any(secret in str(value) for value in stored[0])


def test_unknown_malformed_expired_and_closed_codes_open_nothing(store_engine):
    session, secret = class_store.create_session(store_engine, now=T0)
    assert class_store.open_session(store_engine, "ZZZZZZ", now=T0) is None
    assert class_store.open_session(store_engine, "IL0O1?", now=T0) is None
    assert class_store.open_session(store_engine, session.join_code, now=T0 + timedelta(hours=24)) is None
    class_store.close_session(store_engine, session.join_code, secret)
    assert class_store.open_session(store_engine, session.join_code, now=T0) is None
    assert class_store.current_poll(store_engine, session.join_code, now=T0) is None


@pytest.mark.parametrize("wrong", ["", None, "not-the-secret", "JOIN_CODE", "OTHER_SECRET"])
def test_only_the_teachers_secret_pushes_reveals_closes_and_exports(store_engine, wrong):
    code, _, poll = new_class(store_engine)
    _, other_secret, _ = new_class(store_engine)
    wrong = {"JOIN_CODE": code, "OTHER_SECRET": other_secret}.get(wrong, wrong)
    assert not class_store.is_teacher(store_engine, code, wrong)
    with pytest.raises(NotTeacher):
        class_store.push_poll(store_engine, code, wrong, NUMBER)
    with pytest.raises(NotTeacher):
        class_store.reveal(store_engine, code, wrong, poll.poll_id)
    with pytest.raises(NotTeacher):
        class_store.close_session(store_engine, code, wrong)
    with pytest.raises(NotTeacher):
        class_store.export_rows(store_engine, code, wrong)
    assert count(store_engine, "select count(*) from polls") == 2  # nothing pushed
    assert rows(store_engine, "select revealed, closed from polls join class_sessions s on s.id = session_id") == [
        (False, False),
        (False, False),
    ]
    assert class_store.current_poll(store_engine, code) == poll


@pytest.mark.parametrize(
    "draft",
    [
        PollDraft(kind="essay", prompt="?"),
        PollDraft(kind="choice", prompt="  ", choices=("a", "b"), expected="a"),
        PollDraft(kind="choice", prompt="?", choices=("a",), expected="a"),
        PollDraft(kind="choice", prompt="?", choices=tuple("abcdefghi"), expected="a"),
        PollDraft(kind="choice", prompt="?", choices=("a", "a"), expected="a"),
        PollDraft(kind="choice", prompt="?", choices=("a", "b"), expected="c"),
        PollDraft(kind="choice", prompt="?", choices=("a", "b" * 201), expected="a"),
        PollDraft(kind="number", prompt="?", expected="beaucoup"),
        PollDraft(kind="number", prompt="?", expected="nan"),
    ],
)
def test_an_invalid_draft_is_refused_and_stores_nothing(store_engine, draft):
    session, secret = class_store.create_session(store_engine)
    with pytest.raises(ValueError):
        class_store.push_poll(store_engine, session.join_code, secret, draft)
    assert count(store_engine, "select count(*) from polls") == 0


# --- answers ------------------------------------------------------------------------------


def test_one_answer_per_student_per_poll_a_change_replaces_it(store_engine):
    code, _, poll = new_class(store_engine)
    alice, bob = student(1, code), student(2, code)
    assert class_store.submit_answer(store_engine, code, poll.poll_id, alice, "(3, 2)", correct=False) == ANSWER_SAVED
    assert class_store.submit_answer(store_engine, code, poll.poll_id, alice, "(2, 3)", correct=True) == ANSWER_CHANGED
    assert class_store.submit_answer(store_engine, code, poll.poll_id, bob, "(6,)", correct=False) == ANSWER_SAVED
    assert sorted(answer_rows(store_engine, poll.poll_id)) == sorted(
        [(alice, "(2, 3)", True, ""), (bob, "(6,)", False, "")]
    )
    assert class_store.student_answer(store_engine, poll.poll_id, alice) == "(2, 3)"
    assert class_store.student_answer(store_engine, poll.poll_id, student(3, code)) is None


def test_the_database_never_holds_the_browser_id(store_engine):
    code, _, poll = new_class(store_engine)
    browser_id = "b" * 43
    key = class_rules.student_key(browser_id, code)
    class_store.submit_answer(store_engine, code, poll.poll_id, key, "(6,)", correct=False)
    assert key != class_rules.student_key(browser_id, "ABCDEF")  # not linkable across sessions
    assert not any(browser_id in str(value) for value in rows(store_engine, "select * from answers")[0])


def test_concurrent_submits_from_threads_never_double_a_row(store_engine):
    code, _, poll = new_class(store_engine)
    students = [student(number, code) for number in range(4)]
    jobs = [(key, choice) for key in students for choice in (*CHOICE.choices, "(2, 3)")]
    start = threading.Barrier(len(jobs))
    outcomes, errors = [], []

    def submit(key, choice):
        try:
            start.wait()
            outcomes.append(class_store.submit_answer(store_engine, code, poll.poll_id, key, choice, correct=False))
        except Exception as error:  # collected: the main thread fails the test with it
            errors.append(error)

    threads = [threading.Thread(target=submit, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert set(outcomes) <= {ANSWER_SAVED, ANSWER_CHANGED} and len(outcomes) == len(jobs)
    per_student = rows(store_engine, "select student, count(*) from answers group by student")
    assert sorted(per_student) == sorted((key, 1) for key in students)


@pytest.mark.parametrize(
    ("draft", "answers"),
    [
        (CHOICE, ["(4, 4)", "", "(2,3)", 2]),
        (VOTE, ["Peut-être", "oui"]),
        (NUMBER, ["", "abc", "nan", "inf", "-inf", "1e13", "-2e12", "0x10", "3,5", HOSTILE]),
        (EXERCISE, ["Solved", "solved!", "x" * 81, "", HOSTILE]),
    ],
)
def test_an_invalid_answer_is_refused_and_stores_no_row(store_engine, draft, answers):
    code, _, poll = new_class(store_engine, draft)
    for number, answer in enumerate(answers):
        key = student(number, code)
        assert class_store.submit_answer(store_engine, code, poll.poll_id, key, answer, correct=True) == ANSWER_INVALID
    assert count(store_engine, "select count(*) from answers") == 0


@pytest.mark.parametrize("nickname", ["x" * 25, "a;b", "<script>", "Zoé\n", "1=1 OR", HOSTILE])
def test_an_invalid_nickname_or_student_is_refused_and_stores_no_row(store_engine, nickname):
    code, _, poll = new_class(store_engine)
    submit = class_store.submit_answer
    assert submit(store_engine, code, poll.poll_id, student(1, code), "(6,)", correct=False, nickname=nickname) == (
        ANSWER_INVALID
    )
    assert submit(store_engine, code, poll.poll_id, "not-a-hash", "(6,)", correct=False) == ANSWER_INVALID
    assert submit(store_engine, "??????", poll.poll_id, student(1, code), "(6,)", correct=False) == ANSWER_INVALID
    assert count(store_engine, "select count(*) from answers") == 0


def test_quotes_and_sql_in_answers_nicknames_and_prompts_stay_data(store_engine):
    draft = PollDraft(kind="vote", prompt=HOSTILE, choices=(HOSTILE, "Robert'); DROP TABLE polls;--"), source="vote")
    code, secret, poll = new_class(store_engine, draft)
    nickname = "d'Artagnan' OR 'a' -- x"
    key = student(1, code)
    outcome = class_store.submit_answer(store_engine, code, poll.poll_id, key, HOSTILE, correct=None, nickname=nickname)
    assert outcome == ANSWER_SAVED
    assert answer_rows(store_engine, poll.poll_id) == [(key, HOSTILE, None, nickname)]
    assert class_store.current_poll(store_engine, code).prompt == HOSTILE
    [exported] = class_store.export_rows(store_engine, code, secret)
    assert (exported["prompt"], exported["answer"], exported["nickname"]) == (HOSTILE, HOSTILE, nickname)
    assert {"answers", "polls", "class_sessions"} <= set(sa.inspect(store_engine).get_table_names())


def test_a_reveal_a_newer_poll_or_the_end_of_the_session_makes_answers_too_late(store_engine):
    code, secret, first = new_class(store_engine)
    alice, bob = student(1, code), student(2, code)
    submit = class_store.submit_answer
    assert submit(store_engine, code, first.poll_id, alice, "(6,)", correct=False) == ANSWER_SAVED
    class_store.reveal(store_engine, code, secret, first.poll_id)
    assert class_store.current_poll(store_engine, code).revealed
    assert submit(store_engine, code, first.poll_id, alice, "(2, 3)", correct=True) == ANSWER_TOO_LATE
    assert submit(store_engine, code, first.poll_id, bob, "(2, 3)", correct=True) == ANSWER_TOO_LATE
    assert answer_rows(store_engine, first.poll_id) == [(alice, "(6,)", False, "")]

    second = class_store.push_poll(store_engine, code, secret, NUMBER)
    assert (second.position, class_store.current_poll(store_engine, code).poll_id) == (2, second.poll_id)
    class_store.close_session(store_engine, code, secret)
    assert submit(store_engine, code, second.poll_id, bob, "0.25", correct=True) == ANSWER_TOO_LATE
    assert count(store_engine, "select count(*) from answers where poll_id = :p", p=second.poll_id) == 0


def test_an_answer_to_an_older_poll_or_after_expiry_is_too_late(store_engine):
    code, secret, first = new_class(store_engine, now=T0)
    second = class_store.push_poll(store_engine, code, secret, VOTE, now=T0)
    submit, key, late = class_store.submit_answer, student(1, code), T0 + timedelta(hours=24)
    assert submit(store_engine, code, first.poll_id, key, "(6,)", correct=False, now=T0) == ANSWER_TOO_LATE
    assert submit(store_engine, code, second.poll_id, key, "Oui", correct=None, now=late) == ANSWER_TOO_LATE
    assert count(store_engine, "select count(*) from answers") == 0


def test_a_class_is_rate_limited_and_recovers(store_engine, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(class_rules, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    monkeypatch.setattr(class_store, "_RATE", class_rules.SessionRate())
    monkeypatch.setattr(class_rules, "RATE_BURST", 5)
    code, _, poll = new_class(store_engine, VOTE)
    other_code, _, other_poll = new_class(store_engine, VOTE)
    submit = class_store.submit_answer
    outcomes = [submit(store_engine, code, poll.poll_id, student(n, code), "Oui", correct=None) for n in range(6)]
    assert outcomes == [ANSWER_SAVED] * 5 + [ANSWER_RATE_LIMITED]
    assert count(store_engine, "select count(*) from answers") == 5
    assert submit(store_engine, other_code, other_poll.poll_id, student(1, other_code), "Non", correct=None) == (
        ANSWER_SAVED
    )
    clock[0] += 1.0  # a second later the bucket has refilled
    assert submit(store_engine, code, poll.poll_id, student(6, code), "Oui", correct=None) == ANSWER_SAVED


def test_a_student_changes_their_answer_a_bounded_number_of_times(store_engine):
    code, _, poll = new_class(store_engine, VOTE)
    key = student(1, code)
    outcomes = [
        class_store.submit_answer(store_engine, code, poll.poll_id, key, VOTE.choices[n % 2], correct=None)
        for n in range(class_store.MAX_CHANGES + 2)
    ]
    assert outcomes == [ANSWER_SAVED] + [ANSWER_CHANGED] * class_store.MAX_CHANGES + [ANSWER_RATE_LIMITED]
    assert answer_rows(store_engine, poll.poll_id) == [(key, VOTE.choices[class_store.MAX_CHANGES % 2], None, "")]


# --- tally and export -----------------------------------------------------------------------


def test_the_tally_counts_what_plain_sql_counts(store_engine):
    code, _, poll = new_class(store_engine)
    picks = ["(2, 3)", "(2, 3)", "(3, 2)", "(2, 3)", "(3, 2)"]
    for number, pick in enumerate(picks):
        class_store.submit_answer(
            store_engine, code, poll.poll_id, student(number, code), pick, correct=pick == CHOICE.expected
        )
    by_sql = dict(
        rows(store_engine, "select answer, count(*) from answers where poll_id = :p group by answer", p=poll.poll_id)
    )
    correct = count(store_engine, "select count(*) from answers where poll_id = :p and correct", p=poll.poll_id)
    tally = class_store.tally(store_engine, poll)
    assert tally.counts == {"(2, 3)": by_sql["(2, 3)"], "(3, 2)": by_sql["(3, 2)"], "(6,)": 0}
    assert (tally.answers, tally.correct) == (len(picks), correct) == (5, 3)


def test_number_vote_and_exercise_tallies(store_engine):
    code, secret, number_poll = new_class(store_engine, NUMBER)
    for n, answer in enumerate(["0.25", " 0.250 ", "-1e3"]):
        class_store.submit_answer(store_engine, code, number_poll.poll_id, student(n, code), answer, correct=n < 2)
    tally = class_store.tally(store_engine, number_poll)
    assert (tally.answers, sorted(tally.numbers), tally.counts, tally.correct) == (3, [-1000.0, 0.25, 0.25], {}, 2)

    vote = class_store.push_poll(store_engine, code, secret, VOTE)
    for n, answer in enumerate(["Non", "Non", "Non"]):
        class_store.submit_answer(store_engine, code, vote.poll_id, student(n, code), answer, correct=True)
    assert class_store.tally(store_engine, vote) == class_store.Tally(3, {"Oui": 0, "Non": 3}, (), 0)

    exercise = class_store.push_poll(store_engine, code, secret, EXERCISE)
    for n, answer in enumerate(["solved", "shape.wrong", "solved"]):
        class_store.submit_answer(store_engine, code, exercise.poll_id, student(n, code), answer, correct=n != 1)
    assert class_store.tally(store_engine, exercise) == class_store.Tally(3, {"solved": 2, "shape.wrong": 1}, (), 2)


def test_the_export_has_every_answer_of_the_session_in_poll_order(store_engine):
    code, secret, choice = new_class(store_engine)
    other_code, _, other_poll = new_class(store_engine)
    number = class_store.push_poll(store_engine, code, secret, NUMBER)
    class_store.submit_answer(
        store_engine, code, number.poll_id, student(1, code), "0.25", correct=True, nickname="Zoé"
    )
    class_store.submit_answer(
        store_engine, other_code, other_poll.poll_id, student(1, other_code), "(6,)", correct=False
    )
    class_store.submit_answer(store_engine, code, number.poll_id, student(2, code), "1", correct=False)
    exported = class_store.export_rows(store_engine, code, secret)
    assert [(row["position"], row["answer"], row["correct"], row["nickname"]) for row in exported] == [
        (2, "0.25", True, "Zoé"),
        (2, "1.0", False, ""),
    ]
    assert set(exported[0]) == {
        *("position", "source", "kind", "prompt", "expected", "answer", "correct", "nickname", "answered_at"),
    }
    assert (exported[0]["source"], exported[0]["kind"], exported[0]["expected"]) == (NUMBER.source, "number", "0.25")
    assert choice.position == 1


# --- who joined ---------------------------------------------------------------------------


def test_a_student_who_joins_is_counted_once_and_only_in_an_open_session(store_engine):
    code, secret, _ = new_class(store_engine, now=T0)
    other, _, _ = new_class(store_engine, now=T0)
    assert class_store.joined_count(store_engine, code) == 0
    for _ in range(3):  # a reload, another tab: the same student
        assert class_store.join_session(store_engine, code.lower(), student(1, code), now=T0)
    assert class_store.join_session(store_engine, code, student(2, code), now=T0)
    assert class_store.join_session(store_engine, other, student(1, other), now=T0)
    assert (class_store.joined_count(store_engine, code), class_store.joined_count(store_engine, other)) == (2, 1)
    assert count(store_engine, "select count(*) from participants") == 3
    refused = ((code, HOSTILE), (code, "ab" * 33), (HOSTILE, student(3, code)), ("ZZZZZZ", student(3, code)))
    for code_given, who in refused:
        assert not class_store.join_session(store_engine, code_given, who, now=T0)
    assert not class_store.join_session(store_engine, code, student(4, code), now=T0 + timedelta(hours=24))
    class_store.close_session(store_engine, code, secret)
    assert not class_store.join_session(store_engine, code, student(5, code), now=T0)
    assert class_store.joined_count(store_engine, code) == 2  # still told after the end
    assert class_store.joined_count(store_engine, HOSTILE) == 0


def test_a_closed_session_still_exports_for_its_teacher(store_engine):
    code, secret, poll = new_class(store_engine, now=T0)
    class_store.submit_answer(store_engine, code, poll.poll_id, student(1, code), "(2, 3)", correct=True, now=T0)
    class_store.close_session(store_engine, code, secret)
    assert [row["answer"] for row in class_store.export_rows(store_engine, code, secret)] == ["(2, 3)"]
    with pytest.raises(NotTeacher):
        class_store.export_rows(store_engine, code, "x" * 43)
