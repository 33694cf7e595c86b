"""Stories on the tensors page: what a learner does, and what the page answers."""

import pytest

from components.i18n import translate
from lessons.tenseurs.core import CreateSpec, create_tensor
from lessons.tenseurs.manipulations import (
    BRIDGE_TARGETS,
    BridgeSpec,
    IndexingSpec,
    ShapeSpec,
    Steps,
    numpy_bridge,
    selection,
)
from lessons.tenseurs.snippets import lesson_script
from tests.twin_check import assert_twin_matches, run_twin

from .prediction import answer, show_without_answering

PAGE = "lessons/tenseurs/page.py"


@pytest.fixture
def tensors_page(open_app):
    def open_with(**query: str):
        return open_app(page=PAGE, **query)

    return open_with


def facts(app) -> dict[str, str]:
    """The attributes table under the tensor: {"t.shape": "(2, 3)", ...}."""
    table = app.table[0].value
    return {code.strip("`"): value for code, value in zip(table.iloc[:, 0], table.iloc[:, 1], strict=True)}


def errors(app) -> list[str]:
    return [error.value for error in app.error]


def test_create_reshape_matmul_error_and_fix(tensors_page):
    app = tensors_page()
    # Create: arange over a (2, 3) shape.
    app.selectbox(key="ctor").set_value("arange").run()
    assert facts(app)["t.shape"] == "(2, 3)" and facts(app)["t.stride()"] == "(3, 1)"
    # Reshape: view on the transpose fails, .contiguous() fixes it.
    app.selectbox(key="forme").set_value("view").run()
    app.toggle(key="depuis_t").set_value(True).run()
    assert any("`view` ne peut pas" in message for message in errors(app))
    app.toggle(key="contigu").set_value(True).run()
    assert not any("`view`" in message for message in errors(app))
    assert any("`r.shape` = `(6,)`" in block.value for block in app.markdown)
    # Matrix product: (2, 3) @ (2, 3) is refused and explained, b.T fixes it.
    show_without_answering(app, "tenseurs", "matmul_shape")  # the result waits for a prediction
    assert any("`(2, 3) @ (2, 3)` échoue\u00a0: `a` a 3 colonnes mais `b` a 2 lignes" in m for m in errors(app))
    app.toggle(key="mm_t").set_value(True).run()
    assert not any("échoue" in message for message in errors(app))
    assert any("donne `(2, 2)`" in success.value for success in app.success)
    assert not app.exception


@pytest.mark.parametrize(
    ("typed", "message_key"),
    [
        ("[[1, 2], [3]]", "tenseurs.error.ragged"),
        ("__import__('os').system('touch PWNED')", "tenseurs.error.not_a_list"),
        ("[1, 2, x]", "tenseurs.error.not_a_number"),
        ("[[[[1]]]]", "tenseurs.error.too_deep"),
        ("[" * 50_000 + "]" * 50_000, "tenseurs.error.too_deep"),
        ("[" + ", ".join(["1"] * 10_001) + "]", "tenseurs.error.too_many"),
        ("", "tenseurs.error.syntax"),
    ],
)
def test_a_bad_typed_list_is_explained_and_the_previous_tensor_stays(
    tensors_page, typed, message_key, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    app = tensors_page()
    app.text_area(key="valeurs").set_value("[[1, 2], [3, 4], [5, 6]]").run()
    assert facts(app)["t.shape"] == "(3, 2)"
    app.text_area(key="valeurs").set_value(typed).run()
    assert not app.exception
    expected = translate(message_key, "fr", max=0, element="x").split("\u00a0:")[0].split("`")[0]
    assert any(message.startswith(expected) for message in errors(app)), errors(app)
    assert facts(app)["t.shape"] == "(3, 2)"  # the last good tensor
    assert not (tmp_path / "PWNED").exists()


def test_pytorchs_own_refusal_is_shown_in_french(tensors_page):
    app = tensors_page()
    app.selectbox(key="dtype").set_value("int32").run()
    app.text_area(key="valeurs").set_value("[99999999999]").run()
    assert any(message.startswith("PyTorch refuse de créer ce tenseur") for message in errors(app))
    assert facts(app)["t.dtype"] == "torch.int32"


def test_a_shared_url_reproduces_a_random_tensor(tensors_page):
    app = tensors_page(ctor="randn", seed="3", dims="3", d0="2", d1="2", d2="2", dtype="float64")
    assert facts(app)["t.shape"] == "(2, 2, 2)" and facts(app)["t.dtype"] == "torch.float64"
    answer(app, "tenseurs", "bytes", 64.0)
    assert facts(app)["t.element_size() * t.numel()"].startswith("64 octets")
    assert not app.warning


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        (
            {"ctor": "eval", "mm_t": "peut-être", "forme_cible": "(1, 2, 3, 4)", "scalar": "inf"},
            ["ctor", "mm_t", "forme_cible", "scalar"],
        ),
        # seed is only drawn for rand and randn, so a bad one is never read here
        ({"ctor": "zeros", "d0": "99", "dims": "banana", "seed": "-1", "op": "**"}, ["d0", "dims", "op"]),
    ],
)
def test_a_bad_url_gives_notices_not_tracebacks(tensors_page, query, refused):
    app = tensors_page(**query)
    assert not app.exception
    assert sorted(warning.value.split("`")[1] for warning in app.warning) == sorted(refused)
    assert facts(app)["t.shape"] == "(2, 3)"
    assert all(len(warning.value) < 300 for warning in app.warning)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("constructor", ["zeros", "ones", "full", "arange", "linspace", "eye", "rand", "randn"])
def test_every_constructor_renders_in_both_languages(tensors_page, constructor, lang):
    app = tensors_page(lang=lang, ctor=constructor, dims="3")
    assert not app.exception and not app.warning
    expected_shape = "(2, 3)" if constructor == "eye" else "(2, 3, 2)"
    assert facts(app)["t.shape"] == expected_shape
    refused = translate("tenseurs.error.pytorch", lang, error="").split("`")[0]
    assert not any(error.value.startswith(refused) for error in app.error)


def test_the_timing_panel_measures_only_real_devices(tensors_page):
    app = tensors_page()
    [measure] = [button for button in app.button if button.label == "Mesurer"]
    measure.click().run()
    assert not app.exception
    assert any("aucun chiffre de GPU n'est inventé" in info.value for info in app.info)


def test_the_quiz_checks_bytes_and_the_matmul_shape(tensors_page):
    app = answer(tensors_page(), "tenseurs", "bytes", 24.0)  # (2, 3) float32: 6 x 4 bytes
    assert "Bonne réponse\u00a0!" in [success.value for success in app.success]
    answer(app, "tenseurs", "matmul_shape", "impossible (erreur)")  # (2, 3) @ (2, 3)
    assert [success.value for success in app.success].count("Bonne réponse\u00a0!") == 2
    answer(app, "tenseurs", "selection", 1.0)  # t[1:, ::2] of a (2, 3) tensor takes 2
    assert "Pas tout à fait. Réponse de PyTorch\u00a0: 2." in [error.value for error in app.error]
    answer(app, "tenseurs", "bytes_converted", 48.0)  # t.to(torch.float64): 6 x 8 bytes
    assert [success.value for success in app.success].count("Bonne réponse\u00a0!") == 3


def test_the_code_twin_prints_what_the_page_shows(tensors_page):
    app = tensors_page(ctor="tensor", op="*", scalar="3.0", mm_t="true", forme="transpose")
    app.text_area(key="valeurs").set_value("[[1, -2, 3], [4, 5, 6.5]]").run()
    show_without_answering(app, "tenseurs", "bytes")  # the bytes row waits for a prediction
    [script] = [block.value for block in app.code if block.value.startswith('"""')]
    shown = facts(app)
    tensor = create_tensor(CreateSpec(literal="[[1, -2, 3], [4, 5, 6.5]]"))
    assert_twin_matches(
        script,
        {
            "t.shape": shown["t.shape"],
            "t.dtype": shown["t.dtype"],
            "t.numel()": float(shown["t.numel()"]),
            "t.element_size() * t.numel()": float(shown["t.element_size() * t.numel()"].split()[0]),
            "t.stride()": shown["t.stride()"],
            "t.is_contiguous()": shown["t.is_contiguous()"],
            "t * 3.0": str((tensor * 3.0).tolist()),
            "a @ b": "[[5.0, 14.0], [14.0, 50.0]]",
            "t[1:, ::2]": str(selection(tensor, IndexingSpec().slice_objects())[0].tolist()),
            "t.sum()": str(tensor.sum().tolist()),
            # the page's default bridge writes a[0, 1] = 99.0, so shared sees it and copy does not
            "a": "[[0.0, 99.0, 2.0], [3.0, 4.0, 5.0]]",
            "shared": "[[0.0, 99.0, 2.0], [3.0, 4.0, 5.0]]",
            "copy": "[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]",
        },
    )


def test_the_numpy_bridge_code_and_its_twin_write_what_the_sliders_say(tensors_page):
    """The reviewer saw sliders counting from 1 beside `a[0, 1]`, and a twin writing
    shared[0,0]=100 while the page wrote 99 at [0, 1]."""
    app = tensors_page()
    assert (app.slider(key="pont_l").min, app.slider(key="pont_c").min) == (0, 0)
    assert (app.slider(key="pont_l").max, app.slider(key="pont_c").max) == (1, 2)
    app.selectbox(key="pont").set_value("from_numpy")
    app.slider(key="pont_l").set_value(1)
    app.slider(key="pont_c").set_value(2)
    app.number_input(key="pont_v").set_value(-7.5).run()
    codes = [block.value for block in app.code]
    assert any(code.endswith("\nshared[1, 2] = -7.5") for code in codes), codes
    [script] = [code for code in codes if code.startswith('"""')]
    assert "\nshared[1, 2] = -7.5\n" in script


@pytest.mark.parametrize("target", BRIDGE_TARGETS)
def test_the_bridge_twin_prints_the_arrays_the_page_draws(target):
    spec = BridgeSpec(target, 1, 2, -7.5)
    bridge = numpy_bridge(spec.target, spec.row, spec.col, spec.value)
    printed = run_twin(lesson_script(CreateSpec(), Steps(bridge=spec), "fr"))
    assert printed["a"] == str(bridge.array.tolist())
    assert printed["shared"] == str(bridge.shared.tolist())
    assert printed["copy"] == str(bridge.copy.tolist())


def test_the_code_twin_reports_pytorchs_errors_too():
    printed = run_twin(lesson_script(CreateSpec(), Steps(shape=ShapeSpec(op="view", start_transposed=True)), "en"))
    assert printed["a @ b"].startswith("RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)")
    assert printed["s.view(6,)"].startswith("RuntimeError: view size is not compatible")


def test_a_learner_shrinks_a_side_and_the_indexing_sliders_follow(tensors_page):
    """The "fin" slider of a side kept 3 when the side became 1: Streamlit refused it and
    the rest of the page was lost behind the friendly error (found by a review)."""
    app = tensors_page(ctor="rand")
    for side in (2, 1):
        app.slider(key="d1").set_value(side).run()
        assert not any(translate("error.unexpected", "fr") in message for message in errors(app))
        assert app.slider(key="i1_fin").value == side and app.slider(key="i1_fin").max == side
    assert app.code, "the code twin, after the indexing section, is still drawn"


def test_broadcasting_shows_the_zero_stride_and_view_says_when_it_works(tensors_page):
    """Found by a review: "no copy in memory" beside a legend of "copies", and "after a
    transpose view fails" while t.T.view(3, 1, 2) works."""
    app = tensors_page()
    markdown = [block.value for block in app.markdown]
    assert "`a` (3, 1) étiré, `stride()` = `(1, 0)`" in markdown  # the defaults: (3, 1) + (1, 4)
    assert "`b` (1, 4) étiré, `stride()` = `(0, 1)`" in markdown
    assert any("copies virtuelles" in caption.value for caption in app.caption)
    app.selectbox(key="forme").set_value("view")
    app.toggle(key="depuis_t").set_value(True).run()
    assert any("`view` ne peut pas" in message for message in errors(app))  # (6,) by default
    app.selectbox(key="forme_cible").set_value("(3, 1, 2)").run()
    assert not any("`view`" in message for message in errors(app))
    assert any("et pourtant `view(3, 1, 2)` réussit" in info.value for info in app.info)
    assert any("essayez `(6,)`" in info.value for info in app.info)
