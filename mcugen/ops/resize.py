"""RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR, int8 NHWC (runtime_c/mcu_resize_s8.h).

The index and weight tables are computed here with TFLM's own arithmetic: float32 for
nearest neighbour (GetNearestNeighbor), 10-bit fixed point for int8 bilinear
(ResizeBilinearInteger). Both copy or interpolate raw int8 values: input and output
must share scale and zero point.
"""
from __future__ import annotations

import math

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ir.quant import round_half_away
from mcugen.ops.common import (
    check_shape,
    fail,
    out,
    require_activation_scale,
    require_const,
    require_int8_activation,
    tensor_in,
)
from mcugen.ops.copy_nd import same_quant
from mcugen.ops.registry import ConstArray, Lowered, OpSpec, register

F32 = np.float32


def _geometry(graph: Graph, op: Op) -> tuple[int, int, int, int, int, int, bool, bool]:
    x, y = tensor_in(graph, op, 0, "input"), out(graph, op)
    for tensor, role in ((x, "input"), (y, "output")):
        require_int8_activation(op, tensor, role)
        require_activation_scale(op, tensor, role)
    if len(x.shape) != 4:
        raise fail(op, f"input shape {list(x.shape)} is not 4-D NHWC")
    size = tensor_in(graph, op, 1, "size")
    require_const(op, size, "size", "int32")
    if size.size != 2:
        raise fail(op, f"size has {size.size} values; expected (height, width)")
    out_h, out_w = (int(v) for v in size.values.reshape(-1))
    n, in_h, in_w, c = x.shape
    check_shape(op, y, (n, out_h, out_w, c))
    align = bool(op.options.get("align_corners", False))
    half = bool(op.options.get("half_pixel_centers", False))
    if align and half and op.kind == "RESIZE_BILINEAR":
        raise fail(op, "align_corners and half_pixel_centers together are not allowed")
    if not same_quant(x, y):
        raise fail(op, "input and output quantization differ; TFLM resizes int8 without "
                       "requantizing, so mcugen requires them equal")
    return n, in_h, in_w, c, out_h, out_w, align, half


def _nearest_map(in_size: int, out_size: int, align: bool, half: bool) -> list[int]:
    """reference_ops::GetNearestNeighbor, in float32 like the reference."""
    if align and out_size > 1:
        scale = F32(in_size - 1) / F32(out_size - 1)
    else:
        scale = F32(in_size) / F32(out_size)
    offset = F32(0.5) if half else F32(0.0)
    result = []
    for i in range(out_size):
        value = (F32(i) + offset) * scale
        index = int(round_half_away(float(value))) if align else int(math.floor(float(value)))
        index = min(index, in_size - 1)
        if half:
            index = max(0, index)
        result.append(index)
    return result


def _trunc_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _bilinear_table(in_size: int, out_size: int, align: bool, half: bool) -> list[int]:
    """ComputeInterpolationValuesInteger: (lower, upper, input_value - 1024 * lower) per output."""
    scale = _trunc_div((1 << 10) * in_size + out_size // 2, out_size)
    if align and out_size > 1:
        scale = _trunc_div((1 << 10) * (in_size - 1) + (out_size - 1) // 2, out_size - 1)
    table = []
    for i in range(out_size):
        value = i * scale + scale // 2 - (1 << 9) if half else i * scale
        lower = max(_trunc_div(value, 1 << 10), 0)
        upper = min(_trunc_div(value + (1 << 10) - 1, 1 << 10), in_size - 1)
        table += [lower, upper, value - (1 << 10) * lower]
    return table


def _check(graph: Graph, op: Op) -> None:
    n, in_h, in_w, c, out_h, out_w, align, half = _geometry(graph, op)
    if op.kind == "RESIZE_NEAREST_NEIGHBOR":
        rows, cols = _nearest_map(in_h, out_h, align, half), _nearest_map(in_w, out_w, align, half)
    else:
        ty, tx = _bilinear_table(in_h, out_h, align, half), _bilinear_table(in_w, out_w, align, half)
        rows, cols = ty[0::3] + ty[1::3], tx[0::3] + tx[1::3]
    if not (min(rows) >= 0 and max(rows) < in_h and min(cols) >= 0 and max(cols) < in_w):
        raise fail(op, "the resize would read outside the input (as TFLM's would); not supported")


def _lower(graph: Graph, op: Op) -> Lowered:
    n, in_h, in_w, c, out_h, out_w, align, half = _geometry(graph, op)
    if op.kind == "RESIZE_NEAREST_NEIGHBOR":
        ys, xs = _nearest_map(in_h, out_h, align, half), _nearest_map(in_w, out_w, align, half)
        function = "mcu_resize_nearest_s8"
    else:
        ys, xs = _bilinear_table(in_h, out_h, align, half), _bilinear_table(in_w, out_w, align, half)
        function = "mcu_resize_bilinear_s8"
    consts = (ConstArray("y_table", "int32_t", np.asarray(ys, np.int32)),
              ConstArray("x_table", "int32_t", np.asarray(xs, np.int32)))
    args = dict(batches=n, in_h=in_h, in_w=in_w, depth=c, out_h=out_h, out_w=out_w)
    return Lowered(args=args, consts=consts, kernel="mcu_resize_s8.h", function=function)


for _kind in ("RESIZE_NEAREST_NEIGHBOR", "RESIZE_BILINEAR"):
    register(OpSpec(kind=_kind, check=_check, lower=_lower, template="resize"))
