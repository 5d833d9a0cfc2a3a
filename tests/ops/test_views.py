"""RESHAPE and SQUEEZE (views, no code): bit-exact with TFLite Micro when chained between
real ops, as the first op, as the last op, chained with each other, and alone."""
import numpy as np
import pytest

from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact
from tests.ops.models import conv_layer, fc_layer, input_act, pool_layer, softmax_layer, view_layer


def _conv_reshape_fc(b, rng):
    x = input_act(b, rng, (1, 6, 6, 3))
    c = conv_layer(b, rng, x, 8, kernel=(3, 3), padding="VALID", activation="RELU")  # 1x4x4x8
    r = view_layer(b, c, "RESHAPE", (1, 128))
    return fc_layer(b, rng, r, 10)


def _conv_reshape_shape_input_fc(b, rng):
    x = input_act(b, rng, (1, 6, 6, 3))
    c = conv_layer(b, rng, x, 8, kernel=(3, 3), padding="VALID")
    r = view_layer(b, c, "RESHAPE", (1, 128), shape_input=True)
    return fc_layer(b, rng, r, 10, activation="RELU6")


def _conv_squeeze_fc(b, rng):
    x = input_act(b, rng, (1, 5, 5, 3))
    c = conv_layer(b, rng, x, 8, kernel=(5, 5), padding="VALID")  # 1x1x1x8
    s = view_layer(b, c, "SQUEEZE", (1, 8), squeeze_dims=[1, 2])
    return fc_layer(b, rng, s, 5, per_channel=True)


def _conv_squeeze_all_fc(b, rng):
    x = input_act(b, rng, (1, 5, 5, 3))
    c = conv_layer(b, rng, x, 8, kernel=(5, 5), padding="VALID")  # 1x1x1x8
    s = view_layer(b, c, "SQUEEZE", (8,))  # no squeeze_dims: every size-1 dimension
    return fc_layer(b, rng, s, 5)


def _pool_squeeze_softmax(b, rng):
    x = input_act(b, rng, (1, 5, 5, 10))
    p = pool_layer(b, x, "AVERAGE_POOL_2D", (5, 5))  # 1x1x1x10
    s = view_layer(b, p, "SQUEEZE", (1, 10), squeeze_dims=[1, 2])
    return softmax_layer(b, s)


def _fc_reshape_softmax(b, rng):
    x = input_act(b, rng, (1, 20))
    f = fc_layer(b, rng, x, 30)
    r = view_layer(b, f, "RESHAPE", (1, 3, 10))
    return softmax_layer(b, r)


def _input_reshape_conv(b, rng):
    x = input_act(b, rng, (1, 63))
    r = view_layer(b, x, "RESHAPE", (1, 7, 9, 1))
    return conv_layer(b, rng, r, 8, kernel=(3, 3), padding="SAME", activation="RELU")


def _conv_reshape_last(b, rng):
    x = input_act(b, rng, (1, 6, 6, 3))
    c = conv_layer(b, rng, x, 8, kernel=(3, 3), padding="VALID")
    return view_layer(b, c, "RESHAPE", (1, 16, 8))


def _conv_squeeze_last(b, rng):
    x = input_act(b, rng, (1, 3, 3, 8))
    c = conv_layer(b, rng, x, 17, kernel=(3, 3), padding="VALID", activation="RELU6")
    return view_layer(b, c, "SQUEEZE", (1, 17), squeeze_dims=[1, 2])


def _fc_reshape_last(b, rng):
    x = input_act(b, rng, (2, 17))
    f = fc_layer(b, rng, x, 10)
    return view_layer(b, f, "RESHAPE", (1, 2, 5, 2))


def _conv_reshape_reshape_fc(b, rng):
    x = input_act(b, rng, (1, 6, 6, 3))
    c = conv_layer(b, rng, x, 8, kernel=(3, 3), padding="VALID")
    r1 = view_layer(b, c, "RESHAPE", (1, 16, 8))
    r2 = view_layer(b, r1, "RESHAPE", (1, 128))
    return fc_layer(b, rng, r2, 10)


def _conv_reshape_squeeze_last(b, rng):
    x = input_act(b, rng, (1, 5, 5, 3))
    c = conv_layer(b, rng, x, 8, kernel=(3, 3), padding="VALID")  # 1x3x3x8
    r = view_layer(b, c, "RESHAPE", (1, 1, 72))
    return view_layer(b, r, "SQUEEZE", (1, 72), squeeze_dims=[1])


def _reshape_only(b, rng):
    x = input_act(b, rng, (1, 6, 10))
    return view_layer(b, x, "RESHAPE", (1, 60))


def _squeeze_only(b, rng):
    x = input_act(b, rng, (1, 1, 1, 10))
    return view_layer(b, x, "SQUEEZE", (1, 10), squeeze_dims=[1, 2])


MODELS = {
    "conv_reshape_fc": _conv_reshape_fc,
    "conv_reshape_with_shape_tensor_fc": _conv_reshape_shape_input_fc,
    "conv_squeeze_fc": _conv_squeeze_fc,
    "conv_squeeze_all_dims_fc": _conv_squeeze_all_fc,
    "avgpool_squeeze_softmax": _pool_squeeze_softmax,
    "fc_reshape_softmax_rows": _fc_reshape_softmax,
    "input_reshape_conv": _input_reshape_conv,
    "conv_reshape_last": _conv_reshape_last,
    "conv_squeeze_last": _conv_squeeze_last,
    "fc_reshape_last": _fc_reshape_last,
    "conv_reshape_reshape_fc": _conv_reshape_reshape_fc,
    "conv_reshape_squeeze_last": _conv_reshape_squeeze_last,
    "reshape_only": _reshape_only,
    "squeeze_only": _squeeze_only,
}


@pytest.mark.parametrize("name", list(MODELS), ids=list(MODELS))
def test_view_bit_exact(name):
    rng = np.random.default_rng(6000 + list(MODELS).index(name))
    b = ModelBuilder()
    b.output(MODELS[name](b, rng).index)
    assert_bit_exact(b.build(), count=12, seed=1)
