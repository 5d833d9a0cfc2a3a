"""The float interface: float32 input -> QUANTIZE -> int8 ... and int8 -> DEQUANTIZE ->
float32 output, bit-exact with TFLite Micro (float outputs compared bit for bit). Inputs
cover the quantized range, ties, values far outside it (+-3e38, +-1e10, inf, NaN: TFLM's
int32 conversion of huge values is reproduced), over scales and zero points incl.
extremes; plus the generated header's C types and refusals of other float interfaces."""
import re

import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact

QUANTS = {"zp0": (0.1, 0), "zp_m128": (0.02, -128), "zp_127": (0.05, 127), "zp_neg": (0.0039, -7),
          "zp_pos_big_scale": (3.7, 40), "tiny_scale": (1e-5, 3), "odd_scale": (0.123456789, -99)}


def quantize_model(shape, scale, zp):
    b = ModelBuilder()
    x = b.input(shape, scale=None, zero_point=None, dtype=np.float32)
    y = b.output(b.tensor(shape, scale=scale, zero_point=zp))
    b.op("QUANTIZE", [x], [y])
    return b.build()


def dequantize_model(shape, scale, zp):
    b = ModelBuilder()
    x = b.input(shape, scale=scale, zero_point=zp)
    y = b.output(b.tensor(shape, dtype=np.float32))
    b.op("DEQUANTIZE", [x], [y])
    return b.build()


def float_pool_model(shape=(1, 6, 6, 3), q_in=(0.05, -3), q_out=(0.05, -3)):
    """float -> QUANTIZE -> AVERAGE_POOL_2D -> DEQUANTIZE -> float, as the converter emits."""
    b = ModelBuilder()
    x = b.input(shape, scale=None, zero_point=None, dtype=np.float32, name="image")
    q = b.tensor(shape, scale=q_in[0], zero_point=q_in[1])
    b.op("QUANTIZE", [x], [q])
    n, h, w, c = shape
    p = b.tensor((n, h // 2, w // 2, c), scale=q_out[0], zero_point=q_out[1])
    b.op("AVERAGE_POOL_2D", [q], [p], filter_height=2, filter_width=2, stride_h=2, stride_w=2)
    y = b.output(b.tensor((n, h // 2, w // 2, c), dtype=np.float32, name="scores"))
    b.op("DEQUANTIZE", [p], [y])
    return b.build()


@pytest.mark.parametrize("name", list(QUANTS))
def test_quantize_bit_exact(name):
    assert_bit_exact(quantize_model((1, 7, 5, 3), *QUANTS[name]), count=12, seed=12)


@pytest.mark.parametrize("name", list(QUANTS))
def test_dequantize_bit_exact(name):
    assert_bit_exact(dequantize_model((2, 3, 17), *QUANTS[name]), count=8, seed=13)


def test_float_interface_model_bit_exact():
    compiled = assert_bit_exact(float_pool_model(), count=20, seed=14)
    header = compiled.files[f"{compiled.prefix}.h"]
    assert re.search(r"_invoke\(const float \*input0, float \*output0\);", header)
    assert "float32 1x6x6x3 (C type float" in header
    assert "_INPUT0_SCALE" not in header


def test_mixed_float_and_int8_inputs_and_outputs():
    """A float32 and an int8 input, concatenated; one float32 and one int8 output."""
    b = ModelBuilder()
    q = dict(scale=0.04, zero_point=5)
    xf = b.input((1, 4, 3), scale=None, zero_point=None, dtype=np.float32)
    xi = b.input((1, 4, 2), **q)
    xq = b.tensor((1, 4, 3), **q)
    b.op("QUANTIZE", [xf], [xq])
    cat = b.tensor((1, 4, 5), **q)
    b.op("CONCATENATION", [xq, xi], [cat], axis=2)
    yf = b.tensor((1, 4, 5), dtype=np.float32)
    b.op("DEQUANTIZE", [cat], [yf])
    b.output(yf)
    b.output(cat)
    compiled = assert_bit_exact(b.build(), count=12, seed=15)
    assert "_invoke(const float *input0, const int8_t *input1, float *output0, int8_t *output1)" \
        in compiled.files[f"{compiled.prefix}.h"]


def test_int8_model_header_unchanged():
    compiled = mcugen.compile(dequantize_model((1, 4), 0.1, 0))
    assert "float *output0" in compiled.files[f"{compiled.prefix}.h"]
    b = ModelBuilder()
    x = b.input((1, 4), scale=0.1, zero_point=0)
    y = b.output(b.tensor((1, 2, 2), scale=0.1, zero_point=0))
    b.op("RESHAPE", [x], [y], new_shape=[1, 2, 2])
    header = mcugen.compile(b.build()).files["model.h"]
    assert "_invoke(const int8_t *input0, int8_t *output0);" in header
    assert "#define MODEL_INPUT0_SCALE" in header


def _refused(model, *patterns):
    with pytest.raises(McugenError) as info:
        mcugen.compile(model)
    message = str(info.value)
    assert "\n" not in message
    for pattern in patterns:
        assert re.search(pattern, message), message


def test_float_input_feeding_other_ops_refused():
    b = ModelBuilder()
    x = b.input((1, 4), scale=None, zero_point=None, dtype=np.float32)
    y1 = b.tensor((1, 4), scale=0.1, zero_point=0)
    b.op("QUANTIZE", [x], [y1])
    y2 = b.tensor((1, 2, 2), dtype=np.float32)
    b.op("RESHAPE", [x], [y2], new_shape=[1, 2, 2])
    b.output(y1)
    b.output(y2)
    _refused(b.build(), "float32", "QUANTIZE", "RESHAPE")


def test_float_output_not_from_dequantize_refused():
    b = ModelBuilder()
    x = b.input((1, 4), scale=None, zero_point=None, dtype=np.float32)
    y = b.output(b.tensor((1, 2, 2), dtype=np.float32))
    b.op("RESHAPE", [x], [y], new_shape=[1, 2, 2])
    _refused(b.build(), "float32", "RESHAPE", "DEQUANTIZE")


def test_float_passthrough_refused():
    b = ModelBuilder()
    x = b.input((1, 4), scale=None, zero_point=None, dtype=np.float32)
    b.output(x)
    q = b.output(b.tensor((1, 4), scale=0.1, zero_point=0))
    b.op("QUANTIZE", [x], [q])
    _refused(b.build(), "float32")


def test_quantize_float_to_int16_refused():
    b = ModelBuilder()
    x = b.input((1, 4), scale=None, zero_point=None, dtype=np.float32)
    y = b.output(b.tensor((1, 4), scale=0.1, zero_point=0, dtype=np.int16))
    b.op("QUANTIZE", [x], [y])
    _refused(b.build(), "int16")
