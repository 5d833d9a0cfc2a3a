"""LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, RELU, RELU6 and QUANTIZE (int8 -> int8), each a
256-entry table computed with TFLM's integer arithmetic: bit-exact with TFLite Micro for
every int8 input value (ramp test) over input/output scales (tiny and large ratios), zero
points (incl. -128 and 127) and op options, plus random input sets on odd and 1-element
shapes; refusals for what TFLM's kernels would compute wrongly or not at all."""
import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact
from tests.ops.models_elementwise import assert_all_int8_inputs_bit_exact, unary_model

RAMP_SHAPE = (1, 4, 8, 8)
LOGISTIC_OUT, TANH_OUT = (1 / 256, -128), (1 / 128, 0)

# id: (kind, (input scale, zp), (output scale, zp), options)
CASES = {
    # LOGISTIC: small scales never reach the saturation radius, large ones mostly do.
    "logistic_scale_0.001":     ("LOGISTIC", (0.001, 0), LOGISTIC_OUT, {}),
    "logistic_scale_0.02_zp_min": ("LOGISTIC", (0.02, -128), LOGISTIC_OUT, {}),
    "logistic_scale_0.05":      ("LOGISTIC", (0.05, 3), LOGISTIC_OUT, {}),
    "logistic_scale_0.1_zp_max": ("LOGISTIC", (0.1, 127), LOGISTIC_OUT, {}),
    "logistic_scale_0.3":       ("LOGISTIC", (0.3, -40), LOGISTIC_OUT, {}),
    "logistic_scale_2":         ("LOGISTIC", (2.0, 10), LOGISTIC_OUT, {}),
    "logistic_scale_9":         ("LOGISTIC", (9.0, 0), LOGISTIC_OUT, {}),
    "tanh_scale_0.001":         ("TANH", (0.001, 0), TANH_OUT, {}),
    "tanh_scale_0.02_zp_min":   ("TANH", (0.02, -128), TANH_OUT, {}),
    "tanh_scale_0.05":          ("TANH", (0.05, 3), TANH_OUT, {}),
    "tanh_scale_0.1_zp_max":    ("TANH", (0.1, 127), TANH_OUT, {}),
    "tanh_scale_0.3":           ("TANH", (0.3, -40), TANH_OUT, {}),
    "tanh_scale_2":             ("TANH", (2.0, 10), TANH_OUT, {}),
    # HARD_SWISH: reluish exponent below zero (scale < 3/256) and above; output ratios.
    "hard_swish_typical":       ("HARD_SWISH", (0.05, 3), (0.03, -50), {}),
    "hard_swish_zp_min":        ("HARD_SWISH", (0.05, -128), (0.04, -128), {}),
    "hard_swish_zp_max":        ("HARD_SWISH", (0.05, 127), (0.04, 127), {}),
    "hard_swish_small_input":   ("HARD_SWISH", (0.002, 5), (0.001, -100), {}),
    "hard_swish_tiny_input":    ("HARD_SWISH", (0.0003, 0), (0.0002, 0), {}),
    "hard_swish_large_input":   ("HARD_SWISH", (0.5, -10), (0.3, -120), {}),
    "hard_swish_huge_input":    ("HARD_SWISH", (20.0, 0), (25.0, -100), {}),
    "hard_swish_output_fine":   ("HARD_SWISH", (0.05, 0), (0.001, 0), {}),
    "hard_swish_output_coarse": ("HARD_SWISH", (0.05, 0), (1.0, 0), {}),
    "hard_swish_near_limit":    ("HARD_SWISH", (0.05, 0), (0.0004, 0), {}),
    # LEAKY_RELU: alpha small, large, above one, zero, negative.
    "leaky_alpha_0.2":          ("LEAKY_RELU", (0.05, 3), (0.04, -20), {"alpha": 0.2}),
    "leaky_alpha_0.01":         ("LEAKY_RELU", (0.05, -128), (0.05, -128), {"alpha": 0.01}),
    "leaky_alpha_0.5_zp_max":   ("LEAKY_RELU", (0.02, 127), (0.03, 100), {"alpha": 0.5}),
    "leaky_alpha_1.5":          ("LEAKY_RELU", (0.05, 0), (0.08, 0), {"alpha": 1.5}),
    "leaky_alpha_0":            ("LEAKY_RELU", (0.05, 0), (0.03, -128), {"alpha": 0.0}),
    "leaky_alpha_negative":     ("LEAKY_RELU", (0.05, 0), (0.05, 0), {"alpha": -0.3}),
    "leaky_output_fine":        ("LEAKY_RELU", (0.5, 0), (0.004, 0), {"alpha": 0.1}),
    "leaky_output_coarse":      ("LEAKY_RELU", (0.004, 0), (0.5, 0), {"alpha": 0.1}),
    # RELU: requantizes to the output scale.
    "relu_same_quant":          ("RELU", (0.05, 3), (0.05, 3), {}),
    "relu_to_half_range":       ("RELU", (0.05, 3), (0.025, -128), {}),
    "relu_zp_max":              ("RELU", (0.05, 127), (0.02, 127), {}),
    "relu_output_fine":         ("RELU", (1.0, -128), (0.01, -128), {}),
    "relu_output_coarse":       ("RELU", (0.01, 0), (1.0, -128), {}),
    # RELU6 clamps in the input's units (output quantization equal to the input's).
    "relu6_typical":            ("RELU6", (0.05, 3), (0.05, 3), {}),
    "relu6_six_above_range":    ("RELU6", (0.01, -128), (0.01, -128), {}),
    "relu6_zp_max":             ("RELU6", (0.05, 127), (0.05, 127), {}),
    "relu6_coarse":             ("RELU6", (1.0, -5), (1.0, -5), {}),
    # QUANTIZE int8 -> int8: scale ratios across the multiplier's range, zero points.
    "quantize_zero_point_only": ("QUANTIZE", (0.05, 3), (0.05, -100), {}),
    "quantize_finer":           ("QUANTIZE", (0.05, 3), (0.01, -9), {}),
    "quantize_coarser":         ("QUANTIZE", (0.05, 3), (0.3, 9), {}),
    "quantize_ratio_100":       ("QUANTIZE", (1.0, 0), (0.01, 0), {}),
    "quantize_ratio_0.001":     ("QUANTIZE", (0.001, 0), (1.0, 0), {}),
    "quantize_zp_extremes":     ("QUANTIZE", (0.05, -128), (0.06, 127), {}),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_activation_every_int8_input(case):
    kind, q_in, q_out, options = CASES[case]
    assert_all_int8_inputs_bit_exact(unary_model(kind, RAMP_SHAPE, q_in, q_out, **options))


# One random-input run of each op on odd and 1-element shapes (the table does not care
# about shapes; the loop and the planner do).
SHAPES = {"one_element": (1, 1), "odd_1001": (1, 1001), "rank3_3x5x7": (3, 5, 7)}
KINDS = {"LOGISTIC": ((0.05, 3), LOGISTIC_OUT, {}), "TANH": ((0.05, 3), TANH_OUT, {}),
         "HARD_SWISH": ((0.05, 3), (0.03, -50), {}),
         "LEAKY_RELU": ((0.05, 3), (0.04, -20), {"alpha": 0.2}),
         "RELU": ((0.05, 3), (0.03, -128), {}), "RELU6": ((0.05, 3), (0.05, 3), {}),
         "QUANTIZE": ((0.05, 3), (0.02, 1), {})}


@pytest.mark.parametrize("shape", list(SHAPES), ids=list(SHAPES))
@pytest.mark.parametrize("kind", list(KINDS))
def test_activation_shapes(kind, shape):
    q_in, q_out, options = KINDS[kind]
    assert_bit_exact(unary_model(kind, SHAPES[shape], q_in, q_out, **options), count=8, seed=2)


def test_activations_chained_in_place():
    """LOGISTIC -> QUANTIZE -> HARD_SWISH -> RELU: tables one after another."""
    b = ModelBuilder()
    x = b.input((1, 9, 9, 4), scale=0.06, zero_point=-5)
    s = b.tensor((1, 9, 9, 4), scale=1 / 256, zero_point=-128)
    b.op("LOGISTIC", [x], [s])
    q = b.tensor((1, 9, 9, 4), scale=0.01, zero_point=-100)
    b.op("QUANTIZE", [s], [q])
    h = b.tensor((1, 9, 9, 4), scale=0.008, zero_point=-90)
    b.op("HARD_SWISH", [q], [h])
    y = b.output(b.tensor((1, 9, 9, 4), scale=0.005, zero_point=-128))
    b.op("RELU", [h], [y])
    assert_bit_exact(b.build(), count=8, seed=3)


# ------------------------------------------------------------------------------ refusals
REFUSALS = {
    "logistic_output_scale": (("LOGISTIC", (0.05, 0), (1 / 128, -128), {}), "scale 0.00390625"),
    "logistic_output_zero_point": (("LOGISTIC", (0.05, 0), (1 / 256, 0), {}), "zero point -128"),
    "tanh_output_zero_point": (("TANH", (0.05, 0), (1 / 128, -128), {}), "zero point 0"),
    "relu6_mixed_quantization": (("RELU6", (0.05, 0), (6 / 255, -128), {}), "ignores the output"),
    "hard_swish_output_too_fine": (("HARD_SWISH", (0.5, 0), (0.0001, 0), {}), "HARD_SWISH handles"),
    "relu_n1_to_1": (("RELU_N1_TO_1", (0.05, 0), (0.05, 0), {}), "no RELU_N1_TO_1 kernel"),
}


@pytest.mark.parametrize("case", list(REFUSALS), ids=list(REFUSALS))
def test_activation_refusals(case):
    (kind, q_in, q_out, options), message = REFUSALS[case]
    with pytest.raises(McugenError, match=message) as info:
        mcugen.compile(unary_model(kind, (1, 8), q_in, q_out, **options))
    assert "\n" not in str(info.value)


def test_quantize_refuses_int16():
    """int8 -> int16 -> int8 requantization: the int16 tensor is refused with its op."""
    b = ModelBuilder()
    x = b.input((1, 8), scale=0.05, zero_point=0)
    t = b.tensor((1, 8), scale=0.001, zero_point=0, dtype=np.int16)
    b.op("QUANTIZE", [x], [t])
    y = b.output(b.tensor((1, 8), scale=0.05, zero_point=0))
    b.op("QUANTIZE", [t], [y])
    with pytest.raises(McugenError, match="QUANTIZE int8 -> int16 is not supported"):
        mcugen.compile(b.build())
