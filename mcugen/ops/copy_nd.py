"""Strided-copy geometry shared by the data-movement ops (runtime_c/mcu_copy_s8.h).

An op that only moves bytes is described as loops over output elements, each loop with
a count, an input stride and an output stride. `copy_geometry` drops size-1 loops,
merges loops that are contiguous on both sides (so a plain slice becomes one memcpy)
and pads to the kernel's fixed rank.
"""
from __future__ import annotations

import numpy as np

from mcugen.ir import Tensor
from mcugen.ops.registry import ConstArray

COPY_RANK = 6  # MCU_COPY_RANK in runtime_c/mcu_copy_s8.h
KERNEL = "mcu_copy_s8.h"


def row_major_strides(shape) -> list[int]:
    strides, step = [], 1
    for d in reversed(list(shape)):
        strides.append(step)
        step *= int(d)
    return strides[::-1]


def copy_geometry(counts, in_strides, out_strides, in_offset: int = 0, out_offset: int = 0) -> np.ndarray:
    """The int32 geometry array of mcu_copy_nd_s8 for loops (outermost first)."""
    loops = [(int(n), int(i), int(o)) for n, i, o in zip(counts, in_strides, out_strides) if int(n) != 1]
    merged: list[tuple[int, int, int]] = []
    for n, i, o in loops:
        if merged:
            pn, pi, po = merged[-1]
            if pi == i * n and po == o * n:
                merged[-1] = (pn * n, i, o)
                continue
        merged.append((n, i, o))
    if len(merged) > COPY_RANK:
        raise ValueError(f"copy needs {len(merged)} loops; the kernel has {COPY_RANK}")
    # The innermost loop is a memcpy when contiguous on both sides, else an element loop.
    merged = merged or [(1, 1, 1)]
    padded = [(1, 0, 0)] * (COPY_RANK - len(merged)) + merged
    values = [in_offset, out_offset] + [v for loop in padded for v in loop]
    return np.asarray(values, dtype=np.int32)


def geometry_const(role: str, geometry: np.ndarray) -> ConstArray:
    return ConstArray(role=role, ctype="int32_t", values=geometry)


def same_quant(a: Tensor, b: Tensor) -> bool:
    return (a.quant is not None and b.quant is not None
            and np.float32(a.scale) == np.float32(b.scale) and a.zero_point == b.zero_point)
