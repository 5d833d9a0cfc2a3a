"""PAD and PADV2, int8: fill with the pad value, copy the input inside (mcu_pad_s8).

TFLM pads with the output zero point (PAD) or the scalar constant_values input (PADV2),
copying bytes without requantizing, for tensors of up to 5 dimensions.
"""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.common import (
    check_shape,
    fail,
    optional_in,
    out,
    require_activation_scale,
    require_const,
    require_int8_activation,
    tensor_in,
)
from mcugen.ops.copy_nd import KERNEL, copy_geometry, geometry_const, row_major_strides, same_quant
from mcugen.ops.registry import Lowered, OpSpec, register

MAX_RANK = 5  # reference_ops::PadKernelMaxDimensionCount()


def _paddings(graph: Graph, op: Op) -> list[tuple[int, int]]:
    x, y = tensor_in(graph, op, 0, "input"), out(graph, op)
    for tensor, role in ((x, "input"), (y, "output")):
        require_int8_activation(op, tensor, role)
        require_activation_scale(op, tensor, role)
    if len(x.shape) > MAX_RANK:
        raise fail(op, f"input has {len(x.shape)} dimensions; TFLM pads at most {MAX_RANK}")
    paddings = tensor_in(graph, op, 1, "paddings")
    require_const(op, paddings, "paddings", "int32")
    if tuple(paddings.shape) != (len(x.shape), 2):
        raise fail(op, f"paddings shape {list(paddings.shape)} does not match a {len(x.shape)}-D input")
    pairs = [(int(a), int(b)) for a, b in paddings.values.reshape(-1, 2)]
    if any(a < 0 or b < 0 for a, b in pairs):
        raise fail(op, f"negative paddings {pairs} are not supported")
    check_shape(op, y, tuple(d + a + b for d, (a, b) in zip(x.shape, pairs)))
    if not same_quant(x, y):
        raise fail(op, "input and output quantization differ; TFLM pads without requantizing, "
                       "so mcugen requires them equal")
    return pairs


def _pad_value(graph: Graph, op: Op) -> int:
    y = out(graph, op)
    value = optional_in(graph, op, 2) if op.kind == "PADV2" else None
    if value is None:
        return y.zero_point
    require_const(op, value, "constant_values", "int8")
    if value.size != 1:
        raise fail(op, f"constant_values has {value.size} elements; expected a scalar")
    if not same_quant(value, y):
        raise fail(op, "constant_values quantization differs from the output's (TFLM requires them equal)")
    return int(value.values.reshape(-1)[0])


def _check(graph: Graph, op: Op) -> None:
    if op.kind == "PAD" and len(op.inputs) > 2 and op.inputs[2] >= 0:
        raise fail(op, "PAD has a third input; expected PADV2 for a constant pad value")
    _paddings(graph, op)
    _pad_value(graph, op)


def _lower(graph: Graph, op: Op) -> Lowered:
    x, y = graph.tensors[op.inputs[0]], out(graph, op)
    pairs = _paddings(graph, op)
    out_strides = row_major_strides(y.shape)
    out_offset = sum(left * stride for (left, _), stride in zip(pairs, out_strides))
    geometry = copy_geometry(x.shape, row_major_strides(x.shape), out_strides, 0, out_offset)
    return Lowered(args=dict(output_size=y.size, pad_value=_pad_value(graph, op)),
                   consts=(geometry_const("geometry", geometry),),
                   kernel=KERNEL, function="mcu_pad_s8")


for _kind in ("PAD", "PADV2"):
    register(OpSpec(kind=_kind, check=_check, lower=_lower, template="pad"))
