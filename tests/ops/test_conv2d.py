"""CONV_2D, int8: bit-exact with TFLite Micro over strides, padding, dilation, kernels,
odd image sizes, channel counts, per-channel / per-tensor weights and fused activations."""
import numpy as np
import pytest

from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact
from tests.ops.models import accumulator_output_scale, conv2d_model, input_act, random_weights

PC, PT = True, False  # per-channel / per-tensor weight scales

# id: (input NHWC, out channels, kernel, stride, dilation, padding, activation, per_channel)
CASES = {
    "3x3_s1_same_7x9x3_pc":            ((1, 7, 9, 3), 8, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC),
    "3x3_s1_valid_7x9x3_pt_relu":      ((1, 7, 9, 3), 8, (3, 3), (1, 1), (1, 1), "VALID", "RELU", PT),
    "1x1_s1_same_5x13x17_relu6":       ((1, 5, 13, 17), 17, (1, 1), (1, 1), (1, 1), "SAME", "RELU6", PC),
    "1x1_s2_valid_7x9x8_pt":           ((1, 7, 9, 8), 3, (1, 1), (2, 2), (1, 1), "VALID", "NONE", PT),
    "1x1_s3_same_7x9x3":               ((1, 7, 9, 3), 1, (1, 1), (3, 3), (1, 1), "SAME", "RELU", PC),
    "5x5_s2_same_9x11x3_relu":         ((1, 9, 11, 3), 8, (5, 5), (2, 2), (1, 1), "SAME", "RELU", PC),
    "5x5_s3_valid_13x14x1":            ((1, 13, 14, 1), 8, (5, 5), (3, 3), (1, 1), "VALID", "NONE", PC),
    "3x3_s3_same_7x9x8_relu_n1_to_1":  ((1, 7, 9, 8), 17, (3, 3), (3, 3), (1, 1), "SAME", "RELU_N1_TO_1", PC),
    "3x3_s2_same_even_8x8x3_pt":       ((1, 8, 8, 3), 8, (3, 3), (2, 2), (1, 1), "SAME", "RELU6", PT),
    "3x3_d2_same_9x11x3":              ((1, 9, 11, 3), 8, (3, 3), (1, 1), (2, 2), "SAME", "NONE", PC),
    "3x3_d2_valid_9x11x8_pt_relu6":    ((1, 9, 11, 8), 3, (3, 3), (1, 1), (2, 2), "VALID", "RELU6", PT),
    "3x3_s2_d2_same_11x13x3":          ((1, 11, 13, 3), 8, (3, 3), (2, 2), (2, 2), "SAME", "RELU", PC),
    "5x5_d2_same_12x12x3_relu_n1":     ((1, 12, 12, 3), 8, (5, 5), (1, 1), (2, 2), "SAME", "RELU_N1_TO_1", PC),
    "3x1_s1_same_7x9x8":               ((1, 7, 9, 8), 8, (3, 1), (1, 1), (1, 1), "SAME", "NONE", PC),
    "1x3_s1_valid_5x13x3_pt":          ((1, 5, 13, 3), 17, (1, 3), (1, 1), (1, 1), "VALID", "RELU", PT),
    "10x4_s2_same_49x10x1_kws":        ((1, 49, 10, 1), 17, (10, 4), (2, 2), (1, 1), "SAME", "RELU", PC),
    "10x4_s1_valid_25x10x1":           ((1, 25, 10, 1), 8, (10, 4), (1, 1), (1, 1), "VALID", "NONE", PT),
    "3x3_same_1x1_image":              ((1, 1, 1, 8), 8, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC),
    "1x1_valid_1x1_image_c17":         ((1, 1, 1, 17), 8, (1, 1), (1, 1), (1, 1), "VALID", "NONE", PT),
    "5x5_valid_kernel_equals_image":   ((1, 5, 5, 3), 8, (5, 5), (1, 1), (1, 1), "VALID", "NONE", PC),
    "5x5_same_kernel_larger_than_3x3": ((1, 3, 3, 1), 3, (5, 5), (1, 1), (1, 1), "SAME", "RELU", PC),
    "3x3_stride_2x1_same_7x9x3":       ((1, 7, 9, 3), 8, (3, 3), (2, 1), (1, 1), "SAME", "NONE", PC),
    "3x3_dilation_1x2_valid_7x9x3":    ((1, 7, 9, 3), 8, (3, 3), (1, 1), (1, 2), "VALID", "RELU6", PC),
    "3x3_c1_to_c1_5x13":               ((1, 5, 13, 1), 1, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PT),
    "3x3_deep_6x6x32_to_17":           ((1, 6, 6, 32), 17, (3, 3), (1, 1), (1, 1), "SAME", "RELU", PC),
    "3x3_s2_same_batch2_7x9x3":        ((2, 7, 9, 3), 8, (3, 3), (2, 2), (1, 1), "SAME", "RELU", PC),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_conv2d_bit_exact(case):
    in_shape, out_c, kernel, stride, dilation, padding, activation, per_channel = CASES[case]
    rng = np.random.default_rng(list(CASES).index(case))
    model = conv2d_model(rng, in_shape, out_c, kernel=kernel, stride=stride, dilation=dilation,
                         padding=padding, activation=activation, per_channel=per_channel)
    assert_bit_exact(model, count=12, seed=1)


@pytest.mark.parametrize("per_channel", [PC, PT], ids=["pc", "pt"])
@pytest.mark.parametrize("bias", [False, "absent", "zero"], ids=["bias_minus1", "bias_absent", "bias_zero"])
def test_conv2d_without_bias(bias, per_channel):
    """No bias: given as the optional input -1, left out entirely, or all zeros."""
    rng = np.random.default_rng(100 + per_channel)
    model = conv2d_model(rng, (1, 7, 9, 3), 8, kernel=(3, 3), padding="SAME",
                         per_channel=per_channel, bias=bias)
    assert_bit_exact(model, count=12, seed=1)


@pytest.mark.parametrize("bias_limit", [5000, 2 ** 20], ids=["small", "large"])
def test_conv2d_bias_magnitudes(bias_limit):
    """Bias is added to the accumulator before requantizing; large values must not wrap."""
    rng = np.random.default_rng(200)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 5, 5, 3))
    w_scale = [float(s) for s in rng.uniform(0.001, 0.05, 8)]
    w = b.const(random_weights(rng, (8, 3, 3, 3)), scale=w_scale, axis=0)
    bias = b.const(rng.integers(-bias_limit, bias_limit + 1, size=8).astype(np.int32),
                   scale=[x.scale * s for s in w_scale])
    # The output covers the bias spread as well as the accumulator's.
    out_scale = (accumulator_output_scale(rng, x.scale, x.zero_point, w_scale, 27)
                 + x.scale * float(np.mean(w_scale)) * bias_limit / 128)
    y = b.output(b.tensor((1, 5, 5, 8), scale=out_scale, zero_point=3))
    b.op("CONV_2D", [x.index, w, bias], [y], padding="SAME")
    assert_bit_exact(b.build(), count=12, seed=1)
