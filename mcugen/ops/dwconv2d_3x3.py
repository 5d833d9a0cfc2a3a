"""The plane-order SIMD depthwise 3x3 kernels: the ring kernel (runtime_c/mcu_dwconv2d_3x3_s8.h)
and the image kernel (runtime_c/mcu_dwconv2d_3x3_image_s8.h): which layers they take, their
constants and scratch, and when they may run in place."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from mcugen.ops.common import fold_input_offset, pack_s16_pairs, wrap_int32
from mcugen.ops.registry import ConstArray, Lowered

FUNCTION = "mcu_dwconv2d_3x3_s8"


def row_len(out_w: int, stride_w: int) -> int:
    """MCU_DW3X3_ROW_LEN: int16 values of one ring row (even)."""
    return ((out_w - 1) * stride_w + 4) & ~1


def scratch_bytes(args: dict, lanes: int) -> int:
    """mcu_dwconv2d_3x3_s8_buffer_size: a ring of three int16 rows per lane; for a layer taken
    along its columns the longer of both orientations (inside patch stages it is not)."""
    length = row_len(args["out_w"], args["stride_w"])
    if args.get("transposed"):
        length = max(length, row_len(args["out_h"], args["stride_h"]))
    return lanes * 3 * length * 2


def transposes(args: dict) -> bool:
    """Whether the kernel takes the layer's rows along its columns: a tall narrow image (the
    per-row work is then spread over more outputs; kws's 25x5x64 went from 4.50 to 3.48
    instructions per MAC on M7, out of place), where the row function's output stride
    out_w * channels fits its immediates, and in place only for stride 1 over the same size
    (each column is then written over input columns already read, as with rows)."""
    return args["out_w"] < args["out_h"] and 2 * args["out_w"] * args["in_c"] <= 4095


def accepts(args: dict) -> bool:
    """3x3, depth multiplier 1, stride 1 or 2, dilation 1 (any padding, any batch)."""
    return (args["filter_h"] == args["filter_w"] == 3 and args["depth_multiplier"] == 1
            and args["stride_h"] in (1, 2) and args["stride_w"] in (1, 2)
            and args["dilation_h"] == args["dilation_w"] == 1)


def lower_3x3(portable: Lowered, requant: np.ndarray, in_place: bool = False) -> Lowered | None:
    """The kernel's Lowered for a layer it accepts (requant: the fast requantization table of
    mcugen/ops/fast_requant.py), else None; in_place: the variant that writes over its input,
    taken along the columns only where that keeps it able to."""
    args = portable.args
    if not accepts(args):
        return None
    consts = {c.role: c for c in portable.consts}
    rows = consts["filter"].values.reshape(-1, args["out_c"]).T
    # the input offset folded into the bias: a padded tap holds the zero point and adds 0
    folded = fold_input_offset(consts["bias"].values, rows, args["input_offset"])
    # per channel (2 bias, multiplier, c, right): the kernel doubles the weights too, so the
    # accumulator comes out doubled as the short requantization wants it (wrapping alike)
    doubled = wrap_int32(2 * folded.astype(np.int64))
    params = np.column_stack([doubled, requant.reshape(-1, 3)]).astype(np.int32).reshape(-1)
    new_consts = (consts["filter"], ConstArray("params", "int32_t", params))
    # one ring (lanes 1) by default: in place and inside patch stages, where scratch counts
    args = dict(args, pad_value=-int(args["input_offset"]), lanes=1,
                transposed=int(transposes(args)))
    if in_place and args["transposed"] and not inplace_safe(args):
        args["transposed"] = 0
    # with room (out of place, or in place where the arena allows it; never inside patch
    # stages): four channels expanded from one word into four rings, faster
    lanes = args["in_c"] >= 4
    return replace(portable, args=args, consts=new_consts, kernel=FUNCTION + ".h",
                   function=FUNCTION, scratch_bytes=scratch_bytes(args, 1),
                   roomy_args={"lanes": 4} if lanes else {},
                   roomy_scratch_bytes=scratch_bytes(args, 4) if lanes else 0)


def inplace_safe(args: dict) -> bool:
    """Whether the kernel may write its output over its input (one batch): every output row
    lands on input pixels of rows it has already read when it writes that row."""
    if args.get("batches", 1) != 1:
        return False
    if args.get("transposed"):
        return (args["stride_h"] == args["stride_w"] == 1 and args["out_h"] == args["in_h"]
                and args["out_w"] == args["in_w"])
    in_h, in_w, out_w = args["in_h"], args["in_w"], args["out_w"]
    for oy in range(args["out_h"]):
        last_written_row = ((oy + 1) * out_w - 1) // in_w
        last_read_row = min(oy * args["stride_h"] - args["pad_top"] + 2, in_h - 1)
        if last_written_row > last_read_row:
            return False
    return True


def runs_in_place(lowered: Lowered | None) -> bool:
    """The op's SIMD kernel is this one and it can run in place itself (no temporary)."""
    return lowered is not None and lowered.function == FUNCTION and inplace_safe(lowered.args)


IMAGE_FUNCTION = "mcu_dwconv2d_3x3_image_s8"

# The image kernel's row loops reach the third filter row at 2 * row bytes - 4 with an LDRD
# immediate (at most 1020).
IMAGE_MAX_ROW_LEN = 254


def image_scratch_bytes(args: dict) -> int:
    """mcu_dwconv2d_3x3_image_s8_buffer_size: four channels' padded int16 images, out_h + 2
    rows."""
    return 4 * (args["out_h"] + 2) * row_len(args["out_w"], 1) * 2


def image_accepts(args: dict) -> bool:
    """What the image kernel takes: what the ring kernel takes at stride 1, with channels % 4
    == 0, at least two outputs a row, and rows short enough for its immediates."""
    return (accepts(args) and args["stride_h"] == args["stride_w"] == 1 and args["in_c"] % 4 == 0
            and args["out_w"] >= 2 and row_len(args["out_w"], 1) <= IMAGE_MAX_ROW_LEN)


def image_stream(filt: np.ndarray, folded: np.ndarray, requant: np.ndarray) -> np.ndarray:
    """Per channel ten int32 words: the doubled weight pairs A = (w0, w1), B = (w1, w2) of
    filter rows 0, 1, 2 (int16, lo | hi << 16), the doubled bias (input offset folded in,
    wrapped), then the channel's (multiplier, c, right)."""
    w = 2 * filt.reshape(3, 3, -1).astype(np.int32)  # [row][tap][channel]
    pairs = np.stack([w[:, [0, 1], :], w[:, [1, 2], :]], axis=1)  # [row][A/B][lo/hi][channel]
    words = pack_s16_pairs(pairs.transpose(3, 0, 1, 2).reshape(-1)).reshape(-1, 6)
    doubled = wrap_int32(2 * folded.astype(np.int64)).reshape(-1, 1)
    return np.concatenate([words, doubled, requant.reshape(-1, 3)], axis=1).astype(np.int32).reshape(-1)


def lower_image(portable: Lowered, requant: np.ndarray) -> Lowered | None:
    """The image kernel's Lowered for a layer it takes, else None: the roomy kernel of the ring
    or 4-channel kernel, in place or not (the planner takes it where the arena has room)."""
    args = portable.args
    if not image_accepts(args):
        return None
    consts = {c.role: c for c in portable.consts}
    filt = consts["filter"].values
    folded = fold_input_offset(consts["bias"].values, filt.reshape(-1, args["out_c"]).T,
                               args["input_offset"])
    stream = ConstArray("stream", "int32_t", image_stream(filt, folded, requant))
    args = dict(args, pad_value=-int(args["input_offset"]),
                row_len=row_len(args["out_w"], args["stride_w"]))
    return replace(portable, args=args, consts=(stream,), kernel=IMAGE_FUNCTION + ".h",
                   function=IMAGE_FUNCTION, scratch_bytes=image_scratch_bytes(args))
