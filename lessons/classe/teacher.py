"""The teacher's screen, made for the projector: the join code, how many students
joined, the link and QR code, the current question with the class's live count and
distribution (which may wait for the reveal), "Révéler", the next question (one met on
a lesson page, an exercise, a quick vote), the CSV, the end.

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
    markdown_literal,
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
from components.i18n import current_language, t, tn, translate
from components.projector import projector_mode
from lessons.classe import display

TEACHER_SECONDS = 1
# On a 1280 x 720 projector, what the title, the code and the count leave above the
# screen's edge: still 60 cm wide on a 3 m screen, scanned from the back of the room.
QR_PX = 260
MAX_LISTED_PROMPT = 90
HIDE_TALLY_KEY = "classe.hide_tally"
CLOSED_KEY = "classe.closed"  # the session this browser just ended: its CSV stays offered
VOTE_KEYS = ("classe.vote_prompt", "classe.vote_options")
_CLEAR_VOTE_KEY = "classe.clear_vote"  # set by a launched vote: the form starts empty next run

# Static text only, never a visitor's: the code's size and the link's breaks, by class.
JOIN_CSS = """
<style>
.st-key-classe-code [data-testid="stMetricValue"], .st-key-classe-code [data-testid="stMetricValue"] * {
  font-size: var(--classe-code-size, 3rem) !important; line-height: 1.1 !important;
  letter-spacing: 0.1em; font-family: "Source Code Pro", ui-monospace, monospace !important;
}
/* The link breaks only between its two parts, before "?code=": never inside a word. */
.st-key-classe-link { flex-wrap: wrap; gap: 0; }
.st-key-classe-link p { white-space: nowrap; font-family: "Source Code Pro", ui-monospace, monospace; }
</style>
"""
PROJECTED_CODE_CSS = "<style>.st-key-classe-code { --classe-code-size: 96px; }</style>"
# After a push: the current question (top of the page) back into view. Static text.
SCROLL_TOP_JS = """
<script>
(() => {
  const main = document.querySelector('[data-testid="stMain"]');
  for (const box of [main, main && main.parentElement, document.scrollingElement]) {
    if (box) box.scrollTo({ top: 0, behavior: "smooth" });
  }
})();
</script>
"""


def start_panel() -> None:
    st.subheader(t("classe.teach.title"), divider="gray")
    closed = st.session_state.get(CLOSED_KEY)
    if isinstance(closed, Teacher):  # closed, not gone: its answers stay until it expires
        st.success(t("classe.session.closed"), icon=":material/event_available:")
        _export_button(closed)
    st.caption(t("classe.teach.help"))
    if st.button(t("classe.teach.start"), key="classe.start", type="primary", icon=":material/co_present:"):
        st.session_state.pop(CLOSED_KEY, None)
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
    if st.session_state.pop(class_push.PUSHED_KEY, False):  # pushed from a tab below or a lesson page
        st.toast(t("classe.teach.pushed"), icon=":material/podcasts:")
        st.html(SCROLL_TOP_JS, unsafe_allow_javascript=True)
    # Read afresh, not from the class's shared cache: the teacher sees their own click at once.
    poll = class_store.current_poll(engine(), teacher.join_code)
    hidden = _tally_hidden()  # before the toggle, lower down, is drawn
    join_area, poll_area = st.columns([1, 1] if projector_mode() else [2, 3], gap="large")
    with join_area:
        _join_panel(teacher.join_code)
    with poll_area:
        _current_poll(teacher, poll, hidden)
    _next_question(teacher)
    _session_tools(teacher)


def _join_panel(join_code: str) -> None:
    link = join_link(st.context.url, join_code)
    st.html(JOIN_CSS + (PROJECTED_CODE_CSS if projector_mode() else ""))
    with st.container(key="classe-code"):
        st.metric(t("classe.teach.code"), join_code)  # st.metric writes it as text, never HTML
        _joined(join_code)
    # The QR code before the link: on a 1280 x 720 projector, the code and the QR code fit.
    st.image(
        qr_png(link),
        width=QR_PX,
        output_format="PNG",  # sharp edges: JPEG, Streamlit's choice for bytes, blurs them
        alt=t("classe.teach.qr_alt", link=link),
    )
    st.caption(t("classe.teach.qr_caption"))  # one line: an image's caption wraps at its width
    address, query = link.split("?", 1)
    with st.container(key="classe-link", horizontal=True):
        st.markdown(markdown_literal(address))  # the address as typed: no Markdown link or markup
        st.markdown(markdown_literal("?" + query))


@partial_rerun("classe", run_every=TEACHER_SECONDS)
def _joined(join_code: str) -> None:
    """How many students joined, growing as they scan the code."""
    st.markdown(f"**{tn('classe.teach.joined', class_store.joined_count(engine(), join_code))}**")


def _current_poll(teacher: Teacher, poll: Poll | None, hidden: bool) -> None:
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
    _live(teacher.join_code, poll, hidden)
    if poll.revealed:
        st.caption(t("classe.teach.next_hint"))


@partial_rerun("classe", run_every=TEACHER_SECONDS)
def _live(join_code: str, poll: Poll, hidden: bool) -> None:
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
    if hidden and not poll.revealed:  # peer instruction: the room does not follow the majority
        st.caption(t("classe.teach.tally_hidden"))
    else:
        display.show_tally(poll, tally, projecting=projector_mode())


def _tally_hidden() -> bool:
    if not isinstance(st.session_state.get(HIDE_TALLY_KEY, False), bool):
        del st.session_state[HIDE_TALLY_KEY]  # a value no browser sends: the toggle starts afresh
    return bool(st.session_state.get(HIDE_TALLY_KEY, False))


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
    for key in VOTE_KEYS:
        url_state.forget_non_text(key)
        if st.session_state.get(_CLEAR_VOTE_KEY):  # launched: the form starts empty
            st.session_state[key] = ""
    st.session_state.pop(_CLEAR_VOTE_KEY, None)
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
    if class_push.push(teacher, draft):  # a refused vote keeps its text, to be corrected
        st.session_state[_CLEAR_VOTE_KEY] = True
        st.rerun()


# --- the session --------------------------------------------------------------------


def _session_tools(teacher: Teacher) -> None:
    st.subheader(t("classe.session.title"), divider="gray")
    st.toggle(t("classe.teach.hide_tally"), key=HIDE_TALLY_KEY, help=t("classe.teach.hide_tally_help"))
    export, close = st.columns(2)
    with export:
        _export_button(teacher)
    with close, st.popover(t("classe.session.close"), icon=":material/stop_circle:"):
        st.caption(t("classe.session.close_help"))
        closing = st.button(t("classe.session.close_confirm"), key="classe.close", type="primary")
        if closing and class_push.as_teacher(teacher, class_store.close_session):
            class_push.stop_teaching(teacher)
            st.session_state[CLOSED_KEY] = teacher
            st.query_params.pop(class_push.CODE_PARAM, None)
            st.rerun()


def _export_button(teacher: Teacher) -> None:
    store, lang = engine(), current_language()  # the download is made outside the script run, when clicked
    st.download_button(
        t("classe.session.export"),
        data=lambda: _export(store, teacher, lang),  # no query on the teacher's other reruns
        file_name=f"classe_{teacher.join_code}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="classe.export",
    )
    st.caption(t("classe.session.export_help"))


def _export(store: Engine, teacher: Teacher, lang: str) -> bytes:
    """The CSV in the teacher's language, with a byte order mark so that a spreadsheet
    reads the accents; empty once the session is gone (expired and purged)."""
    try:
        rows = class_store.export_rows(store, teacher.join_code, teacher.secret)
    except class_store.NotTeacher:
        rows = []
    return export_csv(rows, lambda key: translate(key, lang)).encode("utf-8-sig")
