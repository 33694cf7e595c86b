"""Tensors lesson, creation: the typed-list parser (hostile input too), constructors, facts.

The oracle is NumPy or values computed by hand, never the code under test.
"""

import math
import time

import numpy as np
import pytest
import torch

from lessons.tenseurs import core
from lessons.tenseurs.core import (
    CONSTRUCTORS,
    MAX_ELEMENTS,
    SHOWN_SIDE,
    CreateSpec,
    TensorInputError,
    create_tensor,
    dtypes_for,
    literal_shape,
    parse_tensor_literal,
    tensor_cells,
    tensor_facts,
)


def refusal(text: str) -> str:
    with pytest.raises(TensorInputError) as caught:
        parse_tensor_literal(text)
    return caught.value.key.removeprefix("tenseurs.error.")


# --- Parser -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1, 2, 3]", [1, 2, 3]),
        ("[[1, 2], [3, 4]]", [[1, 2], [3, 4]]),
        ("[[-1.5, +2e3], [True, False]]", [[-1.5, 2000.0], [True, False]]),
        ("((1, 2), (3, 4))", [[1, 2], [3, 4]]),
        ("  [[[1], [2]], [[3], [4]]]  ", [[[1], [2]], [[3], [4]]]),
    ],
)
def test_valid_lists_parse_to_the_same_numbers(text, expected):
    assert parse_tensor_literal(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[[1, 2], [3]]", "ragged"),
        ("[[1, 2], 3]", "ragged"),
        ("[[[1, 2]], [[3]]]", "ragged"),
        ("5", "not_a_list"),
        ("'abc'", "not_a_list"),
        ("[]", "empty"),
        ("[[], []]", "empty"),
        ("[1, 2", "syntax"),
        ("", "syntax"),
        ("[1, 2] [3]", "not_a_list"),  # Python reads a subscript
        ("[[[[1]]]]", "too_deep"),
        ("[1e999]", "too_large"),
        ("[" + "9" * 30 + "]", "too_large"),
        ("[-True]", "not_a_number"),
        ("[1, 'a']", "not_a_number"),
        ("[1, None]", "not_a_number"),
        ("[1, 2j]", "not_a_number"),
        ("[x]", "not_a_number"),
        ("[1 + 2]", "not_a_number"),
        ("[{1: 2}]", "not_a_number"),
    ],
)
def test_bad_lists_are_refused_with_a_reason(text, reason):
    assert refusal(text) == reason


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('touch PWNED')",
        "[__import__('os').system('touch PWNED')]",
        "[open('/etc/passwd').read()]",
        "[(lambda: 1)()]",
        "[().__class__.__bases__[0].__subclasses__()]",
        "[t.numpy()]",
        "[1, 2]; import os",
    ],
)
def test_code_is_never_run(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TensorInputError):
        parse_tensor_literal(text)
    assert not (tmp_path / "PWNED").exists()


def test_the_refused_element_is_quoted_short_and_inert():
    with pytest.raises(TensorInputError) as caught:
        parse_tensor_literal("[`x`, " + "a" * 500 + "]")
    assert caught.value.key == "tenseurs.error.syntax"
    with pytest.raises(TensorInputError) as caught:
        parse_tensor_literal("[" + "a" * 500 + "]")
    assert len(caught.value.values["element"]) <= 31


def test_very_deep_nesting_is_refused_before_parsing():
    assert refusal("[" * 100_000 + "]" * 100_000) == "too_deep"
    assert refusal("(" * 50 + "1" + ")" * 50) == "too_deep"


def test_very_long_input_is_refused():
    assert refusal("[" + "1, " * 100_000 + "1]") == "too_long"


def test_too_many_elements_are_refused():
    assert refusal("[" + ", ".join(["1"] * (MAX_ELEMENTS + 1)) + "]") == "too_many"
    assert len(parse_tensor_literal("[" + ", ".join(["1"] * MAX_ELEMENTS) + "]")) == MAX_ELEMENTS


def test_literal_shape_matches_numpy():
    values = [[[1, 2, 3], [4, 5, 6]]]
    assert literal_shape(values) == np.array(values).shape == (1, 2, 3)


# --- Constructors -------------------------------------------------------------------


@pytest.mark.parametrize("constructor", CONSTRUCTORS)
def test_every_constructor_accepts_every_dtype_it_offers(constructor):
    for dtype in dtypes_for(constructor):
        tensor = create_tensor(CreateSpec(constructor=constructor, dtype=dtype, shape=(2, 3)))
        assert str(tensor.dtype) == f"torch.{dtype}"


@pytest.mark.parametrize(
    ("spec", "oracle"),
    [
        (CreateSpec(constructor="tensor", literal="[[1, 2], [3, 4]]"), np.array([[1, 2], [3, 4]])),
        (CreateSpec(constructor="zeros", shape=(2, 3, 2)), np.zeros((2, 3, 2))),
        (CreateSpec(constructor="ones", shape=(4,)), np.ones(4)),
        (CreateSpec(constructor="full", shape=(2, 2), fill_value=-3.5), np.full((2, 2), -3.5)),
        (CreateSpec(constructor="arange", shape=(2, 3)), np.arange(6).reshape(2, 3)),
        (CreateSpec(constructor="linspace", shape=(5,), start=-1.0, end=1.0), np.linspace(-1, 1, 5)),
        (CreateSpec(constructor="eye", shape=(2, 3)), np.eye(2, 3)),
    ],
)
def test_constructors_match_numpy(spec, oracle):
    np.testing.assert_allclose(create_tensor(spec).numpy(), oracle, rtol=1e-6)


def test_random_tensors_are_reproducible_and_leave_the_global_generator_alone():
    before = torch.random.get_rng_state()
    first = create_tensor(CreateSpec(constructor="randn", shape=(3, 3), seed=42))
    again = create_tensor(CreateSpec(constructor="randn", shape=(3, 3), seed=42))
    other = create_tensor(CreateSpec(constructor="randn", shape=(3, 3), seed=43))
    assert torch.equal(first, again) and not torch.equal(first, other)
    assert torch.equal(torch.random.get_rng_state(), before)
    uniform = create_tensor(CreateSpec(constructor="rand", shape=(50,), seed=0))
    assert bool(((uniform >= 0) & (uniform < 1)).all())


def test_rand_offers_only_floating_dtypes_and_arange_no_bool():
    assert set(dtypes_for("rand")) == {"float32", "float64", "float16"}
    assert "bool" not in dtypes_for("arange") and "bool" in dtypes_for("zeros")


def test_pytorchs_own_refusal_is_reported():
    with pytest.raises(TensorInputError) as caught:
        create_tensor(CreateSpec(constructor="tensor", literal="[99999999999]", dtype="int32"))
    assert caught.value.key == "tenseurs.error.pytorch"
    assert "overflow" in caught.value.values["error"]


def test_requires_grad_only_for_floating_tensors():
    assert create_tensor(CreateSpec(requires_grad=True)).requires_grad
    assert not create_tensor(CreateSpec(requires_grad=True, dtype="int64")).requires_grad


# --- Facts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dtype", "itemsize"), [("float32", 4), ("float64", 8), ("float16", 2), ("int64", 8), ("int32", 4), ("bool", 1)]
)
def test_bytes_are_element_size_times_numel(dtype, itemsize):
    facts = tensor_facts(create_tensor(CreateSpec(constructor="ones", shape=(2, 3, 4), dtype=dtype)))
    assert facts.numel == 24
    assert facts.element_size == itemsize
    assert facts.nbytes == 24 * itemsize == np.ones((2, 3, 4), dtype=np.dtype(dtype)).nbytes


def test_strides_after_transpose_match_numpy():
    tensor = create_tensor(CreateSpec(constructor="arange", shape=(2, 3, 4), dtype="float32"))
    array = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    assert tensor_facts(tensor).stride == tuple(s // 4 for s in array.strides) == (12, 4, 1)
    transposed = tensor_facts(tensor.transpose(0, 2))
    assert transposed.stride == tuple(s // 4 for s in array.transpose(2, 1, 0).strides) == (1, 4, 12)
    assert not transposed.is_contiguous


def test_facts_describe_the_tensor():
    facts = tensor_facts(create_tensor(CreateSpec(constructor="zeros", shape=(2, 3), dtype="float64")))
    assert (facts.shape, facts.dtype, facts.device, facts.requires_grad) == ((2, 3), "float64", "cpu", False)


# --- Cells -----------------------------------------------------------------------------


def test_cells_lay_out_slices_rows_and_columns():
    frame = tensor_cells(torch.arange(12).reshape(2, 2, 3)).frame
    assert len(frame) == 12
    row = frame[(frame["slice"] == 1) & (frame["row"] == 0) & (frame["col"] == 2)].iloc[0]
    assert row["value"] == 8 and row["label"] == "8"  # t[1, 0, 2]


def test_cells_of_a_vector_and_of_booleans():
    frame = tensor_cells(torch.tensor([True, False])).frame
    assert list(frame["label"]) == ["True", "False"] and list(frame["value"]) == [1.0, 0.0]


def test_big_tensors_are_cut_for_drawing_only():
    cells = tensor_cells(torch.zeros(40, 40))
    assert cells.truncated and len(cells.frame) == SHOWN_SIDE**2
    assert not tensor_cells(torch.zeros(3, 3)).truncated


def test_marks_follow_the_cells():
    mark = torch.tensor([[True, False], [False, True]])
    frame = tensor_cells(torch.zeros(2, 2), mark).frame
    assert list(frame["mark"]) == [True, False, False, True]
    assert math.isclose(frame["value"].sum(), 0.0)


def test_a_long_list_is_parsed_once_per_text_and_callers_cannot_spoil_the_cache():
    text = "[" + ", ".join(["1.5"] * 10_000) + "]"
    start = time.perf_counter()
    first = core.parse_tensor_literal(text)
    first_seconds = time.perf_counter() - start
    first[0] = 99.0  # a caller changing its copy
    start = time.perf_counter()
    again = core.parse_tensor_literal(text)
    assert time.perf_counter() - start < first_seconds / 3
    assert again[0] == 1.5 and len(again) == 10_000


def test_too_many_commas_are_refused_before_parsing():
    text = "[" + "," * (2 * core.MAX_ELEMENTS + 1) + "]"
    with pytest.raises(core.TensorInputError) as caught:
        core.parse_tensor_literal(text)
    assert caught.value.key == "tenseurs.error.too_many"
