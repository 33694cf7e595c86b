"""Fair turns: a client asking for reruns faster than any person is slowed down
(components/pace.py), and a student's reruns meanwhile are not."""

import asyncio
import statistics
import time

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.protocol import ProtocolClient, connected
from components import pace

from .conftest import run_async, running_server

FLOOD_SECONDS = 4.0
FLOOD_REQUESTS_PER_SECOND = 100
STUDENT_RERUNS = 10


@pytest.fixture(scope="module")
def quiet_server(tmp_path_factory):
    """A server of its own: timings must not count other tests' sessions."""
    with running_server(tmp_path_factory) as server:
        yield server


async def student_reruns(client: ProtocolClient, count: int) -> list[float]:
    """A student rereading the home page at a human pace: the seconds of each rerun."""
    seconds = []
    for _ in range(count):
        result = await client.rerun(timeout=30)
        assert result.status is not None and not result.exceptions
        seconds.append(result.seconds)
        await asyncio.sleep(0.3)
    return seconds


async def flood(url: str, started: list[float]) -> None:
    """Rerun requests of the home page as fast as a script sends them, without waiting
    for any to finish; `started` gets the time of every run that reached the page (the
    router's set_page_config, after the pacing: Streamlit announces a new session for
    every request, but most are dropped in favour of the latest)."""
    async with connected(url) as client:
        await client.rerun()
        request = BackMsg()
        request.rerun_script.page_script_hash = client.page_hash
        payload = request.SerializeToString()

        async def count_runs() -> None:
            async for raw in client.socket:
                message = ForwardMsg()
                message.ParseFromString(raw)
                if message.WhichOneof("type") == "page_config_changed":
                    started.append(time.monotonic())

        counting = asyncio.create_task(count_runs())
        deadline = time.monotonic() + FLOOD_SECONDS
        while time.monotonic() < deadline:
            await client.socket.send(payload)
            await asyncio.sleep(1 / FLOOD_REQUESTS_PER_SECOND)
        counting.cancel()


async def alone_then_beside_a_flood(url: str) -> tuple[list[float], list[float], list[float]]:
    async with connected(url) as student:
        await student.rerun()
        alone = await student_reruns(student, STUDENT_RERUNS)
        started: list[float] = []
        flooding = asyncio.create_task(flood(url, started))
        await asyncio.sleep(0.5)  # the flood is under way
        beside = await student_reruns(student, STUDENT_RERUNS)
        await flooding
    return alone, beside, started


def test_a_flood_of_reruns_is_paced_and_the_student_beside_it_is_not(quiet_server):
    alone, beside, started = run_async(alone_then_beside_a_flood(quiet_server.url))
    allowed = pace.BURST + pace.RATE_PER_SECOND * FLOOD_SECONDS + 2  # the first load, a rounding
    print(
        f"flood: {FLOOD_SECONDS * FLOOD_REQUESTS_PER_SECOND:.0f} requests in {FLOOD_SECONDS:.0f} s, "
        f"{len(started)} script runs begun (allowed {allowed:.0f}); student rerun median "
        f"{statistics.median(alone) * 1000:.0f} ms alone, {statistics.median(beside) * 1000:.0f} ms beside it, "
        f"slowest {max(beside) * 1000:.0f} ms"
    )
    assert len(started) <= allowed
    assert statistics.median(beside) < 2 * statistics.median(alone) + 0.1
    assert max(beside) < 1.0
