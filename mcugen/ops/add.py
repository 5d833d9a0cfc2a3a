"""ADD, int8: both inputs rescaled to a common scale (left shift 20), summed, requantized."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ir.quant import f32, quantize_multiplier
from mcugen.ops.common import (fail, out, output_range, require_activation_scale,
                               require_int8_activation, tensor_in)
from mcugen.ops.registry import Lowered, OpSpec, register

LEFT_SHIFT = 20  # TFLM's headroom for int8 ADD


def _check(graph: Graph, op: Op) -> None:
    a, b, y = tensor_in(graph, op, 0, "first"), tensor_in(graph, op, 1, "second"), out(graph, op)
    for tensor, role in ((a, "first input"), (b, "second input"), (y, "output")):
        require_int8_activation(op, tensor, role)
        require_activation_scale(op, tensor, role)
    if a.shape != b.shape or a.shape != y.shape:
        raise fail(op, f"broadcasting ADD ({list(a.shape)} + {list(b.shape)}) is not supported yet")


def _lower(graph: Graph, op: Op) -> Lowered:
    a, b, y = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]], out(graph, op)
    # add.cc CalculateOpData: multipliers from doubles of the float32 scales.
    twice_max = 2 * f32(max(a.scale, b.scale))
    m1, s1 = quantize_multiplier(f32(a.scale) / twice_max)
    m2, s2 = quantize_multiplier(f32(b.scale) / twice_max)
    mo, so = quantize_multiplier(twice_max / ((1 << LEFT_SHIFT) * f32(y.scale)))
    act_min, act_max = output_range(op, y)
    args = dict(size=y.size, input1_offset=-a.zero_point, input2_offset=-b.zero_point,
                output_offset=y.zero_point, left_shift=LEFT_SHIFT,
                input1_multiplier=m1, input1_shift=s1, input2_multiplier=m2, input2_shift=s2,
                output_multiplier=mo, output_shift=so, act_min=act_min, act_max=act_max)
    return Lowered(args=args, kernel="mcu_add_s8.h", function="mcu_add_s8")


register(OpSpec(kind="ADD", check=_check, lower=_lower, template="add"))
