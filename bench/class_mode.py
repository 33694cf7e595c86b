"""Class mode under a class of forty: every answer counted, how soon the projector shows
it, what the server spends, on SQLite and on PostgreSQL; and what forty polling phones
cost the lesson pages.

One real `streamlit run` server per back end (bench/harness.py), its database chosen by
PYTORCH_COURSE_DATABASE_URL: a SQLite file in a temp directory, then a throwaway
PostgreSQL (tests/postgres_server.py). Every visitor is a protocol client that behaves
as the browser's frontend does (bench/browser_tab.py): its own 43-character id from its
storage component, the live fragments' timers.

1. The teacher opens /classe, clicks "Démarrer une session", opens the home page and clicks "Poser à
   la classe" under its choice question: the class page now projects the question,
   its live count redrawn every second by the server's fragment reruns.
2. Forty students open /classe?code=… at once, each in its own session, and poll every
   2 s as the page does (IDLE_SECONDS).
3. Each picks a choice and submits the form at a random instant of a 5 s window.
4. Per answer: the time from its click to the first projector refresh whose count
   includes it (answers ranked by when their submit finished: the k-th is in every
   count of k or more). Then plain SQL: exactly one row per student, each holding the
   choice that student sent; and the projector's last count is the class's size.
CPU is the server's (children included), from the students' joining to the last count;
memory, its peak resident size since it started (VmHWM, the 690 MB limit).

Then the polling overhead: bench/latency.py's measurement of lesson pages in Chromium,
on a SQLite server, with no class, then with a class of forty joined and idle (their
2 s polls and the projector's 1 s refresh running): each page's p95 against its own, and
their geometric mean against the target (at most 20 % slower). The forty clients run in
this process, on the same 2 cores as the server and Chromium: the ratio is an upper bound.

Any exception element, the app's friendly error, a rerun unfinished after 60 s, a dropped
connection or an error line in the server's log fails the bench.

Run alone: .venv/bin/python -m bench.class_mode   (about 4 minutes; an argument sets the class size)
"""

import asyncio
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from bench.browser_tab import TEXT, Tab, by_key, click, live
from bench.harness import Server, chromium, median, percentile, tree_cpu_seconds
from bench.hostile import state
from bench.latency import CASES_DEFAULT, INTERACTIONS, measure
from bench.protocol import Drawn, Rerun, connected
from components.class_rules import student_key
from components.database import URL_VARIABLE
from tests.postgres_server import find_bindir, postgres_server

STUDENTS = 40
ANSWER_SECONDS = 5.0  # every student answers at a random instant of this window
IDLE_SECONDS = 6.0  # the class polls before anyone answers: three polls each
COUNT_TIMEOUT = 30.0  # after the window, the projector must have counted everyone by then
MAX_RSS_MB = 690
LATENCY_TARGET = 1.20
LATENCY_CASES = tuple(case for case in CASES_DEFAULT if case.name in ("accueil", "autograd", "optimiseur"))
LATENCY_INTERACTIONS = INTERACTIONS  # per page and condition; three pages keep the whole bench near 5 minutes
PUSHED_QUESTION = "last_grad_fn"  # the home page's choice question, under which the teacher clicks
LOG_ERROR = re.compile(r"Traceback|\bERROR\b|unexpected error on page")


def projected_count(result: Rerun) -> int | None:
    for element in result.elements:
        if element.kind == "metric" and element.proto.label == TEXT["classe.count.answers"]:
            return int(re.match(r"\d+", element.proto.body).group())
    return None


async def start_and_push(teacher: Tab) -> str:
    """The teacher's clicks: start a session, then "Poser à la classe" under the home
    page's choice question, which opens the projector on it. The join code."""
    teacher.client.go_to("classe")
    await teacher.rerun([click(by_key(await teacher.rerun(), "button", r"-classe\.start$"))])
    code = teacher.client.query_string.removeprefix("code=")
    if code not in teacher.storage["teacher"]:  # the secret reached the browser's storage
        raise RuntimeError(f"no session started: query {teacher.client.query_string!r}")
    teacher.client.go_to("")
    push = by_key(await teacher.rerun(), "button", rf"\.{PUSHED_QUESTION}\.\w+\.classe$")
    projected = await teacher.rerun([click(push)], push.fragment_id)
    if projected_count(projected) != 0 or not teacher.timers:
        raise RuntimeError(f"no live count on the projector after the push: {projected.text()[:300]}")
    return code


@dataclass
class Student:
    tab: Tab
    radio: Drawn
    submit: Drawn
    clicked: float = 0.0
    done: float = 0.0
    choice: str = ""
    status: str = ""


async def join(stack: AsyncExitStack, url: str, code: str, index: int) -> Student:
    """A phone opening the join link, /classe?code=…: the first page of its session."""
    tab = Tab(await stack.enter_async_context(connected(url)), f"student {index}")
    tab.client.go_to("classe")  # by its name: a new session knows no page hash yet
    tab.client.query_string = f"code={code}"
    page = await tab.rerun()
    submit = next(element for element in page.widgets if element.kind == "button" and element.proto.is_form_submitter)
    return Student(tab, by_key(page, "radio", r"-classe\.answer\.\d+$"), submit)


async def answer(student: Student, at: float, rng: random.Random) -> None:
    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    student.choice = rng.choice(list(student.radio.proto.options))
    choice = state(student.radio.widget_id, "string_value", student.choice)
    student.clicked = time.perf_counter()  # the click: a poll in flight on this tab delays the send, counted
    result = await student.tab.rerun([choice, click(student.submit)])
    student.done = time.perf_counter()
    student.tab.values[student.radio.widget_id] = choice  # the form's value, now committed, goes with every rerun
    student.status = next((e.proto.body for e in result.elements if e.kind == "alert"), "no message")


@dataclass
class ClassRun:
    count: int
    join_code: str = ""
    teacher: Tab | None = None
    students: list[Student] = field(default_factory=list)
    tasks: list[asyncio.Task] = field(default_factory=list)
    projected: list[tuple[float, int]] = field(default_factory=list)  # (when, count) of each projector refresh
    join_seconds: float = 0.0
    idle_cores: float = 0.0
    cpu_seconds: float = 0.0
    peak_rss: float = 0.0
    rows: int = 0  # in the database, by plain SQL
    lost: int = 0
    doubled: int = 0

    @property
    def polls(self) -> int:
        return sum(student.tab.polls for student in self.students)

    @property
    def errors(self) -> list[str]:
        tabs = [self.teacher, *(student.tab for student in self.students)]
        return [error for tab in tabs if tab is not None for error in tab.errors]

    def latencies(self) -> list[float]:
        """Per answer, seconds from its click to the first refresh counting it."""
        result = []
        for rank, student in enumerate(sorted(self.students, key=lambda student: student.done), start=1):
            shown = next((at for at, count in self.projected if count >= rank and at >= student.clicked), None)
            result.append(float("inf") if shown is None else shown - student.clicked)
        return result

    def record(self, result: Rerun) -> None:
        count = projected_count(result)
        if count is not None:
            self.projected.append((time.perf_counter(), count))


async def teach(url: str, run: ClassRun, stack: AsyncExitStack, stop: asyncio.Event) -> None:
    """The teacher's session and poll; the projector ticking until `stop`."""
    run.teacher = Tab(await stack.enter_async_context(connected(url)), "teacher")
    run.join_code = await start_and_push(run.teacher)
    run.tasks.append(asyncio.create_task(live(run.teacher, stop, run.record)))


async def gather_class(url: str, run: ClassRun, stack: AsyncExitStack, stop: asyncio.Event) -> None:
    """The whole class joining at once; every phone polling until `stop`."""
    start = time.perf_counter()
    run.students = list(await asyncio.gather(*(join(stack, url, run.join_code, i) for i in range(run.count))))
    run.join_seconds = time.perf_counter() - start
    run.tasks += [asyncio.create_task(live(student.tab, stop)) for student in run.students]


async def class_answers(server: Server, count: int, seed: int = 0) -> ClassRun:
    run, rng, pid = ClassRun(count), random.Random(seed), server.process.pid
    stop = asyncio.Event()
    async with AsyncExitStack() as stack:
        await teach(server.url, run, stack, stop)
        cpu_before = tree_cpu_seconds(pid)  # after the server's first pages, imports included: the class's own cost
        await gather_class(server.url, run, stack, stop)
        idle_before = tree_cpu_seconds(pid)
        await asyncio.sleep(IDLE_SECONDS)
        run.idle_cores = (tree_cpu_seconds(pid) - idle_before) / IDLE_SECONDS
        window = time.perf_counter()
        await asyncio.gather(*(answer(s, window + rng.uniform(0, ANSWER_SECONDS), rng) for s in run.students))
        deadline = time.perf_counter() + COUNT_TIMEOUT
        while time.perf_counter() < deadline and not (run.projected and run.projected[-1][1] >= count):
            await asyncio.sleep(0.1)
        stop.set()
        await asyncio.gather(*run.tasks)
    run.cpu_seconds = tree_cpu_seconds(pid) - cpu_before
    run.peak_rss = server.peak_rss_mb()
    return run


def stored_answers(url: str, join_code: str) -> list[tuple[str, str]]:
    """(student, answer) of every row of the session, by plain SQL."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT a.student, a.answer FROM answers a JOIN polls p ON p.id = a.poll_id "
                    "JOIN class_sessions s ON s.id = p.session_id WHERE s.join_code = :code"
                ),
                {"code": join_code},
            ).all()
    finally:
        engine.dispose()
    return [(row.student, row.answer) for row in rows]


@contextmanager
def app_server(database_url: str, log: Path):
    """The app on `database_url`; an error line in its log fails the bench."""
    previous = os.environ.get(URL_VARIABLE)
    os.environ[URL_VARIABLE] = database_url
    try:
        server = Server(log_path=log)
    finally:
        if previous is None:
            del os.environ[URL_VARIABLE]
        else:
            os.environ[URL_VARIABLE] = previous
    try:
        yield server
    finally:
        server.stop()
    errors = [line for line in log.read_text(errors="replace").splitlines() if LOG_ERROR.search(line)]
    if errors:
        raise RuntimeError(f"errors in the server's log {log}: {errors[:5]}")


def one_backend(backend: str, database_url: str, count: int, folder: Path) -> ClassRun:
    """The class on one back end; any answer lost, doubled, changed or not counted fails."""
    print(f"  class mode: {count} students answering on {backend}", file=sys.stderr, flush=True)
    with app_server(database_url, folder / f"server-{backend}.log") as server:
        run = asyncio.run(class_answers(server, count))
    stored = stored_answers(database_url, run.join_code)
    sent = {student_key(student.tab.storage["id"], run.join_code): student.choice for student in run.students}
    run.rows, run.lost, run.doubled = len(stored), len(set(sent) - set(dict(stored))), len(stored) - len(dict(stored))
    problems = run.errors + [
        f"student {index}: {student.status}"
        for index, student in enumerate(run.students)
        if student.status != TEXT["classe.status.saved"]
    ]
    if run.lost or run.doubled or run.rows != count or dict(stored) != sent:
        problems.append(f"{run.rows} rows for {count} answers: {run.lost} lost, {run.doubled} doubled")
    if not run.projected or run.projected[-1][1] != count:
        problems.append(f"the projector's last count is {run.projected[-1:]}, not {count}")
    if problems:
        raise RuntimeError(f"{backend}: {len(problems)} problems, first {problems[:5]}")
    return run


# --- the lesson pages' latency while a class polls ---------------------------------------


def pages_latency(browser, url: str) -> dict[str, list[float]]:
    return {case.name: measure(browser, url + case.path, case, LATENCY_INTERACTIONS) for case in LATENCY_CASES}


def polling_overhead(count: int, folder: Path) -> tuple[dict, dict, ClassRun, float]:
    """Latencies (ms) per page with no class, then with `count` students joined and
    polling (in a thread: Playwright's sync API holds this one); the class, and the
    server's CPU (cores) during the second measurement."""
    print(f"  class mode: lesson pages' latency, alone then with {count} polling", file=sys.stderr, flush=True)
    run, ready, done = ClassRun(count), threading.Event(), threading.Event()

    async def polling_class(url: str) -> None:
        stop = asyncio.Event()
        async with AsyncExitStack() as stack:
            try:
                await teach(url, run, stack, stop)
                await gather_class(url, run, stack, stop)
            finally:
                ready.set()
            while not done.is_set():
                await asyncio.sleep(0.2)
            stop.set()
            await asyncio.gather(*run.tasks)

    database = f"sqlite:///{folder / 'latency.sqlite3'}"
    with app_server(database, folder / "server-latency.log") as server, chromium() as browser:
        alone = pages_latency(browser, server.url)
        thread = threading.Thread(target=asyncio.run, args=(polling_class(server.url),))
        thread.start()
        ready.wait()
        try:
            if len(run.students) != count:
                raise RuntimeError(f"the class did not gather: {len(run.students)} joined, errors {run.errors[:5]}")
            before, start = tree_cpu_seconds(server.process.pid), time.perf_counter()
            polled = pages_latency(browser, server.url)
            cores = (tree_cpu_seconds(server.process.pid) - before) / (time.perf_counter() - start)
        finally:
            done.set()
            thread.join()
    if run.errors or len(run.students) != count:
        raise RuntimeError(f"the polling class failed: {len(run.students)} joined, errors {run.errors[:5]}")
    return alone, polled, run, cores


def class_mode_table(count: int = STUDENTS) -> str:
    with tempfile.TemporaryDirectory(prefix="bench-class-") as temp:
        folder = Path(temp)
        runs = {"SQLite": one_backend("SQLite", f"sqlite:///{folder / 'classe.sqlite3'}", count, folder)}
        bindir = find_bindir()
        if bindir is not None:
            with postgres_server(bindir) as url:
                runs["PostgreSQL 15"] = one_backend("PostgreSQL", url.render_as_string(False), count, folder)
        alone, polled, polling, cores = polling_overhead(count, folder)
    lines = [
        "| back end | answers: rows (lost, doubled) | projector's last count | click → projector p50 | p95 | max "
        f"| submit rerun p95 | {count} joining at once | polls | server CPU (idle class) | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for backend, run in runs.items():
        ms = [value * 1000 for value in run.latencies()]
        submits = [(student.done - student.clicked) * 1000 for student in run.students]
        lines.append(
            f"| {backend} | {run.rows} ({run.lost}, {run.doubled}) | {run.projected[-1][1]} | {median(ms):.0f} ms "
            f"| **{percentile(ms, 0.95):.0f} ms** | {max(ms):.0f} ms | {percentile(submits, 0.95):.0f} ms "
            f"| {run.join_seconds:.1f} s | {run.polls} | {run.cpu_seconds:.1f} s ({run.idle_cores:.2f} cores) "
            f"| {run.peak_rss:.0f} MB ({'≤' if run.peak_rss <= MAX_RSS_MB else 'OVER'} {MAX_RSS_MB}) |"
        )
    if bindir is None:
        lines.append("| PostgreSQL | not installed: skipped |")
    lines += [
        "",
        f"| page ({LATENCY_INTERACTIONS} interactions each) | alone: median | p95 | with {count} polling: median "
        "| p95 | p95 ratio |",
        "|---|---|---|---|---|---|",
    ]
    ratios = []
    for name in alone:
        before, after = alone[name], polled[name]
        ratios.append(percentile(after, 0.95) / percentile(before, 0.95))
        lines.append(
            f"| {name} | {median(before):.0f} ms | {percentile(before, 0.95):.0f} ms | {median(after):.0f} ms "
            f"| {percentile(after, 0.95):.0f} ms | {ratios[-1]:.2f} |"
        )
    # Each page weighs the same: pooled, the slowest page's latencies would make the whole p95.
    overall = statistics.geometric_mean(ratios)
    lines.append(
        f"| geometric mean of the pages' ratios | | | | | **{overall:.2f}** "
        f"(≤ {LATENCY_TARGET:.2f} {'met' if overall <= LATENCY_TARGET else 'MISSED'}) |"
    )
    lines += [
        "",
        f"{count} students joined by the link, polled every 2 s for {IDLE_SECONDS:.0f} s, then each answered "
        f"at a random instant of {ANSWER_SECONDS:.0f} s. Click → projector: from the student's submit to the "
        "first refresh of the teacher's page (its 1 s fragment, rendered by the server) whose count includes "
        "the answer. Rows counted by plain SQL. Server CPU (children included) from the students' joining "
        "to the last count, and while the class polled idle; peak RSS is the server's VmHWM. Latency: "
        f"bench/latency.py in Chromium, with no class, then with {count} students and the projector polling "
        f"({polling.polls} polls during it, server at {cores:.2f} cores); the polling clients run in the bench's "
        "process, on the same cores as the server and Chromium.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(class_mode_table(int(sys.argv[1]) if len(sys.argv) > 1 else STUDENTS))
