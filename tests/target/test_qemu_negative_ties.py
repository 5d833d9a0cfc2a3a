"""Negative rounding ties through every depthwise and im2col assembly path on emulated
Cortex-M7 (mps2-an500) and M4 (mps2-an386): QEMU's bytes equal the host build's (the C
reference loops and the C models of the DSP instructions) and TFLite Micro's.

TFLM rounds a requantized value that lies exactly half-way below zero away from zero; the
assembly does it with the sum's sign (SMMLAR, then ADD ..., ASR #31). Random layers seldom
land on such halves (the probe of issue 15: 2 of 96 depthwise QEMU cases), so these layers
use power-of-two scales (multiplier 2^30, right shift 2, 3, 4 by channel, tests/target/
test_qemu_gemm.py's tie_scales) and small weights: many accumulators are negative halves,
and the test counts them where each path computes them:
- the plane kernel's stride-1 row (two outputs a group: the even and the odd output of a
  pair) and its odd-width tail, and the stride-2 row (naked assembly, mcu_dwconv2d_3x3_s8.h);
- the image kernel's rows of pairs and its odd-width last output (mcu_dwconv2d_3x3_image_s8.h);
- an im2col convolution whose border taps (21 values) leave the expansion loop a group and a
  tail (mcu_conv2d_im2col_s8.h) and whose GEMM requantizes in assembly (MCU_ASM_REQUANT).
The input sets add all -128 and all 127, which saturate (SSAT) with these weights, and the
SAME layers' widths leave the expansion loop 7 columns (its count must not round up into the
right padding).
"""
from __future__ import annotations

import shutil

import numpy as np
import pytest

import mcugen
from mcugen.ops import conv2d
from mcugen.target import build_firmware, run_firmware_batch
from mcugen.verify import run_tflm, tflm_interpreter
from tests.builder import ModelBuilder
from tests.ops import test_simd_depthwise_image as image
from tests.ops.models import conv_layer, input_act
from tests.target.test_qemu import M4, M7, input_sets, output_sizes
from tests.target.test_qemu_gemm import count_ties, set_tie_scales

pytestmark = [
    pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc not on PATH"),
    pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm not on PATH"),
]

PLANE, IMAGE, IM2COL = "mcu_dwconv2d_3x3_s8(", "mcu_dwconv2d_3x3_image_s8(", "mcu_conv2d_im2col_w16_s8("
# inputs: out_w 8 and 6 (even) from the first, 9 and 7 (odd) from the second; the third's
# fifth channel is expanded alone (mcu_dw3x3_expand, not the four-channel expansion)
INPUTS = ((1, 6, 8, 8), (1, 7, 9, 8), (1, 6, 8, 5))
# (input, stride, padding) of each depthwise layer; the image kernel takes stride 1 only
PLANE_LAYERS = ((0, 1, "SAME"), (0, 2, "SAME"), (1, 1, "SAME"), (1, 1, "VALID"), (1, 2, "VALID"),
                (2, 1, "SAME"))
IMAGE_LAYERS = ((0, 1, "SAME"), (0, 1, "VALID"), (1, 1, "SAME"), (1, 1, "VALID"))


def _tie_layer(b: ModelBuilder, rng, x, **kwargs):
    """A layer with tie scales, weights in -4..4 and biases in -64..64; returns its output Act
    and (weights, bias) as the model holds them."""
    y = conv_layer(b, rng, x, **kwargs)
    _, (xi, wi, bi), (yi,), _ = b.ops[-1]
    set_tie_scales(b.tensors, xi, wi, bi, yi, y.shape[-1])
    weights, bias = b.tensors[wi]["data"], b.tensors[bi]["data"]
    weights[...] = rng.integers(-4, 5, size=weights.shape)
    bias[...] = rng.integers(-64, 65, size=bias.shape)
    b.tensors[yi]["zero_point"] = 0
    return y, (weights, bias)


def depthwise_model(layers, seed: int):
    """Depthwise 3x3 layers over INPUTS, each layer a graph output; also what the tie
    count needs: per layer (input position, stride, padding, weights, bias)."""
    rng = np.random.default_rng(seed)
    b = ModelBuilder()
    used = sorted({position for position, _, _ in layers})
    xs = {n: input_act(b, rng, INPUTS[n]) for n in used}
    for x in xs.values():  # one quantization for both inputs (set_tie_scales sets the scale)
        b.tensors[x.index]["zero_point"] = 3
    facts = []
    for position, stride, padding in layers:
        y, (weights, bias) = _tie_layer(b, rng, xs[position], kernel=(3, 3), stride=(stride, stride),
                                        padding=padding, depthwise=True)
        b.output(y.index)
        facts.append((used.index(position), stride, padding, weights.copy(), bias.copy()))
    return b.build(), facts


def im2col_model(seed: int):
    """A 1x4 SAME layer over 21 channels (filter rows of 84 values, beyond the 64 gathered on
    the stack): the border pixels' taps are expanded one by one, 21 values each, so the
    expansion loop (16 values) leaves a group of 4 and a tail of 1."""
    rng = np.random.default_rng(seed)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 4, 7, 21))
    b.tensors[x.index]["zero_point"] = 3
    y, (weights, bias) = _tie_layer(b, rng, x, out_c=6, kernel=(1, 4), padding="SAME")
    b.output(y.index)
    return b.build(), [(0, 1, "SAME", weights.copy(), bias.copy())]


def accumulators(x: np.ndarray, weights: np.ndarray, bias: np.ndarray, stride: int, padding: str,
                 depthwise: bool, zero_point: int = 3) -> np.ndarray:
    """The int32 accumulators (bias + sum w (x - zero point)) of a layer, [oy, ox, channel]."""
    _, h, w, c = x.shape
    kh, kw = weights.shape[1:3]
    if padding == "SAME":
        out_h, out_w = -(-h // stride), -(-w // stride)
        top = max((out_h - 1) * stride + kh - h, 0) // 2
        left = max((out_w - 1) * stride + kw - w, 0) // 2
    else:
        out_h, out_w, top, left = (h - kh) // stride + 1, (w - kw) // stride + 1, 0, 0
    shifted = np.zeros((h + kh + 1, w + kw + 1, c), np.int64)  # a padded tap adds 0
    shifted[top:top + h, left:left + w] = x[0].astype(np.int64) - zero_point
    out_c = bias.size
    acc = np.broadcast_to(bias.astype(np.int64), (out_h, out_w, out_c)).copy()
    for ky in range(kh):
        for kx in range(kw):
            window = shifted[ky:ky + stride * out_h:stride, kx:kx + stride * out_w:stride]
            if depthwise:
                acc += window * weights[0, ky, kx].astype(np.int64)
            else:
                acc += window @ weights[:, ky, kx, :].astype(np.int64).T
    return acc


def check_on_qemu(model: bytes, board: str, tmp_path, call: str, count: int, seed: int) -> list:
    """Build, run the extreme and four random input sets; QEMU == host build == TFLM. Returns
    the random sets."""
    compiled = mcugen.compile(model, board=board, kernels="simd")
    source = compiled.files[f"{compiled.prefix}.c"]
    assert source.count(call) == count, f"not every layer runs {call}"
    elf = build_firmware(compiled, board, tmp_path / "fw")
    rng = np.random.default_rng(seed)
    shapes = [compiled.graph.tensors[t].shape for t in compiled.graph.inputs]
    sets = input_sets(compiled) + [[rng.integers(-128, 128, size=s, dtype=np.int8) for s in shapes]
                                   for _ in range(3)]
    interpreter = tflm_interpreter(model)
    results = run_firmware_batch(elf, board, sets, output_sizes(compiled))
    for n, (inputs, (outputs, _)) in enumerate(zip(sets, results)):
        tflm = run_tflm(interpreter, inputs, len(outputs))
        for k, (got, host, want) in enumerate(zip(outputs, compiled.run(inputs), tflm)):
            assert got.tobytes() == host.reshape(-1).tobytes(), f"set {n} output {k}: QEMU != host build"
            assert got.tobytes() == want.reshape(-1).astype(np.int8).tobytes(), \
                f"set {n} output {k}: QEMU != TFLM"
    return sets[2:]


def ties_by_column(sets, facts, depthwise: bool = True) -> list[np.ndarray]:
    """Per layer, the number of negative halves in each output column over the random sets."""
    counts = []
    for position, stride, padding, weights, bias in facts:
        per_column = 0
        for inputs in sets:
            acc = accumulators(inputs[position], weights, bias, stride, padding, depthwise)
            per_column = per_column + np.array([count_ties(acc[:, ox]) for ox in range(acc.shape[1])])
        counts.append(per_column)
    return counts


@pytest.mark.parametrize("board", [M7, M4])
def test_plane_kernel_rows_round_negative_ties_away(board, tmp_path, monkeypatch):
    monkeypatch.setattr(conv2d, "prefers_image", lambda args: False)
    monkeypatch.setattr(conv2d, "prefers_plane", lambda args: True)
    model, facts = depthwise_model(PLANE_LAYERS, seed=11)
    sets = check_on_qemu(model, board, tmp_path, PLANE, len(PLANE_LAYERS), seed=12)
    for (_, stride, padding, *_), ties in zip(facts, ties_by_column(sets, facts)):
        assert ties.sum() >= 20, (stride, padding, ties)
        if stride == 1:  # both outputs of a pair, and an odd row's last one
            assert ties[0::2].sum() >= 5 and ties[1::2].sum() >= 5, (padding, ties)
            if ties.size % 2:
                assert ties[-1] >= 1, (padding, ties)


@pytest.mark.parametrize("board", [M7, M4])
def test_image_kernel_rounds_negative_ties_away(board, tmp_path, monkeypatch):
    monkeypatch.setattr(conv2d, "prefers_image", lambda args: True)
    image.image_everywhere(monkeypatch)
    model, facts = depthwise_model(IMAGE_LAYERS, seed=21)
    sets = check_on_qemu(model, board, tmp_path, IMAGE, len(IMAGE_LAYERS), seed=22)
    for (_, _, padding, *_), ties in zip(facts, ties_by_column(sets, facts)):
        assert ties[0::2].sum() >= 5 and ties[1::2].sum() >= 5, (padding, ties)
        if ties.size % 2:
            assert ties[-1] >= 1, (padding, ties)


@pytest.mark.parametrize("board", [M7, M4])
def test_im2col_rounds_negative_ties_away(board, tmp_path):
    model, facts = im2col_model(seed=31)
    sets = check_on_qemu(model, board, tmp_path, IM2COL, 1, seed=32)
    [ties] = ties_by_column(sets, facts, depthwise=False)
    assert ties.sum() >= 10, ties
