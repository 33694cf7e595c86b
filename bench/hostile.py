"""A student's latency while one hostile visitor sends the worst input of a page.

One real `streamlit run` server (bench/harness.py). The **student** is one light
protocol client (bench/protocol.py) on the home page, moving its slider `x` to a new
value every 0.5 s (a human pace; the next move waits for the previous rerun to
finish) and timing each rerun from the request to the server's `script_finished`.
It is measured alone first (the baseline), then while each **attacker** runs, one at
a time, for the same window. An attacker is another client sending the worst a
visitor can send to one page, again as soon as its previous rerun finished:

1. autograd: the typed function `sigmoid(sigmoid(…(x)…))` nested 12 times (the most
   the parser takes), the slider `ax` moved at every rerun so that no cache answers
   (each rerun asks SymPy, in its own process, for the derivative's formula, which
   runs out of its 1 s budget);
2. tenseurs: a typed list of 10,000 numbers, about 190 kB (the largest accepted),
   sent in the `valeurs` text area with `ctor=tensor`, then the page rerun again and
   again as a browser does, every widget's value sent each time;
3. optimiseur: four optimizers, 500 steps, the Rosenbrock surface at the default
   learning rates (bench/worstcase.py's settings, the slowest found: three optimizers
   diverge, and the page searches each a safer learning rate), the start `x0`
   changed at every rerun so that no cache answers;
4. boucle-entrainement: the largest training (bench/worstcase.py: moons, n = 400,
   3 layers of 64, 200 epochs, batches of 4) with the "no train()/eval()" bug switched
   on, which adds dropout and a second, buggy training beside the correct one; then a
   click on "Entraîner" (one click takes longer than the window);
5. flood: rerun requests of the home page sent 100 times a second without waiting for
   any to finish (the server paces each session: components/pace.py).

Errors are exception elements in the student's page, a rerun that did not finish
within 30 s (counted as 30 s in the percentiles), or a dropped connection. The CPU
share counts the server process and its children (the SymPy worker and the children
it forks, components/symbolic.py), read from /proc; memory is the server's peak
resident size (VmHWM, since its start) and the largest sum of the server's and its
children's resident sizes sampled every 0.1 s during the window.

Run alone: .venv/bin/python -m bench.hostile   (about 1.5 minutes; an argument sets the window, in seconds)
"""

import asyncio
import itertools
import random
import sys
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack, suppress
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.harness import median, percentile, running, tree_cpu_seconds, tree_rss_mb
from bench.protocol import Drawn, ProtocolClient, Rerun, connected
from bench.worstcase import CASES

SECONDS = 10.0  # the baseline's window and each attacker's
STUDENT_PERIOD = 0.5  # a human moves the slider twice a second at most
RERUN_TIMEOUT = 30.0  # a student's rerun longer than this is an error
ATTACKER_TIMEOUT = 120.0  # an attacker's rerun may be long: it is cancelled at the end of its window
FLOOD_PER_SECOND = 100
QUIET_CORES = 0.3  # between two windows, wait for the server to come back to about idle
QUIET_MAX_SECONDS = 20.0
WARM_PAGES = ("autograd", "tenseurs", "optimiseur", "boucle-entrainement")

X_VALUES = [round(-3.0 + step / 10, 1) for step in range(61)]  # both sliders: -3 to 3, step 0.1
NESTED_SIGMOID = "sigmoid(" * 12 + "x" + ")" * 12
TRAIN_LABEL = "Entraîner"  # the French default's label of the training page's button


def typed_list(variant: int) -> str:
    """10,000 numbers of 17 characters, about 190 kB (the page takes 200,000 at most)."""
    numbers = [f"{1 + i / 10007:.15f}" for i in range(9_999)] + [f"{variant:.15f}"]
    return "[" + ", ".join(numbers) + "]"


def query(name_prefix: str, **extra: str) -> str:
    """A bench/worstcase.py case's largest settings as a query string."""
    settings = next(case[2] for case in CASES if case[0].startswith(name_prefix))
    return urllib.parse.urlencode({**settings, **extra})


# --- Clients ---------------------------------------------------------------------------


def widget(rerun: Rerun, key: str, kind: str) -> Drawn:
    """The widget of `kind` whose key is `key` (Streamlit's id ends with it)."""
    for element in rerun.elements:
        if element.kind == kind and element.widget_id.endswith(f"-{key}"):
            return element
    raise LookupError(f"no {kind} with key {key!r} in {[element.widget_id for element in rerun.widgets]}")


def button(rerun: Rerun, label: str) -> Drawn:
    for element in rerun.elements:
        if element.kind == "button" and element.proto.label == label:
            return element
    raise LookupError(f"no button {label!r}")


def state(widget_id: str, field_name: str, value) -> WidgetState:
    message = WidgetState(id=widget_id)
    if field_name == "double_array_value":
        message.double_array_value.data.append(value)
    else:
        setattr(message, field_name, value)
    return message


class Student:
    """One visitor on the home page, moving `x` at a human pace; a new connection
    after an error (a rerun that never finished leaves the old one out of step)."""

    def __init__(self, url: str, seed: int = 0):
        self.url = url
        self.rng = random.Random(seed)
        self.connection: AsyncExitStack | None = None
        self.client: ProtocolClient | None = None
        self.slider = ""
        self.fragment = ""
        self.x = 0.0

    async def connect(self) -> None:
        await self.close()
        self.connection = AsyncExitStack()
        self.client = await self.connection.enter_async_context(connected(self.url))
        first = await self.client.rerun(timeout=RERUN_TIMEOUT)
        slider = widget(first, "x", "slider")
        self.slider, self.fragment = slider.widget_id, slider.fragment_id
        self.x = (list(slider.proto.value) or list(slider.proto.default))[0]

    async def close(self) -> None:
        if self.connection is not None:
            with suppress(Exception):
                await self.connection.aclose()
            self.connection = None

    async def measure(self, seconds: float) -> tuple[list[float], list[str]]:
        """Latencies (s) and errors of the moves made during `seconds`."""
        latencies: list[float] = []
        errors: list[str] = []
        deadline = time.perf_counter() + seconds
        next_move = time.perf_counter()
        while next_move < deadline:
            await asyncio.sleep(max(0.0, next_move - time.perf_counter()))
            self.x = self.rng.choice([value for value in X_VALUES if value != self.x])
            try:
                if self.client is None:
                    await self.connect()
                result = await self.client.rerun(
                    [state(self.slider, "double_array_value", self.x)], self.fragment, timeout=RERUN_TIMEOUT
                )
                latencies.append(result.seconds)
                errors += [f"exception: {message[:100]}" for message in result.exceptions]
            except (TimeoutError, websockets.ConnectionClosed, OSError) as error:
                if isinstance(error, asyncio.TimeoutError):
                    latencies.append(RERUN_TIMEOUT)
                errors.append(f"{type(error).__name__}: {error}"[:120])
                await self.close()
                self.client = None
            next_move = max(next_move + STUDENT_PERIOD, time.perf_counter())
        return latencies, errors


@dataclass
class Attack:
    completed: int = 0  # reruns that reached script_finished
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def count(self, result: Rerun) -> Rerun:
        self.completed += 1
        self.seconds.append(result.seconds)
        self.errors += [f"exception: {message[:100]}" for message in result.exceptions]
        return result


async def open_with(client: ProtocolClient, path: str, query_string: str, attack: Attack) -> Rerun:
    """The page at `path` opened from a shared link: its settings in the query string."""
    await client.rerun(timeout=ATTACKER_TIMEOUT)  # the home page: the app's list of pages
    client.go_to(path)
    client.query_string = query_string
    result = await client.rerun(timeout=ATTACKER_TIMEOUT)  # not counted: the repeated reruns are
    attack.errors += [f"exception: {message[:100]}" for message in result.exceptions]
    return result


async def autograd_attack(url: str, attack: Attack) -> None:
    async with connected(url) as client:
        first = await open_with(
            client, "autograd", "fonction=saisie&expr=" + urllib.parse.quote(NESTED_SIGMOID), attack
        )
        slider = widget(first, "ax", "slider")
        values = [value for value in X_VALUES if value != 1.0]  # 1.0, the default, was computed already
        random.Random(1).shuffle(values)
        for value in itertools.cycle(values):
            attack.count(
                await client.rerun(
                    [state(slider.widget_id, "double_array_value", value)], slider.fragment_id, ATTACKER_TIMEOUT
                )
            )


async def tensors_attack(url: str, attack: Attack) -> None:
    async with connected(url) as client:
        first = await open_with(client, "tenseurs", "ctor=tensor", attack)
        area = widget(first, "valeurs", "text_area")
        typed = state(area.widget_id, "string_value", typed_list(7))
        while True:  # the same 190 kB value with every rerun, as the browser sends it
            attack.count(await client.rerun([typed], area.fragment_id, ATTACKER_TIMEOUT))


async def optimizer_attack(url: str, attack: Attack) -> None:
    async with connected(url) as client:
        first = await open_with(client, "optimiseur", query("optimiseur"), attack)
        start = widget(first, "x0", "number_input")
        for step in itertools.count(1):
            x0 = round(-1.5 + (0.01 * step) % 1.0, 2)  # within Rosenbrock's x range, a new start each time
            attack.count(
                await client.rerun([state(start.widget_id, "double_value", x0)], start.fragment_id, ATTACKER_TIMEOUT)
            )


async def training_attack(url: str, attack: Attack) -> None:
    async with connected(url) as client:
        first = await open_with(client, "boucle-entrainement", query("boucle", bug_no_train_eval="1"), attack)
        train = button(first, TRAIN_LABEL)
        while True:
            attack.count(await client.rerun([state(train.widget_id, "trigger_value", True)], "", ATTACKER_TIMEOUT))


async def flood_attack(url: str, attack: Attack) -> None:
    async with connected(url) as client:
        await client.rerun(timeout=ATTACKER_TIMEOUT)  # the home page

        async def read() -> None:
            while True:
                message = ForwardMsg()
                message.ParseFromString(await client.socket.recv())
                if (
                    message.WhichOneof("type") == "script_finished"
                    and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
                ):
                    attack.completed += 1
                elif (
                    message.WhichOneof("type") == "delta"
                    and message.delta.new_element.WhichOneof("type") == "exception"
                ):
                    attack.errors.append("exception: " + message.delta.new_element.exception.message[:100])

        reader = asyncio.create_task(read())
        request = BackMsg()
        request.rerun_script.query_string = client.query_string
        request.rerun_script.page_script_hash = client.page_hash
        payload = request.SerializeToString()
        try:
            next_send = time.perf_counter()
            while True:
                await client.socket.send(payload)
                next_send += 1 / FLOOD_PER_SECOND
                await asyncio.sleep(max(0.0, next_send - time.perf_counter()))
        finally:
            reader.cancel()
            with suppress(asyncio.CancelledError, websockets.ConnectionClosed):
                await reader


ATTACKERS: tuple[tuple[str, Callable[[str, Attack], Awaitable[None]]], ...] = (
    ("autograd: sigmoid nested 12 times, x moved at each rerun", autograd_attack),
    ("tenseurs: a typed list of 10,000 numbers (190 kB)", tensors_attack),
    ("optimiseur: 4 optimizers x 500 steps, Rosenbrock, new start each rerun", optimizer_attack),
    ("boucle-entrainement: largest training with dropout (bug lab), Entraîner", training_attack),
    (f"flood: {FLOOD_PER_SECOND} home-page rerun requests a second", flood_attack),
)


# --- One window ------------------------------------------------------------------------


@dataclass
class Window:
    name: str
    latencies: list[float]
    errors: list[str]
    attack: Attack | None
    peak_rss: float  # the server's VmHWM at the end of the window
    tree_rss: float  # the largest server + children RSS sampled during the window
    cores: float


async def sample_rss(pid: int, peak: list[float]) -> None:
    while True:
        with suppress(OSError):
            peak[0] = max(peak[0], tree_rss_mb(pid))
        await asyncio.sleep(0.1)


async def wait_quiet(pid: int) -> None:
    """Until the server (children included) uses less than QUIET_CORES: the previous
    attacker's work, stopped with its connection, is over."""
    deadline = time.perf_counter() + QUIET_MAX_SECONDS
    while time.perf_counter() < deadline:
        before = tree_cpu_seconds(pid)
        await asyncio.sleep(0.5)
        if (tree_cpu_seconds(pid) - before) / 0.5 < QUIET_CORES:
            return


async def window(server, student: Student, name: str, attacker, seconds: float) -> Window:
    pid = server.process.pid
    await wait_quiet(pid)
    attack = Attack() if attacker else None
    task = asyncio.create_task(attacker(server.url, attack)) if attacker else None
    peak = [tree_rss_mb(pid)]
    sampler = asyncio.create_task(sample_rss(pid, peak))
    cpu_before, wall_before = tree_cpu_seconds(pid), time.perf_counter()
    latencies, errors = await student.measure(seconds)
    cores = (tree_cpu_seconds(pid) - cpu_before) / (time.perf_counter() - wall_before)
    sampler.cancel()
    if task is not None and task.done():  # the attacker itself stopped early: say why
        error = task.exception()
        attack.errors.append(f"attacker stopped: {type(error).__name__}: {error}"[:160])
    elif task is not None:
        task.cancel()
        with suppress(asyncio.CancelledError, Exception):
            await task
    return Window(name, latencies, errors, attack, server.peak_rss_mb(), peak[0], cores)


async def warm_up(url: str) -> None:
    """Every attacked page opened once at its defaults: imports and the SymPy worker's
    start happen here, not in a window."""
    async with connected(url) as client:
        await client.rerun(timeout=ATTACKER_TIMEOUT)
        for path in WARM_PAGES:
            await client.open_page(path)


async def run_all(server, seconds: float) -> list[Window]:
    await warm_up(server.url)
    student = Student(server.url)
    await student.connect()
    try:
        windows = []
        for name, attacker in (("student alone (baseline)", None), *ATTACKERS):
            print(f"  hostile: {name}", file=sys.stderr, flush=True)
            windows.append(await window(server, student, name, attacker, seconds))
        return windows
    finally:
        await student.close()


def hostile_table(seconds: float = SECONDS) -> str:
    with running() as server:
        windows = asyncio.run(run_all(server, seconds))
    base_p95 = percentile(windows[0].latencies, 0.95)
    lines = [
        f"| while ({seconds:.0f} s each) | student reruns | p50 | p95 | max | p95 / baseline p95 | errors "
        "| attacker's completed reruns (after opening its page) | server peak RSS | peak RSS with children "
        "| server CPU (cores, with children) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in windows:
        ms = [value * 1000 for value in row.latencies]
        p95 = percentile(ms, 0.95)
        completed = "" if row.attack is None else str(row.attack.completed)
        lines.append(
            f"| {row.name} | {len(ms)} | {median(ms):.0f} ms | {p95:.0f} ms | {max(ms):.0f} ms "
            f"| {p95 / (base_p95 * 1000):.2f} "
            f"| {len(row.errors)} | {completed} | {row.peak_rss:.0f} MB | {row.tree_rss:.0f} MB | {row.cores:.2f} |"
        )
    worst = max(windows[1:], key=lambda row: percentile(row.latencies, 0.95))
    lines += [
        "",
        f"Worst attacker for the student: {worst.name.split(':')[0]} "
        f"(p95 {percentile(worst.latencies, 0.95) * 1000:.0f} ms, "
        f"{percentile(worst.latencies, 0.95) / base_p95:.1f}× the baseline's {base_p95 * 1000:.0f} ms; "
        f"slowest rerun {max(worst.latencies) * 1000:.0f} ms).",
    ]
    for row in windows:
        problems = row.errors[:2] + ([] if row.attack is None else row.attack.errors[:2])
        if problems:
            lines.append(
                f"{row.name.split(':')[0]}: student errors {len(row.errors)}, attacker errors "
                f"{0 if row.attack is None else len(row.attack.errors)}; first: {problems}"
            )
    moves = int(seconds / STUDENT_PERIOD)
    few_moves = (
        f" (at most {moves} moves a window: a nearest-rank p95 over so few is set by one or two long waits)"
        if moves <= 20
        else ""
    )
    lines += [
        "",
        "Each row is one window of the same student on the home page (one slider move every 0.5 s, each "
        "rerun timed from request to `script_finished`): first alone, then while one attacker sends, as fast "
        "as the server answers, the worst input of one page (typed nested function, longest typed list, "
        "largest optimizer comparison, largest training with dropout, a 100-a-second rerun flood). p95 / "
        f"baseline p95 is how much that one visitor slows an ordinary student down{few_moves}; errors are exception "
        "elements, reruns unfinished after 30 s or dropped connections; the attacker's completed reruns are "
        "those that reached `script_finished` within the window (a training click takes longer than a window, "
        "a flood's reruns are paced and mostly superseded by the next request). Memory: the server's own "
        "peak since its start (VmHWM), and the largest sum of the server's and its children's (the SymPy "
        "worker and its forks) resident memory sampled during the window; CPU counts all of them.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(hostile_table(float(sys.argv[1]) if len(sys.argv) > 1 else SECONDS))
