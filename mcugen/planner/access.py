"""Access order of the kernels, for the planner's overlap and in-place tricks.

A kernel listed in PIXEL_ORDER writes its output pixel by pixel in row-major order and,
for each pixel, reads only input pixels at or after the first pixel of that pixel's
window (clipped to the image). Writing output pixel p therefore destroys nothing still
needed as long as the whole of pixels 0..p lies below the first input byte read for
pixel p and for every later pixel. overlap_delta() returns the largest
(output offset - input offset) for which that holds; the planner may place the output
there or lower. The count is per kernel function: a kernel with another loop order (or
`restrict` pointers) is simply not listed and never overlaps.
"""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op

# kernel function -> output pixels it may write before reading the next pixel's input
PIXEL_ORDER = {"mcu_conv2d_s8": 1, "mcu_dwconv2d_s8": 1, "mcu_avgpool2d_s8": 1,
               "mcu_maxpool2d_s8": 1, "mcu_avgpool2d_ch4_s8": 1, "mcu_fc_s8": 1, "mcu_add_s8": 1, "mcu_add_table_s8": 1,
               # SIMD kernels: im2col of two pixels, then both are written
               "mcu_conv2d_im2col_s8": 2, "mcu_conv2d_im2col_w16_s8": 2,
               "mcu_dwconv2d_ch4_s8": 1, "mcu_fc_dot_s8": 1,
               # 1x1 pointwise: both pixels of a pair read (GEMM), then both written
               "mcu_conv2d_1x1_s8": 2, "mcu_conv2d_1x1_strided_s8": 2}


def _window(args: dict) -> dict | None:
    """Geometry of a windowed op from its lowered args (conv, depthwise, pool)."""
    if args.get("batches", 1) != 1 or "in_h" not in args:
        return None
    in_c = args.get("in_c", args.get("channels"))
    out_c = args.get("out_c", args.get("channels"))
    return dict(in_h=args["in_h"], in_w=args["in_w"], in_c=in_c, out_h=args["out_h"],
                out_w=args["out_w"], out_c=out_c, stride_h=args["stride_h"],
                stride_w=args["stride_w"], pad_top=args["pad_top"], pad_left=args["pad_left"])


def _delta(first_read: np.ndarray, out_bytes_per_pixel: int, block: int) -> int:
    """Largest output start (relative to the input's) that never clobbers unread input."""
    pixels = first_read.size
    needed = np.minimum.accumulate(first_read[::-1])[::-1]  # first byte read by p or later
    starts = np.arange(0, pixels, block)
    written = np.minimum(starts + block, pixels) * out_bytes_per_pixel
    return int(np.min(needed[starts] - written))


def overlap_delta(graph: Graph, op: Op, position: int) -> int | None:
    """Max (output offset - input offset) so op's output may share input `position`'s bytes."""
    lowered = op.params.get("lowered")
    if lowered is None or lowered.function not in PIXEL_ORDER:
        return None
    block, args = PIXEL_ORDER[lowered.function], lowered.args
    x = graph.tensors[op.inputs[position]]
    y = graph.tensors[op.outputs[0]]
    if lowered.function in ("mcu_add_s8", "mcu_add_table_s8"):  # element i read, then written
        return _delta(np.arange(x.size, dtype=np.int64), 1, block)
    if lowered.function == "mcu_fc_s8":
        if position != 0:
            return None
        batches, depth, units = args["batches"], args["depth"], args["units"]
        return _delta(np.arange(batches, dtype=np.int64) * depth, units, block)
    geo = _window(args)
    if geo is None or position != 0 or x.nbytes != geo["in_h"] * geo["in_w"] * geo["in_c"]:
        return None
    oy, ox = np.meshgrid(np.arange(geo["out_h"]), np.arange(geo["out_w"]), indexing="ij")
    row = np.maximum(oy * geo["stride_h"] - geo["pad_top"], 0)
    col = np.maximum(ox * geo["stride_w"] - geo["pad_left"], 0)
    first = ((row * geo["in_w"] + col) * geo["in_c"]).reshape(-1).astype(np.int64)
    return _delta(first, geo["out_c"] * y.nbytes // max(y.size, 1), block)


def inplace_depthwise(graph: Graph, op: Op) -> bool:
    """A depthwise conv the in-place kernel can run: multiplier 1, one batch, int8."""
    if op.kind != "DEPTHWISE_CONV_2D":
        return False
    x, y = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    return (len(x.shape) == 4 and len(y.shape) == 4 and x.shape[0] == 1 and y.shape[0] == 1
            and x.shape[3] == y.shape[3] and x.dtype == y.dtype == "int8")
