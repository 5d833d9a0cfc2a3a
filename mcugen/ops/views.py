"""RESHAPE and SQUEEZE: the output is the input's bytes under another shape; no code."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.common import fail, out, tensor_in
from mcugen.ops.registry import Lowered, OpSpec, register


def _check(graph: Graph, op: Op) -> None:
    x, y = tensor_in(graph, op, 0, "input"), out(graph, op)
    if x.dtype != y.dtype:
        raise fail(op, f"input is {x.dtype} but output is {y.dtype}")
    if x.is_const:
        raise fail(op, "reshaping a constant tensor is not supported")
    if any(d <= 0 for d in y.shape) or x.size != y.size:
        raise fail(op, f"cannot view shape {list(x.shape)} as {list(y.shape)}")
    if x.quant is not None and y.quant is not None and (
            x.scale != y.scale or x.zero_point != y.zero_point):
        raise fail(op, "input and output quantization differ")


for _kind in ("RESHAPE", "SQUEEZE", "EXPAND_DIMS"):
    register(OpSpec(kind=_kind, check=_check, lower=lambda g, o: Lowered(args={}),
                    template=None, view=True))
