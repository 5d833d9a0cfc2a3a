"""AVERAGE_POOL_2D and MAX_POOL_2D, int8: bit-exact with TFLite Micro over windows,
strides, SAME padding with windows clipped at the border, large and global windows,
odd image sizes, channel counts and fused activations. Average pools with channels % 4 == 0
and windows of at most 256 pixels take the SIMD set's four-channel kernel
(mcu_avgpool2d_ch4_s8, int16-lane sums), the others the portable one; both are checked."""
import numpy as np
import pytest

from tests.helpers import assert_bit_exact
from tests.ops.models import pool2d_model

AVG, MAX = "AVERAGE_POOL_2D", "MAX_POOL_2D"

# id: (kind, input NHWC, window, stride, padding, activation)
CASES = {
    "max_2x2_s2_valid_8x8x3":          (MAX, (1, 8, 8, 3), (2, 2), (2, 2), "VALID", "NONE"),
    "avg_2x2_s2_valid_8x8x3":          (AVG, (1, 8, 8, 3), (2, 2), (2, 2), "VALID", "NONE"),
    "max_3x3_s2_same_7x9x8_clipped":   (MAX, (1, 7, 9, 8), (3, 3), (2, 2), "SAME", "NONE"),
    "avg_3x3_s2_same_7x9x8_clipped":   (AVG, (1, 7, 9, 8), (3, 3), (2, 2), "SAME", "NONE"),
    "avg_3x3_s1_same_5x13x17":         (AVG, (1, 5, 13, 17), (3, 3), (1, 1), "SAME", "NONE"),
    "max_3x3_s1_same_5x13x17_relu":    (MAX, (1, 5, 13, 17), (3, 3), (1, 1), "SAME", "RELU"),
    "avg_2x2_s2_same_7x9x8_relu6":     (AVG, (1, 7, 9, 8), (2, 2), (2, 2), "SAME", "RELU6"),
    "max_2x2_s2_same_7x9x1_relu6":     (MAX, (1, 7, 9, 1), (2, 2), (2, 2), "SAME", "RELU6"),
    "avg_5x5_s3_same_13x14x1":         (AVG, (1, 13, 14, 1), (5, 5), (3, 3), "SAME", "NONE"),
    "max_3x3_s3_valid_7x9x3":          (MAX, (1, 7, 9, 3), (3, 3), (3, 3), "VALID", "NONE"),
    "avg_3x1_s3x1_valid_7x9x8":        (AVG, (1, 7, 9, 8), (3, 1), (3, 1), "VALID", "RELU"),
    "max_2x3_s1x2_same_5x13x3_n1to1":  (MAX, (1, 5, 13, 3), (2, 3), (1, 2), "SAME", "RELU_N1_TO_1"),
    "avg_2x3_s1x2_same_5x13x3_n1to1":  (AVG, (1, 5, 13, 3), (2, 3), (1, 2), "SAME", "RELU_N1_TO_1"),
    "avg_25x5_global_25x5x8":          (AVG, (1, 25, 5, 8), (25, 5), (1, 1), "VALID", "NONE"),
    "avg_25x5_same_25x5x3_clipped":    (AVG, (1, 25, 5, 3), (25, 5), (1, 1), "SAME", "NONE"),
    "avg_49x10_global_49x10x3":        (AVG, (1, 49, 10, 3), (49, 10), (1, 1), "VALID", "RELU"),
    # 8330 bytes of activations in a 488-byte file: TFLM's default arena (10x the file) is too small.
    "avg_49x10_global_49x10x17":       (AVG, (1, 49, 10, 17), (49, 10), (1, 1), "VALID", "RELU"),
    "avg_7x9_global_7x9x17_relu6":     (AVG, (1, 7, 9, 17), (7, 9), (2, 2), "VALID", "RELU6"),
    "max_7x9_global_7x9x3":            (MAX, (1, 7, 9, 3), (7, 9), (1, 1), "VALID", "NONE"),
    "avg_1x1_1x1x8":                   (AVG, (1, 1, 1, 8), (1, 1), (1, 1), "VALID", "NONE"),
    "max_3x3_same_1x1_image":          (MAX, (1, 1, 1, 3), (3, 3), (1, 1), "SAME", "NONE"),
    "avg_3x3_same_1x1_image":          (AVG, (1, 1, 1, 3), (3, 3), (2, 2), "SAME", "RELU"),
    "avg_5x5_same_window_gt_3x3":      (AVG, (1, 3, 3, 8), (5, 5), (1, 1), "SAME", "NONE"),
    "max_5x5_same_window_gt_3x3":      (MAX, (1, 3, 3, 8), (5, 5), (1, 1), "SAME", "NONE"),
    "avg_3x3_s2_same_batch2_7x9x3":    (AVG, (2, 7, 9, 3), (3, 3), (2, 2), "SAME", "NONE"),
    "avg_16x16_global_16x16x8_256":    (AVG, (1, 16, 16, 8), (16, 16), (1, 1), "VALID", "NONE"),
    "avg_17x16_global_17x16x8_272":    (AVG, (1, 17, 16, 8), (17, 16), (1, 1), "VALID", "NONE"),
    "avg_25x5_global_25x5x64_relu6":   (AVG, (1, 25, 5, 64), (25, 5), (1, 1), "VALID", "RELU6"),
    "avg_3x3_s2_same_batch2_7x9x12":   (AVG, (2, 7, 9, 12), (3, 3), (2, 2), "SAME", "RELU"),
    "max_3x3_s2_valid_batch2_7x9x3":   (MAX, (2, 7, 9, 3), (3, 3), (2, 2), "VALID", "RELU"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_pool2d_bit_exact(case):
    kind, in_shape, window, stride, padding, activation = CASES[case]
    rng = np.random.default_rng(3000 + list(CASES).index(case))
    model = pool2d_model(rng, kind, in_shape, window, stride=stride, padding=padding,
                         activation=activation)
    compiled = assert_bit_exact(model, count=12, seed=1, kernels="simd")
    ch4 = kind == AVG and in_shape[3] % 4 == 0 and window[0] * window[1] <= 256
    kernel = "mcu_avgpool2d_ch4_s8(" if ch4 else ("mcu_avgpool2d_s8(" if kind == AVG else "mcu_maxpool2d_s8(")
    assert kernel in compiled.files[f"{compiled.prefix}.c"]
    if kind == AVG and ch4:  # the portable kernel on the same model
        assert_bit_exact(model, count=12, seed=1, kernels="portable")
