"""A browser tab on the app, over Streamlit's protocol (bench/protocol.py), behaving as
the frontend does where the class page depends on it:

- the storage component (components/browser_storage.py) reports the tab's own
  anonymous id, 43 characters as `crypto.getRandomValues` makes them, applies the
  writes it is given (a teacher's secret) and reports again when its state changed,
  each report asking for a full rerun; without it the class page says "Connexion…";
- every rerun carries the widget values the tab holds (the storage's state, a form's
  committed answer);
- each `st.fragment(run_every=…)` the page announces gets the browser's timer: a rerun
  of that fragment every interval, marked automatic; a tick missed while the tab waits
  for a rerun is skipped (the server would have merged it), and the timer of a fragment
  the last full run dropped sends nothing (the server ignores it and would not answer).
"""

import asyncio
import json
import re
import secrets
import time
from contextlib import suppress

import websockets
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.hostile import state
from bench.protocol import Drawn, ProtocolClient, Rerun
from components.i18n import catalogue

RERUN_TIMEOUT = 60.0
TEXT = catalogue("fr")  # the app's default language: labels and messages are found by their French text
FRIENDLY_ERROR = TEXT["error.unexpected"]  # the app's message for an unexpected failure


class Tab:
    """One browser tab: its protocol client, the id its localStorage keeps, the widget
    values it sends with every rerun, the timers of the page's live fragments."""

    def __init__(self, client: ProtocolClient, name: str):
        self.client = client
        self.name = name
        self.storage = {"id": secrets.token_urlsafe(32), "teacher": {}}  # as the component's script keeps it
        self.reported: str | None = None  # the script's `lastSent`
        self.values: dict[str, WidgetState] = {}
        self.timers: dict[str, float] = {}  # fragment id -> seconds
        self.errors: list[str] = []
        self.polls = 0  # live fragment reruns asked by the timers
        self.lock = asyncio.Lock()  # one rerun at a time on the socket: each reply read in order

    async def rerun(self, widget_states=(), fragment_id: str = "", auto: bool = False) -> Rerun | None:
        """None for a timer of a fragment the last full run dropped: the server ignores it, sends nothing."""
        async with self.lock:
            if auto and fragment_id not in self.timers:
                return None
            result = await self._rerun(widget_states, fragment_id, auto)
            for _ in range(3):  # the storage component's report asks for one more run, once per change
                if not self._storage_changed(result):
                    return result
                result = await self._rerun((), "", False)
        raise RuntimeError(f"{self.name}: the storage component never settled")

    async def _rerun(self, widget_states, fragment_id: str, auto: bool) -> Rerun:
        result = await self.client.rerun([*self.values.values(), *widget_states], fragment_id, RERUN_TIMEOUT, auto)
        self.errors += [f"{self.name}: exception: {message[:160]}" for message in result.exceptions]
        if any(element.kind == "alert" and element.proto.body == FRIENDLY_ERROR for element in result.elements):
            self.errors.append(f"{self.name}: the friendly error")
        if result.status is None:
            self.errors.append(f"{self.name}: a rerun never finished")
        fragment_run = result.status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
        self.timers = {**self.timers, **result.auto_reruns} if fragment_run else dict(result.auto_reruns)
        return result

    def _storage_changed(self, result: Rerun) -> bool:
        """What the component's script does with the `data` it was given: applies the
        writes, and sends its state when it differs from the last it sent."""
        element = next((element for element in result.elements if element.kind == "bidi_component"), None)
        if element is None:
            return False
        for write in json.loads(element.proto.json or "{}").get("writes", []):
            if isinstance(write.get("secret"), str):
                self.storage["teacher"][write["code"]] = write["secret"]
            else:
                self.storage["teacher"].pop(write.get("code"), None)
        report = json.dumps({"browser": self.storage})
        if report == self.reported:
            return False
        self.reported = report
        self.values[element.widget_id] = WidgetState(id=element.widget_id, json_value=report)
        return True


async def live(tab: Tab, stop: asyncio.Event, seen=None) -> None:
    """The browser's timers: each live fragment rerun every `run_every` seconds; `seen`
    gets each result."""
    due: dict[str, float] = {}
    while not stop.is_set():
        now = time.perf_counter()
        due = {fragment: due.get(fragment, now + interval) for fragment, interval in tab.timers.items()}
        fragment = min(due, key=due.get, default=None)
        wait = 0.1 if fragment is None else max(0.0, due[fragment] - now)
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), wait)
        if stop.is_set() or fragment is None:
            continue
        tab.polls += 1
        try:
            result = await tab.rerun(fragment_id=fragment, auto=True)
        except (TimeoutError, websockets.ConnectionClosed) as error:
            tab.errors.append(f"{tab.name}: {type(error).__name__}: {error}"[:160])
            return
        if seen is not None and result is not None:
            seen(result)
        due[fragment] = max(due[fragment] + tab.timers.get(fragment, 0.0), time.perf_counter())


def by_key(result: Rerun, kind: str, pattern: str) -> Drawn:
    """The widget of `kind` whose id (its key at the end) matches `pattern`."""
    for element in result.elements:
        if element.kind == kind and re.search(pattern, element.widget_id):
            return element
    raise LookupError(f"no {kind} matching {pattern!r} in {[element.widget_id for element in result.widgets]}")


def click(element: Drawn) -> WidgetState:
    return state(element.widget_id, "trigger_value", True)
