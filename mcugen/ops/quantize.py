"""QUANTIZE (float32 -> int8) and DEQUANTIZE (int8 -> float32): a model's float interface.

The TFLite converter leaves these at the ends of an int8 model when its input/output
type stays float; runtime_c/mcu_quantize.h reproduces TFLM's float arithmetic bit for bit.
"""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op, Tensor
from mcugen.ops import activations  # noqa: F401 - registers the int8 -> int8 QUANTIZE first
from mcugen.ops.common import check_shape, fail, out, require_activation_scale, require_int8_activation, tensor_in
from mcugen.ops.registry import REGISTRY, Lowered, OpSpec, register

# QUANTIZE int8 -> int8 (a requantizing lookup table) stays with activations.py; this
# module adds float32 -> int8 and hands everything else to that entry.
_INT8_QUANTIZE = REGISTRY["QUANTIZE"]
assert _INT8_QUANTIZE.template == "lut", "templates/ops/quantize.c.j2 includes lut.c.j2"


def float_bits(value: float) -> int:
    """The IEEE-754 single bits of value as a (non-negative for scales) int32."""
    return int(np.asarray(value, np.float32).view(np.int32))


def _require_float(op: Op, tensor: Tensor, role: str) -> None:
    if tensor.dtype != "float32":
        raise fail(op, f"{role} tensor '{tensor.name}' is {tensor.dtype}; mcugen supports "
                       f"{op.kind} only between float32 and int8")
    if tensor.is_const:
        raise fail(op, f"{role} tensor '{tensor.name}' is a constant; not supported")
    if any(d <= 0 for d in tensor.shape):
        raise fail(op, f"{role} tensor '{tensor.name}' has dynamic or empty shape {list(tensor.shape)}")


def _tensors(graph: Graph, op: Op) -> tuple[Tensor, Tensor, Tensor]:
    """(input, output, the int8 side)."""
    x, y = tensor_in(graph, op, 0, "input"), out(graph, op)
    if op.kind == "QUANTIZE":
        _require_float(op, x, "input")
        require_int8_activation(op, y, "output")
        require_activation_scale(op, y, "output")
        side = y
    else:
        require_int8_activation(op, x, "input")
        require_activation_scale(op, x, "input")
        _require_float(op, y, "output")
        side = x
    check_shape(op, y, x.shape)
    return x, y, side


def _lower(graph: Graph, op: Op) -> Lowered:
    x, _, side = _tensors(graph, op)
    args = dict(size=x.size, scale_bits=float_bits(side.scale), zero_point=side.zero_point)
    function = "mcu_quantize_f32_s8" if op.kind == "QUANTIZE" else "mcu_dequantize_s8_f32"
    return Lowered(args=args, kernel="mcu_quantize.h", function=function)


def _from_float(graph: Graph, op: Op) -> bool:
    return op.kind == "DEQUANTIZE" or tensor_in(graph, op, 0, "input").dtype == "float32"


def _check(graph: Graph, op: Op) -> None:
    if _from_float(graph, op):
        _tensors(graph, op)
    else:
        _INT8_QUANTIZE.check(graph, op)


def _lower_any(graph: Graph, op: Op) -> Lowered:
    return _lower(graph, op) if _from_float(graph, op) else _INT8_QUANTIZE.lower(graph, op)


for _kind in ("QUANTIZE", "DEQUANTIZE"):
    register(OpSpec(kind=_kind, check=_check, lower=_lower_any, template="quantize"))
