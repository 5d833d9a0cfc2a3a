"""int16 activations (TFLite's 16x8 mode): FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D
bit-exact with TFLite Micro over shapes, strides, padding, dilation, depth multipliers,
per-channel / per-tensor weights, fused activations and bias types; inputs include
all -32768, all 32767 and random extremes (mcugen.verify.test_inputs)."""
import numpy as np
import pytest

from tests.helpers import assert_bit_exact
from tests.ops.models_int16 import add16_model, conv16_layer, fc16_layer, one_op_model, softmax16_model

PC, PT = True, False

# id: (input shape, units, activation, per_channel, bias)
FC_CASES = {
    "20_to_7_pt":               ((3, 20), 7, "NONE", PT, "int64"),
    "20_to_7_pc":               ((3, 20), 7, "NONE", PC, "int64"),
    "64_to_10_relu_pc":         ((1, 64), 10, "RELU", PC, "int64"),
    "1_to_1":                   ((1, 1), 1, "NONE", PT, "int64"),
    "4d_input_relu6":           ((2, 3, 1, 8), 5, "RELU6", PC, "int64"),
    "relu_n1_to_1_pt":          ((2, 33), 9, "RELU_N1_TO_1", PT, "int64"),
    "bias_int32_pt":            ((3, 20), 7, "NONE", PT, "int32"),
    "bias_int32_pc_relu":       ((3, 20), 7, "RELU", PC, "int32"),
    "bias_minus1":              ((3, 20), 7, "NONE", PC, None),
    "bias_absent":              ((3, 20), 7, "NONE", PT, "absent"),
    "bias_zero":                ((3, 20), 7, "NONE", PT, "zero"),
    "deep_700_to_4":            ((1, 700), 4, "NONE", PC, "int64"),
}


@pytest.mark.parametrize("case", list(FC_CASES), ids=list(FC_CASES))
def test_fully_connected_int16(case):
    in_shape, units, activation, per_channel, bias = FC_CASES[case]
    rng = np.random.default_rng(list(FC_CASES).index(case))
    model = one_op_model(fc16_layer, rng, in_shape, units=units, activation=activation,
                         per_channel=per_channel, bias=bias)
    assert_bit_exact(model, count=12, seed=1)


def test_fully_connected_int16_weight_zero_point():
    """Per-tensor int8 weights with a zero point: TFLM's int16 FC applies the offset."""
    rng = np.random.default_rng(50)
    model = one_op_model(fc16_layer, rng, (2, 24), units=6, weight_zero_point=-9)
    assert_bit_exact(model, count=12, seed=1)


# id: (input NHWC, out channels, kernel, stride, dilation, padding, activation, per_channel, bias)
CONV_CASES = {
    "3x3_s1_same_7x9x3_pc":        ((1, 7, 9, 3), 8, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC, "int64"),
    "3x3_s1_valid_7x9x3_pt_relu":  ((1, 7, 9, 3), 8, (3, 3), (1, 1), (1, 1), "VALID", "RELU", PT, "int64"),
    "1x1_s2_valid_7x9x8_relu6":    ((1, 7, 9, 8), 3, (1, 1), (2, 2), (1, 1), "VALID", "RELU6", PC, "int64"),
    "5x5_s2_same_9x11x3":          ((1, 9, 11, 3), 8, (5, 5), (2, 2), (1, 1), "SAME", "NONE", PC, "int64"),
    "3x3_d2_same_9x11x3":          ((1, 9, 11, 3), 8, (3, 3), (1, 1), (2, 2), "SAME", "RELU_N1_TO_1", PC, "int64"),
    "3x3_s2_d2_same_11x13x3":      ((1, 11, 13, 3), 5, (3, 3), (2, 2), (2, 2), "SAME", "RELU", PC, "int64"),
    "10x4_s2_same_49x10x1_kws":    ((1, 49, 10, 1), 8, (10, 4), (2, 2), (1, 1), "SAME", "RELU", PC, "int64"),
    "3x1_stride_2x1_7x9x4":        ((1, 7, 9, 4), 6, (3, 1), (2, 1), (1, 1), "SAME", "NONE", PT, "int64"),
    "batch2_3x3_same":             ((2, 5, 6, 3), 4, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC, "int64"),
    "deep_3x3_6x6x32_to_9":        ((1, 6, 6, 32), 9, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC, "int64"),
    "bias_int32_3x3":              ((1, 7, 9, 3), 8, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC, "int32"),
    "bias_minus1_3x3":             ((1, 7, 9, 3), 8, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC, None),
    "bias_absent_1x1":             ((1, 5, 5, 4), 4, (1, 1), (1, 1), (1, 1), "VALID", "NONE", PT, "absent"),
}


@pytest.mark.parametrize("case", list(CONV_CASES), ids=list(CONV_CASES))
def test_conv2d_int16(case):
    in_shape, out_c, kernel, stride, dilation, padding, activation, per_channel, bias = CONV_CASES[case]
    rng = np.random.default_rng(100 + list(CONV_CASES).index(case))
    model = one_op_model(conv16_layer, rng, in_shape, out_c=out_c, kernel=kernel, stride=stride,
                         dilation=dilation, padding=padding, activation=activation,
                         per_channel=per_channel, bias=bias)
    assert_bit_exact(model, count=12, seed=1)


# id: (input NHWC, depth multiplier, kernel, stride, dilation, padding, activation, per_channel, bias)
# Not covered: bias given as the optional input -1, which segfaults TFLM's int16 depthwise
# kernel when the model is loaded (mcugen compiles it as a zero bias; "absent" is tested).
DW_CASES = {
    "3x3_s1_same_7x9x3":           ((1, 7, 9, 3), 1, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC, "int64"),
    "3x3_s2_same_8x8x4_relu":      ((1, 8, 8, 4), 1, (3, 3), (2, 2), (1, 1), "SAME", "RELU", PC, "int64"),
    "3x3_valid_dm2_7x9x3_pt":      ((1, 7, 9, 3), 2, (3, 3), (1, 1), (1, 1), "VALID", "NONE", PT, "int64"),
    "5x5_dm3_same_9x9x2_relu6":    ((1, 9, 9, 2), 3, (5, 5), (1, 1), (1, 1), "SAME", "RELU6", PC, "int64"),
    "3x3_d2_same_9x11x5":          ((1, 9, 11, 5), 1, (3, 3), (1, 1), (2, 2), "SAME", "NONE", PC, "int64"),
    "3x3_s2_d2_valid_13x13x4_dm2": ((1, 13, 13, 4), 2, (3, 3), (2, 2), (2, 2), "VALID", "RELU_N1_TO_1", PC, "int64"),
    "1x1_c1_dm4":                  ((1, 4, 5, 1), 4, (1, 1), (1, 1), (1, 1), "SAME", "NONE", PC, "int64"),
    "batch2_3x3":                  ((2, 5, 6, 3), 1, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC, "int64"),
    "bias_absent":                 ((1, 7, 9, 3), 1, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC, "absent"),
    "bias_zero":                   ((1, 7, 9, 3), 2, (3, 3), (1, 1), (1, 1), "SAME", "NONE", PC, "zero"),
}


@pytest.mark.parametrize("case", list(DW_CASES), ids=list(DW_CASES))
def test_depthwise_conv2d_int16(case):
    in_shape, multiplier, kernel, stride, dilation, padding, activation, per_channel, bias = DW_CASES[case]
    rng = np.random.default_rng(200 + list(DW_CASES).index(case))
    model = one_op_model(conv16_layer, rng, in_shape, depthwise=True, depth_multiplier=multiplier,
                         kernel=kernel, stride=stride, dilation=dilation, padding=padding,
                         activation=activation, per_channel=per_channel, bias=bias)
    assert_bit_exact(model, count=12, seed=1)


def test_conv_int16_large_bias_and_reduced_multiplier_edges():
    """int64 bias beyond int32 and multipliers near 2^31, where the 15-bit reduction of
    TFLM's int64 path saturates to 0x7FFF."""
    from tests.builder import ModelBuilder
    rng = np.random.default_rng(300)
    b = ModelBuilder()
    x = b.input((1, 4, 4, 2), scale=1e-3, zero_point=0, dtype=np.int16)
    # filter scales of (1 - tiny) * 2^k give quantized multipliers just below 2^31
    w_scale = [0.999999 * 2.0 ** -k for k in range(3)] + [0.75, 0.5000001]
    w = b.const(rng.integers(-127, 128, (5, 3, 3, 2)).astype(np.int8), scale=w_scale, axis=0)
    bias = b.const(np.array([3 << 33, -(5 << 32), 7, -(1 << 40), 1 << 31], np.int64),
                   scale=[1e-3 * s for s in w_scale])
    y = b.output(b.tensor((1, 4, 4, 5), scale=5e3, zero_point=0, dtype=np.int16))
    b.op("CONV_2D", [x, w, bias], [y], padding="SAME")
    assert_bit_exact(b.build(), count=12, seed=1)


# id: (shape, input scales, output scale, activation)
ADD_CASES = {
    "equal_scales":            ((1, 4, 5, 3), (1e-3, 1e-3), 2e-3, "NONE"),
    "ratio_3":                 ((1, 4, 5, 3), (3e-4, 9e-4), 1.1e-3, "NONE"),
    "ratio_1_over_100_relu":   ((2, 37), (5e-3, 5e-5), 4e-3, "RELU"),
    "output_finer_than_input": ((1, 8, 8, 2), (2e-3, 1e-3), 7e-4, "NONE"),
    "relu6":                   ((1, 6, 6, 4), (2.5e-4, 3e-4), 3e-4, "RELU6"),
    "relu_n1_to_1":            ((64,), (1e-4, 2e-4), 5e-5, "RELU_N1_TO_1"),
    "power_of_two_scales":     ((1, 3, 3, 8), (2.0 ** -12, 2.0 ** -10), 2.0 ** -9, "NONE"),
    "same_power_of_two":       ((5, 7), (2.0 ** -15, 2.0 ** -15), 2.0 ** -15, "NONE"),
    "single_value":            ((1,), (1e-3, 2e-3), 3e-3, "NONE"),
}


@pytest.mark.parametrize("case", list(ADD_CASES), ids=list(ADD_CASES))
def test_add_int16(case):
    """TFLM's int16 ADD: left shift 15, general rescaling (never the power-of-two path)."""
    shape, (s1, s2), out_scale, activation = ADD_CASES[case]
    assert_bit_exact(add16_model(shape, s1, s2, out_scale, activation), count=16, seed=3)


# id: (shape, input scale, beta)
SOFTMAX_CASES = {
    "2x10":                 ((2, 10), 1e-3, 1.0),
    "4d_1x4x33":            ((1, 2, 4, 33), 3e-4, 1.0),
    "beta_half":            ((5, 7), 1e-4, 0.5),
    "beta_2_rows_100":      ((3, 100), 2e-3, 2.0),
    "row_1000_coarse":      ((1, 1000), 1e-2, 1.0),
    "fine_scale_beta_0_1":  ((4, 16), 1e-5, 0.1),
    "depth_1":              ((6, 1), 1e-3, 1.0),
    "scale_10_over_65535":  ((3, 40), 10 / 65535, 1.0),
}


@pytest.mark.parametrize("case", list(SOFTMAX_CASES), ids=list(SOFTMAX_CASES))
def test_softmax_int16(case):
    shape, in_scale, beta = SOFTMAX_CASES[case]
    assert_bit_exact(softmax16_model(shape, in_scale, beta), count=16, seed=2)


def _compare_with_tflm(model: bytes, batches) -> None:
    import mcugen
    from mcugen.verify import run_tflm, tflm_interpreter
    compiled = mcugen.compile(model)
    compiled.host(sanitize=True)
    interpreter = tflm_interpreter(model, sum(t.nbytes for t in compiled.graph.tensors if not t.is_const))
    for inputs in batches:
        got, want = compiled.run(inputs)[0], run_tflm(interpreter, inputs)[0]
        assert got.tobytes() == want.tobytes(), f"{np.count_nonzero(got != want)} values differ"


def test_softmax_int16_every_table_interval():
    """Differences to the row maximum from 0 down to -65535 at scale 10/65535 visit every
    interval of the exp table; rows whose sums of exps spread over [1, 64] visit the
    reciprocal table's."""
    chunks = np.arange(32767, -32769, -1).reshape(16, 4096)  # each row: its maximum, then a chunk
    sweep = np.concatenate([np.full((16, 1), 32767), chunks], axis=1).astype(np.int16)
    _compare_with_tflm(softmax16_model(sweep.shape, 10 / 65535), [[sweep]])
    rng = np.random.default_rng(7)
    rows = np.full((512, 64), -32768, np.int16)
    rows[:, 0] = 32767
    for r in range(512):  # r values close to the maximum: sum of exps ~ 1 + r / 8
        k = r // 8
        rows[r, 1:1 + k] = 32767 - rng.integers(0, 2000, size=k)
    _compare_with_tflm(softmax16_model((512, 64), 10 / 65535), [[rows]])


def _refused(model: bytes, *fragments: str) -> None:
    import mcugen
    from mcugen.errors import McugenError
    with pytest.raises(McugenError) as error:
        mcugen.compile(model)
    message = str(error.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message


def test_int16_refusals():
    from tests.builder import ModelBuilder
    rng = np.random.default_rng(9)
    # a non-zero zero point on an int16 activation
    b = ModelBuilder()
    x = b.input((2, 8), scale=1e-3, zero_point=5, dtype=np.int16)
    w = b.const(rng.integers(-127, 128, (3, 8)).astype(np.int8), scale=0.01)
    y = b.output(b.tensor((2, 3), scale=1e-2, zero_point=0, dtype=np.int16))
    b.op("FULLY_CONNECTED", [x, w], [y])
    _refused(b.build(), "op 0 (FULLY_CONNECTED)", "zero point 5")
    # other ops with int16 activations name the op
    b = ModelBuilder()
    x = b.input((1, 4, 4, 2), scale=1e-3, zero_point=0, dtype=np.int16)
    y = b.output(b.tensor((1, 2, 2, 2), scale=1e-3, zero_point=0, dtype=np.int16))
    b.op("MAX_POOL_2D", [x], [y], filter_height=2, filter_width=2, stride_h=2, stride_w=2)
    _refused(b.build(), "op 0 (MAX_POOL_2D)", "int16")
    b = ModelBuilder()
    x = b.input((1, 8), scale=1e-3, zero_point=0, dtype=np.int16)
    y = b.output(b.tensor((1, 8), scale=1e-3, zero_point=0, dtype=np.int16))
    b.op("MUL", [x, x], [y])
    _refused(b.build(), "op 0 (MUL)", "int16")
    # int32 bias on an int16 depthwise conv (TFLM would read its bytes as int64)
    b = ModelBuilder()
    x = b.input((1, 4, 4, 2), scale=1e-3, zero_point=0, dtype=np.int16)
    w = b.const(rng.integers(-127, 128, (1, 3, 3, 2)).astype(np.int8), scale=[0.01, 0.02], axis=3)
    bias = b.const(np.zeros(2, np.int32), scale=[1e-5, 2e-5])
    y = b.output(b.tensor((1, 4, 4, 2), scale=1e-2, zero_point=0, dtype=np.int16))
    b.op("DEPTHWISE_CONV_2D", [x, w, bias], [y], padding="SAME")
    _refused(b.build(), "op 0 (DEPTHWISE_CONV_2D)", "int64")
    # int16 ADD with broadcasting
    b = ModelBuilder()
    x1 = b.input((2, 8), scale=1e-3, zero_point=0, dtype=np.int16)
    x2 = b.input((1, 8), scale=1e-3, zero_point=0, dtype=np.int16)
    y = b.output(b.tensor((2, 8), scale=2e-3, zero_point=0, dtype=np.int16))
    b.op("ADD", [x1, x2], [y])
    _refused(b.build(), "op 0 (ADD)", "broadcasting")
    # int16 softmax with the int8 output quantization
    _refused(softmax16_model((2, 5), 1e-3, out_scale=1 / 256), "op 0 (SOFTMAX)", "1/32768")
    # mixed int8 input, int16 output
    b = ModelBuilder()
    x = b.input((2, 8), scale=1e-2, zero_point=0)
    w = b.const(rng.integers(-127, 128, (3, 8)).astype(np.int8), scale=0.01)
    y = b.output(b.tensor((2, 3), scale=1e-2, zero_point=0, dtype=np.int16))
    b.op("FULLY_CONNECTED", [x, w], [y])
    _refused(b.build(), "op 0 (FULLY_CONNECTED)", "int16")
