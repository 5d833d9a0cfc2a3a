"""TFLM's host-side quantization helpers, reproduced to the bit.

TFLM derives integer multipliers from float32 scales in double precision at Prepare
time; any difference here (float vs double product, rounding mode) shows up as
off-by-one outputs, so each function names the TFLM function it mirrors.
"""
from __future__ import annotations

import math

import numpy as np

INT8_MIN, INT8_MAX = -128, 127


def round_half_away(x: float) -> float:
    """std::round / TfLiteRound: halves go away from zero."""
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def quantize_multiplier(real: float) -> tuple[int, int]:
    """QuantizeMultiplier: real = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31)."""
    if real == 0.0:
        return 0, 0
    if not math.isfinite(real):  # the ops' checks refuse scales that lead here
        raise ValueError(f"scale ratio {real} is not finite")
    mantissa, shift = math.frexp(real)
    fixed = int(round_half_away(mantissa * (1 << 31)))
    if fixed == 1 << 31:
        fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return fixed, shift


def f32(x) -> float:
    """A float32 value as a Python float (double), the way C++ widens it."""
    return float(np.float32(x))


def conv_multipliers(input_scale: float, filter_scales, output_scale: float, channels: int):
    """PopulateConvolutionQuantizationParams: per-channel (multiplier, shift) in double."""
    scales = np.asarray(filter_scales, dtype=np.float32).reshape(-1)
    if scales.size == 1:
        scales = np.repeat(scales, channels)
    pairs = [quantize_multiplier(f32(input_scale) * float(s) / f32(output_scale)) for s in scales]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def fc_multiplier(input_scale: float, filter_scale: float, output_scale: float) -> tuple[int, int]:
    """GetQuantizedConvolutionMultipler: the scale product is taken in float32 first."""
    product = float(np.float32(input_scale) * np.float32(filter_scale))
    return quantize_multiplier(product / f32(output_scale))


def _quantize_f32(value: float, scale: float, zero_point: int) -> int:
    """TFLM's Quantize(): float32 division, TfLiteRound, add the zero point."""
    with np.errstate(over="ignore", divide="ignore"):
        q = np.float32(value) / np.float32(scale)
    if not np.isfinite(q):
        raise ValueError(f"{value:g} / scale {scale:g} overflows float32")
    return zero_point + int(round_half_away(float(q)))


def activation_range(activation: str, scale: float, zero_point: int,
                     qmin: int = INT8_MIN, qmax: int = INT8_MAX) -> tuple[int, int]:
    """CalculateActivationRangeQuantized for a fused activation."""
    if activation == "NONE":
        return qmin, qmax
    if activation == "RELU":
        return max(qmin, _quantize_f32(0.0, scale, zero_point)), qmax
    if activation == "RELU6":
        return (max(qmin, _quantize_f32(0.0, scale, zero_point)),
                min(qmax, _quantize_f32(6.0, scale, zero_point)))
    if activation == "RELU_N1_TO_1":
        return (max(qmin, _quantize_f32(-1.0, scale, zero_point)),
                min(qmax, _quantize_f32(1.0, scale, zero_point)))
    raise ValueError(activation)


def out_size(padding: str, in_size: int, filt: int, stride: int, dilation: int = 1) -> int:
    """ComputeOutSize."""
    effective = (filt - 1) * dilation + 1
    if padding == "SAME":
        return (in_size + stride - 1) // stride
    return (in_size + stride - effective) // stride


def pad_before(padding: str, in_size: int, filt: int, stride: int, dilation: int = 1) -> int:
    """ComputePaddingHeightWidth: the top/left padding (the odd extra goes bottom/right)."""
    out = out_size(padding, in_size, filt, stride, dilation)
    effective = (filt - 1) * dilation + 1
    return max(0, ((out - 1) * stride + effective - in_size) // 2)
