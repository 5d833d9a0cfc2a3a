"""Per-channel weights must be quantized along their output channels, exactly where TFLM's
Prepare demands it (kernel_util.cc, fully_connected_common.cc: the scale count must equal
the size of dimension quantized_dimension): mcugen refuses what TFLM refuses and compiles,
bit-exact, what TFLM runs."""
from __future__ import annotations

import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact
from tests.tflm import run_tflm

CONV_OPTIONS = dict(padding="SAME", stride_h=1, stride_w=1, dilation_h_factor=1,
                    dilation_w_factor=1, fused_activation_function="NONE")


def conv_model(kind: str, axis: int, in_c: int = 4, out_c: int = 4) -> tuple[bytes, tuple]:
    """CONV_2D (filter out_c x 3 x 3 x in_c), DEPTHWISE_CONV_2D (1 x 3 x 3 x in_c) or
    FULLY_CONNECTED (out_c x in_c), weights per channel along axis."""
    rng = np.random.default_rng(axis)
    b = ModelBuilder()
    in_shape = (1, in_c) if kind == "FULLY_CONNECTED" else (1, 5, 5, in_c)
    x = b.input(in_shape, scale=0.05, zero_point=3)
    w_shape = {"CONV_2D": (out_c, 3, 3, in_c), "DEPTHWISE_CONV_2D": (1, 3, 3, in_c),
               "FULLY_CONNECTED": (out_c, in_c)}[kind]
    channels = in_c if kind == "DEPTHWISE_CONV_2D" else out_c
    scales = [0.004 * (i + 1) for i in range(channels)]
    w = b.const(rng.integers(-127, 128, w_shape, dtype=np.int8), scale=scales, zero_point=0, axis=axis)
    bias = b.const(rng.integers(-500, 500, channels).astype(np.int32),
                   scale=[0.05 * s for s in scales], zero_point=0)
    y = b.tensor(in_shape[:-1] + (channels,), scale=0.08, zero_point=-2)
    options = {} if kind == "FULLY_CONNECTED" else dict(CONV_OPTIONS)
    if kind == "DEPTHWISE_CONV_2D":
        options["depth_multiplier"] = 1
    b.op(kind, [x, w, bias], [y], **options)
    b.output(y)
    return b.build(), in_shape


def tflm_refuses(model: bytes, in_shape) -> bool:
    try:
        run_tflm(model, [np.zeros(in_shape, np.int8)])
    except RuntimeError:
        return True
    return False


@pytest.mark.parametrize("kind, axis, in_c, out_c", [
    ("CONV_2D", 1, 4, 4), ("CONV_2D", 2, 4, 4), ("CONV_2D", 3, 3, 4), ("CONV_2D", 7, 4, 4),
    ("DEPTHWISE_CONV_2D", 0, 4, 4), ("DEPTHWISE_CONV_2D", 1, 4, 4), ("DEPTHWISE_CONV_2D", 2, 4, 4),
    ("FULLY_CONNECTED", 1, 6, 4), ("FULLY_CONNECTED", 5, 6, 4),
])
def test_refused_like_tflm(kind, axis, in_c, out_c):
    model, in_shape = conv_model(kind, axis, in_c, out_c)
    assert tflm_refuses(model, in_shape)
    with pytest.raises(McugenError, match=rf"op 0 \({kind}\): .* quantized per channel along dimension {axis}"):
        mcugen.compile(model)


@pytest.mark.parametrize("kind, axis, in_c, out_c", [
    ("CONV_2D", 0, 3, 4), ("CONV_2D", 3, 4, 4),  # dims[3] == out_c: TFLM runs it per out channel
    ("DEPTHWISE_CONV_2D", 3, 4, 4), ("FULLY_CONNECTED", 0, 6, 4), ("FULLY_CONNECTED", 1, 4, 4),
])
def test_accepted_like_tflm_and_bit_exact(kind, axis, in_c, out_c):
    model, in_shape = conv_model(kind, axis, in_c, out_c)
    assert not tflm_refuses(model, in_shape)
    assert_bit_exact(model, count=6)
