"""RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR, int8: bit-exact with TFLite Micro for
up- and down-scaling by integer and fractional factors, align_corners, half_pixel_centers,
1x1 inputs and outputs, batches, odd channel counts."""
import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.helpers import assert_bit_exact
from tests.ops.models_shape import one_op_model

NN, BL = "RESIZE_NEAREST_NEIGHBOR", "RESIZE_BILINEAR"


def resize_model(kind, shape, size, align=False, half=False, seed=0, quant=None):
    n, _, _, c = shape
    return one_op_model(kind, [shape], [(n, size[0], size[1], c)], [np.asarray(size, np.int32)],
                        in_quant=quant, rng=np.random.default_rng(seed),
                        align_corners=align, half_pixel_centers=half)


GEOMETRIES = {
    "up2x":        ((1, 4, 5, 3), (8, 10)),
    "up_frac":     ((1, 3, 7, 2), (7, 9)),
    "down2x":      ((1, 8, 6, 4), (4, 3)),
    "down_frac":   ((1, 9, 7, 5), (4, 5)),
    "mixed":       ((2, 5, 3, 3), (3, 8)),
    "from_1x1":    ((1, 1, 1, 6), (3, 4)),
    "to_1x1":      ((1, 5, 4, 2), (1, 1)),
    "same_size":   ((1, 4, 4, 1), (4, 4)),
}
MODES = {"plain": (False, False), "align": (True, False), "half": (False, True)}
CASES = {f"{kind[7:11].lower()}_{g}_{m}": (kind, g, m)
         for kind in (NN, BL) for g in GEOMETRIES for m in MODES}
CASES["near_align_and_half"] = (NN, "up_frac", "both")
MODES["both"] = (True, True)


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_resize_bit_exact(case):
    kind, geometry, mode = CASES[case]
    shape, size = GEOMETRIES[geometry]
    align, half = MODES[mode]
    model = resize_model(kind, shape, size, align, half, seed=list(CASES).index(case))
    assert_bit_exact(model, count=6, seed=11)


def test_resize_extreme_zero_point():
    assert_bit_exact(resize_model(BL, (1, 3, 3, 2), (7, 5), half=True, quant=(0.1, -128)), count=6)
    assert_bit_exact(resize_model(NN, (1, 3, 3, 2), (7, 5), quant=(0.1, 127)), count=6)


def test_resize_refusals():
    with pytest.raises(McugenError, match=r"op 0 \(RESIZE_BILINEAR\).*align_corners and half"):
        mcugen.compile(resize_model(BL, (1, 3, 3, 1), (5, 5), align=True, half=True))
    with pytest.raises(McugenError, match=r"op 0 \(RESIZE_NEAREST_NEIGHBOR\).*quantization differ"):
        mcugen.compile(one_op_model(NN, [(1, 2, 2, 1)], [(1, 4, 4, 1)], [np.asarray([4, 4], np.int32)],
                                    in_quant=(0.1, 0), out_quant=(0.2, 0)))
