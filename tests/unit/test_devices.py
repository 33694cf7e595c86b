"""Device inventory: what torch reports, and a reason for every missing device."""

import torch

from components.devices import available_devices, device_inventory, missing_device_reason_key
from components.i18n import LANGUAGES, catalogue


def test_cpu_is_always_available_and_first():
    inventory = device_inventory()
    assert [device.name for device in inventory] == ["cpu", "cuda", "mps"]
    assert inventory[0].available and available_devices()[0] == "cpu"


def test_inventory_agrees_with_torch():
    available = set(available_devices())
    assert ("cuda" in available) == torch.cuda.is_available()
    assert ("mps" in available) == torch.backends.mps.is_available()


def test_every_missing_device_has_an_explanation_in_every_language():
    for device in device_inventory():
        if not device.available:
            key = missing_device_reason_key(device.name)
            for lang in LANGUAGES:
                assert device.name in catalogue(lang)[key]


def test_a_cpu_only_build_is_named_as_the_reason_for_missing_cuda(monkeypatch):
    monkeypatch.setattr(torch.version, "cuda", None)
    assert missing_device_reason_key("cuda") == "device.missing_cuda_cpu_build"
    monkeypatch.setattr(torch.version, "cuda", "12.8")
    assert missing_device_reason_key("cuda") == "device.missing_cuda"
