"""The int16-weight GEMM (MCU_GEMM_W16_LAYER, runtime_c/mcu_gemm_2x2.h) on emulated Cortex-M7
(mps2-an500) and M4 (mps2-an386), where it is hand-written assembly, against the host build,
where it is the C body (mcu_gemm_2x2_w16_body): one-layer models compiled with
kernels="simd", QEMU's bytes equal the host build's, and the host build equals TFLM.

The cases walk the assembly's edges:
- the 1x1 pixel-pair loop's extension (MCU_CONV2D_1X1_W16_PAIRS_LAYER): K = 4 (one group, no
  loop), K % 8 == 4 after a loop of two groups per pass (K = 12, 20, 68), K % 8 == 0;
- the group count K / 4: all unrolled (PRE only: K = 8, 32, 64), PRE 1 + one loop pass of 16
  (K = 68), loop only (PRE 0: K = 128), and K = 1040 (4 K = 4160, beyond a 12-bit immediate: the
  frame's column and stream ends come from MOVW/MOVT);
- two channels (one pair) and 66 (33 pairs);
- odd pixel counts (the lone last pixel's own GEMM, MCU_GEMM_W16_ONE) in the 1x1 and im2col drivers, a single
  pixel, batches of 2;
- activation bounds inside [-128, 127] (the CMP / IT / MOV after SSAT): RELU with an output
  zero point above -128, RELU6 and RELU_N1_TO_1 with both bounds narrow;
- pruned channels (all-zero weights, biases near +-2^30 whose doubled value wraps, a small
  one, zero) beside live channels whose bias takes them to the proven limit |acc| < 2^30;
- rounding ties: power-of-two scales (multiplier 2^30, right 2..4) and small weights, so
  many negative accumulators fall half-way and the sign term (ADD ASR #31) decides them;
- im2col: pixel pairs inside the image expanded together (3x3 stride 1 and 2, 5x5, in_c 4,
  8, 16, odd widths, two batches), filter rows of 3 values padded to 4 (3x3 and 1x3 with
  in_c = 1, dilation 2; both windows of a pair at once: stride 2 with depth multiplier 8,
  dilation along H, two batches), the 3x3 3-channel window read straight into its lane (stride 1
  and 2, two batches), 3x3 SAME with in_c = 16 (patches written interleaved), 3x3 stride 2 VALID with
  in_c = 3 (its bytes gathered first), 10x4 stride 2 SAME with in_c = 1, dilation 2, and a
  depthwise layer with one input channel and depth multiplier 2 (an im2col convolution).

Input sets: all -128, all 127, random ones, and for 1x1 layers the inputs that drive one
channel's accumulator to its largest and smallest values. Each case checks that the layer
really is MCU_GEMM_W16_LAYER with the expected constants and that the ELF holds its
assembly.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from dataclasses import dataclass, field

import numpy as np
import pytest

import mcugen
from mcugen.target import build_firmware, run_firmware_batch
from mcugen.verify import run_tflm, tflm_interpreter
from tests.builder import ModelBuilder
from tests.ops.models import conv_layer, input_act
from tests.target.test_qemu import M4, M7, input_sets, output_sizes

pytestmark = [
    pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc not on PATH"),
    pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm not on PATH"),
]

LAYER_RE = re.compile(r"MCU_(?:GEMM_W16|CONV2D_1X1_W16_PAIRS)_LAYER\((\w+)" + r", (-?\d+)" * 6 + r"\)")
ACC_LIMIT = 1 << 30  # mcugen/ops/fast_requant.py: live channels keep |acc| below this


@dataclass(frozen=True)
class Case:
    in_shape: tuple
    out_c: int
    gemm: tuple  # expected (K, PRE, LOOP)
    kernel: tuple = (1, 1)
    stride: tuple = (1, 1)
    dilation: tuple = (1, 1)
    padding: str = "VALID"
    activation: str = "NONE"
    per_channel: bool = True
    depth_multiplier: int = 0  # > 0: DEPTHWISE_CONV_2D (in_c = 1)
    output: tuple | None = None  # (scale, zero point) replacing the builder's
    bounds: tuple | None = None  # expected (ACT_MIN, ACT_MAX) when set; NONE: (-128, 127)
    pruned: dict = field(default_factory=dict)  # channel -> bias (its weights set to 0)
    at_limit: tuple = ()  # live channels whose bias takes |acc| to ACC_LIMIT - 1 (sign +, -)
    ties: bool = False  # power-of-two scales and small weights: many outputs round half away


# K = in_c for 1x1; im2col K = the patch rounded up to 4; PRE = K/4 if K/4 <= 16, else K/4 % 16
CASES = {
    "1x1_k4_one_group": Case((1, 3, 4, 4), 6, (4, 1, 0)),
    "1x1_k8_pre_only": Case((1, 4, 4, 8), 6, (8, 2, 0), activation="RELU6"),
    "1x1_k32_all_unrolled": Case((1, 3, 4, 32), 8, (32, 8, 0)),
    "1x1_k68_pre1_loop": Case((1, 3, 4, 68), 10, (68, 1, 1), per_channel=False),
    "1x1_k64_all_unrolled": Case((1, 4, 3, 64), 12, (64, 16, 0), activation="RELU"),
    "1x1_k128_loop_only": Case((1, 2, 3, 128), 12, (128, 0, 1)),
    "1x1_k1040_movw_movt": Case((1, 2, 3, 1040), 4, (1040, 4, 1)),
    "1x1_oc2": Case((1, 4, 4, 12), 2, (12, 3, 0)),
    "1x1_oc66": Case((1, 2, 4, 16), 66, (16, 4, 0), activation="RELU"),
    "1x1_odd_pixels_3x5": Case((1, 3, 5, 20), 6, (20, 5, 0)),
    "1x1_odd_pixels_k68": Case((1, 3, 3, 68), 4, (68, 1, 1)),
    "1x1_single_pixel": Case((1, 1, 1, 16), 4, (16, 4, 0)),
    "1x1_batch2_odd_pixels": Case((2, 1, 3, 24), 6, (24, 6, 0)),
    "1x1_relu_zero_point_-37": Case((1, 3, 4, 16), 8, (16, 4, 0), activation="RELU",
                                    output=(None, -37), bounds=(-37, 127)),
    "1x1_relu6_narrow": Case((1, 3, 5, 72), 6, (72, 2, 1), activation="RELU6",
                             output=("relu6", -60), bounds=(-60, 90)),
    "1x1_relu_n1_to_1_narrow": Case((1, 4, 4, 8), 4, (8, 2, 0), activation="RELU_N1_TO_1",
                                    output=("n1_to_1", 5), bounds=(-59, 69)),
    "1x1_pruned_channels": Case(
        (1, 3, 5, 68), 10, (68, 1, 1),
        pruned={0: (1 << 30) + 7, 2: -(1 << 30) - 3, 3: (1 << 30) - 1, 5: "mid", 8: 0},
        at_limit=(6, 7)),
    "1x1_rounding_ties": Case((1, 3, 5, 16), 6, (16, 4, 0), ties=True),
    "im2col_3x3_s1_same_c16": Case((1, 6, 4, 16), 8, (144, 4, 1), kernel=(3, 3), padding="SAME",
                                   activation="RELU"),
    "im2col_3x3_s1_same_c8_odd_pixels": Case((1, 3, 5, 8), 6, (72, 2, 1), kernel=(3, 3),
                                             padding="SAME"),
    "im2col_3x3_s2_valid_c3_odd_pixels": Case((1, 7, 11, 3), 8, (28, 7, 0), kernel=(3, 3),
                                              stride=(2, 2), activation="RELU6"),
    "im2col_3x3_s2_batch2_odd_pixels_c8": Case((2, 5, 5, 8), 4, (72, 2, 1), kernel=(3, 3),
                                               stride=(2, 2), padding="SAME"),
    "im2col_10x4_s2_same_c1": Case((1, 13, 6, 1), 4, (40, 10, 0), kernel=(10, 4), stride=(2, 2),
                                   padding="SAME", activation="RELU"),
    "im2col_3x3_dilation2_same_c4": Case((1, 7, 6, 4), 6, (36, 9, 0), kernel=(3, 3),
                                         dilation=(2, 2), padding="SAME", per_channel=False),
    "im2col_depthwise_c1_dm2": Case((1, 9, 8, 1), 2, (12, 3, 0), kernel=(3, 3), stride=(2, 2),
                                    padding="SAME", depth_multiplier=2),
    "im2col_relu_n1_to_1_odd_pixels": Case((1, 5, 3, 8), 4, (72, 2, 1), kernel=(3, 3),
                                           padding="SAME", activation="RELU_N1_TO_1",
                                           output=("n1_to_1", -9), bounds=(-73, 55)),
    "im2col_pruned_channels_c3": Case(
        (1, 5, 5, 3), 6, (28, 7, 0), kernel=(3, 3), padding="SAME",
        pruned={1: -(1 << 30) - 11, 2: (1 << 30) + 5, 4: "mid"}, at_limit=(0, 5)),
    "im2col_rounding_ties_c4": Case((1, 4, 5, 4), 4, (36, 9, 0), kernel=(3, 3), padding="SAME",
                                    ties=True),
    # pixel pairs inside the image, expanded together (mcu_im2col_pair_il): odd widths whose
    # pairs straddle output rows, stride 2, an odd number of groups per run, two batches
    "im2col_pairs_3x3_s1_same_c16_w9": Case((1, 6, 9, 16), 8, (144, 4, 1), kernel=(3, 3),
                                            padding="SAME"),
    "im2col_pairs_3x3_s2_same_c8": Case((1, 9, 12, 8), 6, (72, 2, 1), kernel=(3, 3),
                                        stride=(2, 2), padding="SAME", activation="RELU"),
    "im2col_pairs_5x5_s1_valid_c4": Case((1, 8, 11, 4), 4, (100, 9, 1), kernel=(5, 5)),
    "im2col_pairs_3x3_s2_valid_c4_batch2": Case((2, 7, 13, 4), 6, (36, 9, 0), kernel=(3, 3),
                                                stride=(2, 2)),
    # filter rows padded to whole groups (K unchanged): read whole inside the image, gathered
    # at the border and with dilation
    "im2col_rows_padded_3x3_c1_same": Case((1, 7, 9, 1), 6, (12, 3, 0), kernel=(3, 3),
                                           padding="SAME", activation="RELU"),
    "im2col_rows_padded_1x3_c1_odd_pixels": Case((1, 5, 7, 1), 4, (4, 1, 0), kernel=(1, 3)),
    # the 3x3 3-channel window read straight into its lane inside the image
    "im2col_3x3_c3_s1_same_interior": Case((1, 6, 8, 3), 4, (28, 7, 0), kernel=(3, 3),
                                           padding="SAME", activation="RELU6"),
    "im2col_3x3_c3_s2_same_batch2": Case((2, 9, 10, 3), 6, (28, 7, 0), kernel=(3, 3),
                                         stride=(2, 2), padding="SAME"),
    "im2col_rows_padded_3x3_c1_dilation2": Case((1, 9, 9, 1), 4, (12, 3, 0), kernel=(3, 3),
                                                dilation=(2, 2), padding="SAME"),
    # padded rows of both windows of a pair read whole (mcu_im2col_rows_pair): stride 2 (person's
    # first layer, a depthwise layer with one input channel), dilation along H only, two batches
    "im2col_rows_pair_3x3_c1_s2_dm8": Case((1, 11, 12, 1), 8, (12, 3, 0), kernel=(3, 3),
                                           stride=(2, 2), padding="SAME", depth_multiplier=8),
    "im2col_rows_pair_3x3_c1_dilation_h2": Case((1, 9, 9, 1), 6, (12, 3, 0), kernel=(3, 3),
                                                dilation=(2, 1), padding="SAME", activation="RELU"),
    "im2col_rows_pair_3x3_c1_batch2": Case((2, 6, 7, 1), 4, (12, 3, 0), kernel=(3, 3)),
}

# output scales that put the fused activation's clamps inside int8
OUTPUT_SCALES = {"relu6": 6 / 150, "n1_to_1": 1 / 64}


def tie_scales(out_c: int) -> list[float]:
    """Weight scales 2^-6, 2^-7, 2^-8 by output channel (FC: row): with input scale 2^-5 and
    output scale 2^-8, effective scales 2^-3, 2^-4, 2^-5 (multiplier 2^30, right 2, 3, 4)."""
    return [2.0 ** -(6 + c % 3) for c in range(out_c)]


def set_tie_scales(tensors, xi: int, wi: int, bi: int, yi: int, out_c: int) -> None:
    """Input scale 2^-5, weight scales tie_scales, bias scales their product, output scale
    2^-8 and zero point 0."""
    tensors[xi]["scale"] = 2.0 ** -5
    tensors[wi]["scale"] = tie_scales(out_c)
    tensors[bi]["scale"] = [2.0 ** -5 * s for s in tie_scales(out_c)]
    tensors[yi]["scale"], tensors[yi]["zero_point"] = 2.0 ** -8, 0


def count_ties(acc: np.ndarray) -> int:
    """How many accumulators acc[..., channel] of a layer with set_tie_scales' scales are
    negative halves, where SMMLAR + ADD ASR #31 must round away from zero."""
    q = (acc + 1) >> 1  # SRDHM(acc, 2^30)
    right = np.array([2 + c % 3 for c in range(acc.shape[-1])])
    ties = (q < 0) & (q % (1 << right) == 1 << (right - 1)) & (q >> right >= -128)  # output 0 zero point
    return int(np.count_nonzero(ties))


def _build(case: Case, seed: int) -> tuple[bytes, np.ndarray | None, np.ndarray, int]:
    """The one-layer model; for a 1x1 layer its weights [out_c][in_c]; its bias; the input
    zero point."""
    rng = np.random.default_rng(seed)
    b = ModelBuilder()
    x = input_act(b, rng, case.in_shape)
    y = conv_layer(b, rng, x, None if case.depth_multiplier else case.out_c, kernel=case.kernel,
                   stride=case.stride, dilation=case.dilation, padding=case.padding,
                   activation=case.activation, per_channel=case.per_channel,
                   depthwise=bool(case.depth_multiplier), depth_multiplier=case.depth_multiplier or 1)
    b.output(y.index)
    _, (xi, wi, bi), (yi,), _ = b.ops[-1]
    weights, bias = b.tensors[wi]["data"], b.tensors[bi]["data"]
    if case.output is not None:
        scale, zero_point = case.output
        if scale is not None:
            b.tensors[yi]["scale"] = OUTPUT_SCALES[scale]
        b.tensors[yi]["zero_point"] = zero_point
    if case.ties:
        set_tie_scales(b.tensors, xi, wi, bi, yi, case.out_c)
        weights[...] = rng.integers(-4, 5, size=weights.shape)
        bias[...] = rng.integers(-64, 65, size=bias.shape)
    out_scale = b.tensors[yi]["scale"]
    w_scales = np.broadcast_to(np.asarray(b.tensors[wi]["scale"], np.float64), (case.out_c,))
    for channel, value in case.pruned.items():
        weights[channel] = 0
        if value == "mid":  # a constant output well inside int8 (about 37 above the zero point)
            value = int(round(37.3 * out_scale / (x.scale * w_scales[channel])))
        bias[channel] = value
    widest = max(abs(-128 - x.zero_point), abs(127 - x.zero_point))  # |x + input_offset|
    for channel, sign in zip(case.at_limit, (1, -1)):
        room = ACC_LIMIT - 1 - int(np.abs(weights[channel].astype(np.int64)).sum()) * widest
        bias[channel] = sign * room
    assert y.shape[-1] == case.out_c
    rows = weights.reshape(case.out_c, -1) if case.kernel == (1, 1) else None
    return b.build(), rows, bias.copy(), x.zero_point


def _sets(compiled, rows: np.ndarray | None, probe: int) -> list[list[np.ndarray]]:
    """All -128, all 127, a random set; two more random sets; for a 1x1 layer the inputs
    that make channel `probe`'s accumulator largest and smallest."""
    [shape] = [compiled.graph.tensors[t].shape for t in compiled.graph.inputs]
    rng = np.random.default_rng(sum(shape))
    sets = input_sets(compiled) + [[rng.integers(-128, 128, size=shape, dtype=np.int8)] for _ in range(2)]
    if rows is not None:
        up = np.where(rows[probe] >= 0, 127, -128).astype(np.int8)
        sets += [[np.broadcast_to(up, shape).copy()], [np.broadcast_to(~up, shape).copy()]]
    return sets


# helpers shared with tests/target/test_qemu_fc_add.py
def disassembly(elf, symbol: str) -> str:
    """The disassembly of function `symbol` (or of its GCC clone, e.g. symbol.constprop.0)."""
    dump = subprocess.run(["arm-none-eabi-objdump", "-d", str(elf)], capture_output=True, text=True,
                          check=True).stdout
    match = re.search(rf"<{re.escape(symbol)}(?:\.[\w.]+)?>:\n(.*?)(?:\n\n|\Z)", dump, re.S)
    assert match, f"{symbol} is not in the firmware"
    return match.group(1)


def compare_on_board(sets, results, compiled, interpreter, row: int,
                     labels: tuple[str, str] = ("pixel", "channel")) -> list[np.ndarray]:
    """QEMU == host build == TFLM, byte for byte, for every set; returns QEMU's outputs as
    rows of `row` values. `labels` name an output's row and its place in the row in the
    failure message."""
    seen = []
    for n, (inputs, (outputs, _)) in enumerate(zip(sets, results)):
        [got], [host], [tflm] = outputs, compiled.run(inputs), run_tflm(interpreter, inputs, 1)
        host = host.reshape(-1)
        if got.tobytes() != host.tobytes():
            diff = np.nonzero(got != host)[0]
            first = int(diff[0])
            pytest.fail(f"set {n}: QEMU != host build at {len(diff)} of {host.size} outputs; first: "
                        f"{labels[0]} {first // row} {labels[1]} {first % row}: QEMU {int(got[first])}, "
                        f"host {int(host[first])}")
        assert host.tobytes() == tflm.reshape(-1).astype(np.int8).tobytes(), f"set {n}: host build != TFLM"
        seen.append(got.reshape(-1, row))
    return seen


def check_narrow_bounds(act_min: int, act_max: int, both: bool) -> None:
    """The bounds really are inside int8 (`both`: at both ends)."""
    assert act_min > -128 or act_max < 127
    if both:
        assert act_min > -128 and act_max < 127


def check_narrow(seen: np.ndarray, act_min: int, act_max: int, both: bool) -> None:
    """The bounds really are inside int8, the clamps were hit and some outputs lay between."""
    check_narrow_bounds(act_min, act_max, both)
    lows, highs = seen == act_min, seen == act_max
    assert (lows.any() or act_min == -128) and (highs.any() or act_max == 127)
    assert (~lows & ~highs).any()


@pytest.mark.parametrize("board", [M7, M4])
@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_gemm_assembly_equals_host_build(name, board, tmp_path):
    case = CASES[name]
    model, rows, bias, in_zp = _build(case, zlib.crc32(name.encode()))
    compiled = mcugen.compile(model, board=board, kernels="simd")
    source = compiled.files[f"{compiled.prefix}.c"]
    # a stride-1 1x1 layer's GEMM sits in its pixel-pair loop (MCU_CONV2D_1X1_W16_PAIRS_LAYER)
    pairs = case.kernel == (1, 1) and case.stride == (1, 1)
    assert ("MCU_CONV2D_1X1_W16_PAIRS_LAYER(" if pairs else "MCU_GEMM_W16_LAYER(") in source
    [layer] = LAYER_RE.findall(source)
    symbol, K, out_c, act_min, act_max, pre, loop = layer[0], *map(int, layer[1:])
    assert (K, pre, loop) == case.gemm and out_c == case.out_c
    driver = "mcu_conv2d_1x1_w16_s8(" if case.kernel == (1, 1) else "mcu_conv2d_im2col_w16_s8("
    assert driver in source
    if case.bounds is not None:
        assert (act_min, act_max) == case.bounds
    elif case.activation == "NONE":
        assert (act_min, act_max) == (-128, 127)
    narrow = case.output is not None
    if narrow:  # the bounds the test is about really are inside int8
        check_narrow_bounds(act_min, act_max, both=case.activation != "RELU")

    elf = build_firmware(compiled, board, tmp_path / "fw")
    batches, out_h, out_w, _ = compiled.graph.tensors[compiled.graph.outputs[0]].shape
    if not pairs or batches * out_h * out_w >= 2:  # (a single pixel's pair loop is dropped)
        asm = disassembly(elf, symbol)
        assert "smmlar" in asm and asm.count("smlad") == 8 * (pre + 16 * loop), "not the assembly GEMM"
    # a lone last pixel (odd pixel count per image; across batches for stride-1 1x1) has a
    # GEMM of its own, half the SMLAD
    lone = (batches if case.kernel == (1, 1) and case.stride == (1, 1) else 1) * out_h * out_w % 2 == 1
    base = symbol.rsplit("_", 1)[0]
    one = f"MCU_GEMM_W16_ONE({base}_one, {K}, {out_c}, {act_min}, {act_max}, {pre}, {loop})"
    assert (one in source) == lone
    if lone:
        one_asm = disassembly(elf, base + "_one")
        assert one_asm.count("smlad") == 4 * (pre + 16 * loop) and "smmlar" in one_asm

    probe = case.at_limit[0] if case.at_limit else 0
    sets = _sets(compiled, rows, probe)
    results = run_firmware_batch(elf, board, sets, output_sizes(compiled))
    seen = np.concatenate(compare_on_board(sets, results, compiled, tflm_interpreter(model), out_c))
    if narrow:  # the compares of the narrow bounds clamped outputs, and some lay between
        check_narrow(seen, act_min, act_max, both=case.activation != "RELU")
    for channel in case.pruned:  # constant outputs, whatever the input
        assert np.all(seen[:, channel] == seen[0, channel]), f"pruned channel {channel} varies"
    if case.ties and rows is not None:  # negative halves, where SMMLAR + ADD ASR #31 must round away
        x = np.concatenate([s[0].reshape(-1, rows.shape[1]) for s in sets[2:5]]).astype(np.int64)
        acc = bias + (x - in_zp) @ rows.T.astype(np.int64)
        assert count_ties(acc) >= 10
    if case.pruned:
        constants = {int(seen[0, c]) for c in case.pruned}
        assert {act_min, act_max} <= constants and len(constants - {act_min, act_max}) >= 1
