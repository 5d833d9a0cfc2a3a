"""MEAN, int8: bit-exact with TFLite Micro over H,W (global average pooling) with keep_dims
true and false, every single axis and pairs of axes of 1-D to 5-D inputs, negative axes,
shared and differing input/output quantization (TFLM requantizes in both cases,
folding 1/count into the multiplier), extreme zero points and scale ratios above and below one."""
import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.helpers import assert_bit_exact
from tests.ops.models_shape import one_op_model


def mean_model(shape, axes, keep, in_quant, out_quant, seed=0):
    rank = len(shape)
    resolved = {a + rank if a < 0 else a for a in axes}
    out_shape = tuple(1 if d in resolved else shape[d] for d in range(rank)) if keep else \
        tuple(shape[d] for d in range(rank) if d not in resolved)
    return one_op_model("MEAN", [shape], [out_shape], [np.asarray(axes, np.int32)],
                        in_quant=in_quant, out_quant=out_quant, rng=np.random.default_rng(seed),
                        keep_dims=keep)


SAME = ((0.05, -7), (0.05, -7))
CASES = {
    # (shape, axes, keep_dims, input quant, output quant); None = same as input
    "hw_keep_requant":          ((1, 7, 9, 5), [1, 2], True, (0.05, 3), (0.02, -10)),
    "hw_nokeep_requant":        ((1, 7, 9, 5), [1, 2], False, (0.05, 3), (0.02, -10)),
    "hw_keep_same":             ((1, 7, 9, 5), [1, 2], True, *SAME),
    "hw_nokeep_same":           ((1, 7, 9, 5), [2, 1], False, *SAME),
    "hw_keep_same_zp_m128":     ((1, 5, 5, 3), [1, 2], True, (0.1, -128), (0.1, -128)),
    "hw_keep_same_zp_127":      ((1, 5, 5, 3), [1, 2], True, (0.1, 127), (0.1, 127)),
    "hw_keep_zp_extremes":      ((1, 5, 5, 3), [1, 2], True, (0.1, -128), (0.1, 127)),
    "hw_keep_scale_up":         ((1, 4, 6, 8), [1, 2], True, (0.2, 0), (0.01, 5)),
    "hw_keep_scale_down":       ((1, 4, 6, 8), [1, 2], True, (0.01, -50), (0.3, 20)),
    "hw_keep_global_49x10":     ((1, 49, 10, 16), [1, 2], True, (0.03, -20), (0.011, -3)),
    "hw_batch2":                ((2, 3, 5, 4), [1, 2], True, (0.07, 9), (0.05, 1)),
    "hw_one_pixel":             ((1, 1, 1, 6), [1, 2], True, (0.07, 9), (0.05, 1)),
    "hw_negative_axes":         ((1, 6, 3, 4), [-3, -2], False, (0.04, 0), (0.03, 0)),
    "channels_keep":            ((1, 3, 4, 10), [3], True, (0.05, -5), (0.04, 7)),
    "channels_nokeep_same":     ((1, 3, 4, 10), [-1], False, *SAME),
    "height_only":              ((1, 6, 4, 3), [1], False, (0.05, 2), (0.06, -1)),
    "width_only_same":          ((1, 6, 4, 3), [2], True, *SAME),
    "batch_axis":               ((3, 2, 2, 2), [0], False, (0.05, 2), (0.06, -1)),
    "hc_pair":                  ((1, 4, 3, 5), [1, 3], True, (0.05, 2), (0.06, -1)),
    "nc_pair_same":             ((2, 3, 4, 5), [0, 3], False, *SAME),
    "duplicate_axes":           ((1, 4, 4, 3), [1, 1, 2], True, (0.05, 2), (0.06, -1)),
    "1d":                       ((9,), [0], False, (0.05, 2), (0.06, -1)),
    "1d_keep_same":             ((9,), [0], True, *SAME),
    "2d_rows":                  ((5, 7), [1], False, (0.05, 2), (0.02, -1)),
    "3d_axis1":                 ((3, 8, 5), [1], True, (0.05, 2), (0.06, -1)),
    "5d_axes_2_3":              ((1, 2, 3, 4, 3), [2, 3], False, (0.05, 2), (0.06, -1)),
    "three_axes_hwc":           ((2, 3, 4, 5), [1, 2, 3], True, (0.05, 3), (0.02, -10)),
    "all_four_axes_same":       ((2, 3, 4, 5), [0, 1, 2, 3], False, *SAME),
    "5d_axes_0_2_4":            ((2, 3, 2, 3, 2), [0, 2, 4], True, (0.05, 3), (0.02, -10)),
    "5d_axis4_same":            ((2, 1, 3, 2, 5), [4], True, *SAME),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_mean_bit_exact(case):
    shape, axes, keep, in_q, out_q = CASES[case]
    model = mean_model(shape, axes, keep, in_q, out_q, seed=list(CASES).index(case))
    assert_bit_exact(model, count=12, seed=10)


def test_mean_refuses_an_axis_out_of_range():
    model = one_op_model("MEAN", [(1, 2, 3, 4)], [(1, 2, 3, 4)], [np.asarray([4], np.int32)],
                         keep_dims=True)
    with pytest.raises(McugenError, match=r"op 0 \(MEAN\).*out of range"):
        mcugen.compile(model)
