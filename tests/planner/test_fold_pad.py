"""PAD folded into the following convolution: the padded copy never exists, results stay
bit-exact with TFLM; pads that cannot fold keep their kernel (still bit-exact)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact
from tests.ops.models import Act, conv_layer, input_act


def pad_then_conv(pads, kind="PAD", value="zp", depthwise=False, padding="VALID", stride=1,
                  second_reader=False, seed=0):
    rng = np.random.default_rng(seed)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 9, 11, 4))
    shape = tuple(d + a + c for d, (a, c) in zip(x.shape, pads))
    y = b.tensor(shape, scale=x.scale, zero_point=x.zero_point)
    inputs = [x.index, b.const(np.array(pads, np.int32))]
    if kind == "PADV2":
        v = x.zero_point if value == "zp" else value
        inputs.append(b.const(np.array([v], np.int8), scale=x.scale, zero_point=x.zero_point))
    b.op(kind, inputs, [y])
    p = Act(y, shape, x.scale, x.zero_point)
    c = conv_layer(b, rng, p, depthwise=depthwise, out_c=None if depthwise else 6, kernel=(3, 3),
                   stride=(stride, stride), padding=padding, activation="RELU")
    b.output(c.index)
    if second_reader:
        b.output(conv_layer(b, rng, p, 2, kernel=(1, 1)).index)
    return b.build()


@pytest.mark.parametrize("pads,kind,depthwise,padding,stride", [
    ([[0, 0], [1, 1], [1, 1], [0, 0]], "PAD", False, "VALID", 1),
    ([[0, 0], [0, 1], [0, 1], [0, 0]], "PAD", False, "VALID", 2),   # TF's stride-2 'SAME' export
    ([[0, 0], [2, 0], [1, 3], [0, 0]], "PAD", True, "VALID", 1),
    ([[0, 0], [1, 1], [1, 1], [0, 0]], "PAD", True, "SAME", 2),
    ([[0, 0], [1, 2], [2, 1], [0, 0]], "PADV2", False, "SAME", 1),
])
def test_pad_folds_into_conv(pads, kind, depthwise, padding, stride):
    compiled = assert_bit_exact(pad_then_conv(pads, kind, depthwise=depthwise, padding=padding,
                                              stride=stride), count=8, seed=4)
    kinds = [op.kind for op in compiled.graph.ops]
    assert "PAD" not in kinds and "PADV2" not in kinds, kinds
    assert any(op.params.get("folded_pad") for op in compiled.graph.ops)


@pytest.mark.parametrize("case", ["other_value", "channels", "two_readers"])
def test_pad_that_cannot_fold_keeps_its_kernel(case):
    if case == "other_value":
        model = pad_then_conv([[0, 0], [1, 1], [1, 1], [0, 0]], "PADV2", value=5)
    elif case == "channels":
        model = pad_then_conv([[0, 0], [1, 0], [0, 1], [1, 1]], seed=2)
    else:
        model = pad_then_conv([[0, 0], [1, 1], [1, 1], [0, 0]], second_reader=True)
    compiled = assert_bit_exact(model, count=8, seed=4)
    assert any(op.kind.startswith("PAD") for op in compiled.graph.ops)
