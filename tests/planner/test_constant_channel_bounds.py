"""The constant-channel proof at its edges (mcugen/passes/constant_channels.py): layers built
with exact power-of-two scales so that a channel is constant over every input but one end of
int8, over the interior of the image but not its border, at 0 but not at a negative zero
point, below a pooling layer's fused clamp, or at both ends of an accumulator range whose
left shift wraps in between. Each model is bit-exact against TFLM with the pass and without
(the input sets start with all -128 and all 127), and the pass keeps exactly the channels
that vary, dropping those that do not.
"""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.ops.fixedpoint import mbqm
from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact


def layer(b: ModelBuilder, x: int, shape, in_scale: float, weights, bias, w_scales, out_scale: float,
          out_zp: int, padding: str = "VALID", activation: str = "NONE"):
    """A CONV_2D from x (NHWC `shape`) with explicit weights, bias and scales; (output, shape)."""
    weights = np.asarray(weights, np.int8)
    kh, kw = weights.shape[1:3]
    h, w = shape[1:3]
    out_h, out_w = (h, w) if padding == "SAME" else (h - kh + 1, w - kw + 1)
    out_shape = (1, out_h, out_w, weights.shape[0])
    w_index = b.const(weights, scale=list(w_scales), axis=0)
    b_index = b.const(np.asarray(bias, np.int32), scale=[in_scale * s for s in w_scales])
    y = b.tensor(out_shape, scale=out_scale, zero_point=out_zp)
    b.op("CONV_2D", [x, w_index, b_index], [y], padding=padding, fused_activation_function=activation)
    return y, out_shape


def head(b: ModelBuilder, rng, x: int, shape, in_scale: float) -> None:
    """A random 1x1 CONV_2D to 3 channels reading x (the reader that folds dropped channels),
    the graph's output."""
    c = shape[-1]
    y, _ = layer(b, x, shape, in_scale, rng.integers(-127, 128, (3, 1, 1, c)), rng.integers(-500, 500, 3),
                 [2.0 ** -7] * 3, 2.0 ** -3, 7)
    b.output(y)


def check(model: bytes, tensor: int, kept: int):
    """Bit-exact with and without the pass; `tensor` keeps `kept` channels."""
    assert_bit_exact(model, count=8, constant_channels="keep")
    compiled = assert_bit_exact(model, count=8)
    assert compiled.graph.tensors[tensor].shape[-1] == kept
    return compiled


def random_rows(rng, count: int, in_c: int, kernel=(1, 1)) -> np.ndarray:
    return rng.integers(-127, 128, (count, *kernel, in_c))


# effective scale 2^-10 = 2^-4 (input) x 2^-8 (weights) / 2^-2 (output)
EDGE_SCALES = {"in_scale": 2.0 ** -4, "w_scale": 2.0 ** -8, "out_scale": 2.0 ** -2}


def requant(acc: int) -> int:
    return mbqm(acc, 1 << 30, -9)  # 2^-10


def edge_bias(zero_point: int) -> int:
    """A bias whose channel (weight 1 on one input channel) is constant over every input
    but the int8 end the zero point sits at: acc = bias + x - zero point."""
    for bias in range(-2048, 2048):
        low, high = bias + (-128 - zero_point), bias + (127 - zero_point)
        if zero_point == -128 and requant(low) != requant(low + 1) == requant(high):
            return bias
        if zero_point == 127 and requant(high) != requant(high - 1) == requant(low):
            return bias
    raise AssertionError("no bias")


@pytest.mark.parametrize("zero_point", [-128, 127])
def test_a_channel_that_varies_only_at_an_int8_end_is_kept(zero_point):
    rng = np.random.default_rng(200 + zero_point)
    b = ModelBuilder()
    x = b.input((1, 6, 6, 1), scale=EDGE_SCALES["in_scale"], zero_point=zero_point)
    weights = random_rows(rng, 5, 1)
    weights[0], weights[1] = 1, 1
    bias = rng.integers(-500, 500, 5)
    bias[0], bias[1] = edge_bias(zero_point), 0  # channel 1: constant everywhere
    assert requant(0) == requant(-255 if zero_point == 127 else 255)
    a, shape = layer(b, x, (1, 6, 6, 1), EDGE_SCALES["in_scale"], weights, bias,
                     [EDGE_SCALES["w_scale"]] * 5, EDGE_SCALES["out_scale"], 0)
    head(b, rng, a, shape, EDGE_SCALES["out_scale"])
    check(b.build(), a, 4)  # channel 1 dropped, channel 0 kept


def producer(b: ModelBuilder, rng, values: dict, zero_point: int):
    """A 1x1 CONV_2D from a (1, 6, 6, 4) input to 5 channels; channel c in `values` has zero
    weights and the bias that makes it values[c] (effective scale 2^-6, exact)."""
    x = b.input((1, 6, 6, 4), scale=2.0 ** -4, zero_point=-20)
    weights = random_rows(rng, 5, 4)
    bias = rng.integers(-3000, 3000, 5)
    for c, value in values.items():
        weights[c] = 0
        bias[c] = (value - zero_point) * 64
    return layer(b, x, (1, 6, 6, 4), 2.0 ** -4, weights, bias, [2.0 ** -6] * 5, 2.0 ** -4, zero_point)


def test_padding_adds_zero_to_the_low_bound():
    """A 3x3 SAME conv whose channel 0 sums nine taps of a constant channel: 9 taps inside the
    image, 4 at a corner, since a padded tap adds 0; not constant."""
    rng = np.random.default_rng(61)
    b = ModelBuilder()
    a, shape = producer(b, rng, {0: 20}, zero_point=-5)  # value - zero point = 25
    weights = random_rows(rng, 5, 5, (3, 3))
    weights[0], weights[1] = 0, 0
    weights[0, :, :, 0] = 1  # channel 0: 25 a tap inside the image
    bias = rng.integers(-3000, 3000, 5)
    # effective scale 2^-4 (2^-4 x 2^-4 / 2^-4) for channels 0 (225 / 16 inside, 100 / 16 at a
    # corner) and 1 (zero weights: a constant, dropped)
    y, shape = layer(b, a, shape, 2.0 ** -4, weights, bias, [2.0 ** -4] * 5, 2.0 ** -4, 2, padding="SAME")
    head(b, rng, y, shape, 2.0 ** -4)
    check(b.build(), y, 4)


def test_a_padded_conv_folds_only_channels_at_the_zero_point():
    """Channel 0 is 0, channel 1 the zero point -5: a 3x3 SAME reader pads with the zero point,
    so channel 1 folds into its bias and channel 0 does not (0 is not the zero point)."""
    rng = np.random.default_rng(62)
    b = ModelBuilder()
    a, shape = producer(b, rng, {0: 0, 1: -5}, zero_point=-5)
    y, shape = layer(b, a, shape, 2.0 ** -4, random_rows(rng, 4, 5, (3, 3)), rng.integers(-3000, 3000, 4),
                     [2.0 ** -7] * 4, 2.0 ** -3, 4, padding="SAME")
    b.output(y)
    check(b.build(), a, 4)


def test_a_pool_clamps_a_constant_below_its_relu():
    """Channel 0 is -20, below a max pool's fused ReLU (zero point 3): the pool makes it 3,
    which the reader folds."""
    rng = np.random.default_rng(63)
    b = ModelBuilder()
    a, _ = producer(b, rng, {0: -20}, zero_point=3)
    pooled_shape = (1, 3, 3, 5)
    p = b.tensor(pooled_shape, scale=2.0 ** -4, zero_point=3)
    b.op("MAX_POOL_2D", [a], [p], padding="VALID", stride_h=2, stride_w=2, filter_height=2,
         filter_width=2, fused_activation_function="RELU")
    head(b, rng, p, pooled_shape, 2.0 ** -4)
    compiled = check(b.build(), p, 4)
    assert compiled.graph.tensors[a].shape[-1] == 4


def test_a_left_shift_that_wraps_is_not_monotone():
    """Effective scale 2^20 (shift 21): the accumulator range [512, 512 + 16 x 255] requantizes
    to 127 at both ends but wraps in between; the channel varies."""
    rng = np.random.default_rng(64)
    b = ModelBuilder()
    x = b.input((1, 6, 6, 1), scale=2.0 ** -4, zero_point=-128)
    weights = random_rows(rng, 5, 1)
    weights[0] = 16
    bias = rng.integers(-500, 500, 5)
    bias[0] = 512
    weights[1:] = np.where(weights[1:] == 0, 1, weights[1:])
    bias[1:] = 0  # channels 1-4: effective scale 2^-4, they vary
    w_scales = [2.0 ** -4] + [2.0 ** -28] * 4
    out_scale = 2.0 ** -28  # channel 0: 2^-4 x 2^-4 / 2^-28 = 2^20
    ends = {max(min(mbqm(acc, 1 << 30, 21), 127), -128) for acc in (512, 512 + 16 * 255)}
    middle = {max(min(mbqm(acc, 1 << 30, 21), 127), -128) for acc in range(512, 512 + 16 * 255, 16)}
    assert len(ends) == 1 and len(middle) > 1
    a, shape = layer(b, x, (1, 6, 6, 1), 2.0 ** -4, weights, bias, w_scales, out_scale, 0)
    head(b, rng, a, shape, out_scale)
    check(b.build(), a, 5)
