"""One lesson script at a time in the server process, served in the order they came.

Why: Streamlit runs every session's script in its own thread, and Python lets one
thread at a time run Python code (the GIL). A rerun gives the GIL back at every torch
call, socket write and file check, then queues to take it back behind the other
sessions' threads. With a class of thirty, the threads spend most of their time
queueing for the GIL rather than running; taken in turn, each rerun keeps the GIL
until it is done, so it finishes sooner and the class as a whole uses less CPU (the
figures are in the README's Performance section).

`turn()` wraps a whole script run (the router) or a fragment's rerun
(components/fragments.py); it is re-entrant, so a fragment drawn during a full run
does not wait for itself. A long training calls `let_others_run()` between epochs so
that the class is not kept waiting. A run that waited `MAX_WAIT_SECONDS` goes ahead
anyway: a bug holding the turn would slow the server down, never stop it. A cached
function whose body hands the turn on is wrapped in `shared_between_turns`, so that
two callers of the same value never wait for each other's turn.
"""

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import wraps
from typing import ParamSpec, TypeVar

MAX_WAIT_SECONDS = 5.0  # every long run lets others through between steps: a longer wait is a bug
TURN_WAIT_RAN_OUT = "script turn: a wait ran out"  # logged; the e2e tests fail on it
LOGGER = logging.getLogger("apprendre_pytorch")
P = ParamSpec("P")
R = TypeVar("R")


class TurnLock:
    """A re-entrant, first-come first-served lock with a bounded wait."""

    def __init__(self, max_wait: float = MAX_WAIT_SECONDS):
        self.max_wait = max_wait
        self._condition = threading.Condition()
        self._waiting: deque[int] = deque()  # thread idents, in arrival order
        self._owner: int | None = None
        self._depth = 0

    def acquire(self) -> bool:
        """Wait for this thread's turn. False when the wait ran out (not held then)."""
        me = threading.get_ident()
        with self._condition:
            if self._owner == me:
                self._depth += 1
                return True
            self._waiting.append(me)
            start = time.monotonic()
            try:
                served = self._condition.wait_for(
                    lambda: self._owner is None and self._waiting[0] == me, timeout=self.max_wait
                )
            finally:
                self._waiting.remove(me)
                self._condition.notify_all()  # the next in line may be the one behind this one
            if served:
                self._owner, self._depth = me, 1
            else:
                waited = time.monotonic() - start
                LOGGER.warning("%s after %.1f s: this run goes ahead beside another", TURN_WAIT_RAN_OUT, waited)
            return served

    def release(self) -> None:
        with self._condition:
            if self._owner != threading.get_ident():
                return  # its wait to come back after let_others_run() ran out: nothing held
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._condition.notify_all()

    def held(self) -> bool:
        """Whether the calling thread holds the turn (a fragment drawn inside a full run)."""
        with self._condition:
            return self._owner == threading.get_ident()

    def let_others_run(self) -> None:
        """Between two steps of a long run: serve everyone who queued meanwhile, then go on."""
        with self._condition:
            if self._owner != threading.get_ident() or not self._waiting:
                return
        with self.released():
            pass

    @contextmanager
    def released(self) -> Iterator[None]:
        """Hand the turn on for a wait that runs no Python here (another process's work),
        then queue for it again; a no-op for a thread that does not hold it."""
        with self._condition:
            held = self._owner == threading.get_ident()
            if held:
                depth, self._depth, self._owner = self._depth, 0, None
                self._condition.notify_all()
        if not held:
            yield
            return
        try:
            yield
        finally:
            if self.acquire():
                with self._condition:
                    self._depth = depth


SCRIPT_TURN = TurnLock()


@contextmanager
def turn(lock: TurnLock = SCRIPT_TURN) -> Iterator[None]:
    held = lock.acquire()
    try:
        yield
    finally:
        if held:
            lock.release()


def let_others_run() -> None:
    SCRIPT_TURN.let_others_run()


def in_turn() -> bool:
    return SCRIPT_TURN.held()


def outside_turn() -> AbstractContextManager[None]:
    """`with outside_turn():` around a wait for another process: the class goes on meanwhile."""
    return SCRIPT_TURN.released()


_UNDER_WAY: Counter = Counter()  # (function, arguments) being computed or read -> their callers
_COUNTING = threading.Lock()


def shared_between_turns(cached: Callable[P, R], lock: TurnLock = SCRIPT_TURN) -> Callable[P, R]:
    """For an `st.cache_data` function whose body hands the turn on (`outside_turn`,
    `let_others_run`); its arguments must be hashable.

    Streamlit lets one thread compute a value for given arguments; another thread asking
    for the same arguments meanwhile waits for it. Waiting with the turn held, it would
    keep the computing thread from taking the turn back, each waiting for the other
    until MAX_WAIT_SECONDS ran out, and the whole class with them: a fresh session's
    first rerun (asked by the browser's report) meets its own first run that way, and
    a class opening the same settings at once meets itself. So a caller that finds the
    same arguments under way waits outside its turn.
    """
    function = getattr(cached, "__wrapped__", cached)
    # By where it is written, not by this wrapper: Streamlit runs a page's file again on
    # every rerun, which decorates its functions anew, while their cache stays the same.
    identity = (function.__code__.co_filename, function.__qualname__)

    @wraps(cached)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        key = (identity, args, tuple(sorted(kwargs.items())))
        with _COUNTING:
            already = _UNDER_WAY[key] > 0
            _UNDER_WAY[key] += 1
        try:
            with lock.released() if already else nullcontext():
                return cached(*args, **kwargs)
        finally:
            with _COUNTING:
                _UNDER_WAY[key] -= 1
                if not _UNDER_WAY[key]:
                    del _UNDER_WAY[key]

    return call
