"""The chapter's pages in the seed's order: one place for the router, links and tests."""

from dataclasses import dataclass

from components import glossary


@dataclass(frozen=True)
class Lesson:
    page_id: str  # key prefix in the locale catalogues ("nav.<page_id>")
    script: str  # page file, registered with st.Page so AppTest can switch to it
    url_path: str  # explicit ASCII path: /optimiseur?lr=0.1; "" for the home page, served at /
    icon: str


# Streamlit serves the default page at / only (/accueil would be "Page not found").
HOME = Lesson("accueil", "lessons/accueil/page.py", "", ":material/home:")

OBJECTIVES = (
    Lesson("tenseurs", "lessons/tenseurs/page.py", "tenseurs", ":material/grid_on:"),
    Lesson("autograd", "lessons/autograd/page.py", "autograd", ":material/functions:"),
    Lesson(
        "fonction_de_cout",
        "lessons/fonction_de_cout/page.py",
        "fonction-de-cout",
        ":material/show_chart:",
    ),
    Lesson("optimiseur", "lessons/optimiseur/page.py", "optimiseur", ":material/trending_down:"),
    Lesson(
        "boucle_entrainement",
        "lessons/boucle_entrainement/page.py",
        "boucle-entrainement",
        ":material/autorenew:",
    ),
)

RECAP = Lesson("resume", "lessons/resume/page.py", "resume", ":material/summarize:")

# The chapter's words, French ↔ English: a reference page, registered after the recap.
GLOSSARY = Lesson("glossaire", "lessons/glossaire/page.py", glossary.URL_PATH, ":material/translate:")

# Class mode: a teacher's live session and the students' phones. Not a step of the
# guided path, so not in ALL_LESSONS: the router registers it in a section of its own.
CLASSE = Lesson("classe", "lessons/classe/page.py", "classe", ":material/groups:")

# Every page, in the order of the guided path (components/chapter_path.py): each page
# ends with links to its neighbours here, and the last one leads back to the first.
ALL_LESSONS = (HOME, *OBJECTIVES, RECAP, GLOSSARY)
