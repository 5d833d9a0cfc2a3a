"""Kernel selection: swap each op's portable kernel for its SIMD specialization.

An op offers one through OpSpec.extra["simd"](graph, op, portable, wide_weights) -> Lowered
| None (None: the portable kernel stays, e.g. a depth multiplier the SIMD kernel does not
cover); OpSpec.extra["simd_in_place"](graph, op) -> Lowered | None the SIMD kernel that runs
the op over its own input when the planner chooses so (op.params["inplace_lowered"]; without
it the portable in-place kernel does). wide_weights lets a kernel store weights pre-extended
to int16 where that is faster
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
        in_place = spec_for(op).extra.get("simd_in_place")
        variant = in_place(graph, op) if in_place and lowered is not None else None
        added = {} if simd is None else {"lowered": simd}
        if variant is not None:  # what runs the op if the planner puts it over its input
            added["inplace_lowered"] = variant
        ops.append(replace(op, params={**op.params, **added}) if added else op)
    return replace(graph, ops=tuple(ops))
