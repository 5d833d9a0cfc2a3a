"""The fast-requantization proof (mcugen/ops/fast_requant.py) at its edges, bit-exact with
TFLM: FULLY_CONNECTED layers (SIMD kernels, int8 and int16-widened weights) whose
accumulator bound is exactly the proof's limit 2^30 - 1 (the short form must be taken and
be exact for accumulators of +-(2^30 - 1)) or one more (refused: the accumulator reaches
+2^30, which the short form's 2 acc would overflow), reached from the input's -128 side as
well as its 127 side; output offsets that make c = 2^(right-1) + offset 2^right overflow
int32; rounding ties; shift 0; pruned channels with negative biases."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.ops.fast_requant import ACC_LIMIT
from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact

DEPTH, UNITS = 8, 4  # depth % 4 == 0: the int16-weight stream is possible
IN_SCALE = 0.05
SHORT = ("mcu_fc_dot_s8(", "mcu_fc_w16_s8(")  # the kernels with the short requantization
PORTABLE = "mcu_fc_s8("


def fc_model(weights, bias, in_zp, w_scales, out_scale, out_zp, in_scale=IN_SCALE) -> bytes:
    """One FULLY_CONNECTED with these int8 weights [units][depth], int32 bias, per-channel
    weight scales (bias scale = input scale x weight scale, as the converter sets it)."""
    b = ModelBuilder()
    x = b.input((1, DEPTH), scale=in_scale, zero_point=in_zp)
    w_scales = [float(s) for s in w_scales]
    w = b.const(np.asarray(weights, np.int8), scale=w_scales, zero_point=[0] * len(w_scales), axis=0)
    bias_t = b.const(np.asarray(bias, np.int32), scale=[in_scale * s for s in w_scales],
                     zero_point=[0] * len(w_scales), axis=0)
    y = b.output(b.tensor((1, len(w_scales)), scale=out_scale, zero_point=out_zp))
    b.op("FULLY_CONNECTED", [x, w, bias_t], [y])
    return b.build()


def limit_model(in_zp: int, over: int) -> bytes:
    """Rows 0 and 1 reach +-(ACC_LIMIT - 1 + over) from a uniform input (127 when the input
    zero point is -128, -128 when it is 127) and their outputs spread over about 100 steps;
    rows 2 and 3 are ordinary."""
    widest = max(abs(-128 - in_zp), abs(127 - in_zp))
    toward = 1 if abs(127 - in_zp) == widest else -1  # sign of x - zp at the extreme input
    rng = np.random.default_rng(4400 + in_zp + over)
    weights = rng.integers(-127, 128, size=(UNITS, DEPTH))
    bias = rng.integers(-5000, 5000, size=UNITS)
    for row, sign in ((0, 1), (1, -1)):
        weights[row] = sign * toward * rng.integers(1, 128, size=DEPTH)
        bias[row] = sign * (ACC_LIMIT - 1 + over - int(np.abs(weights[row]).sum()) * widest)
    out_scale = 0.1
    w_scales = [100 * out_scale / (IN_SCALE * ACC_LIMIT)] * 2 + [0.004, 0.003]
    return fc_model(weights, bias, in_zp, w_scales, out_scale, out_zp=0)


def _kernel(compiled) -> str:
    source = compiled.files[f"{compiled.prefix}.c"]
    found = [k for k in (*SHORT, PORTABLE) if k in source]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("wide", [True, False], ids=["int16 weights", "int8 weights"])
@pytest.mark.parametrize("in_zp", [-128, 127], ids=["from 127", "from -128"])
def test_bound_just_below_limit_takes_short_form(in_zp, wide):
    """Accumulators of exactly +-(2^30 - 1): the short form, and exact there."""
    compiled = assert_bit_exact(limit_model(in_zp, over=0), count=6, seed=1,
                                kernels="simd", wide_weights=wide)
    assert _kernel(compiled) in SHORT


@pytest.mark.parametrize("wide", [True, False], ids=["int16 weights", "int8 weights"])
@pytest.mark.parametrize("in_zp", [-128, 127], ids=["from 127", "from -128"])
def test_bound_at_limit_keeps_tflm_requantization(in_zp, wide):
    """Accumulators of +2^30: refused (2 acc would overflow), portable kernel, exact."""
    compiled = assert_bit_exact(limit_model(in_zp, over=1), count=6, seed=1,
                                kernels="simd", wide_weights=wide)
    assert _kernel(compiled) == PORTABLE


@pytest.mark.parametrize("out_zp", [127, 100, -128])
def test_large_right_shift_with_output_offset(out_zp):
    """Shift -25: c = 2^24 + out_zp 2^25 does not fit int32 for |out_zp| >= 64, so the
    layer must keep TFLM's requantization; its outputs sit near the zero point."""
    rng = np.random.default_rng(4500)
    weights = rng.integers(-127, 128, size=(UNITS, DEPTH))
    bias = rng.integers(-(1 << 29), 1 << 29, size=UNITS)
    ratio = 0.7 * 2.0 ** -25  # multiplier 0.7 x 2^31, shift -25
    w_scales = [ratio * 40.0 / IN_SCALE] * UNITS
    compiled = assert_bit_exact(fc_model(weights, bias, 3, w_scales, 40.0, out_zp),
                                count=6, seed=2, kernels="simd")
    assert _kernel(compiled) == PORTABLE


@pytest.mark.parametrize("constants", ["keep", "drop"])
@pytest.mark.parametrize("wide", [True, False], ids=["int16 weights", "int8 weights"])
def test_ties_and_pruned_channels(wide, constants):
    """Scale ratios 2^-3 and 2^-5 (multiplier 2^30): most accumulators round half-way, of
    both signs; a pruned row (all weights zero) with a negative bias and one with a positive
    bias give constants offset by the output zero point, computed by the layer's short form
    (its entry (0, 2 v + 1, 1)) when constant channels are kept."""
    rng = np.random.default_rng(4600)
    weights = rng.integers(-9, 10, size=(UNITS, DEPTH))
    weights[2] = 0
    weights[3] = 0
    bias = np.array([-37, 51, -403, 777])
    w_scales = [2.0 ** -7, 2.0 ** -9, 2.0 ** -7, 2.0 ** -8]
    model = fc_model(weights, bias, 5, w_scales, out_scale=2.0 ** -6, out_zp=-17, in_scale=2.0 ** -2)
    compiled = assert_bit_exact(model, count=12, seed=3, kernels="simd", wide_weights=wide,
                                constant_channels=constants)
    assert _kernel(compiled) in SHORT


def test_shift_zero_layer():
    """A scale ratio in [0.5, 1) (shift 0, no right shift to round with): TFLM's way, exact."""
    rng = np.random.default_rng(4700)
    weights = rng.integers(-3, 4, size=(UNITS, DEPTH))
    bias = rng.integers(-20, 20, size=UNITS)
    compiled = assert_bit_exact(fc_model(weights, bias, -1, [0.75 * 0.2 / IN_SCALE] * UNITS, 0.2, 4),
                                count=6, seed=4, kernels="simd")
    assert _kernel(compiled) == PORTABLE
