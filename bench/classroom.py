"""A class of thirty: 1, 10 and 30 concurrent sessions on one server, for 60 s each.

Each session is a light websocket client speaking Streamlit's own protocol (the
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
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Slider_pb2 import Slider

from bench.harness import median, percentile, running

LEVELS = (1, 10, 30)
SECONDS = 60.0
PAGES = ("", "tenseurs", "autograd", "fonction-de-cout", "optimiseur", "boucle-entrainement", "resume")
MOVES_PER_PAGE = 2
THINK_SECONDS = (1.0, 4.0)  # a student reads, then acts: 2.5 s between actions on average
RERUN_TIMEOUT = 60.0


class Session:
    """One visitor: a websocket, the app's pages, the sliders of the page on screen."""

    def __init__(self, socket, rng: random.Random):
        self.socket = socket
        self.rng = rng
        self.page_hashes: dict[str, str] = {}
        self.sliders: list[Slider] = []
        self.values: dict[str, float] = {}  # every slider on screen, sent with each rerun as the browser does
        self.fragments: dict[str, str] = {}  # slider id -> the fragment drawing it ("" outside any)
        self.page_hash = ""
        self.latencies: list[float] = []
        self.errors: list[str] = []

    async def rerun(self, widget_states=(), fragment_id: str = "") -> None:
        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.page_script_hash = self.page_hash
        message.rerun_script.fragment_id = fragment_id
        for state in widget_states:
            message.rerun_script.widget_states.widgets.append(state)
        sliders: list[Slider] = []
        start = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        while True:
            raw = await asyncio.wait_for(self.socket.recv(), timeout=RERUN_TIMEOUT)
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "navigation":
                self.page_hashes = {page.url_pathname: page.page_script_hash for page in forward.navigation.app_pages}
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                if element.WhichOneof("type") == "exception":
                    self.errors.append(element.exception.message[:120])
                elif element.WhichOneof("type") == "slider" and element.slider.type == Slider.SLIDER:
                    sliders.append(element.slider)
                    self.fragments[element.slider.id] = forward.delta.fragment_id
            elif kind == "script_finished":
                break
        self.latencies.append(time.perf_counter() - start)
        if fragment_id:  # the rest of the page was not sent again: its sliders stay
            sliders += [slider for slider in self.sliders if self.fragments.get(slider.id) != fragment_id]
        self.sliders = sliders
        self.values = {slider.id: self.values.get(slider.id, (list(slider.value) or list(slider.default) or [slider.min])[0]) for slider in sliders}

    async def open_page(self, path: str) -> None:
        self.page_hash = self.page_hashes.get(path, "")
        self.values = {}
        await self.rerun()

    async def move_a_slider(self) -> None:
        slider = self.rng.choice(self.sliders)
        step = slider.step or (slider.max - slider.min) / 10
        steps = max(int(round((slider.max - slider.min) / step)), 1)
        self.values[slider.id] = min(slider.min + self.rng.randint(0, steps) * step, slider.max)
        states = []
        for widget_id, value in self.values.items():
            state = BackMsg().rerun_script.widget_states.widgets.add()
            state.id = widget_id
            state.double_array_value.data.append(value)
            states.append(state)
        await self.rerun(states, self.fragments.get(slider.id, ""))


async def visitor(url: str, seed: int, deadline: float) -> Session:
    rng = random.Random(seed)
    address = url.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(address, subprotocols=["streamlit"], max_size=None) as socket:
        session = Session(socket, rng)
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
        except (asyncio.TimeoutError, websockets.ConnectionClosed) as error:
            session.errors.append(f"{type(error).__name__}: {error}")
        return session


async def visit_every_page(url: str) -> Session:
    """One visitor opening each page once: warms the caches every class shares."""
    address = url.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(address, subprotocols=["streamlit"], max_size=None) as socket:
        session = Session(socket, random.Random(0))
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
        f"| sessions ({seconds:.0f} s each level) | reruns | p50 | p95 | p95 / 1 session | errors | server RSS after | server CPU (cores) "
        "| slowest first load (all sessions open the app at once) |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| 0 (server idle, before any session) | | | | | | {idle_rss:.0f} MB |",
        f"| 1, every page opened once (cold caches) | {len(warm_up.latencies)} | {median([v * 1000 for v in warm_up.latencies]):.0f} ms "
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
