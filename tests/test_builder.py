"""Models made by tests.builder are well-formed and run in the TFLite Micro interpreter."""
import numpy as np
import pytest
import tflite

from tests.builder import ModelBuilder

pytest.importorskip("tflite_micro.python.tflite_micro.runtime")
from tests.tflm import run_tflm


def rand_int8(rng, shape, lo=-128, hi=128):
    return rng.integers(lo, hi, size=shape, dtype=np.int8)


# ------------------------------------------------------------------ models
# Each returns (model bytes, input shapes, output shape).
def conv_model(rng):
    b = ModelBuilder()
    x = b.input((1, 8, 8, 3), scale=0.05, zero_point=-3)
    w_scale = np.linspace(0.005, 0.02, 8)
    w = b.const(rand_int8(rng, (8, 3, 3, 3), -127), scale=w_scale, zero_point=0, axis=0)
    bias = b.const(rng.integers(-500, 500, 8).astype(np.int32), scale=0.05 * w_scale)
    y = b.output(b.tensor((1, 8, 8, 8), scale=6 / 255, zero_point=-128))
    b.op("CONV_2D", [x, w, bias], [y], padding="SAME", stride_w=1, stride_h=1,
         dilation_w_factor=1, dilation_h_factor=1, fused_activation_function="RELU6")
    return b.build(), [(1, 8, 8, 3)], (1, 8, 8, 8)


def depthwise_model(rng):
    b = ModelBuilder()
    x = b.input((1, 6, 6, 4), scale=0.02, zero_point=1)
    w_scale = np.full(8, 0.01)
    w = b.const(rand_int8(rng, (1, 3, 3, 8), -127), scale=w_scale, axis=3)
    bias = b.const(np.zeros(8, np.int32), scale=0.02 * w_scale, axis=0)
    y = b.output(b.tensor((1, 4, 4, 8), scale=0.05, zero_point=0))
    b.op("DEPTHWISE_CONV_2D", [x, w, bias], [y], depth_multiplier=2)
    return b.build(), [(1, 6, 6, 4)], (1, 4, 4, 8)


def fc_model(rng):
    b = ModelBuilder()
    x = b.input((1, 16), scale=0.1, zero_point=0)
    w = b.const(rand_int8(rng, (10, 16), -127), scale=0.01)
    bias = b.const(np.arange(10, dtype=np.int32), scale=0.001)
    y = b.output(b.tensor((1, 10), scale=0.2, zero_point=-10))
    b.op("FULLY_CONNECTED", [x, w, bias], [y], fused_activation_function="RELU")
    return b.build(), [(1, 16)], (1, 10)


def add_model(rng):
    b = ModelBuilder()
    x1 = b.input((1, 4, 4, 3), scale=0.05, zero_point=2)
    x2 = b.input((1, 4, 4, 3), scale=0.03, zero_point=-5)
    y = b.output(b.tensor((1, 4, 4, 3), scale=0.08, zero_point=0))
    b.op("ADD", [x1, x2], [y])
    return b.build(), [(1, 4, 4, 3), (1, 4, 4, 3)], (1, 4, 4, 3)


def softmax_model(rng):
    b = ModelBuilder()
    x = b.input((1, 10), scale=0.1, zero_point=0)
    y = b.output(b.tensor((1, 10), scale=1 / 256, zero_point=-128))
    b.op("SOFTMAX", [x], [y], beta=1.0)
    return b.build(), [(1, 10)], (1, 10)


def reshape_model(rng):
    b = ModelBuilder()
    x = b.input((1, 4, 4, 2), scale=0.1, zero_point=3)
    shape = b.const(np.array([1, 32], np.int32))
    y = b.output(b.tensor((1, 32), scale=0.1, zero_point=3))
    b.op("RESHAPE", [x, shape], [y], new_shape=[1, 32])
    return b.build(), [(1, 4, 4, 2)], (1, 32)


def pool_conv_fc_model(rng):
    """A small multi-op chain: conv -> max pool -> reshape -> fully connected -> softmax."""
    b = ModelBuilder()
    x = b.input((1, 8, 8, 1), scale=0.02, zero_point=-10)
    w = b.const(rand_int8(rng, (4, 3, 3, 1), -127), scale=[0.01] * 4, axis=0)
    conv = b.tensor((1, 8, 8, 4), scale=0.05, zero_point=-128)
    b.op("CONV_2D", [x, w, -1], [conv], padding="SAME", fused_activation_function="RELU")
    pooled = b.tensor((1, 4, 4, 4), scale=0.05, zero_point=-128)
    b.op("MAX_POOL_2D", [conv], [pooled], stride_w=2, stride_h=2, filter_width=2,
         filter_height=2)
    flat = b.tensor((1, 64), scale=0.05, zero_point=-128)
    b.op("RESHAPE", [pooled, b.const(np.array([1, 64], np.int32))], [flat])
    logits = b.tensor((1, 5), scale=0.1, zero_point=0)
    b.op("FULLY_CONNECTED", [flat, b.const(rand_int8(rng, (5, 64), -127), scale=0.01),
                             b.const(np.zeros(5, np.int32), scale=0.0005)], [logits])
    y = b.output(b.tensor((1, 5), scale=1 / 256, zero_point=-128))
    b.op("SOFTMAX", [logits], [y])
    return b.build(), [(1, 8, 8, 1)], (1, 5)


MODELS = [conv_model, depthwise_model, fc_model, add_model, softmax_model, reshape_model,
          pool_conv_fc_model]


# ------------------------------------------------------------------- tests
@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__)
def test_model_runs_and_is_deterministic(make):
    rng = np.random.default_rng(0)
    data, in_shapes, out_shape = make(rng)
    assert data[4:8] == b"TFL3"
    inputs = [rand_int8(rng, s) for s in in_shapes]
    first, = run_tflm(data, inputs)
    second, = run_tflm(data, inputs)
    assert first.shape == out_shape
    assert first.dtype == np.int8
    np.testing.assert_array_equal(first, second)


def test_conv_1x1_known_values():
    # Input and output share scale 0.5 and the weight is exactly 1.0, so in
    # quantized units: q_out = (q_in + 3) + bias 4 + out zero point 2 = q_in + 9.
    b = ModelBuilder()
    x = b.input((1, 5, 5, 1), scale=0.5, zero_point=-3)
    w = b.const(np.ones((1, 1, 1, 1), np.int8), scale=[1.0], zero_point=0, axis=0)
    bias = b.const(np.array([4], np.int32), scale=[0.5], zero_point=0)
    y = b.output(b.tensor((1, 5, 5, 1), scale=0.5, zero_point=2))
    b.op("CONV_2D", [x, w, bias], [y])
    inp = np.arange(-128, 122, 10, dtype=np.int8).reshape(1, 5, 5, 1)
    out, = run_tflm(b.build(), [inp])
    expected = np.clip(inp.astype(np.int32) + 9, -128, 127).astype(np.int8)
    np.testing.assert_array_equal(out, expected)


def test_reshape_is_exact():
    rng = np.random.default_rng(1)
    data, in_shapes, _ = reshape_model(rng)
    inp = rand_int8(rng, in_shapes[0])
    out, = run_tflm(data, [inp])
    np.testing.assert_array_equal(out, inp.reshape(1, 32))


def test_softmax_output_is_distribution():
    rng = np.random.default_rng(2)
    data, _, _ = softmax_model(rng)
    out, = run_tflm(data, [rand_int8(rng, (1, 10))])
    probs = (out.astype(np.float64) + 128) / 256
    assert abs(probs.sum() - 1.0) < 0.05


def test_squeeze_and_fc_without_bias_are_exact():
    rng = np.random.default_rng(3)
    b = ModelBuilder()
    x = b.input((1, 1, 1, 6), scale=0.1, zero_point=0)
    y = b.output(b.tensor((1, 6), scale=0.1))
    b.op("SQUEEZE", [x], [y], squeeze_dims=[1, 2])
    inp = rand_int8(rng, (1, 1, 1, 6))
    np.testing.assert_array_equal(run_tflm(b.build(), [inp])[0], inp.reshape(1, 6))

    b = ModelBuilder()
    x = b.input((1, 8), scale=0.1, zero_point=0)
    w = b.const(np.eye(8, dtype=np.int8), scale=1.0)
    y = b.output(b.tensor((1, 8), scale=0.1))
    b.op("FULLY_CONNECTED", [x, w, -1], [y])
    inp = rand_int8(rng, (1, 8))
    np.testing.assert_array_equal(run_tflm(b.build(), [inp])[0], inp)


def test_pad_concat_and_max_pool_are_exact():
    rng = np.random.default_rng(4)
    b = ModelBuilder()
    x1 = b.input((1, 4, 4, 2), scale=0.1, zero_point=-7)
    x2 = b.input((1, 4, 4, 3), scale=0.1, zero_point=-7)
    cat = b.tensor((1, 4, 4, 5), scale=0.1, zero_point=-7)
    b.op("CONCATENATION", [x1, x2], [cat], axis=3)
    padded = b.output(b.tensor((1, 6, 6, 5), scale=0.1, zero_point=-7))
    paddings = b.const(np.array([[0, 0], [1, 1], [1, 1], [0, 0]], np.int32))
    b.op("PAD", [cat, paddings], [padded])
    pooled = b.output(b.tensor((1, 3, 3, 5), scale=0.1, zero_point=-7))
    b.op("MAX_POOL_2D", [padded], [pooled], stride_w=2, stride_h=2, filter_width=2,
         filter_height=2)
    a1, a2 = rand_int8(rng, (1, 4, 4, 2)), rand_int8(rng, (1, 4, 4, 3))
    out_pad, out_pool = run_tflm(b.build(), [a1, a2])

    # TFLM pads with the output zero point, i.e. real 0.
    expected_pad = np.pad(np.concatenate([a1, a2], axis=3),
                          [(0, 0), (1, 1), (1, 1), (0, 0)], constant_values=-7)
    np.testing.assert_array_equal(out_pad, expected_pad)
    expected_pool = expected_pad.reshape(1, 3, 2, 3, 2, 5).max(axis=(2, 4))
    np.testing.assert_array_equal(out_pool, expected_pool)


def test_remaining_ops_run():
    """Every other op in the options table loads and runs, so its options table is right."""
    rng = np.random.default_rng(5)
    b = ModelBuilder()
    x = b.input((1, 4, 4, 2), scale=0.05, zero_point=0)
    other = b.input((1, 4, 4, 2), scale=0.04, zero_point=3)
    outputs = []

    def unary(kind, shape, scale, zero_point, inputs=(), **options):
        y = b.output(b.tensor(shape, scale=scale, zero_point=zero_point))
        b.op(kind, [x, *inputs], [y], **options)
        outputs.append((kind, y, shape))

    unary("MUL", (1, 4, 4, 2), 0.01, 0, [other], fused_activation_function="RELU")
    unary("SUB", (1, 4, 4, 2), 0.1, 0, [other])
    unary("AVERAGE_POOL_2D", (1, 2, 2, 2), 0.05, 0, padding="VALID", stride_w=2,
          stride_h=2, filter_width=2, filter_height=2)
    unary("MEAN", (1, 1, 1, 2), 0.05, 0, [b.const(np.array([1, 2], np.int32))],
          keep_dims=True)
    unary("LOGISTIC", (1, 4, 4, 2), 1 / 256, -128)
    unary("TANH", (1, 4, 4, 2), 1 / 128, 0)
    unary("QUANTIZE", (1, 4, 4, 2), 0.1, 4)  # int8 -> int8 requantization
    deq = b.output(b.tensor((1, 4, 4, 2), dtype=np.float32))
    b.op("DEQUANTIZE", [x], [deq])

    inp = rand_int8(rng, (1, 4, 4, 2), -100, 100)
    results = run_tflm(b.build(), [inp, rand_int8(rng, (1, 4, 4, 2))])
    for (kind, _, shape), out in zip(outputs, results):
        assert out.shape == shape and out.dtype == np.int8, kind
    np.testing.assert_allclose(results[-1], inp.astype(np.float32) * 0.05, rtol=1e-6)


def test_model_structure():
    rng = np.random.default_rng(6)
    b = ModelBuilder()
    x = b.input((1, 8), scale=0.1, zero_point=0, name="image")
    w = b.const(rand_int8(rng, (4, 8)), scale=[0.01, 0.02, 0.03, 0.04], axis=0)
    bias = b.const(np.array([1, -2, 3, 70000], np.int32), scale=[0.001] * 4)
    y = b.output(b.tensor((1, 4), scale=0.1, zero_point=-1))
    b.op("FULLY_CONNECTED", [x, w, bias], [y], keep_num_dims=True)
    b.op("FULLY_CONNECTED", [x, w, -1], [b.output(b.tensor((1, 4), scale=0.1))])
    model = tflite.Model.GetRootAs(b.build(), 0)

    assert model.Version() == 3 and model.Description() == b"mcugen test model"
    assert model.SubgraphsLength() == 1 and model.OperatorCodesLength() == 1
    code = model.OperatorCodes(0)
    assert code.BuiltinCode() == code.DeprecatedBuiltinCode() == tflite.BuiltinOperator.FULLY_CONNECTED
    assert code.Version() == 1
    assert model.Buffers(0).DataLength() == 0

    graph = model.Subgraphs(0)
    assert graph.InputsAsNumpy().tolist() == [x]
    assert graph.OutputsAsNumpy().tolist() == [y, 4]
    assert graph.Tensors(x).Name() == b"image" and graph.Tensors(y).Name() == b"t3"
    assert graph.Tensors(x).Buffer() == 0 and graph.Tensors(y).Buffer() == 0
    assert graph.Operators(1).InputsAsNumpy().tolist() == [x, w, -1]

    weights = graph.Tensors(w)
    assert weights.Type() == tflite.TensorType.INT8
    quant = weights.Quantization()
    np.testing.assert_allclose(quant.ScaleAsNumpy(), [0.01, 0.02, 0.03, 0.04], rtol=1e-6)
    assert quant.ZeroPointAsNumpy().tolist() == [0, 0, 0, 0]
    bias_tensor = graph.Tensors(bias)
    raw = model.Buffers(bias_tensor.Buffer()).DataAsNumpy()
    assert raw.tobytes() == np.array([1, -2, 3, 70000], "<i4").tobytes()

    options = tflite.FullyConnectedOptions()
    table = graph.Operators(0).BuiltinOptions()
    options.Init(table.Bytes, table.Pos)
    assert options.KeepNumDims() is True
    assert options.WeightsFormat() == tflite.FullyConnectedOptionsWeightsFormat.DEFAULT


def test_unquantized_const_and_dtypes():
    b = ModelBuilder()
    idx = {dtype: b.const(np.zeros(3, dtype)) for dtype in
           (np.int8, np.int16, np.int32, np.int64, np.float32)}
    graph = tflite.Model.GetRootAs(b.build(), 0).Subgraphs(0)
    types = {dtype: graph.Tensors(i).Type() for dtype, i in idx.items()}
    assert types == {np.int8: tflite.TensorType.INT8, np.int16: tflite.TensorType.INT16,
                     np.int32: tflite.TensorType.INT32, np.int64: tflite.TensorType.INT64,
                     np.float32: tflite.TensorType.FLOAT32}
    assert all(graph.Tensors(i).Quantization() is None for i in idx.values())


@pytest.mark.parametrize("kind, options", [
    ("CONV_2D", dict(stride=2)),                 # not a schema field name
    ("CONV_2D", dict(padding="FULL")),           # not a Padding member
    ("NOT_AN_OP", {}),
    ("LOGISTIC", dict(beta=1.0)),                # LOGISTIC has no options
])
def test_bad_op_arguments_are_refused(kind, options):
    b = ModelBuilder()
    x = b.input((1, 4), scale=0.1, zero_point=0)
    y = b.tensor((1, 4), scale=0.1, zero_point=0)
    with pytest.raises(ValueError):
        b.op(kind, [x], [y], **options)


def test_big_activations_fit_the_default_arena():
    # No weights, so TFLM's own default arena (10x the model size) would be too small.
    b = ModelBuilder()
    x = b.input((1, 49, 10, 17), scale=0.1, zero_point=0)
    y = b.output(b.tensor((1, 1, 1, 17), scale=0.1, zero_point=0))
    b.op("AVERAGE_POOL_2D", [x], [y], filter_width=10, filter_height=49)
    out, = run_tflm(b.build(), [np.full((1, 49, 10, 17), 5, np.int8)])
    np.testing.assert_array_equal(out, np.full((1, 1, 1, 17), 5, np.int8))
