"""Which devices PyTorch can compute on here, and the sidebar picker for them."""

import platform
from dataclasses import dataclass

import streamlit as st
import torch

from components import url_state
from components.i18n import t

DEVICE_KEY = "device"  # session_state key and URL parameter


@dataclass(frozen=True)
class DeviceInfo:
    name: str  # what torch.device() takes: "cpu", "cuda", "mps"
    available: bool
    detail: str  # GPU or processor name when available, empty otherwise


def device_inventory() -> list[DeviceInfo]:
    """Every device kind the course talks about, available or not, in a fixed order."""
    cuda = torch.cuda.is_available()
    mps = torch.backends.mps.is_available()
    return [
        DeviceInfo("cpu", True, platform.processor() or platform.machine()),
        DeviceInfo("cuda", cuda, torch.cuda.get_device_name(0) if cuda else ""),
        DeviceInfo("mps", mps, "Apple Silicon (Metal)" if mps else ""),
    ]


def available_devices() -> list[str]:
    return [device.name for device in device_inventory() if device.available]


def missing_device_reason_key(name: str) -> str:
    """Locale key explaining why a device is missing on this machine."""
    if name == "cuda" and torch.version.cuda is None:
        return "device.missing_cuda_cpu_build"  # a CPU-only build of torch, as on Community Cloud
    return f"device.missing_{name}"


def device_controls() -> str:
    """Sidebar picker; the choice is kept for the session and shared in the URL."""
    inventory = device_inventory()
    names = [device.name for device in inventory if device.available]
    choice = url_state.selectbox(t("device.label"), names, key=DEVICE_KEY, help=t("device.help"))
    for device in inventory:
        if not device.available:
            st.caption(t(missing_device_reason_key(device.name)))
    return choice


def selected_device() -> torch.device:
    """The learner's device for lesson code; CPU until the picker has run."""
    name = st.session_state.get(DEVICE_KEY)
    return torch.device(name if name in available_devices() else "cpu")
