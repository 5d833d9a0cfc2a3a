"""Builders of small 16x8 models (int16 activations with zero point 0, int8 weights,
int64 or int32 bias) for tests/ops/test_int16*.py.

Output scales follow the accumulator's spread for an input spread drawn between the
small values (|q| < 512) and the full int16 range that verify.test_inputs feeds, so some
input sets saturate and others land inside the range.
"""
from __future__ import annotations

import math

import numpy as np

from tests.builder import ModelBuilder
from tests.ops.models import Act, out_size, random_weights, weight_scales

_W_STD = 73.0


def input16(b: ModelBuilder, rng, shape, scale=None) -> Act:
    scale = float(scale if scale is not None else rng.uniform(1e-4, 1e-3))
    return Act(b.input(shape, scale=scale, zero_point=0, dtype=np.int16), tuple(shape), scale, 0)


def output_scale16(rng, in_scale: float, w_scale, fan_in: int) -> float:
    spread = math.exp(rng.uniform(math.log(300.0), math.log(19000.0)))
    std = in_scale * float(np.mean(w_scale)) * math.sqrt(fan_in) * _W_STD * spread
    return float(3.0 * std / 32768.0)


def bias16(b: ModelBuilder, rng, bias, channels: int, in_scale: float, w_scale) -> list:
    """bias: "int64" (the converter's choice), "int32", "zero" (int64 zeros), None (input -1),
    "absent" (no third input)."""
    values = rng.integers(-(1 << 20), (1 << 20) + 1, size=channels)
    scale = [in_scale * s for s in w_scale] if isinstance(w_scale, list) else in_scale * w_scale
    if bias is None:
        return [-1]
    if bias == "absent":
        return []
    if bias == "zero":
        values = np.zeros(channels)
    dtype = np.int32 if bias == "int32" else np.int64
    return [b.const(values.astype(dtype), scale=scale, zero_point=0)]


def conv16_layer(b: ModelBuilder, rng, x: Act, out_c=None, kernel=(3, 3), stride=(1, 1),
                 dilation=(1, 1), padding="SAME", activation="NONE", per_channel=True,
                 bias="int64", depthwise=False, depth_multiplier=1) -> Act:
    n, h, w, in_c = x.shape
    kh, kw = kernel
    if depthwise:
        out_c = in_c * depth_multiplier
    oh = out_size(padding, h, kh, stride[0], dilation[0])
    ow = out_size(padding, w, kw, stride[1], dilation[1])
    assert oh > 0 and ow > 0, "kernel does not fit"
    w_scale = weight_scales(rng, out_c, per_channel)
    fan_in = kh * kw * (1 if depthwise else in_c)
    out_scale = output_scale16(rng, x.scale, w_scale, fan_in)
    if depthwise:
        weights = b.const(random_weights(rng, (1, kh, kw, out_c)), scale=w_scale, zero_point=0, axis=3)
    else:
        weights = b.const(random_weights(rng, (out_c, kh, kw, in_c)), scale=w_scale, zero_point=0, axis=0)
    inputs = [x.index, weights, *bias16(b, rng, bias, out_c, x.scale, w_scale)]
    shape = (n, oh, ow, out_c)
    y = b.tensor(shape, scale=out_scale, zero_point=0, dtype=np.int16)
    options = dict(padding=padding, stride_h=stride[0], stride_w=stride[1],
                   dilation_h_factor=dilation[0], dilation_w_factor=dilation[1],
                   fused_activation_function=activation)
    if depthwise:
        b.op("DEPTHWISE_CONV_2D", inputs, [y], depth_multiplier=depth_multiplier, **options)
    else:
        b.op("CONV_2D", inputs, [y], **options)
    return Act(y, shape, out_scale, 0)


def fc16_layer(b: ModelBuilder, rng, x: Act, units, activation="NONE", per_channel=False,
               bias="int64", weight_zero_point=0) -> Act:
    depth = x.shape[-1]
    rows = int(np.prod(x.shape)) // depth
    w_scale = weight_scales(rng, units, per_channel)
    out_scale = output_scale16(rng, x.scale, w_scale, depth)
    weights = b.const(random_weights(rng, (units, depth)), scale=w_scale,
                      zero_point=weight_zero_point, axis=0)
    inputs = [x.index, weights, *bias16(b, rng, bias, units, x.scale, w_scale)]
    y = b.tensor((rows, units), scale=out_scale, zero_point=0, dtype=np.int16)
    b.op("FULLY_CONNECTED", inputs, [y], fused_activation_function=activation)
    return Act(y, (rows, units), out_scale, 0)


def one_op_model(layer, rng, in_shape, in_scale=None, **kwargs) -> bytes:
    b = ModelBuilder()
    y = layer(b, rng, input16(b, rng, in_shape, in_scale), **kwargs)
    b.output(y.index)
    return b.build()


def add16_model(shape, scale1: float, scale2: float, out_scale: float, activation="NONE") -> bytes:
    b = ModelBuilder()
    x1 = b.input(shape, scale=scale1, zero_point=0, dtype=np.int16)
    x2 = b.input(shape, scale=scale2, zero_point=0, dtype=np.int16)
    y = b.output(b.tensor(shape, scale=out_scale, zero_point=0, dtype=np.int16))
    b.op("ADD", [x1, x2], [y], fused_activation_function=activation)
    return b.build()


def softmax16_model(shape, in_scale: float, beta=1.0, out_scale=1 / 32768) -> bytes:
    b = ModelBuilder()
    x = b.input(shape, scale=in_scale, zero_point=0, dtype=np.int16)
    y = b.output(b.tensor(shape, scale=out_scale, zero_point=0, dtype=np.int16))
    b.op("SOFTMAX", [x], [y], beta=beta)
    return b.build()
