"""AVERAGE_POOL_2D and MAX_POOL_2D, int8 (input and output share scale and zero point)."""
from __future__ import annotations

from dataclasses import replace

from mcugen.ir import Graph, Op
from mcugen.ir.quant import out_size, pad_before
from mcugen.ops.common import (
    check_shape,
    fail,
    nhwc,
    out,
    output_range,
    require_activation_scale,
    require_int8_activation,
    tensor_in,
)
from mcugen.ops.registry import Lowered, OpSpec, register


def _geometry(graph: Graph, op: Op) -> dict:
    x, y = tensor_in(graph, op, 0, "input"), out(graph, op)
    require_int8_activation(op, x, "input")
    require_int8_activation(op, y, "output")
    batches, in_h, in_w, channels = nhwc(op, x, "input")
    opts = op.options
    padding = opts.get("padding", "VALID")
    if padding not in ("SAME", "VALID"):
        raise fail(op, f"padding {padding} is not supported")
    filter_h, filter_w = opts.get("filter_height", 1), opts.get("filter_width", 1)
    stride_h, stride_w = opts.get("stride_h", 1), opts.get("stride_w", 1)
    if min(filter_h, filter_w, stride_h, stride_w) < 1:
        raise fail(op, f"filter {filter_h}x{filter_w} and strides {stride_h}x{stride_w} must be positive")
    out_h = out_size(padding, in_h, filter_h, stride_h)
    out_w = out_size(padding, in_w, filter_w, stride_w)
    if out_h <= 0 or out_w <= 0:
        raise fail(op, f"a {filter_h}x{filter_w} window does not fit the {in_h}x{in_w} input")
    check_shape(op, y, (batches, out_h, out_w, channels))
    return dict(batches=batches, in_h=in_h, in_w=in_w, channels=channels, out_h=out_h,
                out_w=out_w, filter_h=filter_h, filter_w=filter_w, stride_h=stride_h,
                stride_w=stride_w, pad_top=pad_before(padding, in_h, filter_h, stride_h),
                pad_left=pad_before(padding, in_w, filter_w, stride_w))


def _check(graph: Graph, op: Op) -> None:
    _geometry(graph, op)
    x, y = graph.tensors[op.inputs[0]], out(graph, op)
    require_activation_scale(op, x, "input")
    require_activation_scale(op, y, "output")
    # TFLM's int8 pooling kernels copy values without requantizing.
    if x.scale != y.scale or x.zero_point != y.zero_point:
        raise fail(op, "input and output quantization differ; TFLM requires them equal for pooling")


def _lower(graph: Graph, op: Op, function: str) -> Lowered:
    act_min, act_max = output_range(op, out(graph, op))
    args = dict(_geometry(graph, op), act_min=act_min, act_max=act_max)
    return Lowered(args=args, kernel="mcu_pool2d_s8.h", function=function)


# mcu_avgpool2d_ch4_s8 sums four channels in int16 lanes: at most 256 values of int8 fit.
CH4_MAX_WINDOW = 256


def _simd_avgpool(graph: Graph, op: Op, portable: Lowered, wide_weights: bool = False) -> Lowered | None:
    """Four channels per word (SXTAB16 into int16 lanes) where channels % 4 == 0 and the
    window holds at most CH4_MAX_WINDOW pixels; else None (the portable kernel)."""
    a = portable.args
    if a["channels"] % 4 or a["filter_h"] * a["filter_w"] > CH4_MAX_WINDOW:
        return None
    return replace(portable, kernel="mcu_pool2d_ch4_s8.h", function="mcu_avgpool2d_ch4_s8")


register(OpSpec(kind="AVERAGE_POOL_2D", check=_check,
                lower=lambda g, o: _lower(g, o, "mcu_avgpool2d_s8"), template="pool2d",
                extra={"simd": _simd_avgpool}))
register(OpSpec(kind="MAX_POOL_2D", check=_check,
                lower=lambda g, o: _lower(g, o, "mcu_maxpool2d_s8"), template="pool2d"))
