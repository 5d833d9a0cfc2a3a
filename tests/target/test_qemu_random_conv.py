"""Random convolutions through the assembly GEMM on QEMU M7 and M4: shapes drawn from a fixed
seed (in_c 1, 2, 3, 4, 8, 16 for the im2col patch writers: pixel pairs inside the image,
the 3-channel window, rows padded or gathered; kernels 1-5, strides 1-2, dilation 1-2,
SAME and VALID, one or two batches, even out_c; most through the int16 GEMM), each run on
all -128, all 127 and random inputs; QEMU's bytes equal the host build's and TFLM's."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

import mcugen
from mcugen.target import build_firmware, run_firmware_batch
from mcugen.verify import run_tflm, tflm_interpreter
from tests.ops.models import conv2d_model, out_size
from tests.target.test_qemu import M4, M7, input_sets, output_sizes

pytestmark = [
    pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc not on PATH"),
    pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm not on PATH"),
]

LAYERS_PER_SEED = 8


def _random_conv(rng: np.random.Generator) -> bytes:
    in_c = int(rng.choice([1, 2, 3, 4, 8, 16]))
    h, w = int(rng.integers(3, 14)), int(rng.integers(3, 14))
    kernel = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
    stride = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    dilation = (int(rng.choice([1, 1, 1, 2])), int(rng.choice([1, 1, 1, 2])))
    padding = str(rng.choice(["SAME", "VALID"]))
    if padding == "VALID" and (out_size("VALID", h, kernel[0], stride[0], dilation[0]) <= 0
                               or out_size("VALID", w, kernel[1], stride[1], dilation[1]) <= 0):
        padding = "SAME"
    return conv2d_model(rng, (int(rng.choice([1, 1, 2])), h, w, in_c), int(rng.choice([2, 4, 6, 8])),
                        kernel=kernel, stride=stride, dilation=dilation, padding=padding,
                        activation=str(rng.choice(["NONE", "RELU", "RELU6"])), per_channel=True)


@pytest.mark.parametrize("board", [M7, M4])
@pytest.mark.parametrize("seed", range(4))
def test_random_convolutions_on_board(board, seed, tmp_path):
    rng = np.random.default_rng(1000 + seed)
    through_gemm = 0
    for n in range(LAYERS_PER_SEED):
        model = _random_conv(rng)
        compiled = mcugen.compile(model, board=board, kernels="simd", check_fit=False)
        # most take the int16 GEMM; 1x1 layers with in_c % 4 != 0 the int8 1x1 kernel
        through_gemm += "MCU_GEMM_W16_LAYER(" in compiled.files[f"{compiled.prefix}.c"]
        elf = build_firmware(compiled, board, tmp_path / f"fw{n}")
        sets = input_sets(compiled, seed=n)
        interpreter = tflm_interpreter(model)
        for k, (inputs, (outputs, _)) in enumerate(
                zip(sets, run_firmware_batch(elf, board, sets, output_sizes(compiled)))):
            for got, host, tflm in zip(outputs, compiled.run(inputs),
                                       run_tflm(interpreter, inputs, len(outputs))):
                assert got.tobytes() == host.reshape(-1).tobytes(), f"layer {n}, set {k}: QEMU != host"
                assert got.tobytes() == tflm.reshape(-1).astype(np.int8).tobytes(), \
                    f"layer {n}, set {k}: QEMU != TFLM"
    assert through_gemm >= LAYERS_PER_SEED // 2
