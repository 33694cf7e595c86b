"""A visitor's messages cannot fill the server's memory: `server.maxWidgetStateSize`
(.streamlit/config.toml, an undocumented Streamlit option: these tests check it keeps
working) refuses any message over 1 MB, while the longest list a learner may type on
the tensors page (200,000 characters) still goes through.

Community Cloud's smallest container has 690 MB. The server's peak resident memory is
the kernel's high-water mark (VmHWM), so no sampling can miss a peak.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import websockets
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.protocol import ProtocolClient, Rerun, connected
from components.i18n import translate
from lessons.tenseurs.core import MAX_LITERAL_CHARS

from .conftest import PEAK_RSS_MB, LiveServer, run_async, running_server

CONTAINER_MB = 690
HOSTILE_SESSIONS = 6
HOSTILE_TEXT = "x" * 20_000_000  # 20 MB into a text box
MESSAGE_TOO_BIG = 1009  # the websocket close code
TEXT_BOX = "valeurs"  # the tensors page's typed list
LEGITIMATE_SIDE = 100  # a 100 × 100 list typed into the tensors page: about 190 kB


@pytest.fixture(scope="module")
def memory_server(tmp_path_factory):
    """A server of its own: another test's pages would count in its memory."""
    with running_server(tmp_path_factory) as server:
        yield server


@asynccontextmanager
async def on_page(server: LiveServer, path: str) -> AsyncIterator[tuple[ProtocolClient, Rerun]]:
    """A client that opened `path`, and that page's first rerun."""
    async with connected(server.url) as client:
        await client.rerun()
        client.go_to(path)
        yield client, await client.rerun()


def text_box_state(page: Rerun, key: str, text: str) -> tuple[WidgetState, str]:
    """The state of the text box keyed `key`, and the fragment that draws it."""
    box = next(widget for widget in page.widgets if widget.widget_id.endswith(f"-{key}"))
    return WidgetState(id=box.widget_id, string_value=text), box.fragment_id


async def send_hostile_text(server: LiveServer) -> int | None:
    """The close code the server answers a 20 MB text box with; None if it took it."""
    async with on_page(server, "tenseurs") as (client, page):
        state, fragment_id = text_box_state(page, TEXT_BOX, HOSTILE_TEXT)
        try:
            await client.rerun([state], fragment_id, timeout=60)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        return None


async def hostile_class_then_a_learner(server: LiveServer) -> tuple[list[int | None], Rerun]:
    async with on_page(server, "tenseurs") as (learner, _):
        codes = await asyncio.gather(*(send_hostile_text(server) for _ in range(HOSTILE_SESSIONS)))
        return codes, await learner.rerun(timeout=60)


def test_six_visitors_sending_20_mb_each_are_refused_and_memory_stays_under_690_mb(memory_server):
    codes, learner_rerun = run_async(hostile_class_then_a_learner(memory_server))
    peak = memory_server.peak_rss_mb()
    PEAK_RSS_MB["6 visitors × 20 MB text"] = peak
    assert codes == [MESSAGE_TOO_BIG] * HOSTILE_SESSIONS, "each 20 MB message closes its own connection"
    assert learner_rerun.status is not None and not learner_rerun.exceptions, "a learner still gets the page"
    assert peak <= CONTAINER_MB, f"the server peaked at {peak:.0f} MB"


def legitimate_list() -> str:
    """A 100 × 100 list of 15-decimal numbers: under MAX_LITERAL_CHARS, over 185 kB."""
    rows = [
        "[" + ", ".join(f"{(row * LEGITIMATE_SIDE + column) / 10_000:.15f}" for column in range(LEGITIMATE_SIDE)) + "]"
        for row in range(LEGITIMATE_SIDE)
    ]
    return "[" + ", ".join(rows) + "]"


async def type_a_long_list(server: LiveServer, text: str) -> Rerun:
    async with on_page(server, "tenseurs") as (client, page):
        state, fragment_id = text_box_state(page, TEXT_BOX, text)
        return await client.rerun([state], fragment_id, timeout=60)


def test_the_longest_list_a_learner_may_type_still_works(memory_server):
    text = legitimate_list()
    assert 185_000 < len(text) <= MAX_LITERAL_CHARS
    result = run_async(type_a_long_list(memory_server, text))
    PEAK_RSS_MB["a 190 kB typed list"] = memory_server.peak_rss_mb()
    assert result.status is not None and not result.exceptions
    shown = result.text()
    assert translate("tenseurs.error.kept_previous", "fr") not in shown, "the list was refused"
    assert f"({LEGITIMATE_SIDE}, {LEGITIMATE_SIDE})" in shown, "t.shape of the typed list"
    assert str(LEGITIMATE_SIDE * LEGITIMATE_SIDE) in shown, "t.numel() of the typed list"
