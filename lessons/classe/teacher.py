"""The teacher's screen, made for the projector: the join code, link and QR code, the
current question with the class's live count and distribution, "Révéler", the next
question (one met on a lesson page, an exercise, a quick vote), the CSV, the end.

Every action goes through the store with the teacher's secret (components/class_push.py);
the secret stays in the session and the browser, never in the page's text or a link.
"""

import streamlit as st
from sqlalchemy import Engine

from components import class_push, class_store, url_state
from components.class_polls import (
    MAX_VOTE_OPTION_CHARS,
    MAX_VOTE_PROMPT_CHARS,
    VOTE_OPTIONS,
    InvalidVote,
    export_csv,
    join_link,
    plain_line,
    poll_from_exercise,
    poll_from_question,
    qr_png,
    vote_draft,
)
from components.class_push import Teacher
from components.class_store import Poll
from components.database import engine
from components.fragments import partial_rerun
from components.i18n import t
from components.projector import projector_mode
from lessons.classe import display

TEACHER_SECONDS = 1
QR_PX = 260
QR_PROJECTOR_PX = 440  # a metre wide on a 3 m screen: scanned from the back of the room
MAX_LISTED_PROMPT = 90


def start_panel() -> None:
    st.subheader(t("classe.teach.title"), divider="gray")
    st.caption(t("classe.teach.help"))
    if st.button(t("classe.teach.start"), key="classe.start", type="primary", icon=":material/co_present:"):
        teacher = class_push.start_session()
        st.query_params[class_push.CODE_PARAM] = teacher.join_code
        st.rerun()


def teacher_view(teacher: Teacher) -> None:
    if class_store.open_session(engine(), teacher.join_code) is None:
        class_push.stop_teaching(teacher)
        st.query_params.pop(class_push.CODE_PARAM, None)
        st.warning(t("classe.teach.session_over"), icon=":material/event_busy:")
        start_panel()
        return
    # Read afresh, not from the class's shared cache: the teacher sees their own click at once.
    poll = class_store.current_poll(engine(), teacher.join_code)
    join_area, poll_area = st.columns([1, 1] if projector_mode() else [2, 3], gap="large")
    with join_area:
        _join_panel(teacher.join_code)
    with poll_area:
        _current_poll(teacher, poll)
    _next_question(teacher)
    _session_tools(teacher)


def _join_panel(join_code: str) -> None:
    link = join_link(st.context.url, join_code)
    st.metric(t("classe.teach.code"), join_code)
    # The QR code before the link: on a 1280 x 720 projector, the code and the QR code fit.
    st.image(
        qr_png(link),
        width=QR_PROJECTOR_PX if projector_mode() else QR_PX,
        output_format="PNG",  # sharp edges: JPEG, Streamlit's choice for bytes, blurs them
        caption=t("classe.teach.qr_caption"),
        alt=t("classe.teach.qr_alt", link=link),
    )
    st.code(link, language=None, wrap_lines=True)


def _current_poll(teacher: Teacher, poll: Poll | None) -> None:
    if poll is None:
        st.info(t("classe.teach.no_poll"), icon=":material/arrow_downward:")
        return
    st.caption(t("classe.teach.poll_number", number=poll.position))
    display.show_prompt(poll, with_choices=True)
    # "Révéler", then the answer, above the growing chart: on a 1280 x 720 projector
    # neither is pushed below the fold by the bars.
    if poll.revealed:
        display.show_reveal(poll)
    else:
        revealing = st.button(
            t("classe.teach.reveal"), key="classe.reveal", type="primary", icon=":material/visibility:"
        )
        if revealing and class_push.as_teacher(teacher, class_store.reveal, poll.poll_id):
            st.rerun()
    _live(teacher.join_code, poll)
    if poll.revealed:
        st.caption(t("classe.teach.next_hint"))


@partial_rerun("classe", run_every=TEACHER_SECONDS)
def _live(join_code: str, poll: Poll) -> None:
    """The count and the distribution, redrawn every second without reloading the page.
    The whole page is redrawn when the question moved on elsewhere: the teacher pushed
    or revealed from another tab (a lesson page's "Poser à la classe"), or on another
    server, or the session closed. Only a newer state counts: the shared read may lag
    this page's own by a second."""
    latest = class_push.shared_current_poll(join_code)
    if _newer(latest, poll) or (latest is None and class_store.current_poll(engine(), join_code) is None):
        st.rerun(scope="app")
    tally = class_store.tally(engine(), poll)  # fresh, not the class's shared read: a second sooner on the projector
    display.show_count(poll, tally)
    display.show_tally(poll, tally)


def _newer(latest: Poll | None, shown: Poll) -> bool:
    if latest is None:
        return False
    return latest.poll_id > shown.poll_id or (latest.poll_id == shown.poll_id and latest.revealed > shown.revealed)


# --- the next question --------------------------------------------------------------


def _next_question(teacher: Teacher) -> None:
    st.subheader(t("classe.next.title"), divider="gray")
    met, exercises, vote = st.tabs([t("classe.next.met"), t("classe.next.exercises"), t("classe.next.vote")])
    with met:
        _met_questions(teacher)
    with exercises:
        _exercises(teacher)
    with vote:
        _vote(teacher)


def _choose(key: str, labels: dict[str, str], label: str) -> str | None:
    """A select box over `labels`' keys. The labels are made here, in the page's
    language: a format function would run later, outside the session."""
    if st.session_state.get(key) not in (None, *labels):
        del st.session_state[key]  # a value no browser sends: the box starts afresh
    return st.selectbox(label, list(labels), key=key, format_func=labels.__getitem__)


def _push(teacher: Teacher, draft) -> None:
    if class_push.push(teacher, draft):
        st.rerun()


def _listed(page_id: str, text: str) -> str:
    text = plain_line(text).replace("`", "")
    if len(text) > MAX_LISTED_PROMPT:
        text = text[: MAX_LISTED_PROMPT - 1] + "…"
    return t("classe.next.met_label", page=t(f"nav.{page_id}"), prompt=text)


def _met_questions(teacher: Teacher) -> None:
    met = class_push.met_questions()
    if not met:
        st.info(t("classe.next.none_met"), icon=":material/menu_book:")
        return
    # The latest first: the page the teacher just left.
    labels = {source: _listed(met[source][0], met[source][1].prompt) for source in reversed(met)}
    source = _choose("classe.pick_question", labels, t("classe.next.met_pick"))
    pushed = st.button(t("classe.next.push"), key="classe.push_question", icon=":material/podcasts:")
    if source is not None and pushed:
        page_id, question = met[source]
        _push(teacher, poll_from_question(question, page_id))


def _exercises(teacher: Teacher) -> None:
    labels = {
        exercise_id: _listed(exercise.page_id, t(f"exercises.{exercise_id}.title"))
        for exercise_id, exercise in display.EXERCISES.items()
    }
    exercise_id = _choose("classe.pick_exercise", labels, t("classe.next.exercise_pick"))
    pushed = st.button(t("classe.next.push"), key="classe.push_exercise", icon=":material/podcasts:")
    if exercise_id is not None and pushed:
        exercise = display.EXERCISES[exercise_id]
        _push(teacher, poll_from_exercise(exercise, t(f"exercises.{exercise_id}.title")))


def _vote(teacher: Teacher) -> None:
    for key in ("classe.vote_prompt", "classe.vote_options"):
        url_state.forget_non_text(key)
    with st.form("classe.vote"):
        prompt = st.text_input(t("classe.vote.prompt"), max_chars=MAX_VOTE_PROMPT_CHARS, key="classe.vote_prompt")
        options = st.text_area(
            t("classe.vote.options", low=VOTE_OPTIONS[0], high=VOTE_OPTIONS[1]),
            max_chars=VOTE_OPTIONS[1] * (MAX_VOTE_OPTION_CHARS + 1) + 20,
            key="classe.vote_options",
            height=160,
        )
        sent = st.form_submit_button(t("classe.vote.submit"), icon=":material/how_to_vote:")
    if not sent:
        return
    try:
        draft = vote_draft(prompt, options)
    except InvalidVote as refused:
        st.error(t(refused.key, **refused.values), icon=":material/error:")
        return
    _push(teacher, draft)


# --- the session --------------------------------------------------------------------


def _session_tools(teacher: Teacher) -> None:
    st.subheader(t("classe.session.title"), divider="gray")
    export, close = st.columns(2)
    store = engine()  # the download is made outside the script run, when clicked
    with export:
        st.download_button(
            t("classe.session.export"),
            data=lambda: _export(store, teacher),  # no query on the teacher's other reruns
            file_name=f"classe_{teacher.join_code}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key="classe.export",
        )
    with close, st.popover(t("classe.session.close"), icon=":material/stop_circle:"):
        st.caption(t("classe.session.close_help"))
        closing = st.button(t("classe.session.close_confirm"), key="classe.close", type="primary")
        if closing and class_push.as_teacher(teacher, class_store.close_session):
            class_push.stop_teaching(teacher)
            st.query_params.pop(class_push.CODE_PARAM, None)
            st.rerun()


def _export(store: Engine, teacher: Teacher) -> bytes:
    """The CSV, with a byte order mark so that a spreadsheet reads the accents."""
    try:
        rows = class_store.export_rows(store, teacher.join_code, teacher.secret)
    except class_store.NotTeacher:
        rows = []
    return export_csv(rows).encode("utf-8-sig")
