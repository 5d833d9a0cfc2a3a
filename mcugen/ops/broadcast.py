"""Broadcasting of two operands, reduced to the 4-level loop nest of runtime_c/mcu_broadcast.h.

TFLM's int8 broadcast kernels (BroadcastMul4DSlow, BroadcastPrelu4DSlow, ...) take up to
4-D shapes, right-aligned, numpy rules. Here the dimensions are compressed first: size-1
output dimensions are dropped and neighbours where each operand is either fully present
or fully broadcast are merged, so a same-shape op is one flat loop and a per-channel
broadcast is two loops. The C loop order is the output's row-major order either way.
"""
from __future__ import annotations

from mcugen.ir import Op
from mcugen.ops.common import fail

MAX_BROADCAST_RANK = 4


def broadcast_out_shape(op: Op, shape1: tuple, shape2: tuple) -> tuple:
    """The numpy broadcast of two shapes, or a McugenError saying why not."""
    rank = max(len(shape1), len(shape2))
    a = (1,) * (rank - len(shape1)) + tuple(shape1)
    b = (1,) * (rank - len(shape2)) + tuple(shape2)
    out = []
    for da, db in zip(a, b):
        if da != db and 1 not in (da, db):
            raise fail(op, f"shapes {list(shape1)} and {list(shape2)} do not broadcast")
        out.append(max(da, db))
    return tuple(out)


def broadcast_loops(op: Op, shape1: tuple, shape2: tuple) -> dict:
    """Template arguments dims0..3, stride1_0..3, stride2_0..3 (element strides, 0 = broadcast)."""
    if tuple(shape1) != tuple(shape2) and max(len(shape1), len(shape2)) > MAX_BROADCAST_RANK:
        raise fail(op, f"broadcasting {list(shape1)} with {list(shape2)}: more than "
                       f"{MAX_BROADCAST_RANK} dimensions is not supported (as in TFLM)")
    out = broadcast_out_shape(op, shape1, shape2)
    rank = len(out)
    a = (1,) * (rank - len(shape1)) + tuple(shape1)
    b = (1,) * (rank - len(shape2)) + tuple(shape2)
    # (size, operand 1 present, operand 2 present) per output dimension, merged.
    levels: list[list] = []
    for n, da, db in zip(out, a, b):
        if n == 1:
            continue
        pattern = (da == n, db == n)
        if levels and (levels[-1][1], levels[-1][2]) == pattern:
            levels[-1][0] *= n
        else:
            levels.append([n, *pattern])
    if not levels:
        levels = [[1, True, True]]
    if len(levels) > 4:  # cannot happen for rank <= 4; kept as a guard
        raise fail(op, f"broadcasting {list(shape1)} with {list(shape2)} needs more than 4 loops")
    levels = [[1, False, False]] * (4 - len(levels)) + levels
    args = {}
    stride1 = stride2 = 1
    for k in range(3, -1, -1):
        size, present1, present2 = levels[k]
        args[f"dims{k}"] = size
        args[f"stride1_{k}"] = stride1 if present1 else 0
        args[f"stride2_{k}"] = stride2 if present2 else 0
        stride1 *= size if present1 else 1
        stride2 *= size if present2 else 1
    return args
