"""The tables of the table ops (LOGISTIC, TANH, HARD_SWISH, RELU6) bit-exact with TFLite
Micro for every int8 input over many scales at once: one model per op kind holds dozens of
the op, each with its own input and output quantization, all fed every int8 value. A table built a
hair off (a digit of an exp constant, a multiplier truncated instead of rounded) shows on
the few entries that sit next to a rounding tie, so many scales are needed to meet them."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from mcugen.errors import McugenError
from mcugen.frontend import parse_tflite
from mcugen.ir import Op
from mcugen.ir.quant import f32
from mcugen.ops import spec_for
from mcugen.ops.activations import hard_swish_params, lookup_table
from tests.builder import ModelBuilder
from tests.ops import models_elementwise  # noqa: F401  (the builder's entries of these ops)
from tests.tflm import run_tflm

RAMP = np.arange(-128, 128).astype(np.int8).reshape(1, 256)


def _model(kind: str, quants, **options) -> bytes:
    """One op of `kind` per ((input scale, zp), (output scale, zp)), each on its own input."""
    b = ModelBuilder()
    for (s_in, z_in), (s_out, z_out) in quants:
        x = b.input(RAMP.shape, scale=s_in, zero_point=z_in)
        y = b.output(b.tensor(RAMP.shape, scale=s_out, zero_point=z_out))
        b.op(kind, [x], [y], **options)
    return b.build()


def _assert_every_input_bit_exact(kind: str, quants, **options) -> None:
    """The table mcugen bakes for each op (after the op's own checks accept it) equals
    TFLM's outputs for the 256 inputs. The C lookup itself is tests/ops/test_activations.py's;
    compiling dozens of ops into one C model would only take longer."""
    model = _model(kind, quants, **options)
    graph = parse_tflite(model)
    want = run_tflm(model, [RAMP] * len(quants))
    for op, q, expected in zip(graph.ops, quants, want):
        spec_for(op).check(graph, op)
        table = lookup_table(op, graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]])
        differ = np.flatnonzero(table != expected.reshape(-1))
        assert differ.size == 0, (f"{kind} {q}: {differ.size} inputs differ, first "
                                  f"{int(RAMP[0, differ[0]])}: TFLM {int(expected.reshape(-1)[differ[0]])}, "
                                  f"mcugen {int(table[differ[0]])}")


def _zero_point(n: int) -> int:
    return (n * 37) % 256 - 128


# input scales 2^-9 .. 2^3.5, 240 of them, with zero points all over int8
SIGMOID_SCALES = [float(2.0 ** e) for e in np.linspace(-9, 3.5, 240)]
FIXED_OUTPUT = {"LOGISTIC": (1 / 256, -128), "TANH": (1 / 128, 0)}


@pytest.mark.parametrize("kind", list(FIXED_OUTPUT))
def test_logistic_tanh_every_input_many_scales(kind):
    quants = [((s, _zero_point(n)), FIXED_OUTPUT[kind]) for n, s in enumerate(SIGMOID_SCALES)]
    _assert_every_input_bit_exact(kind, quants)


def _hard_swish_quants(count: int):
    """Input and output scales TFLM's HARD_SWISH takes, log-uniform, random zero points."""
    rng = np.random.default_rng(5300)
    quants = []
    while len(quants) < count:
        s_in = float(2.0 ** rng.uniform(-10, 4))
        s_out = float(s_in * 2.0 ** rng.uniform(-7, 1))
        x = (s_in, int(rng.integers(-128, 128)))
        y = (s_out, int(rng.integers(-128, 128)))
        try:
            hard_swish_params(Op(index=0, kind="HARD_SWISH", inputs=(), outputs=()),
                              SimpleNamespace(scale=x[0], zero_point=x[1]),
                              SimpleNamespace(scale=y[0], zero_point=y[1]))
        except McugenError:
            continue
        quants.append((x, y))
    return quants


def test_hard_swish_every_input_many_scales():
    _assert_every_input_bit_exact("HARD_SWISH", _hard_swish_quants(240))


def test_relu6_upper_bound_half_way():
    """Scales where 6 / scale (float32) is k + 1/2 exactly: TFLM rounds the upper bound
    half away from zero, to k + 1."""
    quants = []
    for k in range(1, 120, 3):
        near = np.float32(6 / (k + 0.5))
        for scale in (near, np.nextafter(near, np.float32(1)), np.nextafter(near, np.float32(0))):
            if np.float32(6) / scale == np.float32(k + 0.5):
                zero_point = min(0, 126 - k) - 1
                quants.append(((f32(scale), zero_point), (f32(scale), zero_point)))
                break
    assert len(quants) >= 20
    _assert_every_input_bit_exact("RELU6", quants)
