"""What this browser keeps between visits, without an account: an anonymous id and the
teacher's capabilities, in the browser's `localStorage` (key "pytorch-chapitre-1").

A hidden component (`st.components.v2`) reads the entry on every page load, creates it
on the first visit (32 random bytes from `crypto.getRandomValues`, base64url: 43
characters) and sends {id, teacher} back as its state: one rerun at the start of a
session, none after while nothing changes. Python never builds JavaScript or HTML from
a visitor's text: writes go down as `data` (a list of operations), which the script
applies and acknowledges by sending the new map. Whatever a browser sends is validated
before it reaches the session (`browser.id`, `browser.teacher`); anything else is ignored.

In AppTest no JavaScript runs: a test sets `session_state["browser.id"]` itself.
"""

import re

import streamlit as st

from components import progress_store, url_state

ID_KEY = "browser.id"
TEACHER_KEY = "browser.teacher"  # {join_code: teacher_secret}, as the browser keeps it
PENDING_KEY = "browser.pending"  # writes the browser has not acknowledged yet
HELD_NOTICES_KEY = "browser.held_notices"  # the URL notices of the run before the browser's report
COMPONENT_KEY = "stockage_navigateur"  # its element gets the class st-key-stockage_navigateur
MAX_TEACHER_ENTRIES = 20
JOIN_CODE = re.compile(r"[A-Z2-9]{6}")
SECRET = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)

# The module is imported once per page load (Streamlit caches it by content), so `lastSent`
# lives as long as the page: the state goes up only when it changed, else every call
# (each new `data`) would ask for one more rerun.
JS = """
const STORAGE_KEY = "pytorch-chapitre-1";
const ID = /^[A-Za-z0-9_-]{43}$/;
let lastSent = null;

function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function isMap(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function stored() {
  let entry = null;
  try {
    entry = JSON.parse(localStorage.getItem(STORAGE_KEY));
  } catch (error) {
    entry = null;  // text no version of this app wrote: start again
  }
  if (!isMap(entry) || typeof entry.id !== "string" || !ID.test(entry.id)) {
    return { id: newId(), teacher: {} };
  }
  return { id: entry.id, teacher: isMap(entry.teacher) ? entry.teacher : {} };
}

function synced(writes) {
  try {
    const entry = stored();
    for (const write of Array.isArray(writes) ? writes : []) {
      if (typeof write?.secret === "string") entry.teacher[write.code] = write.secret;
      else delete entry.teacher[write?.code];
    }
    localStorage.setItem(STORAGE_KEY, JSON.stringify(entry));
    return entry;
  } catch (error) {
    return null;  // storage refused (a locked-down browser): the progress lasts the session
  }
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  const entry = synced(data?.writes);
  if (entry !== null && JSON.stringify(entry) !== lastSent) {
    lastSent = JSON.stringify(entry);
    setStateValue("browser", entry);
  }
  // The report is sent (its rerun asked for) or needs none: a test waits for this mark,
  // then for the page to be idle, to know the visit's first rerun is behind it.
  parentElement.dataset.reported = "true";
}
"""

# Mounted in the document, not in a shadow root, so this rule reaches the element's own
# container: hidden, it takes no room and no gap between the page's elements.
CSS = f".st-key-{COMPONENT_KEY} {{ display: none !important; }}"

_storage = st.components.v2.component("pytorch_browser_storage", js=JS, css=CSS, isolate_styles=False)


def valid_teacher_map(value: object) -> dict[str, str]:
    """The well-formed entries of what a browser sent as its teacher map, at most
    MAX_TEACHER_ENTRIES of them; anything else is dropped."""
    if not isinstance(value, dict):
        return {}
    entries = {
        code: secret
        for code, secret in value.items()
        if isinstance(code, str) and isinstance(secret, str) and JOIN_CODE.fullmatch(code) and SECRET.fullmatch(secret)
    }
    return dict(list(entries.items())[:MAX_TEACHER_ENTRIES])


def applied(teacher: dict[str, str], writes: list[dict]) -> dict[str, str]:
    """The map once `writes` are applied in order: {"code", "secret"} stores, a secret of None forgets."""
    result = dict(teacher)
    for write in writes:
        result.pop(write["code"], None)  # a code stored again moves last: the newest
        if write["secret"] is not None:
            result[write["code"]] = write["secret"]
    return result


def unacknowledged(reported: dict[str, str], writes: list[dict]) -> list[dict]:
    """The writes the browser's map does not show yet: they go down again."""
    if applied(reported, writes) == reported:
        return []
    return writes


def mount_browser_storage() -> None:
    """Once per full run, by the router, before the page: mounts the hidden component and
    copies what the browser sent into the session. A write queued by a callback goes down
    in this very run; one queued later in the run, at the next full run."""
    for notice in st.session_state.pop(HELD_NOTICES_KEY, []):
        url_state.add_notice(notice)
    writes = st.session_state.get(PENDING_KEY, [])
    sent = _storage(key=COMPONENT_KEY, data={"writes": writes}, height=0, on_browser_change=_state_arrived).browser
    if not isinstance(sent, dict):
        return  # nothing from the browser yet (first run of a session, or AppTest)
    if isinstance(sent.get("id"), str) and progress_store.valid_browser_id(sent["id"]):
        st.session_state[ID_KEY] = sent["id"]
    reported = valid_teacher_map(sent.get("teacher"))
    st.session_state[PENDING_KEY] = writes = unacknowledged(reported, writes)
    st.session_state[TEACHER_KEY] = applied(reported, writes)


def _state_arrived() -> None:
    """Runs before the rerun the browser's report asks for, which the learner did not: the
    notices of the run before (a refused URL value, told once: components/url_state.py)
    would vanish with it, so they are held for `mount_browser_storage` to show again."""
    # url_state keeps its notices under this key and has no reader for them (the router shows them)
    st.session_state[HELD_NOTICES_KEY] = list(st.session_state.get(url_state._NOTICES_KEY, []))


def browser_id() -> str | None:
    return st.session_state.get(ID_KEY)


def remember_teacher(join_code: str, secret: str) -> None:
    """Keeps the capability in the session at once, and in the browser at the next mount.
    Past MAX_TEACHER_ENTRIES, the oldest entry is forgotten."""
    if not (JOIN_CODE.fullmatch(join_code) and SECRET.fullmatch(secret)):
        raise ValueError("not a join code and a teacher secret")
    others = [code for code in st.session_state.get(TEACHER_KEY, {}) if code != join_code]
    for oldest in others[: max(0, len(others) - MAX_TEACHER_ENTRIES + 1)]:
        _write(oldest, None)
    _write(join_code, secret)


def forget_teacher(join_code: str) -> None:
    if join_code in st.session_state.get(TEACHER_KEY, {}):
        _write(join_code, None)


def remembered_teacher_secret(join_code: str) -> str | None:
    return st.session_state.get(TEACHER_KEY, {}).get(join_code)


def _write(join_code: str, secret: str | None) -> None:
    write = {"code": join_code, "secret": secret}
    # A later write to the same code replaces an earlier one: the queue stays short.
    pending = [queued for queued in st.session_state.get(PENDING_KEY, []) if queued["code"] != join_code]
    st.session_state[PENDING_KEY] = [*pending, write]
    st.session_state[TEACHER_KEY] = applied(st.session_state.get(TEACHER_KEY, {}), [write])
