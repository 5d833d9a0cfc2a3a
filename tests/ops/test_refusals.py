"""Models mcugen must refuse with a McugenError naming the op (index and kind) and why."""
import re
from unittest import mock

import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests import builder
from tests.builder import ModelBuilder


def _conv_weights(b, in_c=3, out_c=4):
    return (b.const(np.ones((out_c, 3, 3, in_c), np.int8), scale=[0.01] * out_c, axis=0),
            b.const(np.zeros(out_c, np.int32), scale=[0.0005] * out_c))


# An op outside issue 6's list (as in tests/cli/test_inspect.py), so it stays unsupported
# while others add ops. The builder needs an options entry, added only while building.
UNSUPPORTED = "FLOOR"


def _build_with_unsupported(b):
    with mock.patch.dict(builder.OP_OPTIONS, {UNSUPPORTED: (None, [])}):
        return b.build()


def unsupported_op():
    b = ModelBuilder()
    x = b.input((1, 10), scale=0.05, zero_point=0)
    y = b.output(b.tensor((1, 10), scale=0.05, zero_point=0))
    b.ops.append((UNSUPPORTED, [x], [y], {}))
    return _build_with_unsupported(b)


def unsupported_after_supported():
    """The second op (index 1) is the unsupported one."""
    b = ModelBuilder()
    x = b.input((1, 10), scale=0.05, zero_point=0)
    r = b.tensor((1, 2, 5), scale=0.05, zero_point=0)
    b.op("RESHAPE", [x], [r], new_shape=[1, 2, 5])
    y = b.output(b.tensor((1, 2, 5), scale=0.05, zero_point=0))
    b.ops.append((UNSUPPORTED, [r], [y], {}))
    return _build_with_unsupported(b)


def conv_float32_output():
    """int8 CONV_2D input, float32 output (then QUANTIZE so the graph output is int8)."""
    b = ModelBuilder()
    x = b.input((1, 5, 5, 3), scale=0.05, zero_point=0)
    w, bias = _conv_weights(b)
    f = b.tensor((1, 5, 5, 4), dtype=np.float32)
    b.op("CONV_2D", [x, w, bias], [f], padding="SAME")
    y = b.output(b.tensor((1, 5, 5, 4), scale=0.1, zero_point=0))
    b.op("QUANTIZE", [f], [y])
    return b.build()


def conv_float32_model():
    """A whole float32 CONV_2D model: refused at the graph interface."""
    b = ModelBuilder()
    x = b.input((1, 5, 5, 3), scale=None, zero_point=None, dtype=np.float32)
    w = b.const(np.ones((4, 3, 3, 3), np.float32))
    bias = b.const(np.zeros(4, np.float32))
    y = b.output(b.tensor((1, 5, 5, 4), dtype=np.float32))
    b.op("CONV_2D", [x, w, bias], [y], padding="SAME")
    return b.build()


def conv_int16_output():
    """int8 CONV_2D input, int16 output (then QUANTIZE back to int8)."""
    b = ModelBuilder()
    x = b.input((1, 5, 5, 3), scale=0.05, zero_point=0)
    w, bias = _conv_weights(b)
    h = b.tensor((1, 5, 5, 4), scale=0.001, zero_point=0, dtype=np.int16)
    b.op("CONV_2D", [x, w, bias], [h], padding="SAME")
    y = b.output(b.tensor((1, 5, 5, 4), scale=0.1, zero_point=0))
    b.op("QUANTIZE", [h], [y])
    return b.build()


def conv_int16_model():
    """A 16x8 CONV_2D model (int16 activations, int8 weights): compiles (int16 interface)."""
    b = ModelBuilder()
    x = b.input((1, 5, 5, 3), scale=0.001, zero_point=0, dtype=np.int16)
    w = b.const(np.ones((4, 3, 3, 3), np.int8), scale=[0.01] * 4, axis=0)
    bias = b.const(np.zeros(4, np.int64), scale=[0.00001] * 4)
    y = b.output(b.tensor((1, 5, 5, 4), scale=0.002, zero_point=0, dtype=np.int16))
    b.op("CONV_2D", [x, w, bias], [y], padding="SAME")
    return b.build()


def add_broadcast():
    """5-D broadcasting: TFLM's int8 broadcast ADD stops at 4-D, and so does mcugen."""
    b = ModelBuilder()
    x1 = b.input((2, 1, 4, 4, 3), scale=0.05, zero_point=0)
    x2 = b.input((1, 2, 1, 1, 3), scale=0.05, zero_point=0)
    y = b.output(b.tensor((2, 2, 4, 4, 3), scale=0.1, zero_point=0))
    b.op("ADD", [x1, x2], [y])
    return b.build()


def _pool(kind, out_scale, out_zp):
    b = ModelBuilder()
    x = b.input((1, 4, 4, 3), scale=0.05, zero_point=1)
    y = b.output(b.tensor((1, 2, 2, 3), scale=out_scale, zero_point=out_zp))
    b.op(kind, [x], [y], filter_height=2, filter_width=2, stride_h=2, stride_w=2)
    return b.build()


def _softmax(out_scale, out_zp):
    b = ModelBuilder()
    x = b.input((1, 10), scale=0.1, zero_point=0)
    y = b.output(b.tensor((1, 10), scale=out_scale, zero_point=out_zp))
    b.op("SOFTMAX", [x], [y])
    return b.build()


def softmax_after_conv_wrong_scale():
    """The refused SOFTMAX is op 1, after a supported op."""
    b = ModelBuilder()
    x = b.input((1, 1, 1, 3), scale=0.05, zero_point=0)
    w, bias = _conv_weights(b, out_c=10)
    c = b.tensor((1, 1, 1, 10), scale=0.1, zero_point=0)
    b.op("CONV_2D", [x, w, bias], [c], padding="SAME")
    y = b.output(b.tensor((1, 1, 1, 10), scale=1 / 128, zero_point=-128))
    b.op("SOFTMAX", [c], [y])
    return b.build()


# id: (model function, regexes the message must all match)
CASES = {
    "floor_unsupported":            (unsupported_op, [r"\bop 0\b", "FLOOR", "not support"]),
    "floor_unsupported_op1":        (unsupported_after_supported, [r"\bop 1\b", "FLOOR", "not support"]),
    "conv_float32_activation":      (conv_float32_output, [r"\bop 0\b", "CONV_2D", "float32"]),
    "conv_int16_activation":        (conv_int16_output, [r"\bop 0\b", "CONV_2D", "int16"]),
    "add_broadcast":                (add_broadcast, [r"\bop 0\b", "ADD", "broadcast"]),
    "maxpool_output_scale_differs": (lambda: _pool("MAX_POOL_2D", 0.1, 1),
                                     [r"\bop 0\b", "MAX_POOL_2D", "quantization differ"]),
    "avgpool_output_zp_differs":    (lambda: _pool("AVERAGE_POOL_2D", 0.05, 0),
                                     [r"\bop 0\b", "AVERAGE_POOL_2D", "quantization differ"]),
    "softmax_scale_not_1_256":      (lambda: _softmax(1 / 128, -128), [r"\bop 0\b", "SOFTMAX", "1/256"]),
    "softmax_zero_point_not_m128":  (lambda: _softmax(1 / 256, 0), [r"\bop 0\b", "SOFTMAX", "-128"]),
    "softmax_wrong_scale_op1":      (softmax_after_conv_wrong_scale, [r"\bop 1\b", "SOFTMAX", "1/256"]),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_refused_with_op_named(case):
    build, patterns = CASES[case]
    model = build()
    with pytest.raises(McugenError) as info:
        mcugen.compile(model)
    message = str(info.value)
    for pattern in patterns:
        assert re.search(pattern, message), f"{pattern!r} not in {message!r}"


@pytest.mark.parametrize("build, dtype", [(conv_float32_model, "float32")], ids=["float32_model"])
def test_non_int8_model_interface_refused(build, dtype):
    """Whole float32 models are refused before any op is looked at."""
    with pytest.raises(McugenError, match=dtype):
        mcugen.compile(build())


def test_int16_model_interface_accepted():
    """16x8 models (int16 activations) compile since tests/ops/test_int16.py's support."""
    assert mcugen.compile(conv_int16_model()).graph.tensors[0].dtype == "int16"


@pytest.mark.parametrize("dtype", [np.int8, np.int16])
def test_fc_scale_product_overflowing_float32(dtype):
    """Found by the 100,000-case fuzz run: per-tensor FC scales whose float32 product is
    infinite (TFLM multiplies them in float32) raised OverflowError in the lowering."""
    b = ModelBuilder()
    x = b.input((1, 4), scale=3e38, zero_point=0, dtype=dtype)
    w = b.const(np.ones((2, 4), np.int8), scale=10.0, zero_point=0)
    y = b.output(b.tensor((1, 2), scale=1.0, zero_point=0, dtype=dtype))
    b.op("FULLY_CONNECTED", [x, w, -1], [y])
    with pytest.raises(McugenError, match=r"op 0 \(FULLY_CONNECTED\).*overflows float32"):
        mcugen.compile(b.build())
