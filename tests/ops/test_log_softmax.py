"""LOG_SOFTMAX, int8: bit-exact with TFLite Micro over input scales (tiny to large, so the
diff_min cut-off and the reverse-scaled cut-off both bite), zero points (incl. -128 and
127), row lengths from 1 to 3000 and batch shapes; wrong output quantization refused."""
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.helpers import assert_bit_exact
from tests.ops.models_elementwise import unary_model

OUT = (16 / 256, 127)

# id: (shape, input scale, input zero point)
CASES = {
    "scale_0.001_depth_10":  ((1, 10), 0.001, 0),
    "scale_0.01_zp_min":     ((1, 10), 0.01, -128),
    "scale_0.05":            ((2, 17), 0.05, 3),
    "scale_0.1_zp_max":      ((1, 10), 0.1, 127),
    "scale_0.3":             ((3, 12), 0.3, -40),
    "scale_2":               ((1, 10), 2.0, 10),
    "scale_8":               ((1, 10), 8.0, 0),
    "one_element":           ((1, 1), 0.05, 0),
    "depth_2":               ((5, 2), 0.1, 0),
    "nhwc_rows":             ((1, 4, 7, 33), 0.07, -5),
    "depth_1000":            ((1, 1000), 0.02, 0),
    "depth_3000_small_scale": ((1, 3000), 0.002, 0),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_log_softmax_bit_exact(case):
    shape, scale, zero_point = CASES[case]
    assert_bit_exact(unary_model("LOG_SOFTMAX", shape, (scale, zero_point), OUT), count=12, seed=1)


@pytest.mark.parametrize("q_out", [(1 / 16 * 1.001, 127), (1 / 16, 0)], ids=["scale", "zero_point"])
def test_log_softmax_refuses_other_output_quantization(q_out):
    with pytest.raises(McugenError, match="scale 16/256 and zero point 127"):
        mcugen.compile(unary_model("LOG_SOFTMAX", (1, 10), (0.05, 0), q_out))
