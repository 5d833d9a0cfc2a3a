"""int8 activations: LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, RELU, RELU6, QUANTIZE (int8 ->
int8) as 256-entry tables, and PRELU (alpha tensor broadcast over the input).

An int8 -> int8 elementwise op has 256 possible inputs. lower() runs TFLM's integer
reference arithmetic (mcugen.ops.fixedpoint) on each of them and bakes the table into
flash; the kernel is one load per element. Each _table_* function names the TFLM code it
mirrors, and each params step mirrors that op's Prepare (float32 vs double matters).
"""
from __future__ import annotations

import math

import numpy as np

from mcugen.ir import Graph, Op, Tensor
from mcugen.ir.quant import f32, quantize_multiplier, round_half_away
from mcugen.ops import fixedpoint as fx
from mcugen.ops.broadcast import broadcast_loops, broadcast_out_shape
from mcugen.ops.common import check_shape, fail, out, require_activation_scale, require_int8_activation, tensor_in
from mcugen.ops.registry import ConstArray, Lowered, OpSpec, register

INT8_VALUES = range(-128, 128)


def _clamp8(x: int) -> int:
    return max(-128, min(127, x))


def _unary_io(graph: Graph, op: Op) -> tuple[Tensor, Tensor]:
    x, y = tensor_in(graph, op, 0, "input"), out(graph, op)
    require_int8_activation(op, x, "input")
    require_int8_activation(op, y, "output")
    require_activation_scale(op, x, "input")
    require_activation_scale(op, y, "output")
    if x.shape != y.shape:
        raise fail(op, f"output shape {list(y.shape)} differs from input shape {list(x.shape)}")
    return x, y


def _require_output_quant(op: Op, y: Tensor, scale: float, zero_point: int) -> None:
    """TFLM's int8 LOGISTIC/TANH write a fixed output quantization whatever the model says."""
    if y.zero_point != zero_point or abs(y.scale - scale) > 0.001 * scale:
        raise fail(op, f"int8 {op.kind} output must have scale {scale:g} and zero point "
                       f"{zero_point} (it has {y.scale:g} and {y.zero_point})")


# ----------------------------------------------------------------- LOGISTIC, TANH
SIGMOID_INPUT_INTEGER_BITS = 4


def sigmoid_input_params(op: Op, input_scale: float) -> tuple[int, int, int]:
    """logistic_common.cc / tanh.cc Prepare (int8): multiplier, left shift, input radius."""
    real = f32(input_scale) * float(1 << (31 - SIGMOID_INPUT_INTEGER_BITS))
    mantissa, left_shift = math.frexp(real)
    multiplier = int(round_half_away(mantissa * (1 << 31)))
    if not 0 <= left_shift <= 31 or multiplier >= 1 << 31:
        raise fail(op, f"input scale {input_scale:g} is outside the range TFLM's int8 "
                       f"{op.kind} handles (2^-28 to 16)")
    # CalculateInputRadius(4, left_shift, 31): floor(15 * 2^27 / 2^left_shift), exact here.
    radius = (((1 << SIGMOID_INPUT_INTEGER_BITS) - 1) << (31 - SIGMOID_INPUT_INTEGER_BITS)) >> left_shift
    return multiplier, left_shift, radius


def _table_logistic(op: Op, x: Tensor, y: Tensor) -> list[int]:
    """reference_integer_ops::Logistic (int8)."""
    multiplier, left_shift, radius = sigmoid_input_params(op, x.scale)
    table = []
    for q in INT8_VALUES:
        value = q - x.zero_point
        if value <= -radius:
            table.append(-128)
        elif value >= radius:
            table.append(127)
        else:
            q4 = fx.mbqm(value, multiplier, left_shift)
            q0 = fx.logistic(q4, SIGMOID_INPUT_INTEGER_BITS)
            table.append(_clamp8(fx.rdivpot(q0, 31 - 8) - 128))
    return table


def _table_tanh(op: Op, x: Tensor, y: Tensor) -> list[int]:
    """reference_integer_ops::Tanh (int8)."""
    multiplier, left_shift, radius = sigmoid_input_params(op, x.scale)
    table = []
    for q in INT8_VALUES:
        value = q - x.zero_point
        if value <= -radius:
            table.append(-128)
        elif value >= radius:
            table.append(127)
        else:
            q4 = fx.mbqm(value, multiplier, left_shift)
            q0 = fx.tanh(q4, SIGMOID_INPUT_INTEGER_BITS)
            table.append(_clamp8(fx.rdivpot(q0, 31 - 7)))
    return table


def _check_logistic(graph: Graph, op: Op) -> None:
    x, y = _unary_io(graph, op)
    _require_output_quant(op, y, 1 / 256, -128)
    sigmoid_input_params(op, x.scale)


def _check_tanh(graph: Graph, op: Op) -> None:
    x, y = _unary_io(graph, op)
    _require_output_quant(op, y, 1 / 128, 0)
    sigmoid_input_params(op, x.scale)


# ----------------------------------------------------------------------- HARD_SWISH
def _downscale_to_int16(multiplier: int) -> int:
    """DownScaleInt32ToInt16Multiplier."""
    if multiplier >= fx.INT32_MAX - (1 << 15):
        return fx.INT16_MAX
    return (multiplier + (1 << 15)) >> 16


def hard_swish_params(op: Op, x: Tensor, y: Tensor) -> dict:
    """hard_swish_common.cc HardSwishPrepare (int8): float32 ratios widened to double."""
    hires_input_scale = np.float32(1.0 / 128.0) * np.float32(x.scale)
    reluish_scale = np.float32(3.0) / np.float32(32768.0)
    out_m, out_exp = quantize_multiplier(float(hires_input_scale / np.float32(y.scale)))
    relu_m, relu_exp = quantize_multiplier(float(hires_input_scale / reluish_scale))
    if not -15 <= out_exp <= 0:
        raise fail(op, f"input/output scale ratio {x.scale / y.scale:g} is outside the range "
                       f"TFLM's int8 HARD_SWISH handles")
    if not -15 <= relu_exp <= 31:
        raise fail(op, f"input scale {x.scale:g} is outside the range TFLM's int8 HARD_SWISH handles")
    return dict(output_multiplier=_downscale_to_int16(out_m), output_exponent=out_exp,
                reluish_multiplier=_downscale_to_int16(relu_m), reluish_exponent=relu_exp)


def _saturating_left_shift16(value: int, amount: int) -> int:
    return max(fx.INT16_MIN, min(fx.INT16_MAX, value * (1 << amount)))


def _table_hard_swish(op: Op, x: Tensor, y: Tensor) -> list[int]:
    """reference_ops::HardSwish<int8_t>: int16 fixed point, int16 wrap-around kept."""
    p = hard_swish_params(op, x, y)
    table = []
    for q in INT8_VALUES:
        hires = fx.wrap16(fx.wrap16(q - x.zero_point) * (1 << 7))
        preshift_output = fx.srdhm16(hires, p["output_multiplier"])
        reluish = hires
        if p["reluish_exponent"] > 0:
            reluish = _saturating_left_shift16(reluish, p["reluish_exponent"] - 1)
        reluish = fx.srdhm16(reluish, p["reluish_multiplier"])
        if p["reluish_exponent"] > 0:
            reluish = _saturating_left_shift16(reluish, 1)
        if p["reluish_exponent"] < 0:
            reluish = fx.wrap16(fx.rdivpot(reluish, -p["reluish_exponent"]))
        reluish = (reluish + (1 << 15)) >> 1
        value = fx.sdhm16(reluish, preshift_output)
        value = fx.wrap16(fx.rdivpot(value, -p["output_exponent"]))
        table.append(_clamp8(fx.wrap16(value + y.zero_point)))
    return table


def _check_hard_swish(graph: Graph, op: Op) -> None:
    x, y = _unary_io(graph, op)
    hard_swish_params(op, x, y)


# ----------------------------------------------------------------------- LEAKY_RELU
def _leaky_alpha(op: Op) -> float:
    if "alpha" not in op.options:
        raise fail(op, "LEAKY_RELU has no options table (alpha)")
    alpha = float(np.float32(op.options["alpha"]))
    if not math.isfinite(alpha):
        raise fail(op, f"alpha {alpha} is not finite")
    return alpha


def _table_leaky_relu(op: Op, x: Tensor, y: Tensor) -> list[int]:
    """leaky_relu_common.cc Prepare + reference_ops::QuantizeLeakyRelu (int8)."""
    s_in, s_out = np.float32(x.scale), np.float32(y.scale)
    alpha_m, alpha_s = quantize_multiplier(float(s_in * np.float32(_leaky_alpha(op)) / s_out))
    identity_m, identity_s = quantize_multiplier(float(s_in / s_out))
    table = []
    for q in INT8_VALUES:
        value = q - x.zero_point
        if value >= 0:
            scaled = fx.mbqm(value, identity_m, identity_s)
        else:
            scaled = fx.mbqm(value, alpha_m, alpha_s)
        table.append(_clamp8(y.zero_point + scaled))
    return table


def _check_leaky_relu(graph: Graph, op: Op) -> None:
    _unary_io(graph, op)
    _leaky_alpha(op)


# ------------------------------------------------------------------ RELU, RELU6, QUANTIZE
def _table_relu(op: Op, x: Tensor, y: Tensor) -> list[int]:
    """activations_common.cc CalculateReluOpData + ReluQuantized (int8)."""
    multiplier, shift = quantize_multiplier(f32(x.scale) / f32(y.scale))
    act_min = max(-128, y.zero_point)  # zero_point + roundf(0 / scale)
    return [max(act_min, min(127, y.zero_point + fx.mbqm(q - x.zero_point, multiplier, shift)))
            for q in INT8_VALUES]


def _table_relu6(op: Op, x: Tensor, y: Tensor) -> list[int]:
    """Relu6Prepare + Relu6Quantized (int8): a clamp to [zero, six] in the input's units."""
    lower = x.zero_point
    upper = _clamp8(x.zero_point + int(round_half_away(float(np.float32(6.0) / np.float32(x.scale)))))
    return [upper if q > upper else (lower if q < lower else q) for q in INT8_VALUES]


def _check_relu6(graph: Graph, op: Op) -> None:
    x, y = _unary_io(graph, op)
    if np.float32(x.scale) != np.float32(y.scale) or x.zero_point != y.zero_point:
        raise fail(op, f"int8 RELU6 needs the output quantization equal to the input's "
                       f"(TFLM clamps in input units and ignores the output's); got input "
                       f"{x.scale:g}/{x.zero_point}, output {y.scale:g}/{y.zero_point}")


def _table_quantize(op: Op, x: Tensor, y: Tensor) -> list[int]:
    """quantize_common.cc PrepareQuantizeReference + reference_ops::Requantize (int8 -> int8)."""
    multiplier, shift = quantize_multiplier(f32(x.scale) / f32(y.scale))
    return [_clamp8(fx.mbqm(q - x.zero_point, multiplier, shift) + y.zero_point)
            for q in INT8_VALUES]


def _check_quantize(graph: Graph, op: Op) -> None:
    x, y = tensor_in(graph, op, 0, "input"), out(graph, op)
    if x.dtype != "int8" or y.dtype != "int8":
        raise fail(op, f"QUANTIZE {x.dtype} -> {y.dtype} is not supported; only int8 -> int8 "
                       f"requantization is")
    _unary_io(graph, op)


def _check_unary(graph: Graph, op: Op) -> None:
    _unary_io(graph, op)


def _check_relu_n1_to_1(graph: Graph, op: Op) -> None:
    raise fail(op, "TFLite Micro has no RELU_N1_TO_1 kernel, so there is no reference to be "
                   "bit-exact with; fuse it into the previous op or use MINIMUM/MAXIMUM")


# ------------------------------------------------------------------------------- registry
TABLES = {"LOGISTIC": _table_logistic, "TANH": _table_tanh, "HARD_SWISH": _table_hard_swish,
          "LEAKY_RELU": _table_leaky_relu, "RELU": _table_relu, "RELU6": _table_relu6,
          "QUANTIZE": _table_quantize}


def lookup_table(op: Op, x: Tensor, y: Tensor) -> np.ndarray:
    """The 256 outputs of op for inputs -128..127 (index = input + 128)."""
    return np.array(TABLES[op.kind](op, x, y), dtype=np.int8)


def _lower_lut(graph: Graph, op: Op) -> Lowered:
    x, y = graph.tensors[op.inputs[0]], out(graph, op)
    table = ConstArray(role="table", ctype="int8_t", values=lookup_table(op, x, y))
    return Lowered(args=dict(size=y.size), consts=(table,), kernel="mcu_lut_s8.h",
                   function="mcu_lut_s8")


for _kind, _check in (("LOGISTIC", _check_logistic), ("TANH", _check_tanh),
                      ("HARD_SWISH", _check_hard_swish), ("LEAKY_RELU", _check_leaky_relu),
                      ("RELU", _check_unary), ("RELU6", _check_relu6),
                      ("QUANTIZE", _check_quantize)):
    register(OpSpec(kind=_kind, check=_check, lower=_lower_lut, template="lut"))
register(OpSpec(kind="RELU_N1_TO_1", check=_check_relu_n1_to_1, lower=_lower_lut, template="lut"))


# ---------------------------------------------------------------------------------- PRELU
def _check_prelu(graph: Graph, op: Op) -> None:
    if len(op.inputs) != 2:
        raise fail(op, f"expected 2 inputs (input, alpha), got {len(op.inputs)}")
    x, alpha, y = tensor_in(graph, op, 0, "input"), tensor_in(graph, op, 1, "alpha"), out(graph, op)
    require_int8_activation(op, x, "input")
    require_int8_activation(op, y, "output")
    require_activation_scale(op, x, "input")
    require_activation_scale(op, y, "output")
    if not alpha.is_const or alpha.dtype != "int8":
        raise fail(op, f"alpha tensor '{alpha.name}' must be an int8 constant "
                       f"(it is {'a constant' if alpha.is_const else 'computed'}, {alpha.dtype})")
    if alpha.quant is None or alpha.qparams.per_channel:
        raise fail(op, f"alpha tensor '{alpha.name}' must be quantized per tensor")
    require_activation_scale(op, alpha, "alpha")
    if broadcast_out_shape(op, x.shape, alpha.shape) != tuple(x.shape):
        raise fail(op, f"alpha shape {list(alpha.shape)} must broadcast to the input shape "
                       f"{list(x.shape)}")
    check_shape(op, y, x.shape)
    broadcast_loops(op, x.shape, alpha.shape)


def _lower_prelu(graph: Graph, op: Op) -> Lowered:
    x, alpha, y = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]], out(graph, op)
    # prelu_common.cc CalculatePreluParams: doubles of the float32 scales.
    identity_m, identity_s = quantize_multiplier(f32(x.scale) / f32(y.scale))
    alpha_m, alpha_s = quantize_multiplier(f32(x.scale) * f32(alpha.scale) / f32(y.scale))
    args = dict(broadcast_loops(op, x.shape, alpha.shape), input_offset=-x.zero_point,
                alpha_offset=-alpha.zero_point, output_offset=y.zero_point,
                identity_multiplier=identity_m, identity_shift=identity_s,
                alpha_multiplier=alpha_m, alpha_shift=alpha_s)
    alpha_const = ConstArray(role="alpha", ctype="int8_t", tensor=alpha.index,
                             values=np.asarray(alpha.data, np.int8).reshape(-1))
    return Lowered(args=args, consts=(alpha_const,), kernel="mcu_prelu_s8.h",
                   function="mcu_prelu_s8")


register(OpSpec(kind="PRELU", check=_check_prelu, lower=_lower_prelu, template="prelu"))
