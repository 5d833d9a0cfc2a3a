"""The portable kernels stay bit-exact with TFLM now that builds default to the SIMD ones:
the CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED cases of the op tests, rerun with
kernels="portable" (same models, same seeds as there)."""
import numpy as np
import pytest

from tests.helpers import assert_bit_exact
from tests.ops import test_conv2d, test_depthwise_conv2d, test_fully_connected
from tests.ops.models import conv2d_model, depthwise_model, fc_model


@pytest.mark.parametrize("case", list(test_conv2d.CASES))
def test_portable_conv2d(case):
    in_shape, out_c, kernel, stride, dilation, padding, activation, per_channel = test_conv2d.CASES[case]
    rng = np.random.default_rng(list(test_conv2d.CASES).index(case))
    model = conv2d_model(rng, in_shape, out_c, kernel=kernel, stride=stride, dilation=dilation,
                         padding=padding, activation=activation, per_channel=per_channel)
    compiled = assert_bit_exact(model, count=6, seed=1, kernels="portable")
    assert "mcu_conv2d_s8(" in compiled.files[f"{compiled.prefix}.c"]


@pytest.mark.parametrize("case", list(test_depthwise_conv2d.CASES))
def test_portable_depthwise_conv2d(case):
    cases = test_depthwise_conv2d.CASES
    in_shape, multiplier, kernel, stride, dilation, padding, activation, per_channel = cases[case]
    rng = np.random.default_rng(1000 + list(cases).index(case))
    model = depthwise_model(rng, in_shape, depth_multiplier=multiplier, kernel=kernel, stride=stride,
                            dilation=dilation, padding=padding, activation=activation,
                            per_channel=per_channel)
    assert_bit_exact(model, count=6, seed=1, kernels="portable")


@pytest.mark.parametrize("case", list(test_fully_connected.CASES))
def test_portable_fully_connected(case):
    in_shape, units, activation, per_channel, extra = test_fully_connected.CASES[case]
    rng = np.random.default_rng(2000 + list(test_fully_connected.CASES).index(case))
    model = fc_model(rng, in_shape, units, activation=activation, per_channel=per_channel, **extra)
    compiled = assert_bit_exact(model, count=6, seed=1, kernels="portable")
    assert "mcu_fc_s8(" in compiled.files[f"{compiled.prefix}.c"]
