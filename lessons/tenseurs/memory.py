"""Where a tensor's data lives: shared with NumPy, on the CPU or a GPU.

The NumPy bridge writes one element and shows which of the three tensors changed; the
devices section moves `t`, shows PyTorch's refusal to mix devices, and times a matrix
product on demand.
"""

import pandas as pd
import streamlit as st
import torch

from components import url_state
from components.charts import show_chart
from components.devices import available_devices, selected_device
from components.i18n import t
from lessons.tenseurs import manipulations as ops
from lessons.tenseurs.charts import timing_chart
from lessons.tenseurs.display import show_tensor
from lessons.tenseurs.sections import show_error

TIMINGS_KEY = "tenseurs.timings"


# --- NumPy bridge -----------------------------------------------------------------


def numpy_section() -> tuple[ops.BridgeSpec, ops.Bridge]:
    """The write and its code; `numpy_result` shows which tensors changed."""
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
    return spec, bridge


def numpy_result(bridge: ops.Bridge) -> None:
    pictures = st.columns(3)
    for column, (name, values) in zip(
        pictures, (("a", torch.from_numpy(bridge.array)), ("shared", bridge.shared), ("copy", bridge.copy)), strict=True
    ):
        with column:
            st.markdown(f"`{name}`")
            show_tensor(values, name)
    st.markdown(t("tenseurs.numpy.verdict", shares=bridge.shares_memory))


# --- Devices ----------------------------------------------------------------------


def devices_section(tensor: torch.Tensor) -> None:
    st.header(t("tenseurs.devices.title"), divider="gray")
    device = selected_device()
    moved = tensor.to(device)
    back = moved.cpu()
    st.markdown(t("tenseurs.devices.intro"))
    st.code(f't_dev = t.to("{device}")\nt_cpu = t_dev.cpu()', language="python")
    st.markdown(t("tenseurs.devices.moved", device=moved.device, back=back.device))


def mix_section() -> None:
    """PyTorch's refusal to add tensors that live on different devices."""
    other, message = ops.mixed_devices_error(str(selected_device()))
    st.subheader(t("tenseurs.devices.mix_title"))
    st.code(f'torch.ones(3, device="{other}") + torch.ones(3)', language="python")
    show_error("tenseurs.devices.mix_meta" if other == "meta" else "tenseurs.devices.mix_gpu", message, other=other)


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
