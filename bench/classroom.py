"""A class of thirty: 1, 10 and 30 concurrent sessions on one server, for 60 s each.

Each session is a light websocket client (bench/protocol.py) speaking Streamlit's own protocol (the
protobuf `BackMsg`/`ForwardMsg` its frontend uses), not a browser: thirty Chromium
tabs on this 2-core machine would spend more CPU drawing than the server spends
computing, and the figure would measure the browsers. All the sessions of a level
open the app at the same moment (the table's last column: the slowest of those
first loads). Then each opens the lesson pages in turn and, on each, moves two of its
sliders to random values, sending every slider's value as the browser does (and,
like the browser, asking for a rerun of the slider's fragment only when the slider
sits in one: the lessons' experiments do). Before every action, opening a page
included, it reads for 1 to 4 s (a class at human pace; without pauses, thirty
clients measure only the server's throughput, reported below too as reruns per
second). Every rerun's latency is the time from sending the request to the server's
`script_finished`. Errors are exception elements in a page, a rerun that did not
finish in 60 s, or a dropped connection. The server's resident memory is read from
/proc at the end of each level, and its peak over the whole run.

Run alone: .venv/bin/python -m bench.classroom
"""

import asyncio
import random
import sys
import time

import websockets
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.harness import median, percentile, running
from bench.protocol import ProtocolClient, connected

LEVELS = (1, 10, 30)
SECONDS = 60.0
PAGES = ("", "tenseurs", "autograd", "fonction-de-cout", "optimiseur", "boucle-entrainement", "resume")
MOVES_PER_PAGE = 2
THINK_SECONDS = (1.0, 4.0)  # a student reads, then acts: 2.5 s between actions on average
RERUN_TIMEOUT = 60.0


class Session:
    """One visitor: a protocol client, the sliders of the page on screen, its latencies."""

    def __init__(self, client: ProtocolClient, rng: random.Random):
        self.client = client
        self.rng = rng
        self.sliders: list[Slider] = []
        self.values: dict[str, float] = {}  # every slider on screen, sent with each rerun as the browser does
        self.fragments: dict[str, str] = {}  # slider id -> the fragment drawing it ("" outside any)
        self.latencies: list[float] = []
        self.errors: list[str] = []

    async def rerun(self, widget_states=(), fragment_id: str = "") -> None:
        result = await self.client.rerun(widget_states, fragment_id, timeout=RERUN_TIMEOUT)
        self.latencies.append(result.seconds)
        self.errors += [message[:120] for message in result.exceptions]
        sliders: list[Slider] = []
        for element in result.elements:
            if element.kind == "slider" and element.proto.type == Slider.SLIDER:
                sliders.append(element.proto)
                self.fragments[element.proto.id] = element.fragment_id
        if fragment_id:  # the rest of the page was not sent again: its sliders stay
            sliders += [slider for slider in self.sliders if self.fragments.get(slider.id) != fragment_id]
        self.sliders = sliders
        self.values = {
            slider.id: self.values.get(slider.id, (list(slider.value) or list(slider.default) or [slider.min])[0])
            for slider in sliders
        }

    async def open_page(self, path: str) -> None:
        self.client.go_to(path)
        self.values = {}
        await self.rerun()

    async def move_a_slider(self) -> None:
        slider = self.rng.choice(self.sliders)
        step = slider.step or (slider.max - slider.min) / 10
        steps = max(round((slider.max - slider.min) / step), 1)
        self.values[slider.id] = min(slider.min + self.rng.randint(0, steps) * step, slider.max)
        states = []
        for widget_id, value in self.values.items():
            state = WidgetState(id=widget_id)
            state.double_array_value.data.append(value)
            states.append(state)
        await self.rerun(states, self.fragments.get(slider.id, ""))


async def visitor(url: str, seed: int, deadline: float) -> Session:
    rng = random.Random(seed)
    async with connected(url) as client:
        session = Session(client, rng)
        try:
            await session.rerun()  # the first load: the home page and the app's page list
            pages = list(PAGES)
            rng.shuffle(pages)
            while time.perf_counter() < deadline:
                for path in pages:
                    await asyncio.sleep(rng.uniform(*THINK_SECONDS))  # reads the page on screen first
                    if time.perf_counter() >= deadline:
                        break
                    await session.open_page(path)
                    for _ in range(MOVES_PER_PAGE):
                        await asyncio.sleep(rng.uniform(*THINK_SECONDS))
                        if session.sliders and time.perf_counter() < deadline:
                            await session.move_a_slider()
        except (TimeoutError, websockets.ConnectionClosed) as error:
            session.errors.append(f"{type(error).__name__}: {error}")
        return session


async def visit_every_page(url: str) -> Session:
    """One visitor opening each page once: warms the caches every class shares."""
    async with connected(url) as client:
        session = Session(client, random.Random(0))
        await session.rerun()
        for path in PAGES:
            await session.open_page(path)
        return session


async def level(url: str, count: int, seconds: float) -> list[Session]:
    deadline = time.perf_counter() + seconds
    return await asyncio.gather(*(visitor(url, seed, deadline) for seed in range(count)))


def classroom_table(seconds: float = SECONDS) -> str:
    rows = []
    with running() as server:
        idle_rss = server.rss_mb()
        warm_up = asyncio.run(visit_every_page(server.url))
        visited_rss = server.rss_mb()
        for count in LEVELS:
            print(f"  classroom: {count} sessions for {seconds:.0f} s", file=sys.stderr)
            cpu_before, wall_before = server.cpu_seconds(), time.perf_counter()
            sessions = asyncio.run(level(server.url, count, seconds))
            busy = (server.cpu_seconds() - cpu_before) / (time.perf_counter() - wall_before)
            latencies = [value * 1000 for session in sessions for value in session.latencies]
            errors = [error for session in sessions for error in session.errors]
            first_loads = [session.latencies[0] * 1000 for session in sessions if session.latencies]
            rows.append((count, latencies, errors, server.rss_mb(), busy, max(first_loads)))
        peak = server.peak_rss_mb()
    single_p95 = percentile(rows[0][1], 0.95)
    lines = [
        f"| sessions ({seconds:.0f} s each level) | reruns | p50 | p95 | p95 / 1 session | errors "
        "| server RSS after | server CPU (cores) "
        "| slowest first load (all sessions open the app at once) |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| 0 (server idle, before any session) | | | | | | {idle_rss:.0f} MB |",
        f"| 1, every page opened once (cold caches) | {len(warm_up.latencies)} "
        f"| {median([v * 1000 for v in warm_up.latencies]):.0f} ms "
        f"| {max(warm_up.latencies) * 1000:.0f} ms (max) | | {len(warm_up.errors)} | {visited_rss:.0f} MB |",
    ]
    for count, latencies, errors, rss, busy, first_load in rows:
        p95 = percentile(latencies, 0.95)
        lines.append(
            f"| {count} | {len(latencies)} | {median(latencies):.0f} ms | {p95:.0f} ms | {p95 / single_p95:.2f} "
            f"| {len(errors)} | {rss:.0f} MB | {busy:.2f} | {first_load:.0f} ms |"
        )
    last_count, last_latencies, last_errors, last_rss, *_ = rows[-1]
    per_session = (last_rss - rows[0][3]) / (last_count - 1)
    ratio = percentile(last_latencies, 0.95) / single_p95
    verdict = "met" if ratio <= 3 and not last_errors and peak <= 690 else "MISSED"
    lines += [
        "",
        f"Peak server RSS {peak:.0f} MB (limit 690 MB); about {per_session:.1f} MB per added session; "
        f"{rows[-1][0]} sessions ran {len(last_latencies) / seconds:.1f} reruns/s. "
        f"Target (p95 ≤ 3× one session's, no error, RSS ≤ 690 MB): {verdict}.",
    ]
    errors = [error for _, _, level_errors, *_ in rows for error in level_errors]
    if errors:
        lines.append(f"First errors: {errors[:3]}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(classroom_table(float(sys.argv[1]) if len(sys.argv) > 1 else SECONDS))
