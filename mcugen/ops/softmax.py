"""SOFTMAX, int8 -> int8, over the last axis (gemmlowp fixed-point exp, as TFLM)."""
from __future__ import annotations

import math

from mcugen.ir import Graph, Op
from mcugen.ir.quant import f32, quantize_multiplier
from mcugen.ops.common import fail, out, require_activation_scale, require_int8_activation, tensor_in
from mcugen.ops.registry import Lowered, OpSpec, register

SCALED_DIFF_INTEGER_BITS = 5  # input differences are Q5.26 inside the kernel


def softmax_params(input_scale: float, beta: float) -> dict:
    """CalculateSoftmaxParams for int8: PreprocessSoftmaxScaling and CalculateInputRadius."""
    real = min(f32(beta) * f32(input_scale) * (1 << (31 - SCALED_DIFF_INTEGER_BITS)),
               (1 << 31) - 1.0)
    multiplier, left_shift = quantize_multiplier(real)
    radius = math.floor(((1 << SCALED_DIFF_INTEGER_BITS) - 1)
                        * (1 << (31 - SCALED_DIFF_INTEGER_BITS)) / (1 << left_shift))
    return dict(input_multiplier=multiplier, input_left_shift=left_shift, diff_min=-radius)


def _check(graph: Graph, op: Op) -> None:
    x, y = tensor_in(graph, op, 0, "input"), out(graph, op)
    require_int8_activation(op, x, "input")
    require_int8_activation(op, y, "output")
    require_activation_scale(op, x, "input")
    if x.shape != y.shape:
        raise fail(op, f"output shape {list(y.shape)} differs from input shape {list(x.shape)}")
    if y.zero_point != -128 or abs(y.scale - 1 / 256) > 0.001 / 256:
        raise fail(op, "int8 softmax output must have scale 1/256 and zero point -128")
    beta = float(op.options.get("beta", 1.0))
    if not math.isfinite(beta) or beta <= 0:
        raise fail(op, f"beta {beta} must be positive")
    if softmax_params(x.scale, beta)["input_left_shift"] < 0:
        raise fail(op, f"input scale {x.scale} x beta {beta} is too small for the int8 kernel")


def _lower(graph: Graph, op: Op) -> Lowered:
    x = graph.tensors[op.inputs[0]]
    depth = x.shape[-1]
    params = softmax_params(x.scale, float(op.options.get("beta", 1.0)))
    args = dict(rows=x.size // depth, depth=depth, **params)
    return Lowered(args=args, kernel="mcu_softmax_s8.h", function="mcu_softmax_s8")


register(OpSpec(kind="SOFTMAX", check=_check, lower=_lower, template="softmax"))
