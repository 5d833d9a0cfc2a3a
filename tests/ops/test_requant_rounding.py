"""TFLM's requantization rounding (runtime_c/mcu_requant.h, and mcugen/ops/fixedpoint.py for
the tables), bit-exact where it decides the most outputs: scale ratios that are exact powers
of two give the multiplier 2^30, so the doubling high multiply halves the accumulator (every
odd one is a tie, rounded away from zero) and the rounding divide meets a tie on one value in
2^right, of both signs. Each requantizing kernel runs so: portable CONV_2D, DEPTHWISE_CONV_2D
(separate and in place), FULLY_CONNECTED, ADD, MUL, MEAN, PRELU; scale ratios above one (a left
shift) too; and the table ops (QUANTIZE, RELU, LEAKY_RELU) over every int8 input."""
from __future__ import annotations

import numpy as np
import pytest

from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact
from tests.ops.models_elementwise import (
    assert_all_int8_inputs_bit_exact,
    binary_model,
    unary_model,
)


def _layer(kind: str, in_shape, weights, w_scales, in_q, out_q, bias, **options) -> bytes:
    """One CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED with these weights and scales."""
    b = ModelBuilder()
    x = b.input(in_shape, scale=in_q[0], zero_point=in_q[1])
    axis = 3 if kind == "DEPTHWISE_CONV_2D" else 0
    w = b.const(np.asarray(weights, np.int8), scale=list(w_scales), zero_point=[0] * len(w_scales),
                axis=axis)
    bias_t = b.const(np.asarray(bias, np.int32), scale=[in_q[0] * s for s in w_scales],
                     zero_point=[0] * len(w_scales))
    if kind == "FULLY_CONNECTED":
        out_shape = (in_shape[0], len(w_scales))
    else:
        out_shape = (*in_shape[:3], len(w_scales))
    y = b.output(b.tensor(out_shape, scale=out_q[0], zero_point=out_q[1]))
    b.op(kind, [x, w, bias_t], [y], **options)
    return b.build()


def _small(rng, shape, limit=3):
    return rng.integers(-limit, limit + 1, size=shape)


SAME = {"padding": "SAME", "stride_h": 1, "stride_w": 1}


@pytest.mark.parametrize("ratio_exponent", [-5, -1, 2], ids=["ratio 2^-5", "ratio 2^-1", "ratio 4"])
def test_conv2d_portable_power_of_two_ratios(ratio_exponent):
    """Per-channel ratios 2^e, 2^(e-1), 2^(e+1), 2^e; weights small so outputs stay inside
    int8 where the ratio is above one."""
    rng = np.random.default_rng(4800 - ratio_exponent)
    in_c, out_c = 2, 4
    limit = 3 if ratio_exponent < 0 else 1
    weights = _small(rng, (out_c, 3, 3, in_c), limit)
    in_scale, out_scale = 2.0 ** -3, 2.0 ** -4
    ratios = [2.0 ** (ratio_exponent + d) for d in (0, -1, 1, 0)]
    w_scales = [r * out_scale / in_scale for r in ratios]
    model = _layer("CONV_2D", (1, 5, 6, in_c), weights, w_scales, (in_scale, 3), (out_scale, -9),
                  _small(rng, out_c, 40), **SAME)
    assert_bit_exact(model, count=10, seed=5, kernels="portable")


@pytest.mark.parametrize("memory", ["none", "all"], ids=["separate", "in place"])
def test_depthwise_portable_power_of_two_ratios(memory):
    """DEPTHWISE_CONV_2D between two 1x1 convs; memory="all" runs it in place, through
    mcu_requant_fast, the branch-free form."""
    rng = np.random.default_rng(4900)
    c = 6
    b = ModelBuilder()
    q_in, q_mid, q_dw, q_out = (2.0 ** -2, -5), (2.0 ** -3, 7), (2.0 ** -4, -3), (2.0 ** -3, 11)
    x = b.input((1, 7, 8, c), scale=q_in[0], zero_point=q_in[1])
    layers = [("CONV_2D", x, (c, 1, 1, c), q_in, q_mid, 0, {}),
              ("DEPTHWISE_CONV_2D", None, (1, 3, 3, c), q_mid, q_dw, 3, {"depth_multiplier": 1}),
              ("CONV_2D", None, (c, 1, 1, c), q_dw, q_out, 0, {})]
    current = x
    for kind, _, w_shape, qa, qb, axis, extra in layers:
        ratios = [2.0 ** -int(k) for k in rng.integers(1, 6, size=c)]
        w_scales = [r * qb[0] / qa[0] for r in ratios]
        w = b.const(_small(rng, w_shape).astype(np.int8), scale=w_scales, zero_point=[0] * c,
                    axis=axis)
        bias = b.const(_small(rng, c, 30).astype(np.int32), scale=[qa[0] * s for s in w_scales],
                       zero_point=[0] * c)
        y = b.tensor((1, 7, 8, c), scale=qb[0], zero_point=qb[1])
        b.op(kind, [current, w, bias], [y], **SAME, **extra)
        current = y
    b.output(current)
    compiled = assert_bit_exact(b.build(), count=10, seed=6, kernels="portable", memory=memory)
    text = compiled.files[f"{compiled.prefix}.c"]
    assert ("mcu_dwconv2d_inplace_s8(" in text) == (memory == "all")


def test_fully_connected_portable_power_of_two_ratios():
    rng = np.random.default_rng(5000)
    units, depth = 8, 12
    ratios = [2.0 ** -int(k) for k in rng.integers(0, 7, size=units)]
    in_scale, out_scale = 2.0 ** -1, 2.0 ** -2
    model = _layer("FULLY_CONNECTED", (3, depth), _small(rng, (units, depth), 4),
                  [r * out_scale / in_scale for r in ratios], (in_scale, -20), (out_scale, 5),
                  _small(rng, units, 60))
    assert_bit_exact(model, count=10, seed=7, kernels="portable")


@pytest.mark.parametrize("kind", ["ADD", "MUL"])
@pytest.mark.parametrize("out_exponent", [2, 5], ids=["out 4x", "out 32x"])
def test_add_mul_power_of_two_ratios(kind, out_exponent):
    """ADD rescales its inputs and its sum (mcu_requant_lt1), MUL its product (mcu_requant):
    output scales 2^k times the inputs' round half the values to a tie."""
    s = 2.0 ** -4
    out = s * 2.0 ** out_exponent if kind == "ADD" else s * s * 2.0 ** (out_exponent + 4)
    model = binary_model(kind, (2, 5, 16), (2, 5, 16), (2, 5, 16), (s, 3), (s / 2, -6), (out, -2),
                         activation="NONE")
    assert_bit_exact(model, count=10, seed=8, kernels="portable")


def test_mean_power_of_two_ratio():
    """MEAN over 4 values with the output scale twice the input's: a divide by 8."""
    b = ModelBuilder()
    x = b.input((1, 2, 2, 16), scale=2.0 ** -3, zero_point=-7)
    axes = b.const(np.array([1, 2], np.int32))
    y = b.output(b.tensor((1, 16), scale=2.0 ** -2, zero_point=3))
    b.op("MEAN", [x, axes], [y], keep_dims=False)
    assert_bit_exact(b.build(), count=10, seed=9, kernels="portable")


def test_prelu_power_of_two_ratios():
    b = ModelBuilder()
    x = b.input((1, 4, 4, 8), scale=2.0 ** -3, zero_point=9)
    alpha = b.const(np.arange(-60, 68, 16, dtype=np.int8).reshape(1, 1, 8), scale=2.0 ** -7,
                    zero_point=0)
    y = b.output(b.tensor((1, 4, 4, 8), scale=2.0 ** -5, zero_point=-4))
    b.op("PRELU", [x, alpha], [y])
    assert_bit_exact(b.build(), count=10, seed=10, kernels="portable")


# (kind, input (scale, zp), output (scale, zp), options): tables over every int8 input
TABLES = {
    "quantize_ratio_1/8":   ("QUANTIZE", (2.0 ** -3, 5), (2.0 ** 0, -3), {}),
    "quantize_ratio_1/2":   ("QUANTIZE", (2.0 ** -3, -128), (2.0 ** -2, 0), {}),
    "quantize_ratio_4":     ("QUANTIZE", (2.0 ** -3, 0), (2.0 ** -5, 17), {}),
    "relu_ratio_1/4":       ("RELU", (2.0 ** -2, 40), (2.0 ** 0, -128), {}),
    "leaky_alpha_1/8":      ("LEAKY_RELU", (2.0 ** -3, 60), (2.0 ** -3, 20), {"alpha": 0.125}),
    "leaky_alpha_3/4_x2":   ("LEAKY_RELU", (2.0 ** -3, 0), (2.0 ** -4, -10), {"alpha": 0.75}),
}


@pytest.mark.parametrize("case", list(TABLES), ids=list(TABLES))
def test_tables_power_of_two_ratios(case):
    kind, q_in, q_out, options = TABLES[case]
    assert_all_int8_inputs_bit_exact(unary_model(kind, (1, 256), q_in, q_out, **options))
