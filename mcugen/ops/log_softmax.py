"""LOG_SOFTMAX, int8 -> int8 over the last axis (gemmlowp fixed point, as TFLM)."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ir.quant import quantize_multiplier
from mcugen.ops.common import fail, out, require_activation_scale, require_int8_activation, tensor_in
from mcugen.ops.registry import Lowered, OpSpec, register
from mcugen.ops.softmax import softmax_params

OUTPUT_SCALE, OUTPUT_ZERO_POINT = 16 / 256, 127  # fixed by TFLM's int8 kernel


def log_softmax_params(op: Op, input_scale: float) -> dict:
    """log_softmax.cc CalculateOpData: PreprocessLogSoftmaxScalingExp (beta 1) and the radius."""
    params = softmax_params(input_scale, 1.0)
    left_shift, multiplier = params["input_left_shift"], params["input_multiplier"]
    if left_shift < 1:
        raise fail(op, f"input scale {input_scale:g} is too large or too small for TFLM's "
                       f"int8 LOG_SOFTMAX")
    real_reverse = (1 << (31 - left_shift)) / multiplier
    if not 0 < real_reverse < 1:
        raise fail(op, f"input scale {input_scale:g} gives no reverse scaling below one "
                       f"(TFLM's int8 LOG_SOFTMAX would abort)")
    divisor, reverse_shift = quantize_multiplier(real_reverse)
    return dict(params, reverse_scaling_divisor=divisor, reverse_scaling_shift=reverse_shift)


def _check(graph: Graph, op: Op) -> None:
    x, y = tensor_in(graph, op, 0, "input"), out(graph, op)
    require_int8_activation(op, x, "input")
    require_int8_activation(op, y, "output")
    require_activation_scale(op, x, "input")
    if x.shape != y.shape:
        raise fail(op, f"output shape {list(y.shape)} differs from input shape {list(x.shape)}")
    # TFLM demands these exactly (float32 equality), so does this.
    if y.zero_point != OUTPUT_ZERO_POINT or y.qparams.scale[0] != OUTPUT_SCALE:
        raise fail(op, f"int8 LOG_SOFTMAX output must have scale 16/256 and zero point 127 "
                       f"(it has {y.scale:g} and {y.zero_point})")
    log_softmax_params(op, x.scale)


def _lower(graph: Graph, op: Op) -> Lowered:
    x = graph.tensors[op.inputs[0]]
    depth = x.shape[-1]
    args = dict(rows=x.size // depth, depth=depth, **log_softmax_params(op, x.scale))
    return Lowered(args=args, kernel="mcu_log_softmax_s8.h", function="mcu_log_softmax_s8")


register(OpSpec(kind="LOG_SOFTMAX", check=_check, lower=_lower, template="log_softmax"))
