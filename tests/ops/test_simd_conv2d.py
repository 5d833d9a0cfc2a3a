"""SIMD CONV_2D (mcu_conv2d_im2col_s8 / _w16_s8: im2col + 2x2 SMLAD GEMM; mcu_conv2d_1x1_s8
for 1x1 pointwise, mcu_conv2d_1x1_strided_s8 with strides, see test_simd_pointwise.py),
bit-exact with TFLM.

Shapes hit every path of the kernel: 1x1 pointwise, first layers with 1 and 3 input
channels, patch lengths K with K % 4 = 0..3 (the scalar tail), odd output channel counts
(the one-row tail), odd pixel counts (the one-column tail), stride 2, dilation, SAME
padding on every border, batches, per-tensor and per-channel weights. The host build runs
the plain-C models of the DSP instructions (mcu_simd.h), under UBSan.
"""
import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.helpers import assert_bit_exact
from tests.ops.models import conv2d_model

PC, PT = True, False

# id: (input NHWC, out channels, kernel, stride, dilation, padding, activation, per_channel)
CASES = {
    "pw_1x1_48x48x8_to_16":          ((1, 12, 12, 8), 16, (1, 1), (1, 1), (1, 1), "SAME", "RELU6", PC),
    "pw_1x1_odd_pixels_odd_oc":      ((1, 5, 7, 12), 17, (1, 1), (1, 1), (1, 1), "VALID", "RELU", PC),
    "pw_1x1_c17_k_tail1_pt":         ((1, 3, 5, 17), 9, (1, 1), (1, 1), (1, 1), "SAME", "NONE", PT),
    "pw_1x1_c6_k_tail2":             ((1, 4, 4, 6), 5, (1, 1), (1, 1), (1, 1), "SAME", "NONE", PC),
    "pw_1x1_c64_to_64":              ((1, 4, 3, 64), 64, (1, 1), (1, 1), (1, 1), "SAME", "RELU", PC),
    "pw_1x1_s2":                     ((1, 7, 9, 8), 3, (1, 1), (2, 2), (1, 1), "VALID", "NONE", PT),
    "pw_1x1_s2_same_c16_odd_pixels": ((2, 9, 7, 16), 32, (1, 1), (2, 2), (1, 1), "SAME", "RELU", PC),
    "pw_1x1_s2x1_c8":                ((1, 6, 5, 8), 6, (1, 1), (2, 1), (1, 1), "VALID", "NONE", PC),
    "first_3x3_s2_c3_valid":         ((1, 13, 13, 3), 8, (3, 3), (2, 2), (1, 1), "VALID", "RELU6", PC),
    "first_3x3_s2_c3_same":          ((1, 12, 11, 3), 8, (3, 3), (2, 2), (1, 1), "SAME", "RELU", PT),
    "first_10x4_s2_c1_kws":          ((1, 49, 10, 1), 17, (10, 4), (2, 2), (1, 1), "SAME", "RELU", PC),
    "first_3x3_c1_k_tail1":          ((1, 6, 7, 1), 4, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC),
    "3x3_s1_same_c16":               ((1, 8, 8, 16), 16, (3, 3), (1, 1), (1, 1), "SAME", "RELU", PC),
    "3x3_s1_same_c5_k_tail1_odd_oc": ((1, 5, 6, 5), 7, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC),
    "3x3_s2_same_c8_pt":             ((1, 9, 9, 8), 12, (3, 3), (2, 2), (1, 1), "SAME", "RELU6", PT),
    "3x3_d2_same_c4":                ((1, 9, 11, 4), 6, (3, 3), (1, 1), (2, 2), "SAME", "NONE", PC),
    "3x3_dil_1x2_valid_c3":          ((1, 7, 9, 3), 8, (3, 3), (1, 1), (1, 2), "VALID", "RELU6", PC),
    "5x5_same_larger_than_image":    ((1, 3, 3, 2), 3, (5, 5), (1, 1), (1, 1), "SAME", "RELU", PC),
    "3x3_batch2_odd_pixels":         ((2, 5, 5, 3), 5, (3, 3), (2, 2), (1, 1), "SAME", "RELU", PC),
    "1x1_image_single_pixel":        ((1, 1, 1, 8), 3, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC),
}


@pytest.mark.parametrize("wide", [True, False], ids=["int16 weights", "int8 weights"])
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_simd_conv2d_bit_exact(case, wide):
    in_shape, out_c, kernel, stride, dilation, padding, activation, per_channel = CASES[case]
    rng = np.random.default_rng(1000 + list(CASES).index(case))
    model = conv2d_model(rng, in_shape, out_c, kernel=kernel, stride=stride, dilation=dilation,
                         padding=padding, activation=activation, per_channel=per_channel)
    compiled = assert_bit_exact(model, count=8, seed=2, kernels="simd", wide_weights=wide)
    pointwise = kernel == (1, 1)  # a 1x1 filter never pads
    source = compiled.files[f"{compiled.prefix}.c"]
    # the layer's own block / GEMM, with its channel counts and bounds baked in; int16
    # weights where asked and the shape allows (1x1: K % 4 == 0; both: out_c even), as the
    # GEMM stream of MCU_GEMM_W16_LAYER with K rounded up to 4
    K = kernel[0] * kernel[1] * in_shape[3]
    widened = wide and out_c % 2 == 0 and (K % 4 == 0 or not pointwise)
    driver = (("mcu_conv2d_1x1_strided_s8(" if stride != (1, 1) else
               "mcu_conv2d_1x1_w16_s8(" if widened else "mcu_conv2d_1x1_s8(") if pointwise else
              "mcu_conv2d_im2col_w16_s8(" if widened else "mcu_conv2d_im2col_s8(")
    assert driver in source
    if widened and pointwise and stride == (1, 1):  # the GEMM inside the pixel-pair loop
        layer = f"MCU_CONV2D_1X1_W16_PAIRS_LAYER({compiled.prefix}_layer0_pairs, {K}, {out_c}, "
    elif widened:
        layer = f"MCU_GEMM_W16_LAYER({compiled.prefix}_layer0_gemm, {(K + 3) // 4 * 4}, {out_c}, "
    elif pointwise:
        layer = f"MCU_CONV2D_1X1_LAYER({compiled.prefix}_layer0_block, {in_shape[3]}, {out_c},"
    else:
        layer = f"MCU_CONV2D_IM2COL_LAYER({compiled.prefix}_layer0_gemm, "
    assert layer in source
    assert bool(compiled.summary.wide_weights_bytes) == widened


def test_portable_kernels_can_be_forced():
    rng = np.random.default_rng(7)
    model = conv2d_model(rng, (1, 5, 5, 3), 4, kernel=(3, 3), padding="SAME")
    compiled = assert_bit_exact(model, count=4, seed=2, kernels="portable")
    source = compiled.files[f"{compiled.prefix}.c"]
    assert "mcu_conv2d_s8(" in source and "im2col" not in source


def test_auto_kernels_follow_the_board_dsp_flag():
    rng = np.random.default_rng(8)
    model = conv2d_model(rng, (1, 5, 5, 4), 4, kernel=(1, 1))
    for board, expected in (("rp2040", "mcu_conv2d_s8("), ("stm32f746", "mcu_conv2d_1x1_w16_s8("),
                            (None, "mcu_conv2d_1x1_w16_s8(")):
        compiled = mcugen.compile(model, board=board)
        assert expected in compiled.files[f"{compiled.prefix}.c"], board


def test_unknown_kernel_set_is_a_user_error():
    rng = np.random.default_rng(9)
    with pytest.raises(McugenError, match="kernels 'fast'"):
        mcugen.compile(conv2d_model(rng, (1, 3, 3, 4), 4, kernel=(1, 1)), kernels="fast")


def test_layers_the_short_requantization_cannot_prove_keep_the_portable_kernel():
    """An effective scale >= 0.5 (shift >= 0) is outside the SIMD kernels' requantization:
    the portable kernel runs that layer, still bit-exact."""
    rng = np.random.default_rng(11)
    model = conv2d_model(rng, (1, 5, 5, 8), 4, kernel=(1, 1), output_scale=1e-4)
    compiled = assert_bit_exact(model, count=4, seed=2, kernels="simd")
    source = compiled.files[f"{compiled.prefix}.c"]
    assert "mcu_conv2d_s8(" in source and "mcu_conv2d_1x1_" not in source
