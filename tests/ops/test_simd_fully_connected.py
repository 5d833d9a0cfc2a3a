"""SIMD FULLY_CONNECTED (mcu_fc_dot_s8: four rows per pass, SMLAD; mcu_fc_w16_s8 the same
with weights pre-extended to int16 where depth % 4 == 0, one stream per layer), bit-exact with TFLM over
depths with and without the scalar tail (depth % 4), unit counts with and without the
one-row tail (units % 4), batches, per-tensor and per-channel weights. Weights with a
non-zero zero point keep the portable kernel."""
import numpy as np
import pytest

from tests.helpers import assert_bit_exact
from tests.ops.models import fc_model

PC, PT = True, False

# id: (input shape, units, activation, per_channel)
CASES = {
    "ad01_640_to_128_pt":     ((1, 640), 128, "RELU", PT),
    "1x17_to_3_pc_tails":     ((1, 17), 3, "RELU", PC),
    "1x18_to_7_pt_tail2":     ((1, 18), 7, "NONE", PT),
    "1x3_to_5_depth_tail_only": ((1, 3), 5, "RELU6", PC),
    "batch3_64_to_10_pc":     ((3, 64), 10, "NONE", PC),
    "1x256_to_100_relu_n1":   ((1, 256), 100, "RELU_N1_TO_1", PT),
}


@pytest.mark.parametrize("wide", [True, False], ids=["int16 weights", "int8 weights"])
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_simd_fc_bit_exact(case, wide):
    in_shape, units, activation, per_channel = CASES[case]
    rng = np.random.default_rng(3000 + list(CASES).index(case))
    model = fc_model(rng, in_shape, units, activation=activation, per_channel=per_channel)
    compiled = assert_bit_exact(model, count=8, seed=4, kernels="simd", wide_weights=wide)
    widened = wide and in_shape[-1] % 4 == 0
    kernel = "mcu_fc_w16_s8(" if widened else "mcu_fc_dot_s8("
    assert kernel in compiled.files[f"{compiled.prefix}.c"]
    # the stream (fully_connected.fc_stream) adds a byte per weight, and whole padding rows
    # (doubled bias, int16 weights, requant) up to a multiple of 4 units
    depth, padded = in_shape[-1], units + -units % 4
    extra = padded * (16 + 2 * depth) - units * (depth + 16)
    assert compiled.summary.wide_weights_bytes == (extra if widened else 0)


def test_weight_zero_point_keeps_the_portable_kernel():
    rng = np.random.default_rng(3100)
    model = fc_model(rng, (1, 17), 8, weight_zero_point=3)
    compiled = assert_bit_exact(model, count=4, seed=4, kernels="simd")
    assert "mcu_fc_s8(" in compiled.files[f"{compiled.prefix}.c"]
