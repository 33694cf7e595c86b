"""Values Streamlit 1.67's own deserializers fail on (tests/live/hostile_values.py
`STREAMLIT_REJECTS`: a number for a slider's list, a list for a select box's label).
They fail before any line of the app runs, when Streamlit compares the new widget
values with the old ones, so no app code can catch them, and the session that sent
one shows Streamlit's redacted error on each rerun until it reloads.

What the app can promise, and this checks: the failure is Streamlit's alone (no frame
of the project's code, no friendly error) and stays in the session that sent it (a
new session gets a clean page). The outcome of each value is printed at the end; when
a Streamlit release accepts one, move it to `HOSTILE` so the fuzz sends it.
"""

from bench.protocol import Drawn, Rerun, connected
from lessons.catalog import ALL_LESSONS

from .conftest import UPSTREAM_OUTCOMES, LiveServer, problems, project_frames, run_async
from .hostile_values import STREAMLIT_REJECTS, hostile_states, widget_kind


async def first_widget_of_each_kind(server: LiveServer) -> tuple[dict[str, str], dict[str, tuple[str, Drawn]]]:
    """The app's page hashes, and for each kind, a page and a widget of that kind on it."""
    found: dict[str, tuple[str, Drawn]] = {}
    async with connected(server.url) as client:
        await client.rerun()
        for lesson in ALL_LESSONS:
            for widget in (await client.open_page(lesson.url_path)).widgets:
                found.setdefault(widget_kind(widget), (lesson.url_path, widget))
        return client.page_hashes, found


async def send_once(
    server: LiveServer, page_hashes: dict[str, str], path: str, widget: Drawn, message
) -> tuple[Rerun, str, Rerun, str]:
    """A new session sends `message`; then another new session opens the same page."""
    results = []
    for states in ([message], []):
        async with connected(server.url) as client:
            client.page_hashes = page_hashes
            client.go_to(path)
            await client.rerun()
            mark = server.log_size()
            result = await client.rerun(states, widget.fragment_id if states else "", timeout=20)
            results += [result, server.log_text(mark)]
    return tuple(results)


async def reject_all(server: LiveServer) -> list[str]:
    page_hashes, found = await first_widget_of_each_kind(server)
    failures = []
    for kind in STREAMLIT_REJECTS:
        assert kind in found, f"no {kind} on any page: the table names a kind the app no longer draws"
        path, widget = found[kind]
        for _, label, message in hostile_states(widget, STREAMLIT_REJECTS):
            sent, sent_log, fresh, fresh_log = await send_once(server, page_hashes, path, widget, message)
            UPSTREAM_OUTCOMES.append(
                f"/{path} {kind} {label}: " + ("refused by Streamlit" if sent.exceptions else "accepted")
            )
            app_involved = [line for line in sent_log.splitlines() if "unexpected error" in line] + project_frames(
                sent_log
            )
            if app_involved or any("friendly" in problem for problem in problems(sent, "")):
                failures.append(f"/{path} {kind} {label}: the app's code took part: {app_involved[:2]}")
            failures += [
                f"/{path} a new session after {kind} {label}: {problem}" for problem in problems(fresh, fresh_log)
            ]
    return failures


def test_what_streamlit_itself_refuses_stays_in_the_session_that_sent_it(live_server):
    failures = run_async(reject_all(live_server))
    assert not failures, "\n".join(failures)
