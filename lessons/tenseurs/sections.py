"""Sections of the tensors page after creation: manipulate, NumPy, devices, quiz.

Each step reads its widgets, calls the pure functions of manipulations.py, draws the
result or explains PyTorch's refusal, and returns its widgets' values as a spec (a
frozen dataclass); the manipulate section gathers them in one Steps record for the
code twin and the quiz.
"""

import pandas as pd
import streamlit as st
import torch

from components import url_state
from components.charts import show_chart
from components.devices import available_devices, selected_device
from components.i18n import t
from components.quiz import ChoiceQuestion, NumberQuestion, quiz
from lessons.tenseurs import manipulations as ops
from lessons.tenseurs.charts import timing_chart
from lessons.tenseurs.core import tensor_facts
from lessons.tenseurs.display import show_shape_and_stride, show_tensor

PAGE_ID = "tenseurs"
TIMINGS_KEY = "tenseurs.timings"


def show_error(message_key: str, pytorch_message: str, **values: object) -> None:
    """PyTorch's own words, then what they mean."""
    st.error(t(message_key, **values), icon=":material/block:")
    st.code(f"RuntimeError: {pytorch_message}", language="text", wrap_lines=True)


# --- Manipulate -----------------------------------------------------------------


def manipulate_section(tensor: torch.Tensor) -> ops.Steps:
    st.header(t("tenseurs.manipulate.title"), divider="gray")
    names = ("elementwise", "matmul", "broadcast", "shape", "indexing", "reduction")
    tabs = st.tabs([t(f"tenseurs.{name}.tab") for name in names])
    with tabs[0]:
        elementwise = elementwise_step(tensor)
    with tabs[1]:
        matmul = matmul_step()
    with tabs[2]:
        broadcast = broadcast_step()
    with tabs[3]:
        shape = shape_step(tensor)
    with tabs[4]:
        indexing = indexing_step(tensor)
    with tabs[5]:
        reduction = reduction_step(tensor)
    return ops.Steps(elementwise, matmul, broadcast, shape, indexing, reduction)


def elementwise_step(tensor: torch.Tensor) -> ops.ElementwiseSpec:
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
    outcome = ops.elementwise(tensor, op, operand)
    if outcome.error:
        show_error("tenseurs.elementwise.error", outcome.error)
    else:
        show_tensor(outcome.result, "r")
        show_shape_and_stride(outcome.result, "r")
    return ops.ElementwiseSpec(op, operand)


def matmul_step() -> ops.MatmulSpec:
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
    pictures = st.columns(3)
    with pictures[0]:
        st.markdown(f"`a` {tuple(demo.a.shape)}")
        show_tensor(demo.a, "a")
    with pictures[1]:
        st.markdown(f"`b` {tuple(demo.b.shape)}")
        show_tensor(demo.b, "b")
    with pictures[2]:
        if demo.product.error:
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
    return ops.MatmulSpec(m, k, k_b, n, transpose_b)


def column_slider(column, label: str, *, key: str, default: int, high: int) -> int:
    with column:
        return url_state.slider(label, key=key, min_value=1, max_value=high, value=default)


def broadcast_step() -> ops.BroadcastSpec:
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
    if demo.outcome.error:
        show_error("tenseurs.broadcast.error", demo.outcome.error, a_shape=shape_a, b_shape=shape_b)
        return ops.BroadcastSpec(shape_a, shape_b)
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
    return ops.BroadcastSpec(shape_a, shape_b)


def shape_step(tensor: torch.Tensor) -> ops.ShapeSpec:
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
    show_shape_and_stride(source, "s")
    remark = ops.shape_remark(op, source, outcome)
    if outcome.error:
        show_error("tenseurs.shape.view_error", outcome.error)
    else:
        show_shape_and_stride(outcome.result, "r")
        show_tensor(outcome.result, "r")
    if remark in ("not_contiguous", "still_contiguous"):
        st.info(t("tenseurs.shape.same_memory") + " " + t(f"tenseurs.shape.{remark}"), icon=":material/lightbulb:")
    elif remark == "view_ok_strided":
        st.info(t("tenseurs.shape.view_ok_strided", target=target, numel=source.numel()), icon=":material/lightbulb:")
    return ops.ShapeSpec(op, target, dims, start_transposed, make_contiguous)


def choose_tuple(label: str, options: list[tuple[int, ...]], *, key: str) -> tuple[int, ...]:
    """A select box over tuples; the URL holds their text, e.g. ?forme_cible=(2, 3)."""
    by_text = {str(option): option for option in options}
    return by_text[url_state.selectbox(label, list(by_text), key=key)]


def indexing_step(tensor: torch.Tensor) -> ops.IndexingSpec:
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
    selected, mask = ops.selection(tensor, chosen)
    st.code(f"r = {ops.slice_text(chosen)}", language="python")
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
    return ops.IndexingSpec(tuple(slices))


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


# --- NumPy bridge -----------------------------------------------------------------


def numpy_section() -> ops.BridgeSpec:
    st.header(t("tenseurs.numpy.title"), divider="gray")
    st.markdown(t("tenseurs.numpy.intro"))
    default = ops.BridgeSpec()
    controls = st.columns(4)
    with controls[0]:
        target = url_state.selectbox(
            t("tenseurs.numpy.target"),
            ops.BRIDGE_TARGETS,
            key="pont",
            format_func=lambda name: t(f"tenseurs.numpy.{name}"),
        )
    # 0-based, as the code below writes them: a[0, 1] is the first row, second column.
    with controls[1]:
        row = url_state.slider(t("tenseurs.numpy.row"), key="pont_l", min_value=0, max_value=1, value=default.row)
    with controls[2]:
        col = url_state.slider(t("tenseurs.numpy.col"), key="pont_c", min_value=0, max_value=2, value=default.col)
    with controls[3]:
        value = url_state.number_input(
            t("tenseurs.numpy.value"), key="pont_v", min_value=-1000.0, max_value=1000.0, value=default.value
        )
    spec = ops.BridgeSpec(target, row, col, value)
    bridge = ops.numpy_bridge(target, row, col, value)
    st.code(
        "a = np.arange(6, dtype=np.float32).reshape(2, 3)\n"
        f"shared = torch.from_numpy(a)   # {t('tenseurs.numpy.shares')}\n"
        f"copy = torch.tensor(a)         # {t('tenseurs.numpy.copies')}\n{spec.written}[{row}, {col}] = {value!r}",
        language="python",
    )
    pictures = st.columns(3)
    for column, (name, values) in zip(
        pictures, (("a", torch.from_numpy(bridge.array)), ("shared", bridge.shared), ("copy", bridge.copy)), strict=True
    ):
        with column:
            st.markdown(f"`{name}`")
            show_tensor(values, name)
    st.markdown(t("tenseurs.numpy.verdict", shares=bridge.shares_memory))
    return spec


# --- Devices ----------------------------------------------------------------------


def devices_section(tensor: torch.Tensor) -> None:
    st.header(t("tenseurs.devices.title"), divider="gray")
    device = selected_device()
    moved = tensor.to(device)
    back = moved.cpu()
    st.markdown(t("tenseurs.devices.intro"))
    st.code(f't_dev = t.to("{device}")\nt_cpu = t_dev.cpu()', language="python")
    st.markdown(t("tenseurs.devices.moved", device=moved.device, back=back.device))
    other, message = ops.mixed_devices_error(str(device))
    st.subheader(t("tenseurs.devices.mix_title"))
    st.code(f'torch.ones(3, device="{other}") + torch.ones(3)', language="python")
    show_error("tenseurs.devices.mix_meta" if other == "meta" else "tenseurs.devices.mix_gpu", message, other=other)
    timing_panel()


def timing_panel() -> None:
    st.subheader(t("tenseurs.devices.timing_title"))
    st.markdown(t("tenseurs.devices.timing_intro", repeats=ops.TIMING_REPEATS))
    devices = available_devices()
    n = url_state.select_slider(
        "n", [str(size) for size in ops.TIMING_SIZES], key="n_mm", index=ops.TIMING_SIZES.index(256)
    )
    n = int(n)
    if st.button(t("tenseurs.devices.measure"), icon=":material/timer:"):
        # Measured on demand only: a timing on every rerun would slow the whole class.
        st.session_state[TIMINGS_KEY] = [ops.time_matmul(device, n) for device in devices]
    timings = st.session_state.get(TIMINGS_KEY)
    if not timings:
        st.caption(t("tenseurs.devices.not_measured"))
    else:
        frame = pd.DataFrame(
            {
                "device": [timing.device for timing in timings],
                "median_ms": [timing.median_ms for timing in timings],
                "label": [f"{timing.median_ms:.2f} ms · {timing.gflops:.1f} GFLOP/s" for timing in timings],
            }
        )
        n_measured = timings[0].n
        description = t("tenseurs.devices.timing_alt", n=n_measured, results=", ".join(frame["label"]))
        show_chart(timing_chart, frame, t("tenseurs.devices.axis", n=n_measured), alt=description)
    if devices == ["cpu"]:
        st.info(t("tenseurs.devices.cpu_only"), icon=":material/memory:")


# --- Quiz ---------------------------------------------------------------------------


def quiz_section(tensor: torch.Tensor, steps: ops.Steps) -> None:
    facts = tensor_facts(tensor)
    quiz(
        PAGE_ID,
        NumberQuestion(
            "bytes",
            t("tenseurs.quiz.bytes", shape=facts.shape, dtype=facts.dtype),
            expected=float(facts.nbytes),
            explanation=t("tenseurs.quiz.bytes_why", numel=facts.numel, size=facts.element_size, bytes=facts.nbytes),
            tolerance=0.5,
            relative=0.0,
        ),
    )
    matmul = steps.matmul
    demo = ops.matmul_demo(matmul.m, matmul.k, matmul.k_b, matmul.n, matmul.transpose_b)
    impossible = t("tenseurs.quiz.impossible")
    expected = impossible if demo.product.error else str(tuple(demo.product.result.shape))
    a_rows, a_cols = demo.a.shape
    b_rows, b_cols = demo.b.shape
    choices = dict.fromkeys(
        [str((a_rows, b_cols)), str((a_cols, b_rows)), str((a_rows, a_cols)), str((b_rows, b_cols)), impossible]
    )
    quiz(
        PAGE_ID,
        ChoiceQuestion(
            "matmul_shape",
            t("tenseurs.quiz.matmul", a_shape=(a_rows, a_cols), b_shape=(b_rows, b_cols)),
            choices=tuple(choices),
            expected=expected,
            explanation=t(
                "tenseurs.quiz.matmul_why", a_shape=(a_rows, a_cols), b_shape=(b_rows, b_cols), answer=expected
            ),
        ),
    )
    slices = steps.indexing.slice_objects()
    selected, _ = ops.selection(tensor, slices)
    quiz(
        PAGE_ID,
        NumberQuestion(
            "selection",
            t("tenseurs.quiz.selection", expression=ops.slice_text(slices), shape=facts.shape),
            expected=float(selected.numel()),
            explanation=t("tenseurs.quiz.selection_why", shape=tuple(selected.shape), count=selected.numel()),
            tolerance=0.5,
            relative=0.0,
        ),
    )
