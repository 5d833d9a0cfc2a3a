"""SIMD 1x1 pointwise CONV_2D (mcu_conv2d_1x1_s8: input pixels read in place, input offset
folded into the bias, 2x2 SMLAD GEMM, two pixels requantized in one pass), bit-exact with
TFLM.

Input channels 1..19 hit every K remainder (K % 8 = 0..7: the 8-unrolled loop, the 4-step,
the scalar tail); output channels 1..19 hit the one-row tail; odd pixel counts the
one-pixel tail; per-tensor and per-channel weights, every fused activation, batches,
extreme input zero points (the folded bias). The host build runs the plain-C models of the
DSP instructions (mcu_simd.h) under UBSan.
"""
import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from mcugen.ops.conv2d import fold_input_offset
from tests.helpers import assert_bit_exact
from tests.ops.models import conv2d_model

ACTIVATIONS = ("NONE", "RELU", "RELU6")


def _check(in_shape, out_c, activation, per_channel, seed, padding="SAME"):
    rng = np.random.default_rng(seed)
    model = conv2d_model(rng, in_shape, out_c, kernel=(1, 1), padding=padding,
                         activation=activation, per_channel=per_channel)
    compiled = assert_bit_exact(model, count=4, seed=seed, kernels="simd")
    source = compiled.files[f"{compiled.prefix}.c"]
    # int16 weights (in_c % 4 == 0, out_c even): the layer's pixel-pair loop; else the block
    wide = in_shape[3] % 4 == 0 and out_c % 2 == 0
    assert ("mcu_conv2d_1x1_w16_s8(" if wide else "mcu_conv2d_1x1_s8(") in source


@pytest.mark.parametrize("in_c", range(1, 20))
def test_pointwise_every_input_channel_count(in_c):
    # out_c walks 1..19 too (odd and even), pixels 3x5 = 15 (odd)
    out_c = 20 - in_c
    _check((1, 3, 5, in_c), out_c, ACTIVATIONS[in_c % 3], per_channel=bool(in_c % 2), seed=in_c)


@pytest.mark.parametrize("out_c", range(1, 20))
def test_pointwise_every_output_channel_count(out_c):
    in_c = 1 + (out_c * 7) % 19
    shape = (1, 2, 3, in_c) if out_c % 2 else (1, 3, 3, in_c)  # even and odd pixel counts
    _check(shape, out_c, ACTIVATIONS[out_c % 3], per_channel=bool(out_c % 2 == 0), seed=100 + out_c,
           padding="VALID" if out_c % 4 == 0 else "SAME")


@pytest.mark.parametrize("shape,out_c", [((2, 3, 3, 9), 5), ((3, 1, 1, 16), 3), ((1, 1, 1, 7), 19),
                                         ((1, 6, 8, 64), 32), ((1, 5, 5, 24), 48)])
def test_pointwise_batches_single_pixel_and_larger(shape, out_c):
    for per_channel in (True, False):
        _check(shape, out_c, "RELU6", per_channel, seed=sum(shape) + out_c)


def test_folded_bias_wraps_like_int32():
    rows = np.full((2, 4), 127, np.int8)
    bias = np.array([2**31 - 1, -5], np.int32)
    folded = fold_input_offset(bias, rows, 128)
    expected = [(int(b) + 128 * 508 + 2**31) % 2**32 - 2**31 for b in bias]
    assert folded.tolist() == expected and folded.dtype == np.int32


def test_wide_weights_give_way_when_the_flash_is_short():
    """int16 pre-extended 1x1 weights are kept when they fit the board's flash; on a board
    whose flash holds the int8 weights but not the wide ones, the compiler drops them (same
    results); when not even the int8 ones fit, the usual one-line refusal."""
    from dataclasses import replace

    from mcugen.boards import get_board
    rng = np.random.default_rng(21)
    model = conv2d_model(rng, (1, 4, 4, 256), 256, kernel=(1, 1), padding="VALID")
    roomy = mcugen.compile(model, board="stm32f746", kernels="simd")
    wide = roomy.summary
    # one more byte per weight, and each bias stored twice (the GEMM stream, conv2d.gemm_stream)
    assert wide.wide_weights_bytes == 256 * 256 + 4 * 256
    narrow = mcugen.compile(model, board="stm32f746", kernels="simd", wide_weights=False).summary
    assert narrow.wide_weights_bytes == 0
    assert wide.weights_bytes - narrow.weights_bytes == wide.wide_weights_bytes
    small = replace(get_board("stm32f746"), flash_bytes=(wide.flash_bytes + narrow.flash_bytes) // 2)
    squeezed = assert_bit_exact(model, count=3, seed=1, board=small, kernels="simd")
    assert squeezed.summary.wide_weights_bytes == 0 and squeezed.summary.flash_bytes <= small.flash_bytes
    assert "MCU_CONV2D_1X1_LAYER(" in squeezed.files[f"{squeezed.prefix}.c"]
    tiny = replace(small, flash_bytes=narrow.flash_bytes - 1)
    with pytest.raises(McugenError, match="does not fit .* flash"):
        mcugen.compile(model, board=tiny, kernels="simd")
