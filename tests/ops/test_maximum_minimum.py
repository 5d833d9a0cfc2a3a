"""MAXIMUM and MINIMUM, int8: bit-exact with TFLite Micro over shapes (odd, 1-element),
zero points (incl. -128 and 127), broadcasting patterns and constant operands; mixed
quantization is refused (TFLM compares raw int8 values)."""
import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.helpers import assert_bit_exact
from tests.ops.models_elementwise import binary_model

# id: (shape1, shape2, output shape, scale, zero point)
CASES = {
    "same_7x9x3":          ((1, 7, 9, 3), (1, 7, 9, 3), (1, 7, 9, 3), 0.05, 3),
    "zero_point_min":      ((1, 4, 4, 8), (1, 4, 4, 8), (1, 4, 4, 8), 0.02, -128),
    "zero_point_max":      ((1, 4, 4, 8), (1, 4, 4, 8), (1, 4, 4, 8), 0.02, 127),
    "one_element":         ((1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1), 0.1, 0),
    "odd_1001":            ((1, 1001), (1, 1001), (1, 1001), 0.03, -3),
    "bcast_channels":      ((1, 5, 7, 8), (1, 1, 1, 8), (1, 5, 7, 8), 0.05, 3),
    "bcast_scalar":        ((1, 5, 7, 3), (1,), (1, 5, 7, 3), 0.05, -50),
    "bcast_first_operand": ((1, 1, 1, 8), (1, 5, 7, 8), (1, 5, 7, 8), 0.05, 3),
    "bcast_both_ways":     ((1, 5, 1, 8), (1, 1, 7, 1), (1, 5, 7, 8), 0.05, 3),
    "bcast_middle_dims":   ((2, 3, 4, 5), (2, 1, 4, 1), (2, 3, 4, 5), 0.04, 0),
    "bcast_3d":            ((5, 7, 8), (7, 1), (5, 7, 8), 0.04, 100),
}


@pytest.mark.parametrize("kind", ["MAXIMUM", "MINIMUM"])
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_maximum_minimum_bit_exact(kind, case):
    shape1, shape2, out_shape, scale, zp = CASES[case]
    model = binary_model(kind, shape1, shape2, out_shape, (scale, zp), (scale, zp), (scale, zp))
    assert_bit_exact(model, count=12, seed=1)


@pytest.mark.parametrize("kind", ["MAXIMUM", "MINIMUM"])
def test_maximum_minimum_constant_operand(kind):
    """E.g. a clamp to a learned floor: max(x, const)."""
    rng = np.random.default_rng(5200)
    model = binary_model(kind, (1, 5, 7, 8), (1, 1, 1, 8), (1, 5, 7, 8), (0.05, 3), (0.05, 3),
                         (0.05, 3), rng=rng, const2=True)
    assert_bit_exact(model, count=12, seed=1)


@pytest.mark.parametrize("kind", ["MAXIMUM", "MINIMUM"])
def test_maximum_minimum_refuses_mixed_quantization(kind):
    model = binary_model(kind, (1, 4), (1, 4), (1, 4), (0.05, 3), (0.04, 3), (0.05, 3))
    with pytest.raises(McugenError, match="share one quantization"):
        mcugen.compile(model)
