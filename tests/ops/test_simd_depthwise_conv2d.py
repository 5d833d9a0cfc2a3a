"""SIMD DEPTHWISE_CONV_2D (mcu_dwconv2d_ch4_s8: four channels per word, SMLABB/SMLATT, an
unrolled 3x3 path with int16 weights for windows inside the image), bit-exact with TFLM
over 3x3 / 5x5 / odd kernels, stride 1 and 2, dilation, SAME padding
on every border, channel counts with and without the scalar tail (c % 4), per-tensor and
per-channel weights. The host build runs the plain-C models of the DSP instructions.

The layer's input is also a graph output (through a RESHAPE view), so the planner cannot
run the depthwise conv in place and the out-of-place SIMD kernel is the one exercised.
"""
import numpy as np
import pytest

from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact
from tests.ops.models import conv_layer, input_act, view_layer

PC, PT = True, False

# id: (input NHWC, kernel, stride, dilation, padding, activation, per_channel)
CASES = {
    "3x3_s1_same_11x11x8":      ((1, 11, 11, 8), (3, 3), (1, 1), (1, 1), "SAME", "RELU6", PC),
    "3x3_s2_valid_13x13x16_pt": ((1, 13, 13, 16), (3, 3), (2, 2), (1, 1), "VALID", "RELU", PT),
    "3x3_s2_same_even_8x8x12":  ((1, 8, 8, 12), (3, 3), (2, 2), (1, 1), "SAME", "NONE", PC),
    "3x3_s1_same_c7_tail3":     ((1, 5, 6, 7), (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC),
    "3x3_s1_same_c3_all_tail":  ((1, 5, 5, 3), (3, 3), (1, 1), (1, 1), "SAME", "RELU", PT),
    "5x5_s1_same_9x9x8":        ((1, 9, 9, 8), (5, 5), (1, 1), (1, 1), "SAME", "RELU6", PC),
    "5x5_s2_same_9x11x5":       ((1, 9, 11, 5), (5, 5), (2, 2), (1, 1), "SAME", "NONE", PC),
    "3x3_d2_same_9x11x8":       ((1, 9, 11, 8), (3, 3), (1, 1), (2, 2), "SAME", "NONE", PC),
    "3x3_stride_2x1_dil_1x2":   ((1, 7, 9, 8), (3, 3), (2, 1), (1, 2), "SAME", "RELU", PT),
    "10x4_s1_same_kws_25x5x12": ((1, 25, 5, 12), (10, 4), (1, 1), (1, 1), "SAME", "RELU", PC),
    "5x5_larger_than_3x3x4":    ((1, 3, 3, 4), (5, 5), (1, 1), (1, 1), "SAME", "NONE", PC),
    "3x3_batch2_same_5x5x4":    ((2, 5, 5, 4), (3, 3), (1, 1), (1, 1), "SAME", "RELU", PC),
    # border pixels of the unrolled 3x3 path: every combination of padded taps
    "3x3_one_row_1x9x8":        ((1, 1, 9, 8), (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC),
    "3x3_one_col_9x1x12":       ((1, 9, 1, 12), (3, 3), (1, 1), (1, 1), "SAME", "RELU6", PC),
    "3x3_2x2x8_corners_only":   ((1, 2, 2, 8), (3, 3), (1, 1), (1, 1), "SAME", "NONE", PT),
    "3x3_s2_same_odd_9x7x9":    ((1, 9, 7, 9), (3, 3), (2, 2), (1, 1), "SAME", "RELU", PC),
}


def depthwise_keeping_input(rng, in_shape, **kwargs) -> bytes:
    b = ModelBuilder()
    x = input_act(b, rng, in_shape)
    b.output(conv_layer(b, rng, x, depthwise=True, **kwargs).index)
    b.output(view_layer(b, x, "RESHAPE", (int(np.prod(in_shape)),)).index)
    return b.build()


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_simd_depthwise_bit_exact(case):
    in_shape, kernel, stride, dilation, padding, activation, per_channel = CASES[case]
    rng = np.random.default_rng(2000 + list(CASES).index(case))
    model = depthwise_keeping_input(rng, in_shape, kernel=kernel, stride=stride, dilation=dilation,
                                    padding=padding, activation=activation, per_channel=per_channel)
    compiled = assert_bit_exact(model, count=8, seed=3, kernels="simd")
    text = compiled.files[f"{compiled.prefix}.c"]
    # these images are below PLANE_MIN_PIXELS: the 4-channel kernel, with its unrolled path
    # (int16 weights) for 3x3 windows inside the image when there is a group of 4 channels
    # (large stride-1 3x3 layers: tests/ops/test_simd_depthwise_3x3.py)
    unrolled = kernel == (3, 3) and dilation == (1, 1) and in_shape[3] >= 4
    assert ("mcu_dwconv2d_ch4_3x3_s8(" if unrolled else "mcu_dwconv2d_ch4_s8(") in text


def test_depth_multiplier_2_keeps_the_portable_kernel():
    rng = np.random.default_rng(2100)
    model = depthwise_keeping_input(rng, (1, 5, 5, 4), kernel=(3, 3), padding="SAME",
                                    depth_multiplier=2)
    compiled = assert_bit_exact(model, count=4, seed=3, kernels="simd")
    assert "mcu_dwconv2d_s8(" in compiled.files[f"{compiled.prefix}.c"]


@pytest.mark.parametrize("depth_multiplier,kernel,stride,padding", [
    (8, (10, 8), (2, 2), "SAME"),  # micro_speech's layer
    (1, (3, 3), (1, 1), "SAME"),
    (3, (3, 3), (2, 2), "VALID"),
], ids=["dm8_10x8_s2_same", "dm1_3x3_same", "dm3_3x3_s2_valid"])
def test_one_input_channel_runs_as_im2col_conv(depth_multiplier, kernel, stride, padding):
    """in_c = 1: the depthwise conv is a plain conv with depth_multiplier filters."""
    rng = np.random.default_rng(2200 + depth_multiplier)
    model = depthwise_keeping_input(rng, (1, 25, 20, 1), kernel=kernel, stride=stride, padding=padding,
                                    depth_multiplier=depth_multiplier, activation="RELU")
    compiled = assert_bit_exact(model, count=8, seed=3, kernels="simd")
    # int16 weights where the depth multiplier is even (the GEMM takes channel pairs)
    driver = "mcu_conv2d_im2col_w16_s8(" if depth_multiplier % 2 == 0 else "mcu_conv2d_im2col_s8("
    assert driver in compiled.files[f"{compiled.prefix}.c"]


def test_int8_weights_only_keep_the_general_loops():
    """wide_weights=False (or a board whose flash is short): no int16 copy of the 3x3 weights,
    the general loops run every pixel, still bit-exact."""
    rng = np.random.default_rng(2200)
    model = depthwise_keeping_input(rng, (1, 6, 6, 8), kernel=(3, 3), padding="SAME")
    compiled = assert_bit_exact(model, count=4, seed=3, kernels="simd", wide_weights=False)
    assert "mcu_dwconv2d_ch4_s8(" in compiled.files[f"{compiled.prefix}.c"]
    assert compiled.summary.wide_weights_bytes == 0
