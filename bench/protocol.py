"""A light client of Streamlit's own websocket protocol: what the browser's frontend
sends (protobuf `BackMsg`) and receives (`ForwardMsg`), with no browser.

Used by the classroom benchmark (thirty visitors on a 2-core machine) and by the live
tests, which send what no browser would: any value of any type for any widget.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pyarrow
import pyarrow.ipc
import websockets
from google.protobuf.message import Message
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

RERUN_TIMEOUT = 60.0
SIDEBAR = 1  # the first index of a delta path: 0 the main area, 1 the sidebar


@dataclass(frozen=True)
class Drawn:
    """One element a rerun sent: its kind ("slider", "exception", …), its message, the
    fragment that drew it ("" outside any), and whether it sits in the sidebar."""

    kind: str
    proto: Message
    fragment_id: str
    in_sidebar: bool = False

    @property
    def widget_id(self) -> str:
        """The widget's id, "" for an element that is not a widget."""
        return getattr(self.proto, "id", "") or ""


@dataclass
class Rerun:
    """What the server sent for one rerun request, until its script finished."""

    elements: list[Drawn] = field(default_factory=list)
    status: int | None = None  # ForwardMsg.ScriptFinishedStatus; None: it never finished
    seconds: float = 0.0
    auto_reruns: dict[str, float] = field(default_factory=dict)  # fragment id -> `run_every` seconds

    @property
    def widgets(self) -> list[Drawn]:
        return [element for element in self.elements if element.widget_id]

    @property
    def exceptions(self) -> list[str]:
        return [element.proto.message for element in self.elements if element.kind == "exception"]

    def text(self) -> str:
        """Every string of every element: markdown bodies, alert texts, labels, table cells."""
        return "\n".join(
            _table_text(element.proto) if element.kind == "table" else _strings(element.proto)
            for element in self.elements
        )


def _table_text(table: Message) -> str:
    """An st.table's cells: they travel as an Arrow IPC stream, not as text fields."""
    frame = pyarrow.ipc.open_stream(table.arrow_data.data).read_all()
    return "\n".join(str(cell) for column in frame.columns for cell in column.to_pylist())


def _strings(message: Message) -> str:
    parts = []
    for descriptor, value in message.ListFields():
        for item in value if descriptor.is_repeated else [value]:
            if isinstance(item, Message):
                parts.append(_strings(item))
            elif isinstance(item, str):
                parts.append(item)
    return "\n".join(parts)


class ProtocolClient:
    """One visitor's websocket: the app's pages, the page on screen, its reruns."""

    def __init__(self, socket):
        self.socket = socket
        self.page_hashes: dict[str, str] = {}  # url path ("" for home) -> page script hash
        self.page_hash = ""
        self.page_name = ""  # the url path a link opened, until the server names the page's hash
        self.query_string = ""

    async def rerun(
        self,
        widget_states: Iterable[WidgetState] = (),
        fragment_id: str = "",
        timeout: float = RERUN_TIMEOUT,
        auto: bool = False,
    ) -> Rerun:
        """Ask for a rerun as the browser does and read until its script finishes.

        A script that calls `st.rerun()` finishes early and runs again: the rerun is the
        last run, as on screen. `auto`: the browser's timer of an `st.fragment(run_every=…)`
        asks, not the visitor (`Rerun.auto_reruns` names those timers)."""
        message = BackMsg()
        request = message.rerun_script
        request.query_string = self.query_string
        request.page_script_hash = self.page_hash
        request.page_name = self.page_name
        request.fragment_id = fragment_id
        request.is_auto_rerun = auto
        request.widget_states.widgets.extend(widget_states)
        result = Rerun()
        start = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await asyncio.wait_for(self.socket.recv(), timeout=timeout))
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                result.elements = []
            elif kind == "page_info_changed":  # the app wrote st.query_params: the browser's address follows
                self.query_string = forward.page_info_changed.query_string
            elif kind == "navigation":
                self.page_hashes = {page.url_pathname: page.page_script_hash for page in forward.navigation.app_pages}
                self.page_hash = forward.navigation.page_script_hash  # the page on screen, as in the browser
            elif kind == "auto_rerun":
                result.auto_reruns[forward.auto_rerun.fragment_id] = forward.auto_rerun.interval
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                element_kind = element.WhichOneof("type")
                in_sidebar = list(forward.metadata.delta_path[:1]) == [SIDEBAR]
                result.elements.append(
                    Drawn(element_kind, getattr(element, element_kind), forward.delta.fragment_id, in_sidebar)
                )
            elif kind == "script_finished" and forward.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                result.status = forward.script_finished
                break
        result.seconds = time.perf_counter() - start
        return result

    def go_to(self, path: str) -> None:
        """The next rerun opens the page at url path `path` ("" for home), as a link in
        the menu does: at its defaults, with no query string."""
        self.page_hash = self.page_hashes.get(path, "")
        self.page_name = path
        self.query_string = ""

    async def open_page(self, path: str) -> Rerun:
        self.go_to(path)
        return await self.rerun()


@asynccontextmanager
async def connected(url: str, **options) -> AsyncIterator[ProtocolClient]:
    """A client of the server at `url` (http://host:port), before its first rerun."""
    address = url.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(address, subprotocols=["streamlit"], max_size=None, **options) as socket:
        yield ProtocolClient(socket)
