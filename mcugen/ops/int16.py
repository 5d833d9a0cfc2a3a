"""int16 activations (TFLite's 16x8 mode): CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED,
ADD and SOFTMAX with int16 inputs and outputs (zero point 0), int8 weights.

The int8 entries stay where they are; this module wraps each of them in an entry that
sends ops whose input is int16 to the checks and lowerings here and everything else to
the original functions, unchanged (as quantize.py does for QUANTIZE). Must be imported
after the modules it wraps.

TFLM quirks reproduced here (each checked against the interpreter by tests/ops/test_int16*):
- conv/FC requantize int64 accumulators with the int64 overload of
  MultiplyByQuantizedMultiplier (multiplier rounded to 15 bits, one rounding shift);
  with an int32 bias TFLM accumulates in int32 and takes the gemmlowp int32 path.
- int16 conv/FC kernels have no output offset: the output zero point must be 0.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import math
from dataclasses import replace

import numpy as np

from mcugen.ir import Graph, Op, Tensor
from mcugen.ir.quant import (
    activation_range,
    conv_multipliers,
    f32,
    fc_multiplier,
    out_size,
    pad_before,
    quantize_multiplier,
)
from mcugen.ops import add, conv2d, fully_connected, softmax  # noqa: F401 - the entries wrapped here
from mcugen.ops.common import (
    check_shape,
    fail,
    fused_activation,
    nhwc,
    optional_in,
    out,
    require_const,
    require_quant,
    require_scale_product,
    tensor_in,
)
from mcugen.ops.registry import REGISTRY, ConstArray, Lowered, register

INT16_MIN, INT16_MAX = -32768, 32767
INT16_OPS = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "SOFTMAX")
# TFLM's int64 MultiplyByQuantizedMultiplier assumes |x| < 2^47 (the product with the
# 15-bit multiplier then fits int64).
ACC64_LIMIT = 1 << 47
ACC32_LIMIT = 1 << 31


def is_int16(graph: Graph, op: Op) -> bool:
    """Does this op run on int16 activations (its first input, or failing that its output)?"""
    if op.inputs and op.inputs[0] >= 0:
        return graph.tensors[op.inputs[0]].dtype == "int16"
    return bool(op.outputs) and graph.tensors[op.outputs[0]].dtype == "int16"


def require_int16_activation(op: Op, tensor: Tensor, role: str) -> None:
    """An int16 per-tensor activation with zero point 0 (TFLM's 16x8 kernels have no offsets)."""
    if tensor.dtype != "int16":
        raise fail(op, f"{role} tensor '{tensor.name}' is {tensor.dtype}; an int16 {op.kind} "
                       f"needs int16 inputs and outputs")
    if tensor.is_const:
        raise fail(op, f"{role} tensor '{tensor.name}' is a constant; constant activations are not supported")
    if tensor.quant is None:
        raise fail(op, f"{role} tensor '{tensor.name}' has no quantization parameters")
    if tensor.qparams.per_channel:
        raise fail(op, f"{role} tensor '{tensor.name}' is quantized per channel; activations must be per tensor")
    scale = float(tensor.qparams.scale[0])
    if not np.isfinite(scale) or scale <= 0:
        raise fail(op, f"{role} tensor '{tensor.name}' has invalid scale {scale}")
    if tensor.zero_point != 0:
        raise fail(op, f"{role} tensor '{tensor.name}' is int16 with zero point {tensor.zero_point}; "
                       f"int16 activations must be symmetric (zero point 0)")
    if any(d <= 0 for d in tensor.shape):
        raise fail(op, f"{role} tensor '{tensor.name}' has dynamic or empty shape {list(tensor.shape)}")


def output_range16(op: Op, y: Tensor) -> tuple[int, int]:
    try:
        return activation_range(fused_activation(op), y.scale, y.zero_point, INT16_MIN, INT16_MAX)
    except ValueError as exc:  # a scale so small that the clamp bounds overflow float32
        raise fail(op, f"output tensor '{y.name}' cannot take the fused activation: {exc}") from None


# ------------------------------------------------------------------ conv / FC shared
def _bias(graph: Graph, op: Op, channels: int, int32_ok: bool = True) -> tuple[np.ndarray, bool, int | None]:
    """(int64 bias values, acc32, tensor index): int64 bias or none -> TFLM's int64
    accumulator; int32 bias -> its int32 accumulator (and int32 requantization).

    TFLM's int16 DEPTHWISE_CONV_2D reads any bias as int64, so there an int32 bias
    (whose bytes it would misread) is refused."""
    bias = optional_in(graph, op, 2)
    if bias is None:
        return np.zeros(channels, np.int64), False, None
    allowed = ("int64", "int32") if int32_ok else ("int64",)
    if not bias.is_const or bias.dtype not in allowed:
        what = f"a {bias.dtype} tensor" if not bias.is_const else bias.dtype
        raise fail(op, f"bias tensor '{bias.name}' is {what}; with int16 activations it must be an "
                       f"{' or '.join(allowed)} constant")
    if bias.size != channels:
        raise fail(op, f"bias has {bias.size} values for {channels} output channels")
    return bias.values.reshape(-1).astype(np.int64), bias.dtype == "int32", bias.index


def _check_accumulator(op: Op, weight_abs_sums: np.ndarray, bias: np.ndarray, acc32: bool) -> None:
    """The largest accumulator any input can give must fit what TFLM accumulates in."""
    worst = weight_abs_sums.astype(object) * 32768 + np.abs(bias).astype(object)
    limit = ACC32_LIMIT if acc32 else ACC64_LIMIT
    if max(worst) >= limit:
        kind = "int32 (int32 bias)" if acc32 else "TFLM's int64 requantization (2^47)"
        raise fail(op, f"the accumulator can reach {max(worst)}, beyond the range of {kind}")


def _check_multipliers(op: Op, shifts) -> None:
    if max(shifts) >= 8:
        raise fail(op, "the output scale is too small for the input and weight scales "
                       "(TFLM's int16 requantization needs a scale ratio below 128)")


# ----------------------------------------------------------------- FULLY_CONNECTED
def _fc(graph: Graph, op: Op) -> dict:
    x, w, y = tensor_in(graph, op, 0, "input"), tensor_in(graph, op, 1, "weights"), out(graph, op)
    require_int16_activation(op, x, "input")
    require_int16_activation(op, y, "output")
    require_const(op, w, "weights", "int8", ndim=2)
    units, depth = w.shape
    if depth <= 0 or x.size % depth:
        raise fail(op, f"input of {x.size} values is not a whole number of {depth}-long rows")
    batches = x.size // depth
    if y.size != batches * units:
        raise fail(op, f"output '{y.name}' has {y.size} values, expected {batches} x {units}")
    require_quant(op, w, "weights", units)
    if op.options.get("weights_format", 0) != 0:
        raise fail(op, "shuffled weights format is not supported")
    if w.qparams.per_channel:
        if np.any(w.qparams.zero_point != 0):
            raise fail(op, "per-channel weights must have zero points 0")
        multipliers, shifts = conv_multipliers(x.scale, w.qparams.scale, y.scale, units)
    else:
        require_scale_product(op, x, w)
        multiplier, shift = fc_multiplier(x.scale, w.scale, y.scale)
        multipliers, shifts = [multiplier], [shift]
    _check_multipliers(op, shifts)
    bias, acc32, bias_tensor = _bias(graph, op, units)
    filter_offset = 0 if w.qparams.per_channel else -w.zero_point
    _check_accumulator(op, np.abs(w.values.astype(np.int64) + filter_offset).sum(axis=1), bias, acc32)
    act_min, act_max = output_range16(op, y)
    args = dict(batches=batches, depth=depth, units=units, per_channel=int(w.qparams.per_channel),
                acc32=int(acc32), filter_offset=filter_offset, act_min=act_min, act_max=act_max)
    consts = (ConstArray("filter", "int8_t", w.values, tensor=w.index),
              ConstArray("bias", "int64_t", bias, tensor=bias_tensor if not acc32 else None),
              ConstArray("multiplier", "int32_t", np.array(multipliers, np.int32)),
              ConstArray("shift", "int32_t", np.array(shifts, np.int32)))
    return dict(args=args, consts=consts)


def _lower_fc(graph: Graph, op: Op) -> Lowered:
    fc = _fc(graph, op)
    return Lowered(args=fc["args"], consts=fc["consts"], kernel="mcu_fc_s16.h", function="mcu_fc_s16")


def _macs_fc(graph: Graph, op: Op) -> int:
    a = _fc(graph, op)["args"]
    return a["batches"] * a["depth"] * a["units"]


# ------------------------------------------------------- CONV_2D, DEPTHWISE_CONV_2D
def _conv(graph: Graph, op: Op, depthwise: bool) -> dict:
    x, w, y = tensor_in(graph, op, 0, "input"), tensor_in(graph, op, 1, "filter"), out(graph, op)
    require_int16_activation(op, x, "input")
    require_int16_activation(op, y, "output")
    require_const(op, w, "filter", "int8", ndim=4)
    batches, in_h, in_w, in_c = nhwc(op, x, "input")
    if depthwise:
        _, filter_h, filter_w, out_c = w.shape
        if w.shape[0] != 1:
            raise fail(op, f"depthwise filter shape {list(w.shape)} must start with 1")
        if out_c % in_c:
            raise fail(op, f"{out_c} output channels is not a multiple of {in_c} input channels")
        abs_sums = np.abs(w.values.astype(np.int64)).reshape(-1, out_c).sum(axis=0)
    else:
        out_c, filter_h, filter_w, filter_c = w.shape
        if filter_c != in_c:
            raise fail(op, f"filter depth {filter_c} differs from input depth {in_c} "
                           f"(grouped convolution is not supported yet)")
        abs_sums = np.abs(w.values.astype(np.int64)).reshape(out_c, -1).sum(axis=1)
    opts = op.options
    padding = opts.get("padding", "VALID")
    if padding not in ("SAME", "VALID"):
        raise fail(op, f"padding {padding} is not supported")
    stride_h, stride_w = opts.get("stride_h", 1), opts.get("stride_w", 1)
    dil_h, dil_w = opts.get("dilation_h_factor", 1), opts.get("dilation_w_factor", 1)
    if min(stride_h, stride_w, dil_h, dil_w) < 1:
        raise fail(op, f"strides {stride_h}x{stride_w} and dilations {dil_h}x{dil_w} must be positive")
    out_h = out_size(padding, in_h, filter_h, stride_h, dil_h)
    out_w = out_size(padding, in_w, filter_w, stride_w, dil_w)
    if out_h <= 0 or out_w <= 0:
        raise fail(op, f"a {filter_h}x{filter_w} filter does not fit the {in_h}x{in_w} input")
    check_shape(op, y, (batches, out_h, out_w, out_c))
    require_quant(op, w, "filter", out_c)
    if np.any(w.qparams.zero_point != 0):
        raise fail(op, "filter zero points must be 0 (symmetric int8 weights)")
    multipliers, shifts = conv_multipliers(x.scale, w.qparams.scale, y.scale, out_c)
    _check_multipliers(op, shifts)
    bias, acc32, bias_tensor = _bias(graph, op, out_c, int32_ok=not depthwise)
    _check_accumulator(op, abs_sums, bias, acc32)
    act_min, act_max = output_range16(op, y)
    args = dict(batches=batches, in_h=in_h, in_w=in_w, in_c=in_c, out_h=out_h, out_w=out_w,
                out_c=out_c, filter_h=filter_h, filter_w=filter_w, stride_h=stride_h,
                stride_w=stride_w, dilation_h=dil_h, dilation_w=dil_w,
                pad_top=pad_before(padding, in_h, filter_h, stride_h, dil_h),
                pad_left=pad_before(padding, in_w, filter_w, stride_w, dil_w),
                acc32=int(acc32), act_min=act_min, act_max=act_max)
    if depthwise:
        args["depth_multiplier"] = out_c // in_c
    consts = (ConstArray("filter", "int8_t", w.values, tensor=w.index),
              ConstArray("bias", "int64_t", bias, tensor=bias_tensor if not acc32 else None),
              ConstArray("multiplier", "int32_t", np.array(multipliers, np.int32)),
              ConstArray("shift", "int32_t", np.array(shifts, np.int32)))
    return dict(args=args, consts=consts)


def _lower_conv(graph: Graph, op: Op, depthwise: bool) -> Lowered:
    conv = _conv(graph, op, depthwise)
    name = "mcu_dwconv2d_s16" if depthwise else "mcu_conv2d_s16"
    return Lowered(args=conv["args"], consts=conv["consts"], kernel=name + ".h", function=name)


def _macs_conv(graph: Graph, op: Op, depthwise: bool) -> int:
    a = _conv(graph, op, depthwise)["args"]
    per_output = a["filter_h"] * a["filter_w"] * (1 if depthwise else a["in_c"])
    return a["batches"] * a["out_h"] * a["out_w"] * a["out_c"] * per_output


# ------------------------------------------------------------------------ wrapping
def _wrap(kind: str, check, lower, template: str, macs=None) -> None:
    """Re-register kind: int16 ops go to check/lower/macs, the others to the original entry."""
    original = REGISTRY[kind]
    assert original.template == template.removesuffix("_s16"), f"templates/ops/{template}.c.j2 includes it"

    def pick(mine, theirs):
        return lambda graph, op: (mine if is_int16(graph, op) else theirs)(graph, op)

    extra = dict(original.extra)
    if "simd" in extra:  # no SIMD kernels for int16: the portable lowering stays
        simd = extra["simd"]
        extra["simd"] = lambda graph, op, lowered, wide: (
            None if is_int16(graph, op) else simd(graph, op, lowered, wide))
    if "simd_in_place" in extra:
        in_place = extra["simd_in_place"]
        extra["simd_in_place"] = lambda graph, op: None if is_int16(graph, op) else in_place(graph, op)
    register(replace(original, check=pick(check, original.check), lower=pick(lower, original.lower),
                     macs=pick(macs, original.macs) if macs else original.macs,
                     template=template, extra=extra))


def _check_by_lowering(lower):
    return lambda graph, op: lower(graph, op) and None


_wrap("FULLY_CONNECTED", _check_by_lowering(_lower_fc), _lower_fc, "fully_connected_s16", _macs_fc)
_wrap("CONV_2D", _check_by_lowering(lambda g, o: _lower_conv(g, o, False)),
      lambda g, o: _lower_conv(g, o, False), "conv2d_s16", lambda g, o: _macs_conv(g, o, False))
_wrap("DEPTHWISE_CONV_2D", _check_by_lowering(lambda g, o: _lower_conv(g, o, True)),
      lambda g, o: _lower_conv(g, o, True), "dwconv2d_s16", lambda g, o: _macs_conv(g, o, True))


# ----------------------------------------------------------------------------- ADD
ADD_LEFT_SHIFT = 15  # add_common.cc: 15 for int16 outputs (20 for int8)


def _add(graph: Graph, op: Op) -> dict:
    if len(op.inputs) != 2:
        raise fail(op, f"expected 2 inputs, got {len(op.inputs)}")
    a, b, y = tensor_in(graph, op, 0, "first"), tensor_in(graph, op, 1, "second"), out(graph, op)
    for tensor, role in ((a, "first input"), (b, "second input"), (y, "output")):
        require_int16_activation(op, tensor, role)
    if not a.shape == b.shape == y.shape:
        raise fail(op, f"int16 ADD needs equal input and output shapes (got {list(a.shape)} + "
                       f"{list(b.shape)} -> {list(y.shape)}); broadcasting is supported for int8 only")
    # CalculateOpDataAdd: doubles of the float32 scales, QuantizeMultiplierSmallerThanOneExp
    twice_max = 2 * f32(max(a.scale, b.scale))
    real_out = twice_max / ((1 << ADD_LEFT_SHIFT) * f32(y.scale))
    if real_out >= 1.0:
        raise fail(op, f"output scale {y.scale:g} is too small for the input scales ({a.scale:g}, "
                       f"{b.scale:g}); TFLM's int16 ADD needs a multiplier below one")
    (m1, s1), (m2, s2), (mo, so) = (quantize_multiplier(f32(a.scale) / twice_max),
                                    quantize_multiplier(f32(b.scale) / twice_max),
                                    quantize_multiplier(real_out))
    act_min, act_max = output_range16(op, y)
    return dict(size=y.size, left_shift=ADD_LEFT_SHIFT, input1_multiplier=m1, input1_shift=s1,
                input2_multiplier=m2, input2_shift=s2, output_multiplier=mo, output_shift=so,
                act_min=act_min, act_max=act_max)


def _lower_add(graph: Graph, op: Op) -> Lowered:
    return Lowered(args=_add(graph, op), kernel="mcu_add_s16.h", function="mcu_add_s16")


_wrap("ADD", _check_by_lowering(_lower_add), _lower_add, "add_s16")


# ------------------------------------------------------------------------- SOFTMAX
LUT_STEPS = 512  # gen_lut for int16 inputs: 512 steps plus one value for the last slope


def _libm_float(name: str):
    """A float -> float function of the C library, as TFLM's float lambdas call it."""
    libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    function = getattr(libm, name)
    function.restype, function.argtypes = ctypes.c_float, [ctypes.c_float]
    return lambda x: np.float32(function(float(x)))


def _roundf(x: np.float32) -> np.float32:
    """TfLiteRound on float: halves away from zero (exact in double for float32 values)."""
    v = float(x)
    return np.float32(math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5))


def gen_lut_s16(func, input_min: float, input_max: float) -> np.ndarray:
    """TFLM gen_lut<float, int16_t, int16_t>(func, input_min, input_max, -1, 1): every
    step in float32, as the C++ template computes it."""
    f = np.float32
    lo, hi = f(input_min), f(input_max)
    step = (hi - lo) / f(LUT_STEPS)
    half_step = step / f(2)
    scaling_inv = f(65536) / (f(1) - f(-1))
    table = np.zeros(LUT_STEPS + 1, np.int16)
    for i in range(LUT_STEPS):
        x = lo + f(i) * step
        val, val_mid, val_next = func(x), func(x + half_step), func(lo + f(i + 1) * step)
        sample = _roundf(val * scaling_inv)
        interp = _roundf((val_next * scaling_inv + _roundf(val * scaling_inv)) / f(2))
        bias = _roundf((interp - _roundf(val_mid * scaling_inv)) / f(2))
        table[i] = int(min(max(float(sample - bias), INT16_MIN), INT16_MAX))
    table[LUT_STEPS] = int(min(max(float(_roundf(func(hi) * scaling_inv)), INT16_MIN), INT16_MAX))
    return table


@functools.cache
def softmax_tables() -> tuple[np.ndarray, np.ndarray]:
    """SoftmaxPrepare's two int16 tables: exp on [-10, 0] and 1 / (1 + x) on [0, 1]."""
    expf = _libm_float("expf")
    exp_table = gen_lut_s16(expf, -10.0, 0.0)
    one = np.float32(1)
    reciprocal_table = gen_lut_s16(lambda x: one / (one + x), 0.0, 1.0)
    return exp_table, reciprocal_table


def _softmax(graph: Graph, op: Op) -> dict:
    x, y = tensor_in(graph, op, 0, "input"), out(graph, op)
    require_int16_activation(op, x, "input")
    require_int16_activation(op, y, "output")
    if x.shape != y.shape:
        raise fail(op, f"output shape {list(y.shape)} differs from input shape {list(x.shape)}")
    if abs(f32(y.scale) - 1 / 32768) > 0.001 / 32768:
        raise fail(op, "int16 softmax output must have scale 1/32768 and zero point 0")
    depth = x.shape[-1]
    if depth > 65535:
        raise fail(op, f"rows of {depth} values are too long (the int16 kernel sums at most 65535)")
    beta = float(op.options.get("beta", 1.0))
    if not math.isfinite(beta) or beta <= 0:
        raise fail(op, f"beta {beta} must be positive")
    # CalculateSoftmaxParams: [-65535, 0] of input differences maps to [-10, 0]
    multiplier, shift = quantize_multiplier(f32(x.scale) * f32(beta) / (10.0 / 65535.0))
    if shift > 15:
        raise fail(op, f"input scale {x.scale:g} x beta {beta:g} is too large for TFLM's int16 softmax")
    return dict(rows=x.size // depth, depth=depth, input_multiplier=multiplier, input_left_shift=shift)


def _lower_softmax(graph: Graph, op: Op) -> Lowered:
    exp_table, reciprocal_table = softmax_tables()
    return Lowered(args=_softmax(graph, op), kernel="mcu_softmax_s16.h", function="mcu_softmax_s16",
                   consts=(ConstArray("exp_table", "int16_t", exp_table),
                           ConstArray("reciprocal_table", "int16_t", reciprocal_table)))


_wrap("SOFTMAX", lambda graph, op: _softmax(graph, op) and None, _lower_softmax, "softmax_s16")
