"""Sections of the tensors page around manipulation: the questions asked before a
result, the manipulate steps, and the final quiz (NumPy and devices: memory.py).

Each step reads its widgets, calls the pure functions of manipulations.py, draws the
result or explains PyTorch's refusal, and returns its widgets' values as a spec (a
frozen dataclass); the manipulate section gathers them in one Steps record for the
code twin and the quiz. A question whose answer a step shows comes before it
(`predict_first`): the step leaves that result out until the learner has predicted.
"""

import streamlit as st
import torch

from components import url_state
from components.i18n import t, tn
from components.quiz import NumberQuestion, quiz
from lessons.tenseurs import manipulations as ops
from lessons.tenseurs.display import show_shape_and_stride, show_tensor

PAGE_ID = "tenseurs"
TIMINGS_KEY = "tenseurs.timings"


def show_error(message_key: str, pytorch_message: str, **values: object) -> None:
    """PyTorch's own words, then what they mean."""
    st.error(t(message_key, **values), icon=":material/block:")
    st.code(f"RuntimeError: {pytorch_message}", language="text", wrap_lines=True)


# --- Manipulate -----------------------------------------------------------------


def elementwise_step(tensor: torch.Tensor) -> tuple[ops.ElementwiseSpec, ops.Outcome]:
    st.markdown(t("tenseurs.elementwise.intro"))
    left, right = st.columns(2)
    with left:
        op = url_state.selectbox(t("tenseurs.elementwise.op"), ops.ELEMENTWISE_OPS, key="op")
    with right:
        operand = url_state.number_input(
            t("tenseurs.elementwise.operand"),
            key="scalar",
            min_value=-100.0,
            max_value=100.0,
            value=ops.ElementwiseSpec.operand,
        )
    expression = f"t {op} {operand!r}"
    st.code(f"r = {expression}", language="python")
    return ops.ElementwiseSpec(op, operand), ops.elementwise(tensor, op, operand)


def elementwise_result(outcome: ops.Outcome) -> None:
    if outcome.error:
        show_error("tenseurs.elementwise.error", outcome.error)
    else:
        show_tensor(outcome.result, "r")
        show_shape_and_stride(outcome.result, "r")


def matmul_step() -> tuple[ops.MatmulSpec, ops.MatmulDemo]:
    """The sizes and the code; then the question, and `matmul_result` draws `a`, `b`, `c`."""
    st.markdown(t("tenseurs.matmul.intro"))
    sides = st.columns(4)
    keys = {"m": "mm_m", "k": "mm_k", "k_b": "mm_kb", "n": "mm_n"}  # field -> widget key
    m, k, k_b, n = (
        column_slider(
            column, t(f"tenseurs.matmul.{name}"), key=key, default=getattr(ops.MatmulSpec, name), high=ops.MATMUL_SIDE
        )
        for column, (name, key) in zip(sides, keys.items(), strict=True)
    )
    transpose_b = url_state.toggle(t("tenseurs.matmul.transpose"), key="mm_t")
    demo = ops.matmul_demo(m, k, k_b, n, transpose_b)
    st.code(
        f"a = torch.arange({m * k}.).reshape({m}, {k})\n"
        f"b = torch.arange({k_b * n}.).reshape({k_b}, {n}){'.T' if transpose_b else ''}\nc = a @ b",
        language="python",
    )
    return ops.MatmulSpec(m, k, k_b, n, transpose_b), demo


def matmul_result(demo: ops.MatmulDemo, predicted: bool) -> None:
    pictures = st.columns(3)
    with pictures[0]:
        st.markdown(f"`a` {tuple(demo.a.shape)}")
        show_tensor(demo.a, "a")
    with pictures[1]:
        st.markdown(f"`b` {tuple(demo.b.shape)}")
        show_tensor(demo.b, "b")
    with pictures[2]:
        if not predicted:  # `c`'s shape, or PyTorch's refusal, answers the question
            pass
        elif demo.product.error:
            show_error(
                "tenseurs.matmul.error",
                demo.product.error,
                a_shape=tuple(demo.a.shape),
                b_shape=tuple(demo.b.shape),
                columns=demo.a.shape[1],
                rows=demo.b.shape[0],
            )
        else:
            st.markdown(f"`c = a @ b` {tuple(demo.product.result.shape)}")
            show_tensor(demo.product.result, "c")
            st.success(
                t(
                    "tenseurs.matmul.ok",
                    a_shape=tuple(demo.a.shape),
                    b_shape=tuple(demo.b.shape),
                    c_shape=tuple(demo.product.result.shape),
                )
            )


def column_slider(column, label: str, *, key: str, default: int, high: int) -> int:
    with column:
        return url_state.slider(label, key=key, min_value=1, max_value=high, value=default)


def broadcast_step() -> tuple[ops.BroadcastSpec, ops.BroadcastDemo]:
    st.markdown(t("tenseurs.broadcast.intro"))
    default = ops.BroadcastSpec()
    sides = (  # (tensor, dim, widget key, default side)
        ("a", 0, "ba_r", default.shape_a[0]),
        ("a", 1, "ba_c", default.shape_a[1]),
        ("b", 0, "bb_r", default.shape_b[0]),
        ("b", 1, "bb_c", default.shape_b[1]),
    )
    rows_a, cols_a, rows_b, cols_b = (
        column_slider(
            column, t("tenseurs.broadcast.side", name=name, dim=dim), key=key, default=value, high=ops.BROADCAST_SIDE
        )
        for column, (name, dim, key, value) in zip(st.columns(4), sides, strict=True)
    )
    shape_a, shape_b = (rows_a, cols_a), (rows_b, cols_b)
    demo = ops.broadcast_demo(shape_a, shape_b)
    st.code(
        f"a = torch.arange({rows_a * cols_a}).reshape{shape_a}\n"
        f"b = torch.arange({rows_b * cols_b}).reshape{shape_b} * 10\nc = a + b",
        language="python",
    )
    return ops.BroadcastSpec(shape_a, shape_b), demo


def broadcast_result(spec: ops.BroadcastSpec, demo: ops.BroadcastDemo) -> None:
    shape_a, shape_b = spec.shape_a, spec.shape_b
    if demo.outcome.error:
        show_error("tenseurs.broadcast.error", demo.outcome.error, a_shape=shape_a, b_shape=shape_b)
        return
    st.caption(t("tenseurs.broadcast.legend"))
    pictures = st.columns(3)
    # The stride is read from the expanded view itself: 0 along a stretched dimension.
    with pictures[0]:
        st.markdown(t("tenseurs.broadcast.stretched", name="a", shape=shape_a, stride=demo.a_stretched.stride()))
        show_tensor(demo.a_stretched, "a", demo.a_copies, "copy")
    with pictures[1]:
        st.markdown(t("tenseurs.broadcast.stretched", name="b", shape=shape_b, stride=demo.b_stretched.stride()))
        show_tensor(demo.b_stretched, "b", demo.b_copies, "copy")
    with pictures[2]:
        st.markdown(f"`c = a + b` {tuple(demo.outcome.result.shape)}")
        show_tensor(demo.outcome.result, "c")


def shape_step(tensor: torch.Tensor) -> tuple[ops.ShapeSpec, torch.Tensor, ops.Outcome]:
    """The operation and its code; `shape_result` shows `s`, then `r` or the refusal."""
    st.markdown(t("tenseurs.shape.intro"))
    ndim = tensor.dim()
    left, right = st.columns(2)
    with left:
        op = url_state.selectbox(
            t("tenseurs.shape.op"), ops.SHAPE_OPS, key="forme", format_func=lambda name: f".{name}()"
        )
        start_transposed = (
            url_state.toggle(t("tenseurs.shape.start_transposed"), key="depuis_t", disabled=ndim < 2) and ndim >= 2
        )
        make_contiguous = url_state.toggle(t("tenseurs.shape.contiguous"), key="contigu")
    target: tuple[int, ...] = (tensor.numel(),)
    dims: tuple[int, ...] = (0, 1) if ndim >= 2 else (0, 0)
    with right:
        if op in ("reshape", "view"):
            target = choose_tuple(t("tenseurs.shape.target"), ops.shapes_with_numel(tensor.numel()), key="forme_cible")
        elif op == "transpose":
            pairs = [(i, j) for i in range(ndim) for j in range(i + 1, ndim)] or [(0, 0)]
            dims = choose_tuple(t("tenseurs.shape.pair"), pairs, key="paire")
        else:
            dims = choose_tuple(t("tenseurs.shape.permutation"), ops.permutations_of(ndim), key="perm")
    source, outcome = ops.shape_operation(tensor, op, target, dims, start_transposed, make_contiguous)
    source_code = "t" + (".transpose(0, 1)" if start_transposed else "") + (".contiguous()" if make_contiguous else "")
    argument = {"reshape": target, "view": target, "transpose": dims[:2], "permute": dims}[op]
    st.code(f"s = {source_code}\nr = s.{op}{argument}", language="python")
    return ops.ShapeSpec(op, target, dims, start_transposed, make_contiguous), source, outcome


def shape_result(spec: ops.ShapeSpec, source: torch.Tensor, outcome: ops.Outcome) -> None:
    show_shape_and_stride(source, "s")
    remark = ops.shape_remark(spec.op, source, outcome)
    if outcome.error:
        show_error("tenseurs.shape.view_error", outcome.error)
    else:
        show_shape_and_stride(outcome.result, "r")
        show_tensor(outcome.result, "r")
    if remark in ("not_contiguous", "still_contiguous"):
        st.info(t("tenseurs.shape.same_memory") + " " + t(f"tenseurs.shape.{remark}"), icon=":material/lightbulb:")
    elif remark == "view_ok_strided":
        st.info(
            t("tenseurs.shape.view_ok_strided", target=spec.target, numel=source.numel()), icon=":material/lightbulb:"
        )


def choose_tuple(label: str, options: list[tuple[int, ...]], *, key: str) -> tuple[int, ...]:
    """A select box over tuples; the URL holds their text, e.g. ?forme_cible=(2, 3)."""
    by_text = {str(option): option for option in options}
    return by_text[url_state.selectbox(label, list(by_text), key=key)]


def indexing_step(tensor: torch.Tensor) -> tuple[ops.IndexingSpec, tuple[slice, ...]]:
    """The slices and their code; then the question, and `indexing_result`."""
    st.markdown(t("tenseurs.indexing.intro"))
    columns = st.columns(tensor.dim())
    slices = []
    for dim, side in enumerate(tensor.shape):
        default = ops.IndexingSpec.slices[dim] if dim < len(ops.IndexingSpec.slices) else (0, side, 1)
        with columns[dim]:
            st.markdown(t("tenseurs.indexing.dim", dim=dim))
            start = url_state.slider(
                t("tenseurs.indexing.start"),
                key=f"i{dim}_debut",
                min_value=0,
                max_value=max(side - 1, 0) or 1,
                value=min(default[0], max(side - 1, 0)),
            )
            stop = url_state.slider(
                t("tenseurs.indexing.stop"), key=f"i{dim}_fin", min_value=0, max_value=side, value=side
            )
            step = url_state.slider(
                t("tenseurs.indexing.step"), key=f"i{dim}_pas", min_value=1, max_value=3, value=default[2]
            )
        slices.append((start, None if stop == side else stop, step))  # t[1:] rather than t[1:2]
    chosen = tuple(slice(*part) for part in slices)
    st.code(f"r = {ops.slice_text(chosen)}", language="python")
    return ops.IndexingSpec(tuple(slices)), chosen


def indexing_result(tensor: torch.Tensor, selected: torch.Tensor, mask: torch.Tensor) -> None:
    """`t` with the selected cells highlighted, and `r`."""
    pictures = st.columns(2)
    with pictures[0]:
        st.markdown(t("tenseurs.indexing.highlight"))
        show_tensor(tensor, "t", mask, "selected")
    with pictures[1]:
        st.markdown(f"`r` {tuple(selected.shape)}")
        if selected.numel():
            show_tensor(selected, "r")
        else:
            st.info(t("tenseurs.indexing.empty"))


def reduction_step(tensor: torch.Tensor) -> ops.ReductionSpec:
    st.markdown(t("tenseurs.reduction.intro"))
    left, middle, right = st.columns(3)
    with left:
        op = url_state.selectbox(
            t("tenseurs.reduction.op"), ops.REDUCTIONS, key="reduction", format_func=lambda name: f".{name}()"
        )
    with middle:
        dim_names = ["None", *(str(d) for d in range(tensor.dim()))]
        dim_text = url_state.selectbox("dim", dim_names, key="dim")
    dim = None if dim_text == "None" else int(dim_text)
    with right:
        keepdim = url_state.toggle("keepdim", key="keepdim", disabled=dim is None) and dim is not None
    arguments = "" if dim is None else f"dim={dim}, keepdim={keepdim}"
    st.code(f"r = t.{op}({arguments})", language="python")
    reduction = ops.reduce(tensor, op, dim, keepdim)
    if reduction.values.error:
        show_error("tenseurs.reduction.error", reduction.values.error)
        return ops.ReductionSpec(op, dim, keepdim)
    values = reduction.values.result
    st.markdown(t("tenseurs.reduction.result", shape=tuple(values.shape)))
    show_tensor(values, "r")
    if reduction.indices is not None:
        st.markdown(t("tenseurs.reduction.indices"))
        show_tensor(reduction.indices, "indices")
    return ops.ReductionSpec(op, dim, keepdim)


# --- Quiz ---------------------------------------------------------------------------


def other_dtype(dtype: torch.dtype) -> torch.dtype:
    """A float type whose element size differs from `dtype`'s, for the final question."""
    return torch.float16 if dtype.itemsize == 8 else torch.float64


def quiz_section(tensor: torch.Tensor, steps: ops.Steps) -> None:
    """A question the page does not answer: the bytes of `t` in another type."""
    del steps  # the questions on the steps are asked before their results
    target = other_dtype(tensor.dtype)
    converted = tensor.to(target)  # real PyTorch: the size comes from the converted tensor
    quiz(
        PAGE_ID,
        NumberQuestion(
            "bytes_converted",
            t("tenseurs.quiz.converted", dtype=str(target).removeprefix("torch."), numel=tensor.numel()),
            expected=float(converted.element_size() * converted.numel()),
            explanation=tn(
                "tenseurs.quiz.converted_why",
                converted.element_size() * converted.numel(),
                dtype=str(target).removeprefix("torch."),
                numel=converted.numel(),
                size=converted.element_size(),
                before=tensor.element_size() * tensor.numel(),
            ),
            tolerance=0.5,
            relative=0.0,
        ),
    )
