"""Teacher links: the page's path and its query parameters, in a stable order."""

from components.share import deep_link


def test_a_deep_link_holds_the_page_and_every_value():
    assert deep_link("optimiseur", {"lr": "0.1", "lang": "en"}, "https://cours.example") == (
        "https://cours.example/optimiseur?lang=en&lr=0.1"
    )


def test_the_home_page_and_repeated_values():
    assert deep_link("", {}, "http://localhost:8501/") == "http://localhost:8501/"
    assert deep_link("tenseurs", {"k": ["1", "2"]}, None) == "/tenseurs?k=1&k=2"


def test_values_are_url_encoded():
    assert deep_link("autograd", {"expr": "sin(x)*x**2 + 1"}, None) == "/autograd?expr=sin%28x%29%2Ax%2A%2A2+%2B+1"
