"""Binary int8 elementwise ops with numpy broadcasting: MUL, SUB, MAXIMUM, MINIMUM.

Either operand may be a constant int8 tensor (it is placed in flash); the loop nest and
strides come from mcugen.ops.broadcast. Multipliers follow each TFLM Prepare exactly,
including where it computes in float32 and where in double.
"""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op, Tensor
from mcugen.ir.quant import f32, quantize_multiplier
from mcugen.ops.broadcast import broadcast_loops, broadcast_out_shape
from mcugen.ops.common import (
    check_shape,
    fail,
    out,
    output_range,
    require_activation_scale,
    require_int8_activation,
    tensor_in,
)
from mcugen.ops.registry import ConstArray, Lowered, OpSpec, register

SUB_LEFT_SHIFT = 20  # TFLM's headroom for int8 SUB (as for ADD)


def require_int8_operand(op: Op, tensor: Tensor, role: str) -> None:
    """An int8 per-tensor activation, or an int8 per-tensor constant."""
    if tensor.is_const:
        if tensor.dtype != "int8":
            raise fail(op, f"{role} tensor '{tensor.name}' is a {tensor.dtype} constant; "
                           f"only int8 operands are supported")
        if tensor.quant is None or tensor.qparams.per_channel:
            raise fail(op, f"{role} tensor '{tensor.name}' must be quantized per tensor")
    else:
        require_int8_activation(op, tensor, role)
    require_activation_scale(op, tensor, role)


def check_binary(graph: Graph, op: Op) -> tuple[Tensor, Tensor, Tensor]:
    """Common checks of a two-operand int8 op; returns (input1, input2, output)."""
    if len(op.inputs) != 2:
        raise fail(op, f"expected 2 inputs, got {len(op.inputs)}")
    a, b, y = tensor_in(graph, op, 0, "first"), tensor_in(graph, op, 1, "second"), out(graph, op)
    require_int8_operand(op, a, "first input")
    require_int8_operand(op, b, "second input")
    require_int8_activation(op, y, "output")
    require_activation_scale(op, y, "output")
    if a.is_const and b.is_const:
        raise fail(op, "both inputs are constants; fold the op before compiling")
    check_shape(op, y, broadcast_out_shape(op, a.shape, b.shape))
    broadcast_loops(op, a.shape, b.shape)
    return a, b, y


def operand_consts(graph: Graph, op: Op) -> tuple[ConstArray, ...]:
    """Constant operands as flash arrays named input1 / input2 for the template."""
    consts = []
    for position, role in ((0, "input1"), (1, "input2")):
        tensor = graph.tensors[op.inputs[position]]
        if tensor.is_const:
            consts.append(ConstArray(role=role, ctype="int8_t", tensor=tensor.index,
                                     values=np.asarray(tensor.data, np.int8).reshape(-1)))
    return tuple(consts)


def _operands(graph: Graph, op: Op) -> tuple[Tensor, Tensor, Tensor]:
    return graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]], out(graph, op)


# ---------------------------------------------------------------------------- MUL
def _check_mul(graph: Graph, op: Op) -> None:
    check_binary(graph, op)
    output_range(op, out(graph, op))


def _lower_mul(graph: Graph, op: Op) -> Lowered:
    a, b, y = _operands(graph, op)
    # mul_common.cc CalculateOpDataMul: the product of doubles of the float32 scales.
    multiplier, shift = quantize_multiplier(f32(a.scale) * f32(b.scale) / f32(y.scale))
    act_min, act_max = output_range(op, y)
    args = dict(broadcast_loops(op, a.shape, b.shape), input1_offset=-a.zero_point,
                input2_offset=-b.zero_point, output_offset=y.zero_point,
                output_multiplier=multiplier, output_shift=shift, act_min=act_min, act_max=act_max)
    return Lowered(args=args, consts=operand_consts(graph, op), kernel="mcu_mul_s8.h",
                   function="mcu_mul_s8")


# ---------------------------------------------------------------------------- SUB
def sub_multipliers(a_scale: float, b_scale: float, y_scale: float) -> dict:
    """CalculateOpDataSub: ratios of doubles of the float32 scales, each below one.

    (Some tflite-micro sources divide in float32 before widening; the interpreter these
    tests run against divides in double, as ADD does, and that is what is bit-exact.)
    """
    twice_max = 2 * f32(max(a_scale, b_scale))
    reals = {"input1": f32(a_scale) / twice_max, "input2": f32(b_scale) / twice_max,
             "output": twice_max / ((1 << SUB_LEFT_SHIFT) * f32(y_scale))}
    args = {}
    for name, real in reals.items():
        multiplier, shift = quantize_multiplier(real)
        args[f"{name}_multiplier"], args[f"{name}_shift"] = multiplier, shift
    return args


def _check_sub(graph: Graph, op: Op) -> None:
    a, b, y = check_binary(graph, op)
    output_range(op, y)
    params = sub_multipliers(a.scale, b.scale, y.scale)
    if params["output_shift"] > 0:
        raise fail(op, f"output scale {y.scale:g} is too small for the input scales "
                       f"({a.scale:g}, {b.scale:g}); TFLM's int8 SUB needs a multiplier below one")


def _lower_sub(graph: Graph, op: Op) -> Lowered:
    a, b, y = _operands(graph, op)
    act_min, act_max = output_range(op, y)
    args = dict(broadcast_loops(op, a.shape, b.shape), input1_offset=-a.zero_point,
                input2_offset=-b.zero_point, output_offset=y.zero_point,
                left_shift=SUB_LEFT_SHIFT, **sub_multipliers(a.scale, b.scale, y.scale),
                act_min=act_min, act_max=act_max)
    return Lowered(args=args, consts=operand_consts(graph, op), kernel="mcu_sub_s8.h",
                   function="mcu_sub_s8")


# ------------------------------------------------------------------ MAXIMUM, MINIMUM
def _check_maxmin(graph: Graph, op: Op) -> None:
    a, b, y = check_binary(graph, op)
    for t in (a, b):
        if np.float32(t.scale) != np.float32(y.scale) or t.zero_point != y.zero_point:
            raise fail(op, f"input '{t.name}' (scale {t.scale:g}, zero point {t.zero_point}) and "
                           f"output (scale {y.scale:g}, zero point {y.zero_point}) must share one "
                           f"quantization; TFLM compares the raw int8 values")


def _lower_maxmin(graph: Graph, op: Op) -> Lowered:
    a, b, _ = _operands(graph, op)
    function = "mcu_maximum_s8" if op.kind == "MAXIMUM" else "mcu_minimum_s8"
    return Lowered(args=broadcast_loops(op, a.shape, b.shape), consts=operand_consts(graph, op),
                   kernel="mcu_maxmin_s8.h", function=function)


register(OpSpec(kind="MUL", check=_check_mul, lower=_lower_mul, template="mul"))
register(OpSpec(kind="SUB", check=_check_sub, lower=_lower_sub, template="sub"))
register(OpSpec(kind="MAXIMUM", check=_check_maxmin, lower=_lower_maxmin, template="maxmin"))
register(OpSpec(kind="MINIMUM", check=_check_maxmin, lower=_lower_maxmin, template="maxmin"))
