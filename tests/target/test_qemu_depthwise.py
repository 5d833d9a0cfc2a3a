"""The depthwise kernels' Cortex-M builds on QEMU: the plane kernel (mcu_dwconv2d_3x3_s8,
whose row loops are inline assembly on DSP cores) out of place and in place, the image kernel
(mcu_dwconv2d_3x3_image_s8, rows and row loops in assembly) out of place and in place, and the
4-channel kernel's unrolled 3x3 path, over the shapes of the host tests, on M7 and M4:
QEMU's bytes equal the host build's (the C reference loops) and TFLite Micro's, for the
extreme inputs (all -128, all 127, a mix) and random ones."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

import mcugen
from mcugen.ops import conv2d
from mcugen.target import build_firmware, run_firmware_batch
from mcugen.verify import run_tflm, tflm_interpreter
from tests.ops import test_simd_depthwise_image as image
from tests.ops.test_simd_depthwise_3x3 import CALL, CASES, INPLACE, _seeded, depthwise_alone
from tests.ops.test_simd_depthwise_conv2d import CASES as CH4_CASES
from tests.ops.test_simd_depthwise_conv2d import depthwise_keeping_input
from tests.target.test_qemu import M4, M7, input_sets, output_sizes

pytestmark = [
    pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc not on PATH"),
    pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm not on PATH"),
]


def _check(model: bytes, board: str, tmp_path, kernel: str, **compile_args) -> None:
    compiled = mcugen.compile(model, board=board, **compile_args)
    assert kernel in compiled.files[f"{compiled.prefix}.c"]
    elf = build_firmware(compiled, board, tmp_path / "fw")
    sets = input_sets(compiled)
    interpreter = tflm_interpreter(model)
    for n, (inputs, (outputs, _)) in enumerate(zip(sets, run_firmware_batch(elf, board, sets, output_sizes(compiled)))):
        for got, host, tflm in zip(outputs, compiled.run(inputs), run_tflm(interpreter, inputs, len(outputs))):
            assert got.tobytes() == host.reshape(-1).tobytes(), f"set {n}: QEMU != host build"
            assert got.tobytes() == tflm.reshape(-1).astype(np.int8).tobytes(), f"set {n}: QEMU != TFLM"


@pytest.mark.parametrize("board", [M7, M4])
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_plane_kernel_out_of_place(case, board, tmp_path, monkeypatch):
    monkeypatch.setattr(conv2d, "prefers_image", lambda args: False)
    monkeypatch.setattr(conv2d, "prefers_plane", lambda args: True)
    in_shape, stride, padding, activation = CASES[case]
    model = _seeded(lambda rng: depthwise_keeping_input(
        rng, in_shape, kernel=(3, 3), stride=stride, padding=padding, activation=activation,
        per_channel=True), list(CASES).index(case))
    _check(model, board, tmp_path, CALL)


@pytest.mark.parametrize("case", INPLACE, ids=INPLACE)
def test_plane_kernel_in_place(case, tmp_path, monkeypatch):
    monkeypatch.setattr(conv2d, "prefers_image", lambda args: False)
    monkeypatch.setattr(conv2d, "prefers_plane", lambda args: True)
    in_shape, stride, padding, activation = CASES[case]
    model = _seeded(lambda rng: depthwise_alone(
        rng, in_shape, kernel=(3, 3), stride=stride, padding=padding, activation=activation,
        per_channel=True), list(CASES).index(case))
    _check(model, M7, tmp_path, CALL, memory="all")


@pytest.mark.parametrize("case", list(CH4_CASES), ids=list(CH4_CASES))
def test_four_channel_kernel(case, tmp_path):
    in_shape, kernel, stride, dilation, padding, activation, per_channel = CH4_CASES[case]
    rng = np.random.default_rng(2000 + list(CH4_CASES).index(case))
    model = depthwise_keeping_input(rng, in_shape, kernel=kernel, stride=stride, dilation=dilation,
                                    padding=padding, activation=activation, per_channel=per_channel)
    _check(model, M7, tmp_path, "mcu_dwconv2d_ch4_")


@pytest.mark.parametrize("board", [M7, M4])
@pytest.mark.parametrize("case", list(image.CASES), ids=list(image.CASES))
def test_image_kernel_out_of_place(case, board, tmp_path, monkeypatch):
    monkeypatch.setattr(conv2d, "prefers_image", lambda args: True)
    image.image_everywhere(monkeypatch)
    in_shape, padding, activation = image.CASES[case]
    model = image._seeded(lambda rng: depthwise_keeping_input(
        rng, in_shape, kernel=(3, 3), padding=padding, activation=activation, per_channel=True),
        list(image.CASES).index(case))
    _check(model, board, tmp_path, image.CALL)


@pytest.mark.parametrize("case", image.INPLACE, ids=image.INPLACE)
def test_image_kernel_in_place(case, tmp_path, monkeypatch):
    monkeypatch.setattr(conv2d, "prefers_image", lambda args: True)
    image.image_everywhere(monkeypatch)
    in_shape, padding, activation = image.CASES[case]
    model = image._seeded(lambda rng: depthwise_alone(
        rng, in_shape, kernel=(3, 3), padding=padding, activation=activation, per_channel=True),
        list(image.CASES).index(case), memory="all")
    _check(model, M7, tmp_path, image.CALL, memory="all")


def test_image_kernel_rows_of_one_output(tmp_path, monkeypatch):
    monkeypatch.setattr(conv2d, "prefers_image", lambda args: True)
    image.image_everywhere(monkeypatch)
    _check(image.one_wide_rows(monkeypatch), M7, tmp_path, image.CALL)
