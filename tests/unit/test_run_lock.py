"""The script turn: first come first served, re-entrant, yielding, never stuck for good."""

import ast
import threading
import time
from pathlib import Path

import pytest
import streamlit as st

from components.run_lock import TurnLock, shared_between_turns, turn


def held(lock: TurnLock) -> bool:
    return lock._owner == threading.get_ident()


def start_waiter(lock: TurnLock, name: str, order: list[str]) -> threading.Thread:
    def run():
        with turn(lock):
            order.append(name)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_until_queued(lock: TurnLock, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(lock._waiting) < count:
        assert time.monotonic() < deadline, "the waiters never queued"
        time.sleep(0.001)


def test_waiters_are_served_in_arrival_order():
    lock, order = TurnLock(), []
    lock.acquire()
    threads = []
    for name in "abcde":
        threads.append(start_waiter(lock, name, order))
        wait_until_queued(lock, len(threads))
    lock.release()
    for thread in threads:
        thread.join(5)
    assert order == list("abcde")


def test_the_holder_may_take_it_again_without_waiting_for_itself():
    lock = TurnLock(max_wait=1)
    with turn(lock), turn(lock):  # a fragment drawn during a full run
        assert held(lock)
    assert not held(lock)
    assert lock._owner is None


def test_let_others_run_serves_those_waiting_then_continues_with_the_same_depth():
    lock, order = TurnLock(), []
    with turn(lock), turn(lock):
        waiter = start_waiter(lock, "other", order)
        wait_until_queued(lock, 1)
        lock.let_others_run()
        order.append("holder again")
        assert lock._depth == 2
    waiter.join(5)
    assert order == ["other", "holder again"]
    assert lock._owner is None


def test_let_others_run_is_free_when_nobody_waits():
    lock = TurnLock()
    with turn(lock):
        lock.let_others_run()
        assert held(lock)
    lock.let_others_run()  # not held: nothing to give
    assert lock._owner is None


def test_a_wait_that_runs_out_goes_ahead_without_the_turn():
    lock = TurnLock(max_wait=0.05)
    lock.acquire()
    result = {}

    def impatient():
        with turn(lock):
            result["held"] = held(lock)

    thread = threading.Thread(target=impatient)
    thread.start()
    thread.join(5)
    assert result == {"held": False}
    assert lock._waiting == type(lock._waiting)()  # it left the queue
    lock.release()
    with turn(lock):  # and the lock still works for the next one
        assert held(lock)


def test_an_exception_inside_the_turn_releases_it():
    lock = TurnLock(max_wait=1)
    try:
        with turn(lock):
            raise ValueError("a page failed")
    except ValueError:
        pass
    assert lock._owner is None and lock._depth == 0


def test_a_holder_waiting_outside_its_turn_lets_the_queue_through_then_gets_it_back():
    lock, order = TurnLock(), []
    with turn(lock), turn(lock):  # held twice, as a fragment inside a full run
        waiter = start_waiter(lock, "other", order)
        wait_until_queued(lock, 1)
        with lock.released():  # e.g. waiting for SymPy's worker process
            waiter.join(5)
            assert order == ["other"] and not held(lock)
        assert held(lock) and lock._depth == 2
    assert lock._owner is None


def test_released_is_a_no_op_for_a_thread_that_does_not_hold_the_turn():
    lock = TurnLock()
    with lock.released():
        assert lock._owner is None
    assert lock._owner is None


def refusals_of(lock: TurnLock) -> list[threading.Thread]:
    """The threads whose wait for the turn ran out, from now on."""
    refused, acquire = [], lock.acquire

    def recording_acquire() -> bool:
        served = acquire()
        if not served:
            refused.append(threading.current_thread())
        return served

    lock.acquire = recording_acquire
    return refused


def test_a_caller_finding_the_same_arguments_under_way_waits_outside_its_turn():
    """A fresh session's two first runs, or two students opening the same settings: the
    first computes outside its turn (SymPy's wait), the second asks for the same value
    meanwhile. Waiting for it with the turn held, the second would keep the first from
    taking the turn back until max_wait ran out."""
    lock = TurnLock(max_wait=3)
    refused = refusals_of(lock)
    first_outside, second_calling = threading.Event(), threading.Event()
    computed, results = [], {}

    @st.cache_data(show_spinner=False)
    def square_outside_turn(n: int) -> int:
        computed.append(n)
        with lock.released():
            first_outside.set()
            second_calling.wait(5)
            time.sleep(0.2)  # by now the second caller waits for this value
        return n * n

    square_outside_turn.clear()

    def first():
        with turn(lock):
            results["first"] = shared_between_turns(square_outside_turn, lock)(7)

    def second():  # decorated anew, as when Streamlit runs the page's file again
        first_outside.wait(5)
        with turn(lock):
            second_calling.set()
            results["second"] = shared_between_turns(square_outside_turn, lock)(7)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert results == {"first": 49, "second": 49}
    assert computed == [7]  # computed once: the second caller got the first one's value
    assert refused == []  # and nobody's wait for the turn ran out
    assert lock._owner is None


def test_a_lone_caller_keeps_its_turn_and_a_failed_call_leaves_nothing_under_way():
    lock, calls = TurnLock(max_wait=1), []

    @st.cache_data(show_spinner=False)
    def turn_held_inside(n: int) -> bool:
        calls.append(n)
        if len(calls) == 1:
            raise ValueError("the first call fails (not cached)")
        return lock.held()

    turn_held_inside.clear()
    shared = shared_between_turns(turn_held_inside, lock)
    with turn(lock):
        with pytest.raises(ValueError):
            shared(3)
        assert shared(3) is True  # the failed call is not counted as still under way
    assert calls == [3, 3]


def cached_functions_handing_the_turn_on() -> dict[str, bool]:
    """Every `st.cache_data` function of the app whose body hands the turn on, with
    whether it is wrapped in `shared_between_turns`."""
    found = {}
    root = Path(__file__).resolve().parents[2]
    for path in sorted(root.glob("lessons/**/*.py")) + sorted(root.glob("components/**/*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.FunctionDef):
                continue
            decorators = [ast.unparse(decorator) for decorator in node.decorator_list]
            if not any("cache_data" in decorator for decorator in decorators):
                continue
            names = {child.id for child in ast.walk(node) if isinstance(child, ast.Name)}
            if names & {"let_others_run", "outside_turn"}:
                found[f"{path.relative_to(root)}:{node.name}"] = "shared_between_turns" in decorators
    return found


def test_every_cached_function_that_hands_the_turn_on_is_shared_between_turns():
    found = cached_functions_handing_the_turn_on()
    assert len(found) >= 4  # the SymPy formula and the optimizer's three trajectory caches
    assert all(found.values()), [name for name, wrapped in found.items() if not wrapped]
