"""SOFTMAX, int8 -> int8, over the last axis (gemmlowp fixed-point exp, as TFLM)."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.common import (fail, out, require_activation_scale, require_int8_activation,
                               tensor_in)
from mcugen.ops.registry import Lowered, OpSpec, register


def _check(graph: Graph, op: Op) -> None:
    x, y = tensor_in(graph, op, 0, "input"), out(graph, op)
    require_int8_activation(op, x, "input")
    require_int8_activation(op, y, "output")
    require_activation_scale(op, x, "input")
    if x.shape != y.shape:
        raise fail(op, f"output shape {list(y.shape)} differs from input shape {list(x.shape)}")
    if y.zero_point != -128 or abs(y.scale - 1 / 256) > 0.001 / 256:
        raise fail(op, "int8 softmax output must have scale 1/256 and zero point -128")


def _lower(graph: Graph, op: Op) -> Lowered:
    from mcugen.softmax_params import softmax_params

    x = graph.tensors[op.inputs[0]]
    depth = x.shape[-1]
    params = softmax_params(x.scale, float(op.options.get("beta", 1.0)))
    args = dict(rows=x.size // depth, depth=depth, **params)
    return Lowered(args=args, kernel="mcu_softmax_s8.h", function="mcu_softmax_s8")


register(OpSpec(kind="SOFTMAX", check=_check, lower=_lower, template="softmax"))
