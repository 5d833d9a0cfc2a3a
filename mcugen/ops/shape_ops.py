"""Data-movement ops, int8, all lowered to strided copies (runtime_c/mcu_copy_s8.h):
CONCATENATION, TRANSPOSE, STRIDED_SLICE, SPLIT, SPLIT_V, SPACE_TO_DEPTH, DEPTH_TO_SPACE.

TFLM's reference kernels move bytes without requantizing; mcugen requires every input and
output of these ops to share one scale and zero point (as TFLM does for CONCATENATION and
as the converter always emits) and refuses the rest.
"""
from __future__ import annotations

import math

import numpy as np

from mcugen.ir import Graph, Op, Tensor
from mcugen.ops.common import (
    check_shape,
    fail,
    out,
    require_activation_scale,
    require_const,
    require_int8_activation,
    tensor_in,
)
from mcugen.ops.copy_nd import KERNEL, copy_geometry, geometry_const, row_major_strides, same_quant
from mcugen.ops.registry import Lowered, OpSpec, register

MAX_CONCAT_INPUTS = 10  # concatenation.cc kMaxInputNum
MAX_CONCAT_RANK = 6  # RuntimeShape::kMaxSmallSize
MAX_TRANSPOSE_RANK = 5
MAX_SLICE_RANK = 4  # strided_slice_common.cc kMaxDim


def _activation(op: Op, tensor: Tensor, role: str) -> None:
    require_int8_activation(op, tensor, role)
    require_activation_scale(op, tensor, role)


def _same_quant_all(op: Op, reference: Tensor, others, what: str) -> None:
    for tensor in others:
        if not same_quant(reference, tensor):
            raise fail(op, f"{what} quantization differs ('{tensor.name}' vs '{reference.name}'); "
                           f"TFLM copies int8 bytes without requantizing, so they must be equal")


def _const_ints(op: Op, tensor: Tensor, role: str) -> list[int]:
    require_const(op, tensor, role, "int32")
    return [int(v) for v in tensor.values.reshape(-1)]


def _axis(op: Op, axis: int, rank: int) -> int:
    if not -rank <= axis < rank:
        raise fail(op, f"axis {axis} is out of range for a {rank}-D tensor")
    return axis + rank if axis < 0 else axis


def _lowered(function: str, geometries: list[np.ndarray], roles=None) -> Lowered:
    roles = roles or [f"part{i}" for i in range(len(geometries))]
    return Lowered(args={}, consts=tuple(geometry_const(r, g) for r, g in zip(roles, geometries)),
                   kernel=KERNEL, function=function)


# ------------------------------------------------------------------ CONCATENATION
def _concat_inputs(graph: Graph, op: Op) -> tuple[list[Tensor], Tensor, int]:
    y = out(graph, op)
    _activation(op, y, "output")
    if op.options.get("fused_activation_function", "NONE") != "NONE":
        raise fail(op, f"fused activation {op.options['fused_activation_function']} is not supported "
                       f"(TFLM's CONCATENATION only accepts NONE)")
    if not 1 <= len(op.inputs) <= MAX_CONCAT_INPUTS:
        raise fail(op, f"{len(op.inputs)} inputs; TFLM concatenates 1 to {MAX_CONCAT_INPUTS}")
    xs = [tensor_in(graph, op, i, f"input {i}") for i in range(len(op.inputs))]
    for i, x in enumerate(xs):
        if x.is_const:
            raise fail(op, f"input {i} '{x.name}' is a constant; constant CONCATENATION inputs "
                           f"are not supported")
        _activation(op, x, f"input {i}")
    rank = len(y.shape)
    if rank > MAX_CONCAT_RANK or any(len(x.shape) != rank for x in xs):
        raise fail(op, f"inputs {[list(x.shape) for x in xs]} and output {list(y.shape)} "
                       f"must have the same rank (at most {MAX_CONCAT_RANK})")
    axis = _axis(op, int(op.options.get("axis", 0)), rank)
    for x in xs:
        if any(x.shape[d] != y.shape[d] for d in range(rank) if d != axis):
            raise fail(op, f"input shape {list(x.shape)} does not match output {list(y.shape)} "
                           f"outside axis {axis}")
    check_shape(op, y, tuple(sum(x.shape[d] for x in xs) if d == axis else y.shape[d]
                             for d in range(rank)))
    _same_quant_all(op, y, xs, "input and output")
    return xs, y, axis


def _concat_lower(graph: Graph, op: Op) -> Lowered:
    xs, y, axis = _concat_inputs(graph, op)
    out_strides, start, parts = row_major_strides(y.shape), 0, []
    for x in xs:
        parts.append(copy_geometry(x.shape, row_major_strides(x.shape), out_strides,
                                   0, start * out_strides[axis]))
        start += x.shape[axis]
    return _lowered("mcu_copy_nd_s8", parts)


register(OpSpec(kind="CONCATENATION", check=lambda g, o: _concat_inputs(g, o) and None,
                lower=_concat_lower, template="concat"))


# ------------------------------------------------------------------ TRANSPOSE
def _transpose(graph: Graph, op: Op) -> tuple[Tensor, Tensor, list[int]]:
    x, y = tensor_in(graph, op, 0, "input"), out(graph, op)
    _activation(op, x, "input")
    _activation(op, y, "output")
    perm = _const_ints(op, tensor_in(graph, op, 1, "perm"), "perm")
    rank = len(x.shape)
    if rank > MAX_TRANSPOSE_RANK:
        raise fail(op, f"input has {rank} dimensions; TFLM transposes at most {MAX_TRANSPOSE_RANK}")
    perm = [p + rank if p < 0 else p for p in perm]
    if sorted(perm) != list(range(rank)):
        raise fail(op, f"perm {perm} is not a permutation of {rank} axes")
    check_shape(op, y, tuple(x.shape[p] for p in perm))
    _same_quant_all(op, x, [y], "input and output")
    return x, y, perm


def _transpose_lower(graph: Graph, op: Op) -> Lowered:
    x, y, perm = _transpose(graph, op)
    in_strides = row_major_strides(x.shape)
    geometry = copy_geometry(y.shape, [in_strides[p] for p in perm], row_major_strides(y.shape))
    return _lowered("mcu_copy_nd_s8", [geometry], ["geometry"])


register(OpSpec(kind="TRANSPOSE", check=lambda g, o: _transpose(g, o) and None,
                lower=_transpose_lower, template="copy_nd"))


# ------------------------------------------------------------------ STRIDED_SLICE
def _clamp(v: int, lo: int, hi: int) -> int:
    return hi if hi < v else (lo if v < lo else v)


def _slice_axes(graph: Graph, op: Op) -> tuple[Tensor, Tensor, list[tuple[int, int, int, bool]]]:
    """Per input axis: (start, count, stride, shrunk), as TFLM's StartForAxis/StopForAxis."""
    x, y = tensor_in(graph, op, 0, "input"), out(graph, op)
    _activation(op, x, "input")
    _activation(op, y, "output")
    rank = len(x.shape)
    if rank > MAX_SLICE_RANK:
        raise fail(op, f"input has {rank} dimensions; TFLM slices at most {MAX_SLICE_RANK}")
    begin, end, strides = (_const_ints(op, tensor_in(graph, op, i, role), role)
                           for i, role in ((1, "begin"), (2, "end"), (3, "strides")))
    if not len(begin) == len(end) == len(strides) == rank:
        raise fail(op, f"begin/end/strides have {len(begin)}/{len(end)}/{len(strides)} values "
                       f"for a {rank}-D input; expected {rank} each")
    opts = op.options
    for mask in ("ellipsis_mask", "new_axis_mask"):
        if opts.get(mask, 0):
            raise fail(op, f"{mask} {opts[mask]} is not supported (TFLM ignores it)")
    if opts.get("offset", False):
        raise fail(op, "offset=true is not supported (TFLM ignores it)")
    begin_mask, end_mask, shrink_mask = (int(opts.get(m, 0)) for m in
                                         ("begin_mask", "end_mask", "shrink_axis_mask"))
    int_min, int_max = -(1 << 31), (1 << 31) - 1
    axes = []
    for axis in range(rank):
        size, stride = x.shape[axis], strides[axis]
        if stride == 0:
            raise fail(op, f"stride 0 on axis {axis}")
        start = begin[axis]
        if begin_mask >> axis & 1:
            start = int_min if stride > 0 else int_max
        if start < 0:
            start += size
        start = _clamp(start, 0, size) if stride > 0 else _clamp(start, -1, size - 1)
        shrink = bool(shrink_mask >> axis & 1)
        if shrink:
            stop = start + 1
        else:
            stop = end[axis]
            if end_mask >> axis & 1:
                stop = int_max if stride > 0 else int_min
            if stop < 0:
                stop += size
            stop = _clamp(stop, 0, size) if stride > 0 else _clamp(stop, -1, size - 1)
        count = max(0, math.ceil((stop - start) / stride))
        if count and not (0 <= start < size and 0 <= start + (count - 1) * stride < size):
            raise fail(op, f"axis {axis}: the slice reads outside the input (start {start})")
        axes.append((start, count, stride, shrink))
    check_shape(op, y, tuple(c for _, c, _, shrink in axes if not shrink))
    _same_quant_all(op, x, [y], "input and output")
    return x, y, axes


def _slice_lower(graph: Graph, op: Op) -> Lowered:
    x, y, axes = _slice_axes(graph, op)
    in_strides = row_major_strides(x.shape)
    counts = [c for _, c, _, _ in axes]
    geometry = copy_geometry(counts, [s * st for (_, _, s, _), st in zip(axes, in_strides)],
                             row_major_strides(counts),
                             sum(start * st for (start, _, _, _), st in zip(axes, in_strides)))
    return _lowered("mcu_copy_nd_s8", [geometry], ["geometry"])


register(OpSpec(kind="STRIDED_SLICE", check=lambda g, o: _slice_axes(g, o) and None,
                lower=_slice_lower, template="copy_nd"))


# ------------------------------------------------------------------ SPACE_TO_DEPTH, DEPTH_TO_SPACE
def _block(graph: Graph, op: Op) -> tuple[Tensor, Tensor, int]:
    x, y = tensor_in(graph, op, 0, "input"), out(graph, op)
    _activation(op, x, "input")
    _activation(op, y, "output")
    if len(x.shape) != 4:
        raise fail(op, f"input shape {list(x.shape)} is not 4-D NHWC")
    block = int(op.options.get("block_size", 0))
    if block < 1:
        raise fail(op, f"block_size {block} must be positive")
    n, h, w, c = x.shape
    if op.kind == "SPACE_TO_DEPTH":
        if h % block or w % block:
            raise fail(op, f"height {h} and width {w} must be multiples of block_size {block}")
        check_shape(op, y, (n, h // block, w // block, c * block * block))
    else:
        if c % (block * block):
            raise fail(op, f"depth {c} must be a multiple of block_size^2 = {block * block}")
        check_shape(op, y, (n, h * block, w * block, c // (block * block)))
    _same_quant_all(op, x, [y], "input and output")
    return x, y, block


def _block_lower(graph: Graph, op: Op) -> Lowered:
    x, y, b = _block(graph, op)
    if op.kind == "SPACE_TO_DEPTH":
        # output (n, oy, ox, (by * b + bx) * c + ch) = input (n, oy * b + by, ox * b + bx, ch)
        n, h, w, c = x.shape
        counts = (n, h // b, w // b, b, b, c)
        in_strides = (h * w * c, b * w * c, b * c, w * c, c, 1)
        out_strides = (h * w * c, (w // b) * b * b * c, b * b * c, b * c, c, 1)
    else:
        # output (n, iy * b + by, ix * b + bx, ch) = input (n, iy, ix, (by * b + bx) * oc + ch)
        n, h, w, c = x.shape
        oc, ow = c // (b * b), w * b
        counts = (n, h, w, b, b, oc)
        in_strides = (h * w * c, w * c, c, b * oc, oc, 1)
        out_strides = (h * b * ow * oc, b * ow * oc, b * oc, ow * oc, oc, 1)
    return _lowered("mcu_copy_nd_s8", [copy_geometry(counts, in_strides, out_strides)], ["geometry"])


for _kind in ("SPACE_TO_DEPTH", "DEPTH_TO_SPACE"):
    register(OpSpec(kind=_kind, check=lambda g, o: _block(g, o) and None,
                    lower=_block_lower, template="copy_nd"))


# ------------------------------------------------------------------ SPLIT, SPLIT_V
def _split(graph: Graph, op: Op) -> tuple[Tensor, list[Tensor], int, list[int]]:
    if op.kind == "SPLIT":
        axis_t, x = tensor_in(graph, op, 0, "axis"), tensor_in(graph, op, 1, "input")
    else:
        x, axis_t = tensor_in(graph, op, 0, "input"), tensor_in(graph, op, 2, "axis")
    _activation(op, x, "input")
    ys = [out(graph, op, i) for i in range(len(op.outputs))]
    for i, y in enumerate(ys):
        _activation(op, y, f"output {i}")
    axis_values = _const_ints(op, axis_t, "axis")
    if len(axis_values) != 1:
        raise fail(op, f"axis has {len(axis_values)} values; expected one")
    rank = len(x.shape)
    axis = _axis(op, axis_values[0], rank)
    size = x.shape[axis]
    if op.kind == "SPLIT":
        parts = len(ys)
        if int(op.options.get("num_splits", parts)) != parts or size % parts:
            raise fail(op, f"cannot split size {size} into {parts} equal outputs")
        sizes = [size // parts] * parts
    else:
        sizes = _const_ints(op, tensor_in(graph, op, 1, "size_splits"), "size_splits")
        if len(sizes) != len(ys):
            raise fail(op, f"{len(sizes)} size_splits for {len(ys)} outputs")
        if sizes.count(-1) == 1:
            sizes[sizes.index(-1)] = size - (sum(sizes) + 1)
        if any(s < 0 for s in sizes) or sum(sizes) != size:
            raise fail(op, f"size_splits {sizes} do not add up to {size}")
    for y, s in zip(ys, sizes):
        check_shape(op, y, tuple(s if d == axis else x.shape[d] for d in range(rank)))
    _same_quant_all(op, x, ys, "input and output")
    return x, ys, axis, sizes


def _split_lower(graph: Graph, op: Op) -> Lowered:
    x, ys, axis, sizes = _split(graph, op)
    in_strides, start, parts = row_major_strides(x.shape), 0, []
    for y, s in zip(ys, sizes):
        parts.append(copy_geometry(y.shape, in_strides, row_major_strides(y.shape),
                                   start * in_strides[axis], 0))
        start += s
    return _lowered("mcu_copy_nd_s8", parts)


for _kind in ("SPLIT", "SPLIT_V"):
    register(OpSpec(kind=_kind, check=lambda g, o: _split(g, o) and None, lower=_split_lower,
                    template="split", extra={"multi_output": True}))
