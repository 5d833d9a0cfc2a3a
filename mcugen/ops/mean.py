"""MEAN, int8, over any axes of a tensor of up to 5 dimensions (runtime_c/mcu_mean_s8.h)."""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ir.quant import f32, quantize_multiplier
from mcugen.ops.common import (
    check_shape,
    fail,
    out,
    require_activation_scale,
    require_const,
    require_int8_activation,
    tensor_in,
)
from mcugen.ops.copy_nd import row_major_strides
from mcugen.ops.registry import ConstArray, Lowered, OpSpec, register

MAX_RANK = 5  # reduce_common.cc kMaxNumberOfAxis
LOOPS = 4  # MCU_MEAN_LOOPS
MAX_COUNT = 1 << 23  # |sum - zero_point * count| < 2^31


def _axes(graph: Graph, op: Op) -> list[int]:
    x, y = tensor_in(graph, op, 0, "input"), out(graph, op)
    for tensor, role in ((x, "input"), (y, "output")):
        require_int8_activation(op, tensor, role)
        require_activation_scale(op, tensor, role)
    axis_t = tensor_in(graph, op, 1, "axis")
    require_const(op, axis_t, "axis", "int32")
    rank = len(x.shape)
    if rank > MAX_RANK:
        raise fail(op, f"input has {rank} dimensions; TFLM's MEAN handles at most {MAX_RANK}")
    axes = []
    for a in (int(v) for v in axis_t.values.reshape(-1)):
        if not -rank <= a < rank:
            raise fail(op, f"axis {a} is out of range for a {rank}-D input")
        a = a + rank if a < 0 else a
        if a not in axes:
            axes.append(a)
    if not axes:
        raise fail(op, "no axis to reduce")
    count = 1
    for a in axes:
        count *= x.shape[a]
    if count > MAX_COUNT:
        raise fail(op, f"averages {count} values; at most {MAX_COUNT} keep the int32 sum exact")
    keep = bool(op.options.get("keep_dims", False))
    expected = tuple(1 if d in axes else x.shape[d] for d in range(rank)) if keep else \
        tuple(x.shape[d] for d in range(rank) if d not in axes)
    check_shape(op, y, expected)
    return axes


def _loops(counts_strides: list[tuple[int, int]]) -> list[int]:
    """Drop 1-loops, merge contiguous ones, pad to LOOPS (count, stride) pairs."""
    merged: list[tuple[int, int]] = []
    for n, s in counts_strides:
        if n == 1:
            continue
        if merged and merged[-1][1] == s * n:
            merged[-1] = (merged[-1][0] * n, s)
        else:
            merged.append((n, s))
    if len(merged) > LOOPS:
        raise ValueError("too many loops")
    merged = [(1, 0)] * (LOOPS - len(merged)) + merged
    return [v for pair in merged for v in pair]


def _lower(graph: Graph, op: Op) -> Lowered:
    axes = _axes(graph, op)
    x, y = graph.tensors[op.inputs[0]], out(graph, op)
    strides = row_major_strides(x.shape)
    kept = [(x.shape[d], strides[d]) for d in range(len(x.shape)) if d not in axes]
    reduced = [(x.shape[d], strides[d]) for d in sorted(axes)]
    count = 1
    for d in axes:
        count *= x.shape[d]
    # TFLM's int8 MEAN always requantizes (QuantizedMeanOrSum), even when input and
    # output share scale and zero point: the multiplier of in/out scale from Prepare, then
    # 1/count folded in with a shift of floor(log2(count)) capped at 32 and 31 + shift.
    multiplier, shift = quantize_multiplier(f32(x.scale) / f32(y.scale))
    fold = min(count.bit_length() - 1, 32, 31 + shift)
    multiplier = (multiplier << fold) // count
    shift -= fold
    geometry = ConstArray(role="geometry", ctype="int32_t",
                          values=np.asarray(_loops(kept) + _loops(reduced), np.int32))
    args = dict(count=count, input_zp=x.zero_point,
                multiplier=multiplier, shift=shift, output_zp=y.zero_point)
    return Lowered(args=args, consts=(geometry,), kernel="mcu_mean_s8.h", function="mcu_mean_s8")


def _check(graph, op) -> None:
    _axes(graph, op)  # raises for what cannot be compiled


register(OpSpec(kind="MEAN", check=_check, lower=_lower, template="mean",
                macs=lambda g, o: g.tensors[o.inputs[0]].size))
