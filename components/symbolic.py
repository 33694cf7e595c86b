"""SymPy under a time budget: a derivative's formula is worked out in a separate process
and abandoned when the budget runs out.

Why a process: SymPy differentiates a nested function quickly, but the time to print
the result grows exponentially with the nesting (a few nested sigmoids already take
seconds, more take minutes), and a Python thread cannot be stopped. A process can.

The app's process never builds a SymPy expression: even that can run away (SymPy
works out `1/((9**10)**10 …)` exactly as it builds it). It sends the parsed tree as
plain tuples (components/expressions.py `to_plain`), and a child builds, differentiates
and prints it.

How: one worker process (`python -m components.symbolic`, SymPy imported once)
serves the app's server. For each request it forks a child, which has a memory
ceiling, does the work and writes the result back; a child still running when its
budget ends is killed. The worker itself has a single thread, so forking it is safe,
which forking the app's server (many threads, torch) would not be. At most
MAX_CHILDREN children run at once (one per core of a small container): a request that
finds no free slot within its budget is told that the server is busy.

This module imports neither torch nor streamlit: the worker runs it as its main module.
"""

import atexit
import itertools
import math
import operator
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

import sympy

BUDGET_SECONDS = 0.8  # "about a second": a learner waits no longer for a formula that will not come
MAX_CHILDREN = 2
MAX_LATEX_CHARS = 2_000  # longer formulas would not fit a screen, nor be read
CHILD_EXTRA_MEMORY = 512 * 2**20  # address space a child may add to the worker's
START_TIMEOUT_SECONDS = 30.0  # the worker's own start (importing SymPy), once per server
REPLY_MARGIN_SECONDS = 0.5  # the worker's answer after a budget ran out: a fork and a pipe
_ROOT = Path(__file__).resolve().parents[1]
_HEADER = struct.Struct("!I")  # every message: its length, then a pickle


class SymbolicTimeout(Exception):
    """The work did not finish within its budget (or outgrew its memory): too complex."""


class SymbolicBusy(Exception):
    """Every child slot stayed taken for the whole budget: the server is busy."""


SYMBOLS = {name: sympy.Symbol(name, real=True) for name in ("x", "y")}
# The expression language's operators, for any values: floats, tensors, SymPy expressions.
OPERATIONS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow}
# The same names as components/expressions.py's FUNCTIONS (a unit test checks it).
SYMPY_FUNCTIONS = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "exp": sympy.exp,
    "log": sympy.log,
    "sqrt": sympy.sqrt,
    "tanh": sympy.tanh,
    "abs": sympy.Abs,
    "relu": lambda u: sympy.Max(0, u),
    "sigmoid": lambda u: 1 / (1 + sympy.exp(-u)),
}


@dataclass(frozen=True)
class Formula:
    latex: str | None  # f'(x) as LaTeX, None when longer than MAX_LATEX_CHARS
    value: float | None  # f'(x) at the point, None where no single finite value exists


def derivative_at(tree: tuple, variable: str, point: float, budget: float = BUDGET_SECONDS) -> Formula:
    """d f / d variable for f a plain tree (`to_plain`), as LaTeX and at `point`, or
    SymbolicTimeout / SymbolicBusy.

    Blocks the calling thread for at most about `budget` seconds (plus, once per server,
    the worker's start), so the caller should not hold a lock that others need meanwhile.
    """
    worker = _running_worker()
    deadline = time.monotonic() + budget
    if not _SLOTS.acquire(timeout=budget):
        raise SymbolicBusy
    try:
        remaining = max(0.0, deadline - time.monotonic())
        reply = worker.ask((tree, variable, point, remaining), remaining + REPLY_MARGIN_SECONDS)
    finally:
        _SLOTS.release()
    if reply is None:
        raise SymbolicTimeout
    latex, value = reply
    return Formula(latex, value)


# --- The app's side: one worker, asked from many threads ------------------------------


class _Worker:
    """The worker process, its pending requests, and a thread reading its replies."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "components.symbolic"], cwd=_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.ready = threading.Event()
        self.pending: dict[int, Future] = {}
        self.numbers = itertools.count()
        self.write_lock = threading.Lock()
        threading.Thread(target=self._read_replies, name="symbolic-replies", daemon=True).start()

    def alive(self) -> bool:
        return self.process.poll() is None

    def ask(self, request: tuple, timeout: float) -> tuple | None:
        """Send a request; its reply, or None when none came in time."""
        if not self.ready.wait(START_TIMEOUT_SECONDS):
            return None
        future: Future = Future()
        with self.write_lock:
            number = next(self.numbers)
            self.pending[number] = future
            try:
                _write_message(self.process.stdin, (number, *request))
            except (BrokenPipeError, ValueError):  # the worker died: the next request starts another
                self.pending.pop(number, None)
                return None
        try:
            return future.result(timeout)
        except FutureTimeout:
            return None
        finally:
            self.pending.pop(number, None)

    def _read_replies(self) -> None:
        if _read_message(self.process.stdout) == "ready":
            self.ready.set()
        while (message := _read_message(self.process.stdout)) is not None:
            number, reply = message
            future = self.pending.get(number)
            if future is not None and not future.done():
                future.set_result(reply)
        for future in list(self.pending.values()):  # the worker is gone: nobody will answer
            if not future.done():
                future.set_result(None)

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
            self.process.wait()


_SLOTS = threading.BoundedSemaphore(MAX_CHILDREN)
_WORKER_LOCK = threading.Lock()
_worker: _Worker | None = None


def _running_worker() -> _Worker:
    global _worker
    with _WORKER_LOCK:
        if _worker is None or not _worker.alive():
            _worker = _Worker()
            atexit.register(_worker.stop)
        return _worker


def _write_message(stream, message: object) -> None:
    data = pickle.dumps(message)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_message(stream) -> object | None:
    """The next message from a buffered stream, or None at its end."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    return pickle.loads(stream.read(_HEADER.unpack(header)[0]))


def _read_message_from_fd(descriptor: int) -> object | None:
    """The same from a raw file descriptor, which `select` can watch (no hidden buffer)."""
    header = _read_exactly(descriptor, _HEADER.size)
    if header is None:
        return None
    data = _read_exactly(descriptor, _HEADER.unpack(header)[0])
    return None if data is None else pickle.loads(data)


def _read_exactly(descriptor: int, size: int) -> bytes | None:
    chunks, missing = [], size
    while missing:
        chunk = os.read(descriptor, missing)
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


# --- The worker's side: a fork per request, killed at its deadline ------------------------


def serve(requests: int, replies) -> None:
    """The worker's loop: read requests (a file descriptor), fork a child for each, reply
    when it answers or when its budget runs out, until the app closes its end."""
    for (
        name
    ) in SYMPY_FUNCTIONS:  # SymPy imports its printers and evaluators on first use: once, here, not in every child
        _differentiate(
            ("call", name, ("binary", "*", ("variable", "x"), ("number", 2.0))), "x", 0.5, memory_ceiling=False
        )
    _write_message(replies, "ready")
    running: dict[int, tuple[int, int, float]] = {}  # the child's pipe -> request number, pid, deadline
    try:
        while True:
            next_deadline = min((deadline for _, _, deadline in running.values()), default=None)
            wait = None if next_deadline is None else max(0.0, next_deadline - time.monotonic())
            readable, _, _ = select.select([requests, *running], [], [], wait)
            if requests in readable:
                request = _read_message_from_fd(requests)
                if request is None:
                    return
                number, tree, variable, point, budget = request
                pipe, pid = _fork_child(tree, variable, point)
                running[pipe] = (number, pid, time.monotonic() + budget)
            for pipe in [pipe for pipe in readable if pipe in running]:
                number, pid, _ = running.pop(pipe)
                _write_message(replies, (number, _collect(pipe, pid)))
            for pipe, (number, pid, deadline) in list(running.items()):
                if time.monotonic() >= deadline:
                    del running[pipe]
                    os.kill(pid, signal.SIGKILL)
                    _collect(pipe, pid)
                    _write_message(replies, (number, None))
    finally:
        for _, pid, _ in running.values():
            os.kill(pid, signal.SIGKILL)


def _fork_child(tree: tuple, variable: str, point: float) -> tuple[int, int]:
    """A child working on one request: (the pipe it answers on, its pid)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: work, answer, leave without running the worker's cleanup
        os.close(read_end)
        try:
            answer = _differentiate(tree, variable, point)
            if answer is not None:
                os.write(write_end, pickle.dumps(answer))
        finally:
            os._exit(0)
    os.close(write_end)
    return read_end, pid


def _collect(pipe: int, pid: int) -> tuple | None:
    """What the child wrote (None if nothing: killed, or out of memory), then reap it."""
    chunks = []
    while chunk := os.read(pipe, 65536):
        chunks.append(chunk)
    os.close(pipe)
    os.waitpid(pid, 0)
    return pickle.loads(b"".join(chunks)) if chunks else None


def _differentiate(
    tree: tuple, variable: str, point: float, memory_ceiling: bool = True
) -> tuple[str | None, float | None] | None:
    """(LaTeX, value) as plain types: the worker runs as __main__, so its classes would
    not unpickle in the app. None: the work outgrew the child's memory."""
    if memory_ceiling:
        ceiling = _address_space() + CHILD_EXTRA_MEMORY
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    symbol = SYMBOLS[variable]
    try:
        derivative = sympy.diff(sympy_expression(tree), symbol)
        value = _number(derivative.subs(symbol, sympy.Float(point)))
        latex = sympy.latex(derivative)
    except (MemoryError, RecursionError):
        return None
    return (latex if len(latex) <= MAX_LATEX_CHARS else None, value)


def sympy_expression(tree: tuple) -> sympy.Expr:
    """The SymPy expression of a plain tree. Only under a budget: it can run away."""
    kind = tree[0]
    if kind == "number":
        value = tree[1]
        return sympy.Integer(int(value)) if value.is_integer() else sympy.Float(value)
    if kind == "variable":
        return SYMBOLS[tree[1]]
    if kind == "negative":
        return -sympy_expression(tree[1])
    if kind == "call":
        return SYMPY_FUNCTIONS[tree[1]](sympy_expression(tree[2]))
    _, sign, left, right = tree
    return OPERATIONS[sign](sympy_expression(left), sympy_expression(right))


def _address_space() -> int:
    """This process's virtual size in bytes (Linux's /proc; elsewhere its peak RSS)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _number(value: sympy.Expr) -> float | None:
    try:
        number = float(value.evalf())
    except (TypeError, ValueError):  # Heaviside(0), a leftover symbol: no single value
        return None
    return number if math.isfinite(number) else None


if __name__ == "__main__":
    serve(sys.stdin.fileno(), sys.stdout.buffer)
