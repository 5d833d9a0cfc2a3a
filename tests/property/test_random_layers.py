"""Property: any int8 layer (or short chain of layers) TFLite would emit is bit-exact with
TFLite Micro. Shapes, strides, padding, dilation, depth multipliers, fused activations and
bias modes are drawn by Hypothesis; scales and zero points come from a drawn seed through
the op tests' builders (tests/ops/models.py), which pick realistic, unsaturated scales.

Known TFLM limits kept out of the strategies: a DEPTHWISE_CONV_2D bias given as -1 (TFLM
segfaults; tests/ops/test_depthwise_conv2d.py covers it against an equivalent model) and
softmax rows of depth >= 512 (TFLM aborts)."""
from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact
from tests.ops import models
from tests.ops.models import ACTIVATIONS, Act, out_size

seeds = st.integers(0, 2**32 - 1)
activations = st.sampled_from(ACTIVATIONS)
COUNT = 6  # input sets per example: all -128, all 127, extremes, 3 random


@st.composite
def conv_geometry(draw, depthwise=False):
    """Input shape, kernel, stride, dilation and a padding under which the output is non-empty."""
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    c = draw(st.integers(1, 8 if depthwise else 12))
    kernel = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = draw(st.sampled_from(["SAME", "VALID"]))
    if padding == "VALID" and (out_size("VALID", h, kernel[0], stride[0], dilation[0]) <= 0
                               or out_size("VALID", w, kernel[1], stride[1], dilation[1]) <= 0):
        padding = "SAME"
    batch = draw(st.sampled_from([1, 1, 1, 2]))
    return dict(in_shape=(batch, h, w, c), kernel=kernel, stride=stride, dilation=dilation, padding=padding)


@given(geo=conv_geometry(), out_c=st.integers(1, 12), activation=activations, per_channel=st.booleans(),
       bias=st.sampled_from([True, True, "zero", False, "absent"]), seed=seeds)
def test_conv2d(geo, out_c, activation, per_channel, bias, seed):
    rng = np.random.default_rng(seed)
    in_shape = geo.pop("in_shape")
    assert_bit_exact(models.conv2d_model(rng, in_shape, out_c, activation=activation, per_channel=per_channel,
                                         bias=bias, **geo), count=COUNT, seed=seed % 1000)


@given(geo=conv_geometry(depthwise=True), multiplier=st.integers(1, 4), activation=activations,
       per_channel=st.booleans(), bias=st.sampled_from([True, True, "zero", "absent"]), seed=seeds)
def test_depthwise_conv2d(geo, multiplier, activation, per_channel, bias, seed):
    rng = np.random.default_rng(seed)
    in_shape = geo.pop("in_shape")
    assert_bit_exact(models.depthwise_model(rng, in_shape, depth_multiplier=multiplier, activation=activation,
                                            per_channel=per_channel, bias=bias, **geo), count=COUNT,
                     seed=seed % 1000)


@given(rows=st.integers(1, 4), depth=st.integers(1, 64), units=st.integers(1, 32), activation=activations,
       per_channel=st.booleans(), bias=st.sampled_from([True, "zero", False, "absent"]),
       keep_num_dims=st.booleans(), seed=seeds)
def test_fully_connected(rows, depth, units, activation, per_channel, bias, keep_num_dims, seed):
    rng = np.random.default_rng(seed)
    assert_bit_exact(models.fc_model(rng, (rows, depth), units, activation=activation, per_channel=per_channel,
                                     bias=bias, keep_num_dims=keep_num_dims), count=COUNT, seed=seed % 1000)


@given(kind=st.sampled_from(["AVERAGE_POOL_2D", "MAX_POOL_2D"]), h=st.integers(1, 12), w=st.integers(1, 12),
       c=st.integers(1, 8), window=st.tuples(st.integers(1, 5), st.integers(1, 5)),
       stride=st.tuples(st.integers(1, 3), st.integers(1, 3)), padding=st.sampled_from(["SAME", "VALID"]),
       activation=activations, seed=seeds)
def test_pool2d(kind, h, w, c, window, stride, padding, activation, seed):
    if padding == "VALID" and (window[0] > h or window[1] > w):
        padding = "SAME"
    rng = np.random.default_rng(seed)
    assert_bit_exact(models.pool2d_model(rng, kind, (1, h, w, c), window, stride=stride, padding=padding,
                                         activation=activation), count=COUNT, seed=seed % 1000)


@given(shape=st.lists(st.integers(1, 6), min_size=1, max_size=4),
       scales=st.tuples(st.floats(0.002, 0.5), st.floats(0.002, 0.5)), activation=activations, seed=seeds)
def test_add(shape, scales, activation, seed):
    rng = np.random.default_rng(seed)
    assert_bit_exact(models.add_model(rng, tuple(shape), scales[0], scales[1], activation=activation),
                     count=COUNT, seed=seed % 1000)


@given(rows=st.integers(1, 4), depth=st.integers(1, 300), in_scale=st.floats(0.002, 0.5),
       beta=st.sampled_from([1.0, 1.0, 0.5, 2.0]), seed=seeds)
def test_softmax(rows, depth, in_scale, beta, seed):
    rng = np.random.default_rng(seed)
    assert_bit_exact(models.softmax_model(rng, (rows, depth), in_scale, beta=beta), count=COUNT,
                     seed=seed % 1000)


LAYERS = ["conv", "dwconv", "pool", "add_self", "reshape_fc", "fc", "softmax"]


@given(kinds=st.lists(st.sampled_from(LAYERS), min_size=2, max_size=4), h=st.integers(2, 10),
       w=st.integers(2, 10), c=st.integers(1, 6), data=st.data(), seed=seeds)
def test_small_multi_op_models(kinds, h, w, c, data, seed):
    """Chains of 2-4 layers; 4-D layers after a flattening one become FC layers."""
    rng = np.random.default_rng(seed)
    b = ModelBuilder()
    x = models.input_act(b, rng, (1, h, w, c))
    for kind in kinds:
        flat = len(x.shape) != 4
        if kind in ("conv", "dwconv") and not flat:
            geo = data.draw(conv_geometry(), label=kind)
            x = models.conv_layer(b, rng, x, out_c=data.draw(st.integers(1, 8)), kernel=geo["kernel"],
                                  stride=geo["stride"], padding="SAME", activation=data.draw(activations),
                                  depthwise=kind == "dwconv", depth_multiplier=data.draw(st.integers(1, 2)))
        elif kind == "pool" and not flat:
            window = (min(2, x.shape[1]), min(2, x.shape[2]))
            x = models.pool_layer(b, x, data.draw(st.sampled_from(["AVERAGE_POOL_2D", "MAX_POOL_2D"])), window,
                                  stride=window)
        elif kind == "add_self":
            out_scale = x.scale * float(rng.uniform(1.5, 2.5))
            y = b.tensor(x.shape, scale=out_scale, zero_point=int(rng.integers(-128, 128)))
            b.op("ADD", [x.index, x.index], [y], fused_activation_function=data.draw(activations))
            x = Act(y, x.shape, out_scale, b.tensors[y]["zero_point"])
        elif kind == "reshape_fc" or (flat and kind != "softmax") or kind == "fc":
            if kind == "reshape_fc" and not flat:
                x = models.view_layer(b, x, "RESHAPE", (1, int(np.prod(x.shape))))
            x = models.fc_layer(b, rng, x, units=data.draw(st.integers(1, 16)), activation=data.draw(activations))
        else:
            x = models.softmax_layer(b, x)
    b.output(x.index)
    assert_bit_exact(b.build(), count=COUNT, seed=seed % 1000)


@st.composite
def constant_channels(draw, channels: int):
    """(dead, zeroed): output channels given a tiny filter scale or all-zero weights."""
    kinds = draw(st.lists(st.sampled_from(["live", "live", "dead", "zeroed"]), min_size=channels,
                          max_size=channels))
    return (tuple(c for c, k in enumerate(kinds) if k == "dead"),
            tuple(c for c, k in enumerate(kinds) if k == "zeroed"))


@st.composite
def window(draw, h: int, w: int, depthwise: bool):
    """Kernel, stride, dilation and padding for an h x w input, with a non-empty output."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = draw(st.sampled_from(["SAME", "VALID"]))
    if out_size("VALID", h, kernel[0], 1, dilation[0]) <= 0 or out_size("VALID", w, kernel[1], 1, dilation[1]) <= 0:
        padding = "SAME"
    return dict(kernel=kernel, stride=(draw(st.integers(1, 2)), draw(st.integers(1, 2))), dilation=dilation,
                padding=padding)


@given(h=st.integers(1, 8), w=st.integers(1, 8), c=st.integers(1, 6), mid=st.integers(1, 12),
       depthwise=st.booleans(), pool=st.booleans(), tail=st.sampled_from(["conv", "fc"]), data=st.data(),
       seed=seeds)
def test_chains_with_constant_channels(h, w, c, mid, depthwise, pool, tail, data, seed):
    """conv -> [depthwise] -> [pool] -> conv or FC, with output channels that hold one value
    whatever the input (tiny filter scales, zero weights): left out by
    mcugen/passes/constant_channels.py, folded into the next bias or passed on, bit-exact."""
    rng = np.random.default_rng(seed)
    b = ModelBuilder()
    x = models.input_act(b, rng, (data.draw(st.sampled_from([1, 1, 2])), h, w, c))
    dead, zeroed = data.draw(constant_channels(mid))
    x = models.conv_layer(b, rng, x, mid, activation=data.draw(activations), dead=dead, zeroed=zeroed,
                          **data.draw(window(h, w, False)))
    if depthwise:
        multiplier = data.draw(st.integers(1, 2))
        dead, zeroed = data.draw(constant_channels(mid * multiplier))
        x = models.conv_layer(b, rng, x, depthwise=True, depth_multiplier=multiplier, dead=dead, zeroed=zeroed,
                              activation=data.draw(activations), **data.draw(window(*x.shape[1:3], True)))
    if pool:
        size = (data.draw(st.integers(1, x.shape[1])), data.draw(st.integers(1, x.shape[2])))
        x = models.pool_layer(b, x, data.draw(st.sampled_from(["AVERAGE_POOL_2D", "MAX_POOL_2D"])), size,
                              stride=size)
    if tail == "conv":
        x = models.conv_layer(b, rng, x, data.draw(st.integers(1, 8)), activation=data.draw(activations),
                              **data.draw(window(*x.shape[1:3], False)))
    else:
        x = models.fc_layer(b, rng, x, data.draw(st.integers(1, 8)), depth=int(np.prod(x.shape[1:])),
                            activation=data.draw(activations))
    b.output(x.index)
    assert_bit_exact(b.build(), count=COUNT, seed=seed % 1000)
