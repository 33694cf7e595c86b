"""The class page, /classe: the teacher runs a session from it, the students join it
with /classe?code=ABC123 (teacher.py, student.py). Whoever holds the session's secret
in this session or this browser is its teacher; anyone else with the code, a student.
"""

import streamlit as st

from components import class_push, class_store
from components.i18n import t
from lessons.classe import student, teacher

TITLE_KEY = "classe_titre"
# Streamlit's h1 wraps "Session de classe" on two tall lines on a phone: a third of a
# 390 px screen above the question. Kept an h1 (the page's only heading of that level);
# the question's own heading shrinks with it, never larger than the title.
COMPACT_TITLE_CSS = f"""
<style>
@media (max-width: 640px) {{
  .st-key-{TITLE_KEY} h1 {{ font-size: 1.6rem; padding: 0.25rem 0; }}
  [data-testid="stMain"] :is(h2, h3) {{ font-size: 1.3rem; }}
}}
</style>
"""


def main() -> None:
    with st.container(key=TITLE_KEY):
        st.title(t("classe.title"))
    st.html(COMPACT_TITLE_CSS)
    raw_code = st.query_params.get(class_push.CODE_PARAM)
    in_charge = class_push.current_teacher()
    if raw_code is None:
        if in_charge is not None:  # the address keeps the code: a reload finds the session again
            st.query_params[class_push.CODE_PARAM] = in_charge.join_code
            teacher.teacher_view(in_charge)
            return
        join, teach = st.columns(2, gap="large")
        with join:
            student.join_form()
        with teach:
            teacher.start_panel()
        return
    join_code = class_store.normalise_join_code(raw_code)
    if join_code is None:
        student.join_form(t("classe.join.unknown"))
    elif in_charge is not None and in_charge.join_code == join_code:
        teacher.teacher_view(in_charge)
    elif student.student_identity() is None:  # the browser's id and kept secrets come together
        student.connecting()
    elif (resumed := class_push.resume_teaching(join_code)) is not None:
        teacher.teacher_view(resumed)
    else:
        student.student_view(join_code)


main()
