"""AppTest helpers: the whole app, as Streamlit runs it, without a browser."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
RUN_TIMEOUT = 60  # the first run imports torch
SWEEP_COUNTS: dict[str, int] = {}  # inputs tried per page by the hostile sweep, printed at the end


def pytest_terminal_summary(terminalreporter):
    if SWEEP_COUNTS:
        terminalreporter.section("hostile sweep: inputs tried per page")
        for page, count in sorted(SWEEP_COUNTS.items()):
            terminalreporter.write_line(f"{page:<22} {count}")


@pytest.fixture
def open_app():
    """Open the app at a URL's query parameters, e.g. open_app(lang="en", x="2.0")."""

    def open_with(page: str | None = None, **query: str) -> AppTest:
        app = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
        app.query_params.update(query)
        app.run()
        if page is not None:
            app.switch_page(page).run()
        return app

    return open_with


def texts(app: AppTest) -> str:
    """Every piece of Markdown, title and caption on the page, in one string."""
    parts = [
        element.value
        for kind in ("title", "header", "subheader", "markdown", "caption")
        for element in getattr(app, kind)
    ]
    return "\n".join(parts)
