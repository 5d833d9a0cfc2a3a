"""Builders of one-op int8 models for the data-movement, mean, resize and quantize tests.

Each returns .tflite bytes; shapes are computed here independently of mcugen.
"""
from __future__ import annotations

import numpy as np

from tests.builder import ModelBuilder


def quant(rng) -> tuple[float, int]:
    return float(rng.uniform(0.01, 0.2)), int(rng.integers(-128, 128))


def one_op_model(kind, in_shapes, out_shapes, consts=(), const_first=False, in_quant=None,
                 out_quant=None, rng=None, **options) -> bytes:
    """A model: int8 inputs (all sharing in_quant) -> kind -> int8 outputs (out_quant).

    consts: arrays appended after the inputs (or before them with const_first, as SPLIT's
    axis); an int8 const is given the output quantization.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    in_quant = in_quant or quant(rng)
    out_quant = out_quant or in_quant
    b = ModelBuilder()
    xs = [b.input(s, scale=in_quant[0], zero_point=in_quant[1]) for s in in_shapes]
    cs = []
    for c in consts:
        c = np.asarray(c)
        if c.dtype == np.int8:
            cs.append(b.const(c, scale=out_quant[0], zero_point=out_quant[1]))
        else:
            cs.append(b.const(c))
    ys = [b.output(b.tensor(s, scale=out_quant[0], zero_point=out_quant[1])) for s in out_shapes]
    b.op(kind, cs + xs if const_first else xs + cs, ys, **options)
    return b.build()
