"""Kernel selection: swap each op's portable kernel for its SIMD specialization.

An op offers one through OpSpec.extra["simd"](graph, op, portable, wide_weights) -> Lowered
| None (None: the portable kernel stays, e.g. a depth multiplier the SIMD kernel does not
cover). wide_weights lets a kernel store weights pre-extended to int16 where that is faster
(more flash; the compiler retries without when the model would not fit the board).
"""
from __future__ import annotations

from dataclasses import replace

from mcugen.errors import McugenError
from mcugen.ir import Graph
from mcugen.ops import spec_for

KERNEL_SETS = ("auto", "portable", "simd")


def resolve_kernels(kernels: str, board) -> str:
    """'auto' is 'simd' unless the board lacks the DSP extension (host builds: 'simd')."""
    if kernels not in KERNEL_SETS:
        raise McugenError(f"kernels '{kernels}' is not one of {', '.join(KERNEL_SETS)}")
    if kernels == "auto":
        return "portable" if board is not None and not board.dsp else "simd"
    return kernels


def select_kernels(graph: Graph, kernels: str, wide_weights: bool = True) -> Graph:
    """Return the graph with SIMD kernels where kernels == 'simd' and the op has one."""
    if kernels != "simd":
        return graph
    ops = []
    for op in graph.ops:
        specialize = spec_for(op).extra.get("simd")
        lowered = op.params.get("lowered")
        simd = (specialize(graph, op, lowered, wide_weights)
                if specialize and lowered is not None else None)
        ops.append(op if simd is None else replace(op, params={**op.params, "lowered": simd}))
    return replace(graph, ops=tuple(ops))
