"""FULLY_CONNECTED, int8: bit-exact with TFLite Micro over batch sizes, 3-D/4-D inputs,
keep_num_dims, per-channel / per-tensor weights, bias and fused activations."""
import numpy as np
import pytest

from tests.helpers import assert_bit_exact
from tests.ops.models import fc_model

PC, PT = True, False  # per-channel / per-tensor weight scales

# id: (input shape, units, activation, per_channel, extra fc_model arguments)
CASES = {
    "1x16_to_10_pt":                 ((1, 16), 10, "NONE", PT, {}),
    "1x17_to_3_pc_relu":             ((1, 17), 3, "RELU", PC, {}),
    "batch2_17_to_8_pt_relu6":       ((2, 17), 8, "RELU6", PT, {}),
    "batch2_64_to_17_pc":            ((2, 64), 17, "NONE", PC, {}),
    "batch2_8_to_1_pt_relu":         ((2, 8), 1, "RELU", PT, {}),
    "batch2_3_to_8_pc_relu6":        ((2, 3), 8, "RELU6", PC, {}),
    "1x1_to_1":                      ((1, 1), 1, "NONE", PT, {}),
    "1x1001_to_10_pt":               ((1, 1001), 10, "RELU", PT, {}),
    "1x256_to_100_pc_relu_n1_to_1":  ((1, 256), 100, "RELU_N1_TO_1", PC, {}),
    "3d_1x3x10_flat_rows":           ((1, 3, 10), 8, "NONE", PT, {}),
    "3d_1x3x10_keep_num_dims":       ((1, 3, 10), 8, "RELU", PT, dict(keep_num_dims=True)),
    "3d_2x5x8_keep_num_dims_pc":     ((2, 5, 8), 17, "NONE", PC, dict(keep_num_dims=True)),
    "4d_1x4x4x8_flattened_to_128":   ((1, 4, 4, 8), 10, "RELU6", PT, dict(depth=128)),
    "4d_1x1x1x17_flattened":         ((1, 1, 1, 17), 3, "NONE", PC, dict(depth=17)),
    "3d_1x3x10_rows_of_30":          ((1, 3, 10), 5, "NONE", PT, dict(depth=30)),
    "pt_weight_zero_point_3":        ((1, 17), 8, "NONE", PT, dict(weight_zero_point=3)),
    "pt_weight_zero_point_m20_b2":   ((2, 10), 8, "RELU", PT, dict(weight_zero_point=-20)),
    "no_bias_minus1_pt":             ((1, 17), 8, "NONE", PT, dict(bias=False)),
    "no_bias_absent_pc":             ((2, 17), 8, "RELU", PC, dict(bias="absent")),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_fully_connected_bit_exact(case):
    in_shape, units, activation, per_channel, extra = CASES[case]
    rng = np.random.default_rng(2000 + list(CASES).index(case))
    model = fc_model(rng, in_shape, units, activation=activation, per_channel=per_channel,
                     **extra)
    assert_bit_exact(model, count=12, seed=1)
