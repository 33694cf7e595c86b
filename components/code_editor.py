"""The exercises' code editor: Streamlit's own text area, dressed as a code editor.

Why not a component: the maintained editors (streamlit-ace, streamlit-code-editor) run
in an iframe, which AppTest cannot drive, the projector's zoom does not reach, and the
page's theme and keyboard handling stop at (README, "Design"). A text area is a real
form field: phones type in it, screen readers read it, Ctrl+Enter submits its form.
What it lacks, a small script adds (no iframe: st.html runs it in the page): Tab indents
by four spaces, Shift+Tab removes them (or leaves the field at the line's start), Enter
keeps the line's indentation (one step more after a colon), and Escape then Tab leaves
the field, so the keyboard is never trapped. Monospace, tab size and contrast come from
the CSS below, in both themes; the size stays Streamlit's, which projector mode enlarges.
"""

import streamlit as st

EDITOR_KEY_PREFIX = "exercise"  # the text areas' keys start with it: "exercise.<id>.answer"

EDITOR_CSS = """
<style>
[class*="st-key-exercise"] textarea,
[class*="st-key-exercise"] input[type="text"] {
  font-family: "Source Code Pro", ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace !important;
  line-height: 1.45;
  tab-size: 4;
  white-space: pre;
  overflow-wrap: normal;
  overflow-x: auto;
}
/* Streamlit's own hint ("Press Enter to submit form", a character count) is English only:
   the panel says it in the learner's language. */
[class*="st-key-exercise"] [data-testid="InputInstructions"] {
  display: none;
}
/* Inset: the element's container scrolls (overflow: auto) and would clip a ring drawn outside. */
[class*="st-key-exercise"] [data-testid="stTextAreaRootElement"]:focus-within {
  outline: 3px solid #1c83e1;
  outline-offset: -3px;
}
</style>
"""

# execCommand("insertText") edits as typing does: React sees the change and Ctrl+Z undoes it.
EDITOR_KEYS_JS = """
<script>
(() => {
  if (window.learnPytorchEditorKeys) return;
  window.learnPytorchEditorKeys = true;
  const INDENT = "    ";
  let released = false;  // after Escape, Tab moves the focus on, as in any form field
  document.addEventListener("keydown", (event) => {
    const area = event.target;
    if (!(area instanceof HTMLTextAreaElement) || !area.closest('[class*="st-key-exercise"]')) return;
    if (event.key === "Escape") { released = true; return; }
    if (event.key === "Shift") return;
    const wasReleased = released;
    released = false;
    if ((event.key !== "Tab" && event.key !== "Enter") || event.isComposing) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;  // Ctrl+Enter: the form's submit
    if (event.key === "Tab" && wasReleased) return;
    const { value, selectionStart: start } = area;
    const lineStart = value.lastIndexOf("\\n", start - 1) + 1;
    if (event.key === "Enter") {
      if (event.shiftKey) return;
      const line = value.slice(lineStart, start);
      const indent = line.match(/^ */)[0] + (line.trimEnd().endsWith(":") ? INDENT : "");
      document.execCommand("insertText", false, "\\n" + indent);
    } else if (event.shiftKey) {
      const removed = value.slice(lineStart, lineStart + INDENT.length).match(/^ */)[0].length;
      if (!removed) return;  // nothing to remove: Shift+Tab leaves the field
      area.setSelectionRange(lineStart, lineStart + removed);
      document.execCommand("delete");
    } else {
      document.execCommand("insertText", false, INDENT);
    }
    event.preventDefault();
  }, true);
})();
</script>
"""


def editor_support() -> None:
    """The editor's style and keys, once per page run (the script guards itself)."""
    st.html(EDITOR_CSS + EDITOR_KEYS_JS, unsafe_allow_javascript=True)


def code_editor(label: str, value: str, *, key: str, height: int, max_chars: int) -> str:
    """A monospaced, indenting text area; its value is the learner's code."""
    if not key.startswith(EDITOR_KEY_PREFIX):
        raise ValueError(f"editor keys start with {EDITOR_KEY_PREFIX!r}: the style and keys find them by it")
    return st.text_area(label, value=value, height=height, max_chars=max_chars, key=key)
