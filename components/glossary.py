"""The chapter's glossary, French ↔ English, as data the pages link to.

A term's two names are the catalogues' own pair: `glossaire.term.<id>` holds the French
term in fr.toml and the English term in en.toml; `glossaire.definition.<id>` is its
one-sentence definition in each language. Each entry of the glossary page carries an
anchor, so a lesson links to `glossaire?lang=fr#taux-d-apprentissage` (relative: it
resolves next to the lesson's own address, whatever prefix the app is served under).

The page's filter is visitor text: it is only compared, as a plain substring of the
names, after a length and character check; never evaluated, never put in Markdown raw.
"""

import unicodedata
from dataclasses import dataclass

from components.i18n import LANGUAGE_KEY, translate

URL_PATH = "glossaire"  # the page's url_path (lessons/catalog.py reads it from here)
MAX_FILTER_CHARS = 40
# Besides letters and digits: what the names are written with. `(`, `<`, `;`... never
# help to find a term, and are the first signs of code pasted into the box.
FILTER_SIGNS = " -'’._"


@dataclass(frozen=True)
class Term:
    term_id: str  # locale key suffix; its anchor is the same with dashes
    page_id: str  # the page that teaches it first: its intro links here
    pytorch: str | None = None  # the PyTorch name or idiom, code shown as is in both languages

    @property
    def anchor(self) -> str:
        return self.term_id.replace("_", "-")


# In the order the chapter meets them.
TERMS = (
    Term("tenseur", "tenseurs", "torch.tensor([[1.0, 2.0], [3.0, 4.0]])"),
    Term("peripherique", "tenseurs", 'tensor.to("cuda")'),
    Term("gradient", "autograd", "x.grad"),
    Term("graphe_de_calcul", "autograd", "y.grad_fn"),
    Term("retropropagation", "autograd", "loss.backward()"),
    Term("fonction_de_cout", "fonction_de_cout", "loss = loss_fn(prediction, target)"),
    Term("erreur_quadratique_moyenne", "fonction_de_cout", "nn.MSELoss()"),
    Term("erreur_absolue_moyenne", "fonction_de_cout", "nn.L1Loss()"),
    Term("logit", "fonction_de_cout", "nn.CrossEntropyLoss()(logits, target)"),
    Term("descente_de_gradient", "optimiseur", "torch.optim.SGD(model.parameters(), lr=0.1)"),
    Term("taux_d_apprentissage", "optimiseur", "lr=0.1"),
    Term("momentum", "optimiseur", "torch.optim.SGD(params, lr=0.1, momentum=0.9)"),
    Term("epoque", "boucle_entrainement", "for epoch in range(n_epochs):"),
    Term("lot", "boucle_entrainement", "DataLoader(dataset, batch_size=32, shuffle=True)"),
    Term("exactitude", "boucle_entrainement", "(logits.argmax(dim=1) == y).float().mean()"),
)


def french(term: Term) -> str:
    return translate(f"glossaire.term.{term.term_id}", "fr")


def english(term: Term) -> str:
    return translate(f"glossaire.term.{term.term_id}", "en")


def definition(term: Term, lang: str) -> str:
    return translate(f"glossaire.definition.{term.term_id}", lang)


def terms_of_page(page_id: str) -> tuple[Term, ...]:
    return tuple(term for term in TERMS if term.page_id == page_id)


def entry_link(term: Term | None, lang: str) -> str:
    """The relative address of the glossary (at the term's entry), in `lang`."""
    return f"{URL_PATH}?{LANGUAGE_KEY}={lang}" + ("" if term is None else f"#{term.anchor}")


class FilterRefused(ValueError):
    """A refused filter: `key` names the locale message, `values` fill it."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values


def folded(text: str) -> str:
    """Case and accents set aside: "Époque" and "epoque" compare equal."""
    decomposed = unicodedata.normalize("NFD", text.replace("’", "'"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def checked_filter(text: str) -> str:
    """The filter, stripped, or FilterRefused: too long, or a character no name is written with."""
    text = text.strip()
    if len(text) > MAX_FILTER_CHARS:
        raise FilterRefused("glossaire.filter.too_long", max=MAX_FILTER_CHARS)
    refused = sorted({char for char in text if not char.isalnum() and char not in FILTER_SIGNS})
    if refused:
        raise FilterRefused("glossaire.filter.characters", characters="".join(refused[:5]))
    return text


def matching_terms(text: str) -> tuple[Term, ...]:
    """The terms whose French, English or PyTorch name contains the filter (all for an empty one)."""
    wanted = folded(checked_filter(text))
    return tuple(
        term
        for term in TERMS
        if any(wanted in folded(name) for name in (french(term), english(term), term.pytorch or ""))
    )
