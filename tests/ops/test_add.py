"""ADD, int8 (same shapes): bit-exact with TFLite Micro over input scales (equal, close,
one much larger than the other), zero points, output scales and fused activations, with the
portable kernel (mcu_add_s8) and the SIMD set's table kernel (mcu_add_table_s8)."""
import numpy as np
import pytest

from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact
from tests.ops.models import add_model, conv_layer, input_act

# id: (shape, input 1 scale, input 2 scale, activation, output scale or None for the sum's range)
CASES = {
    "close_scales_7x9x3":           ((1, 7, 9, 3), 0.05, 0.04, "NONE", None),
    "equal_scales_relu6":           ((1, 5, 13, 8), 0.03, 0.03, "RELU6", None),
    "first_250x_larger":            ((1, 7, 9, 3), 0.5, 0.002, "NONE", None),
    "second_250x_larger_relu":      ((1, 7, 9, 3), 0.002, 0.5, "RELU", None),
    "first_100x_larger_relu":       ((1, 5, 13, 17), 1.0, 0.01, "RELU", 2.0),
    "second_1000x_larger":          ((1, 4, 4, 8), 0.001, 1.0, "NONE", None),
    "relu_n1_to_1":                 ((1, 7, 9, 3), 0.02, 0.03, "RELU_N1_TO_1", None),
    "relu_n1_to_1_coarse_output":   ((1, 7, 9, 3), 0.05, 0.08, "RELU_N1_TO_1", 0.1),
    "output_finer_than_inputs":     ((1, 7, 9, 3), 0.05, 0.07, "NONE", 0.01),
    "output_much_coarser":          ((1, 7, 9, 3), 0.05, 0.07, "RELU", 1.5),
    "tiny_scales":                  ((1, 5, 13, 3), 0.001, 0.0015, "NONE", None),
    "large_scales":                 ((1, 5, 13, 3), 2.0, 1.5, "RELU6", None),
    "shape_1x1x1x1":                ((1, 1, 1, 1), 0.05, 0.02, "NONE", None),
    "shape_2x10":                   ((2, 10), 0.04, 0.06, "RELU", None),
    "shape_1x3x10":                 ((1, 3, 10), 0.1, 0.01, "NONE", None),
    "shape_1x1001_relu6":           ((1, 1001), 0.03, 0.05, "RELU6", None),
}


@pytest.mark.parametrize("kernels", ["portable", "simd"])
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_add_bit_exact(case, kernels):
    shape, scale1, scale2, activation, out_scale = CASES[case]
    rng = np.random.default_rng(4000 + list(CASES).index(case))
    model = add_model(rng, shape, scale1, scale2, activation=activation, out_scale=out_scale)
    compiled = assert_bit_exact(model, count=12, seed=1, kernels=kernels)
    # every case here has a sum the short requantization provably handles
    kernel = "mcu_add_table_s8(" if kernels == "simd" else "mcu_add_s8("
    assert kernel in compiled.files[f"{compiled.prefix}.c"]


@pytest.mark.parametrize("activation", ["NONE", "RELU"])
def test_add_tensor_to_itself(activation):
    """x + x: both inputs are the same tensor."""
    b = ModelBuilder()
    x = b.input((1, 7, 9, 3), scale=0.04, zero_point=-7)
    y = b.output(b.tensor((1, 7, 9, 3), scale=0.09, zero_point=5))
    b.op("ADD", [x, x], [y], fused_activation_function=activation)
    assert_bit_exact(b.build(), count=12, seed=1)


@pytest.mark.parametrize("order", ["input_first", "conv_first"])
def test_add_residual(order):
    """x + conv(x): the graph input must stay alive while the conv runs."""
    rng = np.random.default_rng(4100)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 7, 9, 8))
    c = conv_layer(b, rng, x, 8, kernel=(3, 3), padding="SAME", activation="RELU")
    out_scale = float(x.scale + c.scale)
    y = b.output(b.tensor(x.shape, scale=out_scale, zero_point=-3))
    pair = [x.index, c.index] if order == "input_first" else [c.index, x.index]
    b.op("ADD", pair, [y], fused_activation_function="RELU")
    assert_bit_exact(b.build(), count=12, seed=1)
