"""Model builders for the elementwise and activation op tests (MUL, SUB, MAXIMUM, MINIMUM,
PRELU, LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, RELU, RELU6, QUANTIZE, LOG_SOFTMAX).

tests/builder.py knows only the options tables of the ops it was written for; the ones
these tests need are added here (setdefault: an entry builder.py gains later wins).
"""
from __future__ import annotations

import numpy as np

import mcugen
from mcugen.verify import run_tflm, tflm_interpreter
from tests import builder
from tests.builder import FLOAT, ModelBuilder, _field

for _kind, _entry in {
    "MAXIMUM": ("MaximumMinimumOptions", []),
    "MINIMUM": ("MaximumMinimumOptions", []),
    "HARD_SWISH": ("HardSwishOptions", []),
    "LEAKY_RELU": ("LeakyReluOptions", [_field("alpha", FLOAT, 0.2)]),
    "LOG_SOFTMAX": ("LogSoftmaxOptions", []),
    "PRELU": (None, []),
    "RELU": (None, []),
    "RELU6": (None, []),
    "RELU_N1_TO_1": (None, []),
}.items():
    builder.OP_OPTIONS.setdefault(_kind, _entry)


def operand(b: ModelBuilder, shape, scale, zero_point, rng=None, const=False):
    """A graph input, or (const=True) an int8 constant of random values."""
    if const:
        return b.const(rng.integers(-128, 128, size=shape, dtype=np.int8), scale=scale,
                       zero_point=zero_point)
    return b.input(shape, scale=scale, zero_point=zero_point)


def binary_model(kind, shape1, shape2, out_shape, q1, q2, qout, activation=None, rng=None,
                 const1=False, const2=False) -> bytes:
    """One binary op; q* are (scale, zero point); activation None = op without the option."""
    b = ModelBuilder()
    x1 = operand(b, shape1, *q1, rng=rng, const=const1)
    x2 = operand(b, shape2, *q2, rng=rng, const=const2)
    y = b.output(b.tensor(out_shape, scale=qout[0], zero_point=qout[1]))
    options = {} if activation is None else {"fused_activation_function": activation}
    b.op(kind, [x1, x2], [y], **options)
    return b.build()


def unary_model(kind, shape, q_in, q_out, **options) -> bytes:
    b = ModelBuilder()
    x = b.input(shape, scale=q_in[0], zero_point=q_in[1])
    y = b.output(b.tensor(shape, scale=q_out[0], zero_point=q_out[1]))
    b.op(kind, [x], [y], **options)
    return b.build()


def assert_all_int8_inputs_bit_exact(model_bytes: bytes) -> None:
    """For one-input models: every int8 value (a ramp tiled over the input) through our
    host build and TFLM, compared byte for byte. Complements assert_bit_exact's random
    sets so that each of the 256 table entries of a LUT op is checked."""
    compiled = mcugen.compile(model_bytes)
    compiled.host(sanitize=True)
    shape = compiled.graph.tensors[compiled.graph.inputs[0]].shape
    size = int(np.prod(shape))
    ramp = np.arange(-128, 128, dtype=np.int16).astype(np.int8)
    interpreter = tflm_interpreter(model_bytes, 4 * size + 4096)
    for start in range(0, 256, max(1, min(size, 256))):
        x = np.resize(np.roll(ramp, -start), size).reshape(shape)
        want = run_tflm(interpreter, [x])[0].reshape(-1)
        got = compiled.run([x])[0].reshape(-1)
        assert got.tobytes() == want.astype(np.int8).tobytes(), \
            f"ramp from {ramp[start % 256]}: {int(np.count_nonzero(got != want))} values differ"
