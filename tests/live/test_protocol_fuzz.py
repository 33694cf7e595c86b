"""Protocol fuzz: on every page of a real server, every widget the page draws gets, over
Streamlit's websocket protocol, values no browser would send (wrong types, indexes out
of range, NaN and infinities, malformed chart selections: tests/live/hostile_values.py).

Like the browser's, each message carries the state of many widgets: in round r every
widget on screen gets its r-th hostile value, one message per fragment (a fragment's
widgets rerun that fragment alone, the others the whole page). Then every select box
and radio goes through its options, and the widgets an option reveals (a constructor's
own inputs) get their rounds too. For every message the rerun finishes with no
exception element, no friendly error (it hides a crash: it is one), and no "unexpected
error" or traceback in the server's log; afterwards the session and a new one still
get a normal rerun. The counts are printed at the end of the run.

The class page (/classe, not in ALL_LESSONS) is fuzzed in each view: the join form; a
student's, at the link of a real session with a question on (the page waits for the
browser's id: the fuzz's click on "continue without it" lets it in); a teacher's, whose
browser reported the session's secret. Its hidden browser-storage component gets, as
its state, what no browser sends (wrong types, a huge id, a secret for another code).

The values Streamlit's own deserializers refuse before the app runs are not sent here:
tests/live/test_streamlit_rejects.py checks that they hurt only the session sending them.
"""

import base64
import json
import os
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import inspect, text
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.protocol import Drawn, ProtocolClient, Rerun, connected
from components import class_rules, class_store
from components.browser_storage import COMPONENT_KEY
from components.class_store import PollDraft
from components.database import URL_VARIABLE, make_engine
from lessons.catalog import ALL_LESSONS, CLASSE, HOME

from .conftest import FUZZ_COUNTS, FUZZ_CRASHES, LiveServer, problems, run_async
from .hostile_values import hostile_states, state, widget_kind

CHOICE_KINDS = ("selectbox", "radio")
RERUN_TIMEOUT = 20  # the heaviest page reruns in well under a second


def widget_name(widget: Drawn) -> str:
    """The widget's key when it has one (ids end with it), else its label."""
    key = widget.widget_id.rsplit("-", 1)[-1]
    return key if key != "None" else getattr(widget.proto, "label", "")[:30]


def widget_identity(widget: Drawn) -> tuple[str, str]:
    """The same widget across reruns, even when its key holds a digest of the page's
    state (a quiz's form is new for each new question)."""
    return widget.kind, re.sub(r"[0-9a-f]{8,}", "#", widget_name(widget))


@dataclass
class PageFuzz:
    """One session fuzzing one page: what is on screen, what was sent, what broke."""

    server: LiveServer
    client: ProtocolClient
    path: str
    on_screen: dict[tuple[str, str], Drawn] = field(default_factory=dict)  # identity -> latest drawing
    fuzzed: set[tuple[str, str]] = field(default_factory=set)
    values: Counter = field(default_factory=Counter)  # hostile values sent, per widget kind
    messages: int = 0
    crashes: list[str] = field(default_factory=list)

    def owned(self, widget: Drawn) -> bool:
        """The sidebar is the same on every page: its widgets are fuzzed on the home page."""
        return bool(widget_kind(widget)) and (self.path == HOME.url_path or not widget.in_sidebar)

    def new_widgets(self) -> list[Drawn]:
        fresh = [
            widget for identity, widget in self.on_screen.items() if identity not in self.fuzzed and self.owned(widget)
        ]
        self.fuzzed.update(widget_identity(widget) for widget in fresh)
        return fresh

    async def send(self, context: str, states: list[WidgetState] = (), fragment_id: str = "") -> Rerun:
        mark = self.server.log_size()
        try:
            result = await self.client.rerun(states, fragment_id, timeout=RERUN_TIMEOUT)
        except TimeoutError:
            result = Rerun()
        self.messages += 1
        self.crashes += [
            f"/{self.path} {context}: {problem}" for problem in problems(result, self.server.log_text(mark))
        ]
        if not fragment_id:  # a whole page: what is not drawn any more is gone
            self.on_screen = {}
        self.on_screen.update({widget_identity(widget): widget for widget in result.widgets})
        return result

    async def send_by_fragment(self, context: str, states: dict[tuple[str, str], tuple[str, WidgetState]]) -> None:
        """One message per fragment, each with the states of the widgets it draws. The
        whole page's goes last: it may draw the fragments anew, under new ids."""
        groups: dict[str, list[tuple[str, WidgetState]]] = {}
        for identity, labelled in states.items():
            groups.setdefault(self.on_screen[identity].fragment_id, []).append(labelled)
        for fragment_id, labelled_states in sorted(groups.items(), key=lambda group: not group[0]):
            detail = "; ".join(label for label, _ in labelled_states)
            await self.send(f"{context} [{detail[:1500]}]", [message for _, message in labelled_states], fragment_id)

    async def hostile_rounds(self, widgets: list[Drawn]) -> None:
        """Round r: every widget in `widgets` still on screen gets its r-th hostile value."""
        plans = {widget_identity(widget): hostile_states(widget) for widget in widgets}
        for round_number in range(max((len(plan) for plan in plans.values()), default=0)):
            states = {}
            for identity, plan in plans.items():
                if identity in self.on_screen:
                    kind, label, message = plan[round_number % len(plan)]
                    message.id = self.on_screen[identity].widget_id  # a quiz's id changes with its question
                    states[identity] = (f"{kind} {widget_name(self.on_screen[identity])} {label}", message)
                    self.values[kind] += 1
            await self.send_by_fragment(f"round {round_number}", states)

    async def option_tour(self) -> None:
        """Every choice widget through its options; new widgets get their hostile rounds."""
        choices = [widget for widget in self.on_screen.values() if widget.kind in CHOICE_KINDS and self.owned(widget)]
        for option in range(max((len(widget.proto.options) for widget in choices), default=0)):
            states = {}
            for identity in map(widget_identity, choices):
                drawn = self.on_screen.get(identity)
                if drawn is not None and drawn.proto.options:  # its options may have changed since (a dtype's)
                    label = drawn.proto.options[option % len(drawn.proto.options)]
                    states[identity] = (f"{widget_name(drawn)}={label}", state(drawn.widget_id, "string_value", label))
            await self.send_by_fragment(f"option {option}", states)
            while revealed := self.new_widgets():
                await self.hostile_rounds(revealed)


async def fuzz_page(
    server: LiveServer, path: str, query: str = "", prepare: Callable[[PageFuzz], Awaitable[None]] | None = None
) -> PageFuzz:
    """`query`: the link's query string; `prepare`: what the session does after its first
    load, before the page opens (the browser's report of its storage)."""
    async with connected(server.url) as client:
        fuzz = PageFuzz(server, client, path)
        await fuzz.send("first load")
        if prepare is not None:
            await prepare(fuzz)
        client.go_to(path)
        client.query_string = query
        await fuzz.send("opened")
        while revealed := fuzz.new_widgets():
            await fuzz.hostile_rounds(revealed)
        await fuzz.option_tour()
        after = await fuzz.send("a normal rerun after the fuzz")
        if not any(element.kind == "heading" for element in after.elements):
            fuzz.crashes.append(f"/{path}: the page no longer draws after the fuzz")
    async with connected(server.url) as fresh_client:
        fresh = PageFuzz(server, fresh_client, path)
        await fresh.send("a new session's first load")
        fresh_client.go_to(path)
        fresh_client.query_string = query
        await fresh.send("opened by a new session after the fuzz")
        fuzz.crashes += fresh.crashes
    return fuzz


@pytest.mark.parametrize("lesson", ALL_LESSONS, ids=lambda lesson: lesson.page_id)
def test_every_widget_survives_every_value_the_protocol_can_carry(live_server, lesson):
    fuzz = run_async(fuzz_page(live_server, lesson.url_path))
    FUZZ_COUNTS[f"/{lesson.url_path}"] = {"messages": fuzz.messages, **fuzz.values}
    FUZZ_CRASHES.extend(fuzz.crashes)
    if lesson.url_path != "resume":  # the recap page has no widget of its own
        assert fuzz.values, "the page drew no widget to fuzz"
    assert not fuzz.crashes, f"{len(fuzz.crashes)} crashes, first ones:\n" + "\n".join(fuzz.crashes[:10])


# --- the class page -----------------------------------------------------------------

TEACHER_ID = base64.urlsafe_b64encode(b"t" * 32).decode().rstrip("=")
DROP = "'; DROP TABLE answers; --"


def storage_component(fuzz: PageFuzz) -> Drawn:
    [component] = [
        element
        for element in fuzz.on_screen.values()
        if element.kind == "bidi_component" and element.widget_id.endswith(COMPONENT_KEY)
    ]
    return component


async def report_storage(fuzz: PageFuzz, context: str, report: object, raw: str | None = None) -> None:
    """The browser-storage component's state, as its script sends it: {"browser": report};
    `raw`: the JSON itself, whatever its shape."""
    state_json = json.dumps({"browser": report}) if raw is None else raw
    message = WidgetState(id=storage_component(fuzz).widget_id, json_value=state_json)
    fuzz.values["browser_storage"] += 1
    await fuzz.send(context, [message])


def class_session() -> tuple[str, str, str]:
    """A real session of the server's database, a question on: its code, secret, and
    another session's secret."""
    store = make_engine(os.environ[URL_VARIABLE])
    try:
        (session, secret), (_, other_secret) = class_store.create_session(store), class_store.create_session(store)
        draft = PollDraft("choice", "Lequel ?", choices=("a", DROP), expected="a", source="vote")
        class_store.push_poll(store, session.join_code, secret, draft)
    finally:
        store.dispose()
    return session.join_code, secret, other_secret


def hostile_reports(code: str, secret: str, other_secret: str) -> list:
    huge = "A" * 400_000  # under the project's server.maxWidgetStateSize (1 MB): a bigger one closes the socket
    return [
        None, 5, "x", [], True, huge, {"id": 5}, {"id": huge}, {"id": "A" * 42 + "="}, {"id": DROP},
        {"id": TEACHER_ID, "teacher": "x"}, {"id": TEACHER_ID, "teacher": {code: 5}},
        {"id": TEACHER_ID, "teacher": {code: other_secret}}, {"id": TEACHER_ID, "teacher": {code.lower(): secret}},
        {"id": TEACHER_ID, "teacher": {huge: secret}}, {"id": TEACHER_ID, "teacher": {code: [secret]}},
        {"id": TEACHER_ID, "teacher": {f"{n:06d}".translate(str.maketrans("01", "AB")): secret for n in range(5_000)}},
    ]  # fmt: skip


def teaching(fuzz: PageFuzz) -> bool:
    """The teacher's tools are on screen: the results' download is offered to no one else."""
    return any(element.kind == "download_button" for element in fuzz.on_screen.values())


@pytest.mark.parametrize("view", ["join", "student", "teacher"])
def test_the_class_page_survives_every_value_the_protocol_can_carry(live_server, view):
    code, secret, other_secret = class_session()

    async def storage_then_teacher(fuzz: PageFuzz) -> None:
        fuzz.client.go_to(CLASSE.url_path)
        fuzz.client.query_string = f"code={code}"
        await fuzz.send("opened at the link")
        # Not '"x"': Streamlit parses a JSON string twice and logs its own traceback (a warning) for it.
        raw_states = ["{}", '{"other": 1}', "5", "null", "[]", '{"browser": {"id": 1e999}}']
        reports = [(report, None) for report in hostile_reports(code, secret, other_secret)]
        for report, raw in [*reports, *((None, raw) for raw in raw_states)]:
            await report_storage(fuzz, f"storage {str(raw or report)[:60]}", report, raw)
            if teaching(fuzz):
                fuzz.crashes.append(f"/classe: the storage report {str(report)[:60]} made this browser the teacher")
        if view == "teacher":
            # A browser runs the component's script: it applies the app's writes (here, forgetting
            # the code a wrong secret came with) and reports the result before anything else.
            await report_storage(fuzz, "the writes applied", {"id": TEACHER_ID, "teacher": {}})
            await report_storage(fuzz, "the teacher's browser", {"id": TEACHER_ID, "teacher": {code: secret}})
            if not teaching(fuzz):
                fuzz.crashes.append("/classe: the teacher's own browser did not get the teacher's view")

    query = {"join": "", "student": f"code={code}", "teacher": f"code={code}"}[view]
    fuzz = run_async(fuzz_page(live_server, CLASSE.url_path, query, None if view == "join" else storage_then_teacher))
    FUZZ_COUNTS[f"/{CLASSE.url_path} ({view})"] = {"messages": fuzz.messages, **fuzz.values}
    FUZZ_CRASHES.extend(fuzz.crashes)
    assert sum(fuzz.values.values()) > fuzz.values["browser_storage"], "the page drew no widget to fuzz"
    assert not fuzz.crashes, f"{len(fuzz.crashes)} crashes, first ones:\n" + "\n".join(fuzz.crashes[:10])
    store = make_engine(os.environ[URL_VARIABLE])
    try:
        assert {"class_sessions", "polls", "answers", "progress"} <= set(inspect(store).get_table_names())
        with store.connect() as connection:
            stored = connection.execute(
                text(
                    "SELECT a.answer, a.nickname, p.kind, p.choices FROM answers AS a "
                    "JOIN polls AS p ON p.id = a.poll_id JOIN class_sessions AS s ON s.id = p.session_id "
                    "WHERE s.join_code = :code"
                ),
                {"code": code},
            ).all()
        for answer, nickname, kind, choices in stored:  # what the store accepts, nothing else
            assert class_store.valid_nickname(nickname), nickname
            if kind in ("choice", "vote"):
                assert answer in json.loads(choices), answer
            elif kind == "number":
                assert class_rules.parse_number(answer) is not None, answer
            else:
                assert class_rules.valid_outcome(answer), answer
    finally:
        store.dispose()
