"""Two SIMD-set kernels on emulated Cortex-M7 (mps2-an500) and M4 (mps2-an386) against the
host build: one-layer models compiled with kernels="simd", QEMU's bytes equal the host
build's, and the host build equals TFLM.

1. FULLY_CONNECTED with int16 weights (MCU_FC_W16_LAYER, runtime_c/mcu_fc_dot_s8.h): on the
   boards hand-written assembly, on the host the C body mcu_fc_w16_body; the driver
   mcu_fc_w16_s8 and the stream of mcugen/ops/fully_connected.py fc_stream. The cases walk
   - the group count DEPTH / 4: PRE only (depth 4: PRE 1; depth 32: PRE 8; depth 64: PRE 16),
     PRE + the loop of 16 (depth 68: PRE 1; depth 76: PRE 3), the loop only (depth 128, and
     depth 640: 10 passes);
   - units 1, 2, 3 (no whole block: only the padded block through the 4-byte temporary),
     4 (no tail), 5, 128 and 130 (many blocks, a tail of 1 or 2);
   - batches 1 and 3 (the driver's input and output walks, the tail per batch row);
   - activation bounds inside int8 (the CMP / IT / MOV after SSAT): RELU with an output
     zero point of -37, RELU6 and RELU_N1_TO_1 with both bounds narrow;
   - per-tensor and per-channel weights;
   - pruned rows (all-zero weights; biases near +-2^30, whose doubled value wraps, 0, and
     one giving a constant inside the range), also in the padded last block, which the
     compiler turns into constant outputs (requant entry (0, 2 v + 1, 1));
   - rows whose accumulator reaches exactly +-(2^30 - 1), the largest the short
     requantization allows (sign-fixed weights, input zero point -128, all-127 input):
     by a bias near the limit, and at depth 33152 by the inputs alone (weights all +-127,
     scales that keep the outputs unclamped from 0 to +-127 along the whole range);
   - rounding ties (power-of-two scales, small weights: negative half-way accumulators).
   Inputs: all -128, all 127, random sets, the inputs that make one row's accumulator
   largest and smallest, and for batches of 3 a set mixing those per batch row.
2. ADD by table (mcu_add_table_s8 calling the layer's own MCU_ADD_TABLE_LAYER function,
   runtime_c/mcu_add_table_s8.h): plain C, two elements per pass and an odd one last, but on
   the boards SMMLAR (or SMMULR) and SSAT are the real instructions (mcu_simd.h). Scale
   combinations (equal, 250x apart either way, output coarser and finer than the inputs),
   activations NONE / RELU / RELU6 / RELU_N1_TO_1 (narrow bounds), odd sizes from 1 to
   65537 and an even one, and x + x (one tensor as both inputs). The 65537-element cases
   see every (x1, x2) pair of int8 values in one input set; x + x sees every int8 value.
"""
from __future__ import annotations

import re
import shutil
import zlib
from dataclasses import dataclass, field

import numpy as np
import pytest

import mcugen
from mcugen.ops.fast_requant import ACC_LIMIT
from mcugen.target import build_firmware, run_firmware_batch
from mcugen.verify import tflm_interpreter
from tests.builder import ModelBuilder
from tests.ops.models import accumulator_output_scale, fc_layer, input_act
from tests.target.test_qemu import M4, M7, input_sets, output_sizes
from tests.target.test_qemu_gemm import (
    OUTPUT_SCALES,
    check_narrow,
    compare_on_board,
    count_ties,
    disassembly,
    set_tie_scales,
)

pytestmark = [
    pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc not on PATH"),
    pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm not on PATH"),
]

ADD_LAYER_RE = re.compile(r"MCU_ADD_TABLE_LAYER\((\w+), (-?\d+), (-?\d+), (-?\d+)\)")
FC_LAYER_RE = re.compile(r"MCU_FC_W16_LAYER\((\w+), (-?\d+), (-?\d+), (-?\d+), (-?\d+), (-?\d+)\)")


# ======================================================================= FULLY_CONNECTED
@dataclass(frozen=True)
class FcCase:
    batches: int
    depth: int
    units: int
    fc: tuple  # expected (PRE, LOOP)
    activation: str = "NONE"
    per_channel: bool = True
    output: tuple | None = None  # (scale key of OUTPUT_SCALES or None, zero point)
    bounds: tuple | None = None  # expected (ACT_MIN, ACT_MAX); NONE: (-128, 127)
    pruned: dict = field(default_factory=dict)  # row -> bias (its weights set to 0)
    at_limit: tuple = ()  # rows whose accumulator reaches +(2^30 - 1), -(2^30 - 1)
    ties: bool = False
    full_range: bool = False  # at_limit rows all +-127: the inputs alone take them from 0 to the limit


# PRE = depth/4 if depth/4 <= 8, else depth/4 % 8; LOOP = depth/4 > 8
FC_CASES = {
    "d4_u4_pre1": FcCase(1, 4, 4, (1, 0)),
    "d4_u1_batch3_tail_only": FcCase(3, 4, 1, (1, 0), activation="RELU"),
    "d4_u3_batch3_per_tensor": FcCase(3, 4, 3, (1, 0), per_channel=False),
    "d32_u2_all_unrolled_relu6": FcCase(1, 32, 2, (8, 0), activation="RELU6"),
    "d32_u5_batch3": FcCase(3, 32, 5, (8, 0)),
    "d68_u5_pre1_loop_per_tensor": FcCase(1, 68, 5, (1, 1), per_channel=False),
    "d68_u128_batch3": FcCase(3, 68, 128, (1, 1)),
    "d76_u2_pre3_loop_batch3": FcCase(3, 76, 2, (3, 1)),
    "d128_u4_loop_only_relu": FcCase(1, 128, 4, (0, 1), activation="RELU"),
    "d64_u130_all_unrolled": FcCase(1, 64, 130, (16, 0)),
    "d128_u3_batch3_per_tensor": FcCase(3, 128, 3, (0, 1), per_channel=False),
    "d640_u5_batch3": FcCase(3, 640, 5, (0, 1)),
    "d640_u130_per_tensor": FcCase(1, 640, 130, (0, 1), per_channel=False),
    "d640_u128_batch3": FcCase(3, 640, 128, (0, 1)),
    "relu_zero_point_-37_d32_u5": FcCase(1, 32, 5, (8, 0), activation="RELU",
                                         output=(None, -37), bounds=(-37, 127)),
    "relu6_narrow_d68_u3_batch3": FcCase(3, 68, 3, (1, 1), activation="RELU6",
                                         output=("relu6", -60), bounds=(-60, 90)),
    "relu6_narrow_d640_u130_per_tensor": FcCase(1, 640, 130, (0, 1), activation="RELU6",
                                                per_channel=False, output=("relu6", -60),
                                                bounds=(-60, 90)),
    "relu_n1_to_1_narrow_d128_u2": FcCase(1, 128, 2, (0, 1), activation="RELU_N1_TO_1",
                                         output=("n1_to_1", 5), bounds=(-59, 69)),
    "relu_n1_to_1_narrow_d4_u5_batch3_per_tensor": FcCase(
        3, 4, 5, (1, 0), activation="RELU_N1_TO_1", per_channel=False,
        output=("n1_to_1", -9), bounds=(-73, 55)),
    "pruned_d68_u5_batch3": FcCase(
        3, 68, 5, (1, 1), pruned={0: (1 << 30) + 7, 2: -(1 << 30) - 3, 4: "mid"}, at_limit=(1, 3)),
    "pruned_d128_u130": FcCase(
        1, 128, 130, (0, 1),
        pruned={3: (1 << 30) - 1, 64: 0, 65: "mid", 128: (1 << 30) + 5, 129: -(1 << 30) - 11},
        at_limit=(5, 127)),
    "pruned_d32_u4_per_tensor_relu": FcCase(
        1, 32, 4, (8, 0), activation="RELU", per_channel=False,
        pruned={1: -(1 << 30) - 1, 2: (1 << 30) + 3, 3: "mid"}, at_limit=(0,)),
    "pruned_d4_u2_batch3_tail": FcCase(3, 4, 2, (1, 0), pruned={1: -(1 << 30) - 9}, at_limit=(0,)),
    "at_limit_d640_u3_batch3": FcCase(3, 640, 3, (0, 1), at_limit=(0, 2)),
    "at_limit_d76_u4_relu6_narrow": FcCase(1, 76, 4, (3, 1), activation="RELU6",
                                           output=("relu6", -60), bounds=(-60, 90), at_limit=(3, 1)),
    "rounding_ties_d16_u6_batch3": FcCase(3, 16, 6, (4, 0), ties=True),
    "rounding_ties_d68_u7_batch3": FcCase(3, 68, 7, (1, 1), ties=True),
    # 127 * 255 * 33152 = 2^30 - 114304: the bias tops the all-127 accumulator up to 2^30 - 1
    "full_range_d33152_u5_batch3": FcCase(3, 33152, 5, (0, 1), at_limit=(0, 3), full_range=True),
}


def _build_fc(case: FcCase, seed: int):
    """The one-layer model, its weights [units][depth] and bias, the input zero point."""
    rng = np.random.default_rng(seed)
    b = ModelBuilder()
    x = input_act(b, rng, (case.batches, case.depth))
    y = fc_layer(b, rng, x, case.units, activation=case.activation, per_channel=case.per_channel)
    b.output(y.index)
    _, (xi, wi, bi), (yi,), _ = b.ops[-1]
    weights, bias = b.tensors[wi]["data"], b.tensors[bi]["data"]
    if case.output is not None:
        scale, zero_point = case.output
        if scale is not None:
            # the weight scales follow, so that the outputs spread over int8 as for a
            # fitted output scale (fc_layer's RELU6 / RELU_N1_TO_1 scales are clipped)
            w_scale = b.tensors[wi]["scale"]
            fitted = accumulator_output_scale(np.random.default_rng(0), x.scale, x.zero_point,
                                              w_scale, case.depth)
            factor = OUTPUT_SCALES[scale] / fitted
            b.tensors[yi]["scale"] = OUTPUT_SCALES[scale]
            for t in (wi, bi):
                b.tensors[t]["scale"] = (np.asarray(b.tensors[t]["scale"]) * factor).tolist()
        b.tensors[yi]["zero_point"] = zero_point
    if case.ties:
        set_tie_scales(b.tensors, xi, wi, bi, yi, case.units)
        weights[...] = rng.integers(-2, 3, size=weights.shape)
        bias[...] = rng.integers(-64, 65, size=bias.shape)
    if case.at_limit:
        # input zero point -128: |x - zp| <= 255, reached by x = 127 alone, so a row of
        # non-negative (non-positive) weights gets its bound as accumulator from all-127
        b.tensors[xi]["zero_point"] = -128
        for row, sign in zip(case.at_limit, (1, -1)):
            weights[row] = sign * (127 if case.full_range else np.abs(weights[row]))
            weights[row, 0] = sign * 127  # never an all-zero row
    if case.full_range:
        # those rows' outputs follow the accumulator over its whole range, 2^30 = 127 steps
        # (output zero point 0: the + row's outputs go 0..127, the - row's 0..-127)
        assert case.per_channel and case.activation == "NONE"
        scales = np.asarray(b.tensors[wi]["scale"], np.float64)
        for row in case.at_limit:
            scales[row] = 127 * b.tensors[yi]["scale"] / (b.tensors[xi]["scale"] * ACC_LIMIT)
        b.tensors[wi]["scale"] = scales.tolist()
        b.tensors[bi]["scale"] = (scales * b.tensors[xi]["scale"]).tolist()
        b.tensors[yi]["zero_point"] = 0
    in_zp = int(b.tensors[xi]["zero_point"])
    in_scale = float(b.tensors[xi]["scale"])
    out_scale = float(b.tensors[yi]["scale"])
    w_scales = np.broadcast_to(np.asarray(b.tensors[wi]["scale"], np.float64), (case.units,))
    for row, value in case.pruned.items():
        weights[row] = 0
        if value == "mid":  # a constant output about 37 steps above the zero point
            value = int(round(37.3 * out_scale / (in_scale * w_scales[row])))
        bias[row] = value
    widest = max(abs(-128 - in_zp), abs(127 - in_zp))
    for row, sign in zip(case.at_limit, (1, -1)):
        bias[row] = sign * (ACC_LIMIT - 1 - int(np.abs(weights[row].astype(np.int64)).sum()) * widest)
    assert y.shape == (case.batches, case.units)
    return b.build(), weights.astype(np.int64), bias.astype(np.int64), in_zp


def _fc_sets(case: FcCase, rows: np.ndarray, compiled) -> list[list[np.ndarray]]:
    """All -128, all 127, random; two more random; the inputs that make one row's
    accumulator largest and smallest; for batches > 1 those and a random row mixed."""
    shape = (case.batches, case.depth)
    rng = np.random.default_rng(case.batches * 1000 + case.depth + case.units)
    sets = input_sets(compiled) + [[rng.integers(-128, 128, size=shape, dtype=np.int8)] for _ in range(2)]
    probes = [r for r in [*case.at_limit, 0] if rows[r].any()][:1] or [0]
    up = np.where(rows[probes[0]] >= 0, 127, -128).astype(np.int8)
    sets += [[np.broadcast_to(up, shape).copy()], [np.broadcast_to(~up, shape).copy()]]
    if case.batches > 1:
        mixed = np.stack([up, ~up, rng.integers(-128, 128, size=case.depth, dtype=np.int8)])
        sets.append([np.resize(mixed, shape).astype(np.int8)])
    if case.ties:  # more outputs, so that enough of them fall half-way
        sets += [[rng.integers(-128, 128, size=shape, dtype=np.int8)] for _ in range(6)]
    if case.full_range:  # the full-range rows' accumulators at levels through their range
        levels = np.linspace(-128, 127, 3 * 7).round().astype(np.int8).reshape(7, 3)
        sets += [[np.repeat(lv[:case.batches, None], case.depth, axis=1)] for lv in levels]
    return sets


def _stream_requant(compiled, case: FcCase) -> np.ndarray:
    """The (multiplier, c, right) of each row from the layer's stream (fc_stream's layout)."""
    [op] = [o for o in compiled.graph.ops if o.kind == "FULLY_CONNECTED"]
    lowered = op.params["lowered"]
    assert lowered.function == "mcu_fc_w16_s8"
    [stream] = [c.values for c in lowered.consts if c.role == "filter"]
    blocks = -(-case.units // 4)
    per_block = np.asarray(stream, np.int64).reshape(blocks, 16 + 2 * case.depth)
    return per_block[:, -12:].reshape(-1, 3)[:case.units]


@pytest.mark.parametrize("board", [M7, M4])
@pytest.mark.parametrize("name", list(FC_CASES), ids=list(FC_CASES))
def test_fc_w16_assembly_equals_host_build(name, board, tmp_path):
    case = FC_CASES[name]
    model, rows, bias, in_zp = _build_fc(case, zlib.crc32(name.encode()))
    compiled = mcugen.compile(model, board=board, kernels="simd")
    source = compiled.files[f"{compiled.prefix}.c"]
    assert "MCU_FC_W16_LAYER(" in source and "mcu_fc_w16_s8(" in source
    [layer] = FC_LAYER_RE.findall(source)
    symbol, depth, act_min, act_max, pre, loop = layer[0], *map(int, layer[1:])
    assert depth == case.depth and (pre, loop) == case.fc
    if case.bounds is not None:
        assert (act_min, act_max) == case.bounds
    elif case.activation == "NONE":
        assert (act_min, act_max) == (-128, 127)
    requant = _stream_requant(compiled, case)
    for row in range(case.units):  # pruned rows, and only they, are constants (0, 2 v + 1, 1)
        pruned = row in case.pruned
        assert (requant[row, 0] == 0 and requant[row, 2] == 1) == pruned, f"row {row}"

    elf = build_firmware(compiled, board, tmp_path / "fw")
    asm = disassembly(elf, symbol)
    assert asm.count("smlad") == 8 * (pre + 16 * loop), "not the assembly FC"
    assert asm.count("smmlar") == 4 and asm.count("sxtb16") == 2 * (pre + 16 * loop)
    # the narrow bounds' compares are assembled in exactly when the bounds are narrow
    assert asm.count("it\tlt") == (4 if act_min > -128 else 0)
    assert asm.count("it\tgt") == (4 if act_max < 127 else 0)

    sets = _fc_sets(case, rows, compiled)
    results = run_firmware_batch(elf, board, sets, output_sizes(compiled))
    seen = np.concatenate(compare_on_board(sets, results, compiled, tflm_interpreter(model), case.units,
                                           ("row", "column")))
    if case.output is not None:
        check_narrow(seen, act_min, act_max, both=case.activation != "RELU")
    for row in case.pruned:  # constant outputs, whatever the input and batch row
        assert np.all(seen[:, row] == seen[0, row]), f"pruned row {row} varies"
    if case.pruned:
        constants = {int(seen[0, r]) for r in case.pruned}
        big = {v for v in case.pruned.values() if v != "mid" and abs(v) >= 1 << 29}
        assert len(constants - {act_min, act_max}) >= (1 if "mid" in case.pruned.values() else 0)
        if any(v > 0 for v in big):
            assert act_max in constants
        if any(v < 0 for v in big):
            assert act_min in constants
    x_all = np.concatenate([s[0].reshape(-1, case.depth) for s in sets]).astype(np.int64)
    acc = bias + (x_all - in_zp) @ rows.T
    if case.at_limit:  # the all-127 set (set 1) takes those rows to +-(2^30 - 1)
        acc_127 = acc[case.batches:2 * case.batches]
        for row, sign in zip(case.at_limit, (1, -1)):
            assert np.all(acc_127[:, row] == sign * (ACC_LIMIT - 1)), f"row {row} not at the limit"
    if case.full_range:  # unclamped outputs from about 0 to +-127, all the way along
        for row, sign in zip(case.at_limit, (1, -1)):
            values = sign * seen[:, row].astype(np.int64)
            assert values.min() <= 1 and values.max() == 127 and len(np.unique(values)) >= 15
    if case.ties:  # negative halves, where SMMLAR + ADD ASR #31 must round away from zero
        assert count_ties(acc) >= 10


# ======================================================================= ADD by table
@dataclass(frozen=True)
class AddCase:
    shape: tuple
    in1: tuple  # (scale, zero point)
    in2: tuple | None  # None: x + x, the first input twice
    out: tuple  # (scale, zero point)
    activation: str = "NONE"
    bounds: tuple | None = None  # expected (act_min, act_max) when narrow


ALL_PAIRS = (1, 65537)  # odd; every (x1, x2) of int8 values, and one more
ADD_CASES = {
    "equal_scales_all_pairs": AddCase(ALL_PAIRS, (0.03, -7), (0.03, 12), (0.07, 3)),
    "first_250x_larger_all_pairs": AddCase(ALL_PAIRS, (0.5, 20), (0.002, -100), (0.6, -5)),
    "second_250x_larger_relu_all_pairs": AddCase(ALL_PAIRS, (0.002, 90), (0.5, -3), (0.55, -37),
                                                 activation="RELU", bounds=(-37, 127)),
    "output_coarser_relu6_all_pairs": AddCase(ALL_PAIRS, (0.05, -128), (0.07, 127), (0.5, -100),
                                              activation="RELU6", bounds=(-100, -88)),
    "output_finer_all_pairs": AddCase(ALL_PAIRS, (0.05, 1), (0.07, -2), (0.01, 3)),
    "relu6_narrow_1x7x9x3": AddCase((1, 7, 9, 3), (0.03, -11), (0.03, 40), (6 / 150, -60),
                                    activation="RELU6", bounds=(-60, 90)),
    "relu_n1_to_1_narrow_1x1001": AddCase((1, 1001), (0.02, 0), (0.03, -50), (1 / 64, 5),
                                          activation="RELU_N1_TO_1", bounds=(-59, 69)),
    "relu_n1_to_1_coarse_3x37": AddCase((3, 37), (0.05, 64), (0.08, -64), (0.1, -9),
                                        activation="RELU_N1_TO_1", bounds=(-19, 1)),
    "size_1": AddCase((1, 1, 1, 1), (0.05, 3), (0.02, -3), (0.08, 0)),
    "size_2x10_even": AddCase((2, 10), (0.04, -20), (0.06, 21), (0.09, -1)),
    "size_3_relu": AddCase((1, 3), (0.1, -128), (0.01, 127), (0.12, -128), activation="RELU"),
    "x_plus_x_none": AddCase((1, 7, 9, 3), (0.04, -7), None, (0.09, 5)),
    "x_plus_x_relu": AddCase((1, 257), (0.04, -7), None, (0.09, -20), activation="RELU",
                             bounds=(-20, 127)),
    "x_plus_x_relu6_finer": AddCase((1, 5, 13), (0.05, 30), None, (6 / 150, -60),
                                    activation="RELU6", bounds=(-60, 90)),
}


def _build_add(case: AddCase) -> bytes:
    b = ModelBuilder()
    x1 = b.input(case.shape, scale=case.in1[0], zero_point=case.in1[1])
    x2 = x1 if case.in2 is None else b.input(case.shape, scale=case.in2[0], zero_point=case.in2[1])
    y = b.output(b.tensor(case.shape, scale=case.out[0], zero_point=case.out[1]))
    b.op("ADD", [x1, x2], [y], fused_activation_function=case.activation)
    return b.build()


def _add_sets(case: AddCase, compiled) -> list[list[np.ndarray]]:
    """All -128, all 127, random; each input at one extreme, the other at the other; a
    walk over all int8 pairs (all of them when the size allows; x + x: every value)."""
    size = int(np.prod(case.shape))
    n_inputs = 1 if case.in2 is None else 2
    rng = np.random.default_rng(size)
    i = np.arange(size)
    walk = [((i % 256) - 128), (((i // 256) + 37 * (i % 256)) % 256) - 128]
    sets = input_sets(compiled) + [
        [rng.integers(-128, 128, size=case.shape, dtype=np.int8) for _ in range(n_inputs)],
        [w.astype(np.int8).reshape(case.shape) for w in walk[:n_inputs]]]
    if n_inputs == 2:
        lo, hi = np.full(case.shape, -128, np.int8), np.full(case.shape, 127, np.int8)
        sets += [[lo, hi], [hi, lo]]
        if size >= 1 << 16:  # the walk holds every pair
            pairs = {(int(a), int(b)) for a, b in zip(*(w[:1 << 16] for w in walk))}
            assert len(pairs) == 1 << 16
    return sets


@pytest.mark.parametrize("board", [M7, M4])
@pytest.mark.parametrize("name", list(ADD_CASES), ids=list(ADD_CASES))
def test_add_table_equals_host_build(name, board, tmp_path):
    case = ADD_CASES[name]
    model = _build_add(case)
    compiled = mcugen.compile(model, board=board, kernels="simd")
    source = compiled.files[f"{compiled.prefix}.c"]
    assert "mcu_add_table_s8(" in source
    [op] = compiled.graph.ops
    lowered = op.params["lowered"]
    assert lowered.function == "mcu_add_table_s8"
    [(symbol, right, act_min, act_max)] = [(m[0], *map(int, m[1:])) for m in ADD_LAYER_RE.findall(source)]
    requant = [int(v) for v in [c for c in lowered.consts if c.role == "requant"][0].values]
    assert right == requant[2] >= 1
    assert (act_min, act_max) == (case.bounds or (-128, 127))

    elf = build_firmware(compiled, board, tmp_path / "fw")
    asm = disassembly(elf, symbol)
    assert re.search(r"\bsmm(lar|ulr)\b", asm) and "ssat" in asm, "not the DSP instructions"

    sets = _add_sets(case, compiled)
    results = run_firmware_batch(elf, board, sets, output_sizes(compiled))
    size = int(np.prod(case.shape))
    interpreter = tflm_interpreter(model, activation_bytes=4 * size)
    seen = np.concatenate(compare_on_board(sets, results, compiled, interpreter, size, ("row", "column")))
    if case.bounds is not None:
        check_narrow(seen, act_min, act_max, both=case.activation != "RELU")
    assert len(np.unique(seen)) > (1 if size > 1 else 0)
