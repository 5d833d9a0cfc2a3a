"""ADD, int8: both inputs rescaled to a common scale (left shift 20), summed, requantized.

Same-shape activations use mcu_add_s8; broadcasting or a constant operand uses
mcu_add_broadcast_s8 (same arithmetic, the loop nest of mcugen.ops.broadcast). The SIMD
kernel set tabulates each input's rescaling (mcu_add_table_s8) where the short
requantization of the sum is provably exact."""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ir.quant import f32, quantize_multiplier
from mcugen.ops.broadcast import broadcast_loops
from mcugen.ops.common import fail, out, output_range, require_activation_scale, require_int8_activation, tensor_in
from mcugen.ops.elementwise import check_binary, operand_consts
from mcugen.ops.fast_requant import requant_entry
from mcugen.ops.fixedpoint import mbqm
from mcugen.ops.registry import ConstArray, Lowered, OpSpec, register

LEFT_SHIFT = 20  # TFLM's headroom for int8 ADD


def _same_shape(graph: Graph, op: Op) -> bool:
    if len(op.inputs) != 2 or min(op.inputs) < 0:
        return False
    a, b, y = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]], out(graph, op)
    return a.shape == b.shape == y.shape and not a.is_const and not b.is_const


def _check(graph: Graph, op: Op) -> None:
    if not _same_shape(graph, op):
        a, b, y = check_binary(graph, op)  # broadcasting and constant operands
        output_range(op, y)
        if _multipliers(a, b, y)[2][1] > 0:
            raise fail(op, f"output scale {y.scale:g} is too small for the input scales "
                           f"({a.scale:g}, {b.scale:g}); TFLM's int8 ADD needs a multiplier below one")
        return
    a, b, y = tensor_in(graph, op, 0, "first"), tensor_in(graph, op, 1, "second"), out(graph, op)
    for tensor, role in ((a, "first input"), (b, "second input"), (y, "output")):
        require_int8_activation(op, tensor, role)
        require_activation_scale(op, tensor, role)


def _multipliers(a, b, y) -> list[tuple[int, int]]:
    """add.cc CalculateOpData: multipliers from doubles of the float32 scales."""
    twice_max = 2 * f32(max(a.scale, b.scale))
    return [quantize_multiplier(f32(a.scale) / twice_max),
            quantize_multiplier(f32(b.scale) / twice_max),
            quantize_multiplier(twice_max / ((1 << LEFT_SHIFT) * f32(y.scale)))]


def _lower(graph: Graph, op: Op) -> Lowered:
    a, b, y = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]], out(graph, op)
    (m1, s1), (m2, s2), (mo, so) = _multipliers(a, b, y)
    act_min, act_max = output_range(op, y)
    args = dict(size=y.size, input1_offset=-a.zero_point, input2_offset=-b.zero_point,
                output_offset=y.zero_point, left_shift=LEFT_SHIFT,
                input1_multiplier=m1, input1_shift=s1, input2_multiplier=m2, input2_shift=s2,
                output_multiplier=mo, output_shift=so, act_min=act_min, act_max=act_max)
    if not _same_shape(graph, op):
        args.update(broadcast_loops(op, a.shape, b.shape))
        return Lowered(args=args, consts=operand_consts(graph, op), kernel="mcu_add_broadcast_s8.h",
                       function="mcu_add_broadcast_s8")
    return Lowered(args=args, kernel="mcu_add_s8.h", function="mcu_add_s8")


def _simd(graph: Graph, op: Op, portable: Lowered, wide_weights: bool = False) -> Lowered | None:
    """mcu_add_table_s8 for same-shape inputs: each input's rescaling, a function of its int8
    value, tabulated (doubled); the sum requantized the short way when requant_entry proves
    that exact (it bounds |sum| by the tables' largest values), else None."""
    if portable.function != "mcu_add_s8":
        return None
    a = portable.args
    values = np.arange(-128, 128)
    tables = [np.array([mbqm((int(x) + a[f"input{k}_offset"]) << a["left_shift"],
                             a[f"input{k}_multiplier"], a[f"input{k}_shift"]) for x in values],
                       np.int64) for k in (1, 2)]
    bound = int(np.abs(tables[0]).max() + np.abs(tables[1]).max())
    requant = requant_entry(a["output_multiplier"], a["output_shift"], a["output_offset"], bound)
    if requant is None:
        return None
    doubled = (2 * np.concatenate(tables)).astype(np.int32)
    return Lowered(args={**a, "add_right": requant[2]}, kernel="mcu_add_table_s8.h",
                   function="mcu_add_table_s8",
                   consts=(ConstArray("tables", "int32_t", doubled),
                           ConstArray("requant", "int32_t", np.array(requant, np.int32))))


register(OpSpec(kind="ADD", check=_check, lower=_lower, template="add",
                extra={"simd": _simd}))
