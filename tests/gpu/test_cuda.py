"""On a real CUDA GPU, what the lessons say about GPUs holds.

Every test here is marked `gpu` and skips, with the reason, where torch sees no CUDA
device (no GPU, or a CPU-only build of torch as on Streamlit Community Cloud). On a
GPU machine with a CUDA build of torch: `.venv/bin/python -m pytest -m gpu tests/gpu -v`.
"""

from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from components.devices import available_devices, device_inventory
from components.i18n import LANGUAGES, catalogue, translate
from lessons.boucle_entrainement import core as training
from lessons.tenseurs.core import CONSTRUCTORS, CreateSpec, create_tensor, tensor_facts
from lessons.tenseurs.manipulations import TIMING_SIZES, mixed_devices_error, time_matmul

BUILD = "a CPU-only build" if torch.version.cuda is None else f"built for CUDA {torch.version.cuda}"
pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(
        not torch.cuda.is_available(),
        reason=f"needs a CUDA GPU: torch.cuda.is_available() is False here (torch {torch.__version__}, {BUILD})",
    ),
]

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
TENSORS_PAGE = "lessons/tenseurs/page.py"


def test_the_device_picker_offers_cuda():
    assert "cuda" in available_devices()
    cuda = next(device for device in device_inventory() if device.name == "cuda")
    assert cuda.available and cuda.detail == torch.cuda.get_device_name(0)


@pytest.mark.parametrize("constructor", CONSTRUCTORS)
def test_a_tensor_created_on_cuda_holds_what_the_cpu_one_holds(constructor):
    on_gpu = create_tensor(CreateSpec(constructor=constructor, device="cuda"))
    on_cpu = create_tensor(CreateSpec(constructor=constructor))
    assert tensor_facts(on_gpu).device == "cuda:0"
    torch.testing.assert_close(on_gpu.cpu(), on_cpu)  # rand and randn: drawn on the CPU, then moved


def test_a_tensor_moved_to_cuda_and_back_is_unchanged():
    tensor = create_tensor(CreateSpec(constructor="randn", shape=(3, 4)))
    moved = tensor.to("cuda")
    assert moved.device.type == "cuda" and moved.cpu().device.type == "cpu"
    torch.testing.assert_close(moved.cpu(), tensor, rtol=0, atol=0)


def test_the_matmul_timing_waits_for_the_gpu(monkeypatch):
    """CUDA runs asynchronously: without a synchronize before each clock reading, only
    the kernel's launch would be timed."""
    real_synchronize = torch.cuda.synchronize
    calls = []

    def counting_synchronize(*args, **kwargs):
        calls.append(args)
        return real_synchronize(*args, **kwargs)

    monkeypatch.setattr(torch.cuda, "synchronize", counting_synchronize)
    timing = time_matmul("cuda", TIMING_SIZES[0], repeats=3)
    assert len(calls) == 1 + 3  # after the warm-up, then after each timed product
    assert len(timing.runs_ms) == 3 and timing.median_ms > 0


def test_the_mixed_device_error_is_the_one_the_page_explains():
    """The page shows PyTorch's real message and says, without a GPU, that with one it
    names `cuda:0` and `cpu`: on a GPU it does."""
    for chosen in ("cuda", "cpu"):  # the other device is the GPU whichever the learner chose
        other, message = mixed_devices_error(chosen)
        assert other == "cuda"
        assert "cuda:0" in message and "cpu" in message, message
    for lang in LANGUAGES:
        promise = catalogue(lang)["tenseurs.devices.mix_meta"]
        assert "`cuda:0`" in promise and "`cpu`" in promise


def trained_on(device: str) -> training.TrainResult:
    """A short training of a small network on the two moons; the one call to adapt if
    the training lesson's `train` changes its signature."""
    data = training.make_data("moons", 120, 0.2, 0)
    model = training.ModelSpec(kind="mlp", hidden_layers=1, width=16)
    return training.train(data, model, training.TrainSpec(epochs=8, batch_size=16), device)


def test_a_training_on_cuda_gives_the_cpu_result():
    """Same data, initial weights and batch order: float32 sums in another order differ
    by rounding only."""
    on_cpu, on_gpu = trained_on("cpu"), trained_on("cuda")
    assert next(on_gpu.model.parameters()).device.type == "cuda"
    assert len(on_gpu.epochs) == len(on_cpu.epochs) == 8
    for gpu_epoch, cpu_epoch in zip(on_gpu.epochs, on_cpu.epochs, strict=True):
        assert gpu_epoch.train_loss == pytest.approx(cpu_epoch.train_loss, rel=1e-4, abs=1e-6)
        assert gpu_epoch.val_loss == pytest.approx(cpu_epoch.val_loss, rel=1e-4, abs=1e-6)
    for gpu_parameter, cpu_parameter in zip(on_gpu.model.parameters(), on_cpu.model.parameters(), strict=True):
        torch.testing.assert_close(gpu_parameter.detach().cpu(), cpu_parameter.detach(), rtol=1e-3, atol=1e-4)


def test_the_tensors_page_on_cuda_moves_the_tensor_and_times_both_devices():
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["device"] = "cuda"
    app.run()
    app.switch_page(TENSORS_PAGE).run()
    assert app.selectbox(key="device").value == "cuda"
    assert any("`t_dev.device` = `cuda:0`" in block.value for block in app.markdown)
    assert any(block.value.startswith("RuntimeError:") and "cuda:0" in block.value for block in app.code)
    [measure] = [button for button in app.button if button.label == translate("tenseurs.devices.measure", "fr")]
    measure.click().run()
    assert not app.exception
    assert not any(info.value == translate("tenseurs.devices.cpu_only", "fr") for info in app.info)
