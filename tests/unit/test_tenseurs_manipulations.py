"""Tensors lesson, manipulation: every step against NumPy or hand-computed values."""

import itertools

import numpy as np
import pytest
import torch

from lessons.tenseurs import manipulations as ops
from lessons.tenseurs.core import MAX_DIMS, MAX_SIDE

SIDES = range(1, ops.BROADCAST_SIDE + 1)
# Every 2-D shape pair the broadcasting sliders offer.
BROADCAST_PAIRS = [((ra, ca), (rb, cb)) for ra, ca, rb, cb in itertools.product(SIDES, repeat=4)]
# Every shape the creation sliders offer (1 to MAX_DIMS sides of 1 to MAX_SIDE).
CREATED_SHAPES = [
    shape for dims in range(1, MAX_DIMS + 1) for shape in itertools.product(range(1, MAX_SIDE + 1), repeat=dims)
]


def test_elementwise_matches_numpy():
    tensor = torch.arange(6.0).reshape(2, 3)
    array = np.arange(6.0).reshape(2, 3)
    for op, oracle in [
        ("+", array + 2),
        ("-", array - 2),
        ("*", array * 2),
        ("/", array / 2),
        (">", array > 2),
        ("==", array == 2),
    ]:
        np.testing.assert_array_equal(ops.elementwise(tensor, op, 2.0).result.numpy(), oracle)


def test_elementwise_refusal_is_pytorchs_message():
    outcome = ops.elementwise(torch.tensor([True, False]), "-", 1.0)
    assert outcome.result is None and "bool" in outcome.error


def test_the_matmul_of_the_issue_fails_then_transposing_fixes_it():
    failing = ops.matmul_demo(2, 3, 2, 3, transpose_b=False)
    assert failing.product.result is None
    assert "2x3 and 2x3" in failing.product.error
    fixed = ops.matmul_demo(2, 3, 2, 3, transpose_b=True)
    a, b = np.arange(6.0).reshape(2, 3), np.arange(6.0).reshape(2, 3).T
    np.testing.assert_array_equal(fixed.product.result.numpy(), a @ b)  # [[5, 14], [14, 50]]
    assert fixed.product.result.tolist() == [[5.0, 14.0], [14.0, 50.0]]


@pytest.mark.parametrize(
    ("shape_a", "shape_b"), [((3, 1), (1, 4)), ((2, 3), (1, 3)), ((4, 1), (4, 2)), ((1, 1), (3, 4))]
)
def test_broadcasting_matches_numpy(shape_a, shape_b):
    demo = ops.broadcast_demo(shape_a, shape_b)
    a = np.arange(np.prod(shape_a)).reshape(shape_a)
    b = np.arange(np.prod(shape_b)).reshape(shape_b) * 10
    np.testing.assert_array_equal(demo.outcome.result.numpy(), a + b)
    np.testing.assert_array_equal(demo.a_stretched.numpy(), np.broadcast_to(a, (a + b).shape))


def test_incompatible_shapes_do_not_broadcast():
    demo = ops.broadcast_demo((3, 2), (4, 1))
    assert demo.outcome.result is None and "must match" in demo.outcome.error
    assert demo.a_copies is None


def test_copies_mark_every_repeated_cell_and_no_original():
    assert ops.copies_mask((3, 1), (3, 4)).tolist() == [[False, True, True, True]] * 3
    assert ops.copies_mask((1, 4), (3, 4)).tolist() == [[False] * 4, [True] * 4, [True] * 4]
    assert ops.copies_mask((1, 1), (2, 2)).tolist() == [[False, True], [True, True]]
    assert not ops.copies_mask((2, 2), (2, 2)).any()
    assert ops.copies_mask((4,), (3, 4)).tolist() == [[False] * 4, [True] * 4, [True] * 4]


def test_broadcasting_copies_no_memory_the_stretched_dims_have_stride_zero():
    """The page says stretching copies nothing (stride 0) and shows the stride: for every
    pair of shapes it offers, the stretched tensor reads a's own memory, with stride 0
    exactly along the dimensions where a size 1 was stretched."""
    for shape_a, shape_b in BROADCAST_PAIRS:
        demo = ops.broadcast_demo(shape_a, shape_b)
        if demo.outcome.error:
            continue
        out_shape = tuple(demo.outcome.result.shape)
        for original, stretched, shape in ((demo.a, demo.a_stretched, shape_a), (demo.b, demo.b_stretched, shape_b)):
            assert stretched.data_ptr() == original.data_ptr()
            for dim, (side, out_side) in enumerate(zip(shape, out_shape, strict=True)):
                if side == 1 and out_side > 1:
                    assert stretched.stride()[dim] == 0, (shape_a, shape_b)
                elif out_side > 1:
                    assert stretched.stride()[dim] != 0, (shape_a, shape_b)


def test_the_pale_cells_are_the_cells_whose_memory_was_already_read():
    """The "virtual copies" of the picture: walking the stretched tensor in row order, a
    cell is a copy exactly when its memory offset (index · stride) was read before."""
    for shape_a, shape_b in BROADCAST_PAIRS:
        demo = ops.broadcast_demo(shape_a, shape_b)
        if demo.outcome.error:
            continue
        for stretched, copies in ((demo.a_stretched, demo.a_copies), (demo.b_stretched, demo.b_copies)):
            seen, oracle = set(), []
            for index in itertools.product(*(range(side) for side in stretched.shape)):
                offset = sum(i * s for i, s in zip(index, stretched.stride(), strict=True))
                oracle.append(offset in seen)
                seen.add(offset)
            assert copies.reshape(-1).tolist() == oracle, (shape_a, shape_b)


def test_shapes_with_numel_all_hold_the_same_elements():
    shapes = ops.shapes_with_numel(12)
    assert (12,) in shapes and (3, 4) in shapes and (2, 3, 2) in shapes
    assert all(np.prod(shape) == 12 for shape in shapes)
    assert len(shapes) == len(set(shapes))


def test_view_fails_on_a_transposed_tensor_and_contiguous_fixes_it():
    tensor = torch.arange(6.0).reshape(2, 3)
    source, outcome = ops.shape_operation(tensor, "view", (6,), (0, 1), start_transposed=True, make_contiguous=False)
    assert not source.is_contiguous() and "view size is not compatible" in outcome.error
    source, outcome = ops.shape_operation(tensor, "view", (6,), (0, 1), start_transposed=True, make_contiguous=True)
    assert source.stride() == (2, 1)
    np.testing.assert_array_equal(outcome.result.numpy(), np.arange(6.0).reshape(2, 3).T.reshape(6))
    _, reshaped = ops.shape_operation(tensor, "reshape", (6,), (0, 1), start_transposed=True, make_contiguous=False)
    assert reshaped.result.tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]


@pytest.mark.parametrize("transposed", [False, True])
def test_view_fails_exactly_where_numpy_needs_a_copy(transposed):
    """Every tensor shape the page creates, every target it offers: view fails exactly when
    NumPy's no-copy reshape (copy=False) refuses, an independent statement of the rule."""
    for shape in CREATED_SHAPES:
        tensor = torch.arange(float(np.prod(shape))).reshape(shape)
        array = np.arange(float(np.prod(shape))).reshape(shape)
        if transposed and len(shape) >= 2:
            array = array.swapaxes(0, 1)
        for target in ops.shapes_with_numel(tensor.numel()):
            _, outcome = ops.shape_operation(tensor, "view", target, (0, 1), transposed, False)
            try:
                np.reshape(array, target, copy=False)
                numpy_views = True
            except ValueError:
                numpy_views = False
            assert (outcome.error is None) == numpy_views, (shape, transposed, target)


def test_the_shape_remarks_are_true_for_every_option():
    """What the page says under a shape operation, checked against torch for every shape it
    creates and every choice it offers."""
    for shape in CREATED_SHAPES:
        tensor = torch.arange(float(np.prod(shape))).reshape(shape)
        ndim, numel = len(shape), tensor.numel()
        pairs = [(i, j) for i in range(ndim) for j in range(i + 1, ndim)] or [(0, 0)]
        choices = [("view", target, (0, 1)) for target in ops.shapes_with_numel(numel)]
        choices += [("transpose", (numel,), pair) for pair in pairs]
        choices += [("permute", (numel,), dims) for dims in ops.permutations_of(ndim)]
        for (op, target, dims), transposed in itertools.product(choices, (False, True)):
            source, outcome = ops.shape_operation(tensor, op, target, dims, transposed and ndim >= 2, False)
            remark = ops.shape_remark(op, source, outcome)
            if remark == "view_error":  # "the source is not contiguous"
                assert not source.is_contiguous()
            elif remark == "view_ok_strided":  # "not contiguous, yet it works; ({numel},) fails"
                assert not source.is_contiguous() and outcome.result is not None
                with pytest.raises(RuntimeError):
                    source.view(numel)
            elif remark == "not_contiguous":  # "r.view(-1) would fail"
                with pytest.raises(RuntimeError):
                    outcome.result.view(-1)
            elif remark == "still_contiguous":  # "its elements follow each other in row order"
                assert outcome.result.is_contiguous()
                outcome.result.view(-1)
            else:
                assert op == "view" and source.is_contiguous() and outcome.result is not None
    # the intro's example: t of shape (2, 3), t.transpose(0, 1).view(6) fails, .view(3, 1, 2) works
    transposed = torch.arange(6.0).reshape(2, 3).transpose(0, 1)
    with pytest.raises(RuntimeError):
        transposed.view(6)
    assert transposed.view(3, 1, 2).shape == (3, 1, 2)


def test_transpose_and_permute_strides_match_numpy():
    tensor = torch.arange(24.0).reshape(2, 3, 4)
    array = np.arange(24.0).reshape(2, 3, 4)
    _, transposed = ops.shape_operation(tensor, "transpose", (), (0, 2), False, False)
    assert transposed.result.stride() == tuple(s // 8 for s in array.swapaxes(0, 2).strides)
    _, permuted = ops.shape_operation(tensor, "permute", (), (2, 0, 1), False, False)
    assert permuted.result.shape == array.transpose(2, 0, 1).shape
    assert permuted.result.stride() == tuple(s // 8 for s in array.transpose(2, 0, 1).strides)


@pytest.mark.parametrize(
    "slices",
    [(slice(1, None), slice(None, None, 2)), (slice(0, 1), slice(1, 3)), (slice(None, None, 3), slice(2, 0))],
)
def test_selection_matches_numpy_indexing(slices):
    tensor = torch.arange(20).reshape(4, 5)
    array = np.arange(20).reshape(4, 5)
    selected, mask = ops.selection(tensor, slices)
    np.testing.assert_array_equal(selected.numpy(), array[slices])
    oracle_mask = np.zeros((4, 5), dtype=bool)
    oracle_mask[slices] = True
    np.testing.assert_array_equal(mask.numpy(), oracle_mask)


def test_slice_text_writes_python():
    assert ops.slice_text((slice(1, None, 1), slice(0, None, 2))) == "t[1:, ::2]"
    assert ops.slice_text((slice(0, 2, 1),)) == "t[:2]"
    assert ops.slice_text((slice(1, 3, 3), slice(None, None))) == "t[1:3:3, :]"


@pytest.mark.parametrize("op", ops.REDUCTIONS)
@pytest.mark.parametrize("dim", [None, 0, 1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_reductions_match_numpy(op, dim, keepdim):
    tensor = torch.arange(6.0).reshape(2, 3)
    array = np.arange(6.0).reshape(2, 3)
    reduction = ops.reduce(tensor, op, dim, keepdim if dim is not None else False)
    oracle = getattr(array, op)(axis=dim, keepdims=keepdim if dim is not None else False)
    np.testing.assert_allclose(reduction.values.result.numpy(), oracle)
    if op == "max" and dim is not None:
        np.testing.assert_array_equal(reduction.indices.numpy(), array.argmax(axis=dim, keepdims=keepdim))


def test_mean_of_integers_is_refused_by_pytorch():
    reduction = ops.reduce(torch.arange(4), "mean", None, False)
    assert "floating point" in reduction.values.error


@pytest.mark.parametrize(
    ("target", "array_changes", "shared_changes", "copy_changes"),
    [("numpy", True, True, False), ("from_numpy", True, True, False), ("copy", False, False, True)],
)
def test_from_numpy_shares_memory_and_tensor_copies(target, array_changes, shared_changes, copy_changes):
    bridge = ops.numpy_bridge(target, 1, 2, 99.0)
    assert bridge.shares_memory
    assert (bridge.array[1, 2] == 99.0) == array_changes
    assert (bridge.shared[1, 2].item() == 99.0) == shared_changes
    assert (bridge.copy[1, 2].item() == 99.0) == copy_changes


def test_the_bridges_default_writes_the_first_row_second_column():
    """0-based like the code the page prints: a[0, 1] = 99.0 changes the value 1.0."""
    spec = ops.BridgeSpec()
    bridge = ops.numpy_bridge(spec.target, spec.row, spec.col, spec.value)
    assert f"{spec.written}[{spec.row}, {spec.col}]" == "a[0, 1]"
    oracle = np.arange(6, dtype=np.float32).reshape(2, 3)
    oracle[0, 1] = 99.0
    np.testing.assert_array_equal(bridge.array, oracle)


def test_mixing_devices_is_refused():
    other, message = ops.mixed_devices_error("cpu")
    assert other == ("cuda" if torch.cuda.is_available() else "meta")
    assert "device" in message


def test_timing_is_a_median_of_real_runs():
    timing = ops.time_matmul("cpu", 64, repeats=3)
    assert len(timing.runs_ms) == 3 and all(run > 0 for run in timing.runs_ms)
    assert timing.median_ms == sorted(timing.runs_ms)[1]
    assert timing.gflops == pytest.approx(2 * 64**3 / (timing.median_ms / 1000) / 1e9)
    with pytest.raises(ValueError):
        ops.time_matmul("cpu", 100_000)
