"""STRIDED_SLICE, int8: bit-exact with TFLite Micro for 1-D to 4-D inputs, positive and
negative begin/end, strides > 1 and < 0, begin/end masks, shrink_axis_mask; refusals for
the masks TFLM ignores (ellipsis, new_axis) and offset."""
import re

import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.helpers import assert_bit_exact
from tests.ops.models_shape import one_op_model


def _expected_shape(shape, begin, end, strides, begin_mask, end_mask, shrink):
    """Python slicing semantics (independent of mcugen) for the output shape."""
    dims = []
    for axis, size in enumerate(shape):
        if shrink >> axis & 1:
            continue
        b = None if begin_mask >> axis & 1 else begin[axis]
        e = None if end_mask >> axis & 1 else end[axis]
        dims.append(len(range(size)[slice(b, e, strides[axis])]))
    return tuple(dims)


def slice_model(shape, begin, end, strides, begin_mask=0, end_mask=0, shrink=0, seed=0, **extra):
    out_shape = _expected_shape(shape, begin, end, strides, begin_mask, end_mask, shrink)
    consts = [np.asarray(v, np.int32) for v in (begin, end, strides)]
    return one_op_model("STRIDED_SLICE", [shape], [out_shape], consts, rng=np.random.default_rng(seed),
                        begin_mask=begin_mask, end_mask=end_mask, shrink_axis_mask=shrink, **extra)


# id: (shape, begin, end, strides, begin_mask, end_mask, shrink_axis_mask)
CASES = {
    "nhwc_crop":            ((1, 7, 9, 5), [0, 1, 2, 0], [1, 6, 8, 5], [1, 1, 1, 1], 0, 0, 0),
    "nhwc_channels":        ((1, 4, 5, 8), [0, 0, 0, 3], [1, 4, 5, 7], [1, 1, 1, 1], 0, 0, 0),
    "stride2_hw":           ((1, 7, 9, 3), [0, 0, 1, 0], [1, 7, 9, 3], [1, 2, 2, 1], 0, 0, 0),
    "stride3_odd":          ((2, 8, 5, 4), [1, 1, 0, 1], [2, 8, 5, 4], [1, 3, 2, 2], 0, 0, 0),
    "negative_indices":     ((1, 6, 6, 4), [0, -4, -5, -3], [1, -1, -1, -1], [1, 1, 1, 1], 0, 0, 0),
    "negative_stride":      ((1, 6, 5, 3), [0, 5, 4, 2], [1, 0, 0, 0], [1, -1, -2, -1], 0, 0, 0),
    "reverse_all_masks":    ((1, 4, 5, 3), [0, 0, 0, 0], [0, 0, 0, 0], [1, -1, -1, -1], 0b1111, 0b1111, 0),
    "begin_mask":           ((1, 6, 6, 4), [0, 3, 3, 1], [1, 5, 6, 4], [1, 1, 1, 1], 0b0110, 0, 0),
    "end_mask":             ((1, 6, 6, 4), [0, 3, 3, 1], [1, 4, 4, 2], [1, 1, 1, 1], 0, 0b1010, 0),
    "end_beyond_size":      ((1, 5, 5, 2), [0, 1, 1, 0], [1, 99, 99, 9], [1, 2, 1, 1], 0, 0, 0),
    "shrink_batch":         ((3, 4, 5, 2), [1, 0, 0, 0], [2, 4, 5, 2], [1, 1, 1, 1], 0, 0, 0b0001),
    "shrink_last":          ((1, 4, 5, 6), [0, 0, 0, 4], [1, 4, 5, 5], [1, 1, 1, 1], 0, 0, 0b1000),
    "shrink_negative":      ((1, 4, 5, 6), [0, -1, 0, 0], [1, 0, 5, 6], [1, 1, 1, 1], 0, 0, 0b0010),
    "shrink_two_axes":      ((2, 4, 5, 6), [1, 2, 0, 0], [2, 3, 5, 6], [1, 1, 1, 1], 0, 0, 0b0011),
    "1d":                   ((10,), [2], [9], [3], 0, 0, 0),
    "1d_reverse":           ((10,), [-1], [0], [-1], 0, 0b1, 0),
    "2d":                   ((5, 7), [1, 0], [4, 7], [2, 3], 0, 0, 0),
    "3d":                   ((3, 5, 4), [0, 1, 1], [3, 5, 3], [2, 1, 1], 0, 0, 0),
    "one_element":          ((1, 3, 3, 1), [0, 1, 1, 0], [1, 2, 2, 1], [1, 1, 1, 1], 0, 0, 0),
    "full_copy":            ((1, 3, 4, 5), [0, 0, 0, 0], [1, 3, 4, 5], [1, 1, 1, 1], 0, 0, 0),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_strided_slice_bit_exact(case):
    shape, begin, end, strides, bm, em, shrink = CASES[case]
    model = slice_model(shape, begin, end, strides, bm, em, shrink, seed=list(CASES).index(case))
    assert_bit_exact(model, count=5, seed=5)


def test_contiguous_slice_is_one_memcpy_per_row():
    compiled = mcugen.compile(slice_model((1, 7, 9, 5), [0, 1, 2, 0], [1, 6, 8, 5], [1, 1, 1, 1]))
    geometry = [c for op in compiled.graph.ops for c in op.params["lowered"].consts][0].values
    assert geometry[-3:].tolist() == [6 * 5, 1, 1]  # innermost run: 6 pixels x 5 channels


@pytest.mark.parametrize("option, pattern", [
    (dict(ellipsis_mask=1), "ellipsis_mask"), (dict(new_axis_mask=2), "new_axis_mask"),
    (dict(offset=True), "offset")])
def test_strided_slice_refusals(option, pattern):
    model = slice_model((1, 4, 4, 2), [0, 0, 0, 0], [1, 2, 2, 2], [1, 1, 1, 1], **option)
    with pytest.raises(McugenError) as info:
        mcugen.compile(model)
    assert re.search(rf"op 0 \(STRIDED_SLICE\).*{pattern}", str(info.value))


def test_strided_slice_5d_refused():
    with pytest.raises(McugenError, match="at most 4"):
        mcugen.compile(slice_model((1, 2, 2, 2, 2), [0] * 5, [1, 2, 2, 2, 1], [1] * 5))


