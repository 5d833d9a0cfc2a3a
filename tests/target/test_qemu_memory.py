"""Memory tricks on emulated Cortex-M: in-place depthwise, overlapping buffers and
patch-based segments give the same bytes as TFLM under QEMU (mps2-an500)."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

import mcugen
from mcugen.target import build_firmware, run_firmware_batch
from mcugen.verify import run_tflm, tflm_interpreter
from tests.helpers import SHARED_MODELS
from tests.planner.test_patches import mcunet_vww
from tests.target.test_qemu import input_sets, output_sizes

M7 = "mps2-an500"
pytestmark = [
    pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc not on PATH"),
    pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm not on PATH"),
]


def run_on_m7(model_bytes: bytes, compiled, tmp_path) -> None:
    elf = build_firmware(compiled, M7, tmp_path / "fw")
    sets = input_sets(compiled)
    results = run_firmware_batch(elf, M7, sets, output_sizes(compiled))
    interpreter = tflm_interpreter(model_bytes, sum(t.nbytes for t in compiled.graph.tensors
                                                    if not t.is_const))
    for n, (inputs, (outputs, measurement)) in enumerate(zip(sets, results)):
        expected = run_tflm(interpreter, inputs, len(outputs))
        for got, want in zip(outputs, expected):
            assert got.tobytes() == want.reshape(-1).astype(np.int8).tobytes(), f"set {n}: QEMU != TFLM"
        assert measurement.instructions > 0 and measurement.stack_bytes > 0


@pytest.mark.parametrize("name", ["vww_96_int8", "person_detect", "pretrainedResnet_quant"])
def test_shared_model_with_patches_on_m7(name, tmp_path):
    path = SHARED_MODELS / f"{name}.tflite"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    compiled = mcugen.compile(path, board=M7, patches="min", memory="all")
    assert compiled.plan.patches
    run_on_m7(path.read_bytes(), compiled, tmp_path)


def test_mcunet_style_model_with_every_trick_on_m7(tmp_path):
    model = mcunet_vww(np.random.default_rng(80))
    compiled = mcugen.compile(model, board=M7, patches="min", memory="all")
    assert len(compiled.plan.patches) >= 2 and compiled.plan.inplace and compiled.plan.overlaps
    run_on_m7(model, compiled, tmp_path)
