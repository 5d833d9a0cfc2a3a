"""DEPTHWISE_CONV_2D, int8: bit-exact with TFLite Micro over depth multipliers, strides,
padding, dilation, kernels, odd image sizes, channel counts, weight scales, activations."""
import numpy as np
import pytest

from tests.helpers import assert_bit_exact
from tests.ops.models import assert_bit_exact_against, depthwise_model

PC, PT = True, False  # per-channel / per-tensor weight scales

# id: (input NHWC, depth multiplier, kernel, stride, dilation, padding, activation, per_channel)
CASES = {
    "3x3_s1_same_7x9x3_dm1":            ((1, 7, 9, 3), 1, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC),
    "3x3_s1_valid_7x9x3_dm2_pt_relu":   ((1, 7, 9, 3), 2, (3, 3), (1, 1), (1, 1), "VALID", "RELU", PT),
    "3x3_s1_same_5x13x1_dm8_relu6":     ((1, 5, 13, 1), 8, (3, 3), (1, 1), (1, 1), "SAME", "RELU6", PC),
    "3x3_s2_same_9x11x8_relu6":         ((1, 9, 11, 8), 1, (3, 3), (2, 2), (1, 1), "SAME", "RELU6", PC),
    "3x3_s2_same_even_8x8x8_pt":        ((1, 8, 8, 8), 1, (3, 3), (2, 2), (1, 1), "SAME", "RELU", PT),
    "5x5_s2_valid_9x11x17":             ((1, 9, 11, 17), 1, (5, 5), (2, 2), (1, 1), "VALID", "NONE", PC),
    "5x5_s3_same_13x14x3_dm2_relu_n1":  ((1, 13, 14, 3), 2, (5, 5), (3, 3), (1, 1), "SAME", "RELU_N1_TO_1", PC),
    "3x3_s3_valid_7x9x8_dm1":           ((1, 7, 9, 8), 1, (3, 3), (3, 3), (1, 1), "VALID", "NONE", PT),
    "3x3_d2_same_9x11x8":               ((1, 9, 11, 8), 1, (3, 3), (1, 1), (2, 2), "SAME", "NONE", PC),
    "3x3_d2_valid_9x11x3_dm2_pt":       ((1, 9, 11, 3), 2, (3, 3), (1, 1), (2, 2), "VALID", "RELU6", PT),
    "3x3_s2_d2_same_11x13x3_dm8":       ((1, 11, 13, 3), 8, (3, 3), (2, 2), (2, 2), "SAME", "RELU", PC),
    "3x1_s1_same_7x9x8":                ((1, 7, 9, 8), 1, (3, 1), (1, 1), (1, 1), "SAME", "NONE", PC),
    "1x3_s1_valid_5x13x17_relu":        ((1, 5, 13, 17), 1, (1, 3), (1, 1), (1, 1), "VALID", "RELU", PC),
    "10x4_s2_same_25x10x8":             ((1, 25, 10, 8), 1, (10, 4), (2, 2), (1, 1), "SAME", "RELU", PC),
    "10x4_s1_valid_25x10x3_dm2":        ((1, 25, 10, 3), 2, (10, 4), (1, 1), (1, 1), "VALID", "NONE", PT),
    "3x3_same_1x1_image_c8":            ((1, 1, 1, 8), 1, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC),
    "1x1_valid_1x1_image_c3_dm8":       ((1, 1, 1, 3), 8, (1, 1), (1, 1), (1, 1), "VALID", "RELU6", PC),
    "1x1_s1_same_7x9x17":               ((1, 7, 9, 17), 1, (1, 1), (1, 1), (1, 1), "SAME", "RELU", PT),
    "5x5_valid_kernel_equals_image_c1": ((1, 5, 5, 1), 1, (5, 5), (1, 1), (1, 1), "VALID", "NONE", PC),
    "5x5_same_kernel_larger_3x3x8_dm2": ((1, 3, 3, 8), 2, (5, 5), (1, 1), (1, 1), "SAME", "RELU_N1_TO_1", PC),
    "3x3_stride_2x1_dil_1x2_7x9x8":     ((1, 7, 9, 8), 1, (3, 3), (2, 1), (1, 2), "SAME", "NONE", PC),
    "3x3_s1_same_6x6x8_dm2_pt_relu":    ((1, 6, 6, 8), 2, (3, 3), (1, 1), (1, 1), "SAME", "RELU", PT),
    "3x3_s1_same_batch2_5x5x3_dm2":     ((2, 5, 5, 3), 2, (3, 3), (1, 1), (1, 1), "SAME", "RELU6", PC),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_depthwise_conv2d_bit_exact(case):
    in_shape, multiplier, kernel, stride, dilation, padding, activation, per_channel = CASES[case]
    rng = np.random.default_rng(1000 + list(CASES).index(case))
    model = depthwise_model(rng, in_shape, depth_multiplier=multiplier, kernel=kernel,
                            stride=stride, dilation=dilation, padding=padding,
                            activation=activation, per_channel=per_channel)
    assert_bit_exact(model, count=12, seed=1)


@pytest.mark.parametrize("multiplier", [1, 2], ids=["dm1", "dm2"])
@pytest.mark.parametrize("bias", ["absent", "zero"], ids=["bias_absent", "bias_zero"])
def test_depthwise_conv2d_without_bias(bias, multiplier):
    rng = np.random.default_rng(1100 + multiplier)
    model = depthwise_model(rng, (1, 7, 9, 3), depth_multiplier=multiplier, kernel=(3, 3),
                            padding="SAME", bias=bias)
    assert_bit_exact(model, count=12, seed=1)


@pytest.mark.parametrize("multiplier", [1, 2], ids=["dm1", "dm2"])
def test_depthwise_conv2d_bias_minus1(multiplier):
    """Bias given as the optional input -1.  TFLM segfaults on this model, so the oracle
    is the same model with an explicit all-zero bias (same seed, same weights)."""
    kwargs = dict(depth_multiplier=multiplier, kernel=(3, 3), padding="SAME")
    model = depthwise_model(np.random.default_rng(1100 + multiplier), (1, 7, 9, 3),
                            bias=False, **kwargs)
    oracle = depthwise_model(np.random.default_rng(1100 + multiplier), (1, 7, 9, 3),
                             bias="zero", **kwargs)
    assert_bit_exact_against(model, oracle, count=12, seed=1)
