"""The script turn: first come first served, re-entrant, yielding, never stuck for good."""

import threading
import time

from components.run_lock import TurnLock, turn


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
