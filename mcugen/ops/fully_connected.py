"""FULLY_CONNECTED, int8, per-tensor or per-channel weights."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ir.quant import conv_multipliers, fc_multiplier
from mcugen.ops.common import (
    fail,
    fold_input_offset,
    optional_in,
    out,
    output_range,
    pack_s16_pairs,
    require_activation_scale,
    require_const,
    require_int8_activation,
    require_quant,
    require_scale_product,
    tensor_in,
    unrolled_groups,
    wrap_int32,
)
from mcugen.ops.fast_requant import fast_requant_table
from mcugen.ops.registry import ConstArray, Lowered, OpSpec, register


def _dims(graph: Graph, op: Op) -> tuple[int, int, int]:
    x, w, y = tensor_in(graph, op, 0, "input"), tensor_in(graph, op, 1, "weights"), out(graph, op)
    require_int8_activation(op, x, "input")
    require_int8_activation(op, y, "output")
    require_const(op, w, "weights", "int8", ndim=2)
    units, depth = w.shape
    if depth <= 0 or x.size % depth:
        raise fail(op, f"input of {x.size} values is not a whole number of {depth}-long rows")
    batches = x.size // depth
    if y.size != batches * units:
        raise fail(op, f"output '{y.name}' has {y.size} values, expected {batches} x {units}")
    return batches, depth, units


def _check(graph: Graph, op: Op) -> None:
    _, _, units = _dims(graph, op)
    x, w, y = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]], out(graph, op)
    require_activation_scale(op, x, "input")
    require_activation_scale(op, y, "output")
    require_quant(op, w, "weights", units)
    if op.options.get("weights_format", 0) != 0:
        raise fail(op, "shuffled weights format is not supported")
    if w.qparams.per_channel and np.any(w.qparams.zero_point != 0):
        raise fail(op, "per-channel weights must have zero points 0")
    if not w.qparams.per_channel:
        require_scale_product(op, x, w)
    bias = optional_in(graph, op, 2)
    if bias is not None:
        require_const(op, bias, "bias", "int32")
        if bias.size != units:
            raise fail(op, f"bias has {bias.size} values for {units} units")


def _lower(graph: Graph, op: Op) -> Lowered:
    batches, depth, units = _dims(graph, op)
    x, w, y = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]], out(graph, op)
    if w.qparams.per_channel:
        multipliers, shifts = conv_multipliers(x.scale, w.qparams.scale, y.scale, units)
    else:
        # TFLM takes a different path (float32 scale product) for per-tensor weights.
        multiplier, shift = fc_multiplier(x.scale, w.scale, y.scale)
        multipliers, shifts = [multiplier], [shift]
    act_min, act_max = output_range(op, y)
    bias = optional_in(graph, op, 2)
    bias_values = bias.values.reshape(-1) if bias is not None else np.zeros(units, np.int32)
    args = dict(batches=batches, depth=depth, units=units, per_channel=int(len(multipliers) > 1),
                input_offset=-x.zero_point,
                filter_offset=-w.zero_point, output_offset=y.zero_point,
                act_min=act_min, act_max=act_max)
    consts = (
        ConstArray("filter", "int8_t", w.values, tensor=w.index),
        ConstArray("bias", "int32_t", bias_values, tensor=bias.index if bias is not None else None),
        ConstArray("multiplier", "int32_t", np.array(multipliers, np.int32)),
        ConstArray("shift", "int32_t", np.array(shifts, np.int32)),
    )
    return Lowered(args=args, consts=consts, kernel="mcu_fc_s8.h", function="mcu_fc_s8")


def _simd(graph: Graph, op: Op, portable: Lowered, wide_weights: bool = False) -> Lowered | None:
    """The SMLAD dot-product kernel; it assumes symmetric weights (zero point 0) and needs
    the short requantization to be exact for the layer (mcugen/ops/fast_requant.py). With
    wide_weights and depth % 4 == 0 the weights, bias and requantization go into one stream
    with int16 weights for the layer's own dot-product function (fc_stream)."""
    args = portable.args
    if args["filter_offset"] != 0:
        return None
    consts = {c.role: c for c in portable.consts}
    units = args["units"]
    rows = consts["filter"].values.reshape(units, -1)
    multipliers = np.broadcast_to(consts["multiplier"].values, (units,))
    shifts = np.broadcast_to(consts["shift"].values, (units,))
    requant = fast_requant_table(multipliers, shifts, args["output_offset"], consts["bias"].values,
                                 rows, args["input_offset"])
    if requant is None:
        return None
    wide = wide_weights and args["depth"] % 4 == 0
    args = {k: v for k, v in args.items()
            if k not in ("filter_offset", "per_channel", "output_offset")}
    if wide:
        folded = fold_input_offset(consts["bias"].values, rows, args["input_offset"])
        stream = fc_stream(rows, folded, requant)
        unroll = unrolled_groups(args["depth"] // 4)
        # flash over int8 weights + bias + requant: a byte per weight, the padding rows
        extra = 4 * stream.size - (rows.size + 4 * units + 12 * units)
        return replace(portable, consts=(ConstArray("filter", "int32_t", stream),),
                       args={**args, "wide_weights": 1, "fc_pre": unroll["pre"],
                             "fc_loop": unroll["loop"], "wide_bytes": extra},
                       kernel="mcu_fc_dot_s8.h", function="mcu_fc_w16_s8")
    new_consts = (consts["filter"], consts["bias"], ConstArray("requant", "int32_t", requant))
    return replace(portable, args={**args, "wide_weights": 0}, consts=new_consts,
                   kernel="mcu_fc_dot_s8.h", function="mcu_fc_dot_s8")


def fc_stream(rows: np.ndarray, bias: np.ndarray, requant: np.ndarray) -> np.ndarray:
    """The stream of MCU_FC_W16_LAYER (mcu_fc_dot_s8.h) for weight rows [units][depth]
    (depth % 4 == 0), bias with the input offset folded in, and the requant table: per block
    of four rows the doubled biases, per group of 4 along depth each row's doubled weights
    as int16 pairs (w0, w2) (w1, w3), then the rows' (multiplier, c, right). The last block
    is padded with zero rows (requant (0, 1, 1): output 0, dropped by the driver)."""
    units, depth = rows.shape
    pad = -units % 4
    rows = np.pad(rows.astype(np.int32), ((0, pad), (0, 0)))
    bias = np.pad(bias.astype(np.int64).reshape(-1), (0, pad))
    requant = np.concatenate([requant.reshape(-1), np.tile([0, 1, 1], pad)]).astype(np.int32)
    blocks = rows.shape[0] // 4
    head = wrap_int32(2 * bias).reshape(blocks, 4)
    groups = (2 * rows).reshape(blocks, 4, depth // 4, 4)[..., [0, 2, 1, 3]]
    words = pack_s16_pairs(groups.transpose(0, 2, 1, 3)).reshape(blocks, 2 * depth)
    return np.concatenate([head, words, requant.reshape(blocks, 12)], axis=1).reshape(-1)


def _macs(graph: Graph, op: Op) -> int:
    batches, depth, units = _dims(graph, op)
    return batches * depth * units


register(OpSpec(kind="FULLY_CONNECTED", check=_check, lower=_lower, macs=_macs,
                template="fully_connected", extra={"simd": _simd}))
