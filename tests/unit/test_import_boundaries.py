"""Import boundaries: a lesson never imports another lesson, components never import lessons.

What two lessons share lives in components/; this test reads every module's imports
with `ast` (nothing is executed), relative imports included.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "lessons"
LESSON_NAMES = sorted(path.name for path in LESSONS.iterdir() if (path / "__init__.py").is_file())


def imported_modules(path: Path, root: Path = ROOT) -> list[str]:
    """The absolute dotted name of every module `path` imports, relative imports resolved."""
    package = path.relative_to(root).with_suffix("").parts[:-1]  # ("lessons", "optimiseur")
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = ".".join([*base, *([node.module] if node.module else [])])
            # `from lessons import optimiseur` imports the package named after the dot
            names += [f"{module}.{alias.name}" for alias in node.names]
    return names


def lesson_of(module: str) -> str | None:
    """The lesson package a dotted module name belongs to, or None (lessons.catalog is no lesson)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "lessons" and parts[1] in LESSON_NAMES else None


def test_the_lessons_are_found():
    assert {"optimiseur", "boucle_entrainement", "fonction_de_cout"} <= set(LESSON_NAMES)


@pytest.mark.parametrize("lesson", LESSON_NAMES)
def test_a_lesson_imports_no_other_lesson(lesson):
    crossings = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((LESSONS / lesson).glob("*.py"))
        for module in imported_modules(path)
        if lesson_of(module) not in (None, lesson)
    ]
    assert not crossings, "share it through components/ instead:\n" + "\n".join(crossings)


def test_components_never_import_lessons():
    crossings = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / "components").glob("*.py"))
        for module in imported_modules(path)
        if module == "lessons" or module.startswith("lessons.")
    ]
    assert not crossings, "\n".join(crossings)


def test_the_reader_sees_every_form_of_import(tmp_path):
    """The oracle for the reader itself: each form of import it must resolve."""
    package = tmp_path / "lessons" / "alpha"
    package.mkdir(parents=True)
    module = package / "page.py"
    module.write_text(
        "import lessons.beta.core\n"
        "from lessons.gamma import charts\n"
        "from lessons import delta\n"
        "from . import core\n"
        "from ..epsilon.core import f\n",
        encoding="utf-8",
    )
    assert imported_modules(module, root=tmp_path) == [
        "lessons.beta.core",
        "lessons.gamma.charts",
        "lessons.delta",
        "lessons.alpha.core",
        "lessons.epsilon.core.f",
    ]
