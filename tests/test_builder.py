"""Models made by tests.builder load and run in the TFLite Micro interpreter."""
import numpy as np
import pytest

from tests.builder import ModelBuilder

runtime = pytest.importorskip("tflite_micro.python.tflite_micro.runtime")

RNG = np.random.default_rng(0)


def rand_int8(shape, lo=-128, hi=128):
    return RNG.integers(lo, hi, size=shape, dtype=np.int8)


def run(data, *inputs):
    itp = runtime.Interpreter.from_bytes(data)
    for i, arr in enumerate(inputs):
        itp.set_input(arr, i)
    itp.invoke()
    return itp.get_output(0)


def conv_model():
    b = ModelBuilder()
    x = b.input((1, 8, 8, 3), scale=0.05, zero_point=-3)
    w_scale = np.linspace(0.005, 0.02, 8)
    w = b.const(rand_int8((8, 3, 3, 3), -127), scale=w_scale, axis=0)
    bias = b.const(RNG.integers(-500, 500, 8).astype(np.int32), scale=0.05 * w_scale)
    y = b.output(b.tensor((1, 8, 8, 8), scale=6 / 255, zero_point=-128))
    b.op("CONV_2D", [x, w, bias], [y], padding="SAME",
         fused_activation_function="RELU6")
    return b.build(), [(1, 8, 8, 3)], (1, 8, 8, 8)


def depthwise_model():
    b = ModelBuilder()
    x = b.input((1, 6, 6, 4), scale=0.02, zero_point=1)
    w_scale = np.full(8, 0.01)
    w = b.const(rand_int8((1, 3, 3, 8), -127), scale=w_scale, axis=3)
    bias = b.const(np.zeros(8, np.int32), scale=0.02 * w_scale)
    y = b.output(b.tensor((1, 4, 4, 8), scale=0.05, zero_point=0))
    b.op("DEPTHWISE_CONV_2D", [x, w, bias], [y], depth_multiplier=2)
    return b.build(), [(1, 6, 6, 4)], (1, 4, 4, 8)


def fc_model():
    b = ModelBuilder()
    x = b.input((1, 16), scale=0.1, zero_point=0)
    w = b.const(rand_int8((10, 16), -127), scale=0.01)
    bias = b.const(np.arange(10, dtype=np.int32), scale=0.001)
    y = b.output(b.tensor((1, 10), scale=0.2, zero_point=-10))
    b.op("FULLY_CONNECTED", [x, w, bias], [y], fused_activation_function="RELU")
    return b.build(), [(1, 16)], (1, 10)


def add_model():
    b = ModelBuilder()
    x1 = b.input((1, 4, 4, 3), scale=0.05, zero_point=2)
    x2 = b.input((1, 4, 4, 3), scale=0.03, zero_point=-5)
    y = b.output(b.tensor((1, 4, 4, 3), scale=0.08, zero_point=0))
    b.op("ADD", [x1, x2], [y])
    return b.build(), [(1, 4, 4, 3), (1, 4, 4, 3)], (1, 4, 4, 3)


def softmax_model():
    b = ModelBuilder()
    x = b.input((1, 10), scale=0.1, zero_point=0)
    y = b.output(b.tensor((1, 10), scale=1 / 256, zero_point=-128))
    b.op("SOFTMAX", [x], [y], beta=1.0)
    return b.build(), [(1, 10)], (1, 10)


@pytest.mark.parametrize("make", [conv_model, depthwise_model, fc_model,
                                  add_model, softmax_model])
def test_model_runs(make):
    data, in_shapes, out_shape = make()
    assert data[4:8] == b"TFL3"
    out = run(data, *[rand_int8(s) for s in in_shapes])
    assert out.shape == out_shape
    assert out.dtype == np.int8


def test_softmax_output_is_distribution():
    data, _, _ = softmax_model()
    out = run(data, rand_int8((1, 10)))
    probs = (out.astype(np.float64) + 128) / 256
    assert abs(probs.sum() - 1.0) < 0.05


def test_reshape_exact():
    b = ModelBuilder()
    x = b.input((1, 4, 4, 2), scale=0.1, zero_point=3)
    shape = b.const(np.array([1, 32], np.int32))
    y = b.output(b.tensor((1, 32), scale=0.1, zero_point=3))
    b.op("RESHAPE", [x, shape], [y], new_shape=[1, 32])
    inp = rand_int8((1, 4, 4, 2))
    out = run(b.build(), inp)
    np.testing.assert_array_equal(out, inp.reshape(1, 32))


def test_identity_conv_exact():
    b = ModelBuilder()
    x = b.input((1, 5, 5, 1), scale=0.5, zero_point=-3)
    w = b.const(np.ones((1, 1, 1, 1), np.int8), scale=[1.0], axis=0)
    bias = b.const(np.zeros(1, np.int32), scale=[0.5])
    y = b.output(b.tensor((1, 5, 5, 1), scale=0.5, zero_point=-3))
    b.op("CONV_2D", [x, w, bias], [y])
    inp = rand_int8((1, 5, 5, 1))
    np.testing.assert_array_equal(run(b.build(), inp), inp)


def test_squeeze_options_and_omitted_input():
    b = ModelBuilder()
    x = b.input((1, 1, 1, 6), scale=0.1)
    y = b.output(b.tensor((1, 6), scale=0.1))
    b.op("SQUEEZE", [x], [y], squeeze_dims=[1, 2])
    inp = rand_int8((1, 1, 1, 6))
    np.testing.assert_array_equal(run(b.build(), inp), inp.reshape(1, 6))

    b = ModelBuilder()
    x = b.input((1, 8), scale=0.1)
    w = b.const(np.eye(8, dtype=np.int8), scale=1.0)
    y = b.output(b.tensor((1, 8), scale=0.1))
    b.op("FULLY_CONNECTED", [x, w, -1], [y])
    inp = rand_int8((1, 8))
    np.testing.assert_array_equal(run(b.build(), inp), inp)
