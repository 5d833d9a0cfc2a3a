"""CONV_2D and DEPTHWISE_CONV_2D, int8 with per-channel or per-tensor weights."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ir.quant import conv_multipliers, out_size, pad_before
from mcugen.ops.common import (
    check_shape,
    fail,
    fold_input_offset,
    nhwc,
    optional_in,
    out,
    output_range,
    pack_s16_pairs,
    require_activation_scale,
    require_const,
    require_int8_activation,
    require_quant,
    tensor_in,
    unrolled_groups,
    wrap_int32,
)
from mcugen.ops.dwconv2d_3x3 import lower_3x3, lower_image, runs_in_place, transposes
from mcugen.ops.fast_requant import fast_requant_table
from mcugen.ops.registry import ConstArray, Lowered, OpSpec, register


def _geometry(graph: Graph, op: Op, depthwise: bool) -> dict:
    x, w = tensor_in(graph, op, 0, "input"), tensor_in(graph, op, 1, "filter")
    require_int8_activation(op, x, "input")
    require_int8_activation(op, out(graph, op), "output")
    require_const(op, w, "filter", "int8", ndim=4)
    batches, in_h, in_w, in_c = nhwc(op, x, "input")
    if depthwise:
        _, filter_h, filter_w, out_c = w.shape
        if w.shape[0] != 1:
            raise fail(op, f"depthwise filter shape {list(w.shape)} must start with 1")
        if out_c % in_c:
            raise fail(op, f"{out_c} output channels is not a multiple of {in_c} input channels")
    else:
        out_c, filter_h, filter_w, filter_c = w.shape
        if filter_c != in_c:
            raise fail(op, f"filter depth {filter_c} differs from input depth {in_c} "
                           f"(grouped convolution is not supported yet)")
    opts = op.options
    padding = opts.get("padding", "VALID")
    if padding not in ("SAME", "VALID"):
        raise fail(op, f"padding {padding} is not supported")
    stride_h, stride_w = opts.get("stride_h", 1), opts.get("stride_w", 1)
    dil_h, dil_w = opts.get("dilation_h_factor", 1), opts.get("dilation_w_factor", 1)
    if min(stride_h, stride_w, dil_h, dil_w) < 1:
        raise fail(op, f"strides {stride_h}x{stride_w} and dilations {dil_h}x{dil_w} must be positive")
    # A PAD folded into this conv (mcugen/passes/fold_pad.py) widens the padded input.
    top, bottom, left, right = op.params.get("folded_pad", (0, 0, 0, 0))
    padded_h, padded_w = in_h + top + bottom, in_w + left + right
    out_h = out_size(padding, padded_h, filter_h, stride_h, dil_h)
    out_w = out_size(padding, padded_w, filter_w, stride_w, dil_w)
    if out_h <= 0 or out_w <= 0:
        raise fail(op, f"a {filter_h}x{filter_w} filter does not fit the {padded_h}x{padded_w} input")
    check_shape(op, out(graph, op), (batches, out_h, out_w, out_c))
    return dict(batches=batches, in_h=in_h, in_w=in_w, in_c=in_c, out_h=out_h, out_w=out_w,
                out_c=out_c, filter_h=filter_h, filter_w=filter_w, stride_h=stride_h,
                stride_w=stride_w, dilation_h=dil_h, dilation_w=dil_w,
                pad_top=pad_before(padding, padded_h, filter_h, stride_h, dil_h) + top,
                pad_left=pad_before(padding, padded_w, filter_w, stride_w, dil_w) + left)


def reads_padding(graph: Graph, op: Op, depthwise: bool) -> bool:
    """Whether some window of the conv covers padding (taps that read the zero point)."""
    geo = _geometry(graph, op, depthwise)  # its padding includes a folded PAD's
    for axis, before in (("h", geo["pad_top"]), ("w", geo["pad_left"])):
        span = ((geo[f"out_{axis}"] - 1) * geo[f"stride_{axis}"]
                + (geo[f"filter_{axis}"] - 1) * geo[f"dilation_{axis}"] + 1)
        if before > 0 or span > before + geo[f"in_{axis}"]:
            return True
    return False


def _check(graph: Graph, op: Op, depthwise: bool) -> None:
    geo = _geometry(graph, op, depthwise)
    x, w, y = tensor_in(graph, op, 0, "input"), graph.tensors[op.inputs[1]], out(graph, op)
    require_activation_scale(op, x, "input")
    require_activation_scale(op, y, "output")
    require_quant(op, w, "filter", geo["out_c"])
    if np.any(w.qparams.zero_point != 0):
        raise fail(op, "filter zero points must be 0 (symmetric int8 weights)")
    bias = optional_in(graph, op, 2)
    if bias is not None:
        require_const(op, bias, "bias", "int32")
        if bias.size != geo["out_c"]:
            raise fail(op, f"bias has {bias.size} values for {geo['out_c']} output channels")


def _lower(graph: Graph, op: Op, depthwise: bool) -> Lowered:
    geo = _geometry(graph, op, depthwise)
    x, w, y = tensor_in(graph, op, 0, "input"), graph.tensors[op.inputs[1]], out(graph, op)
    multipliers, shifts = conv_multipliers(x.scale, w.qparams.scale, y.scale, geo["out_c"])
    act_min, act_max = output_range(op, y)
    bias = optional_in(graph, op, 2)
    bias_values = bias.values.reshape(-1) if bias is not None else np.zeros(geo["out_c"], np.int32)
    args = dict(geo, input_offset=-x.zero_point, output_offset=y.zero_point,
                act_min=act_min, act_max=act_max)
    if depthwise:
        args["depth_multiplier"] = geo["out_c"] // geo["in_c"]
    consts = (
        ConstArray("filter", "int8_t", w.values, tensor=w.index),
        ConstArray("bias", "int32_t", bias_values, tensor=bias.index if bias is not None else None),
        ConstArray("multiplier", "int32_t", np.array(multipliers, np.int32)),
        ConstArray("shift", "int32_t", np.array(shifts, np.int32)),
    )
    name = "mcu_dwconv2d_s8" if depthwise else "mcu_conv2d_s8"
    return Lowered(args=args, consts=consts, kernel=name + ".h", function=name)


def reorder_for_sxtb16(rows: np.ndarray) -> np.ndarray:
    """Each row's full groups of 4 as w0 w2 w1 w3, so SXTB16 gives (w0, w1), ROR 8 (w2, w3)."""
    rows = np.ascontiguousarray(rows)
    k4 = rows.shape[1] // 4 * 4
    out = rows.copy()
    groups = rows[:, :k4].reshape(rows.shape[0], -1, 4)
    out[:, :k4] = groups[:, :, [0, 2, 1, 3]].reshape(rows.shape[0], k4)
    return out


def pads_rows(args: dict) -> bool:
    """Whether mcu_conv2d_im2col_w16_s8 pads each filter row of a layer whose rows are not
    whole groups of 4 to whole groups (zero weights; inside the image the row is read whole
    and expanded straight into its lane) instead of gathering each patch's bytes first: when
    that adds no group to the GEMM. Measured on M7 (bench/kernels.md): person's 3x3x1 first
    layer (K 12 either way) 7.88M -> 7.64M instructions; vww's and resnet's 3x3x3 ones (K 28
    -> 36) 7.94M -> 7.97M and 9.97M -> 9.94M."""
    row = args["filter_w"] * args["in_c"]
    return args["filter_h"] * -(-row // 4) == -(-(args["filter_h"] * row) // 4)


def im2col_scratch_bytes(patch: int, gathered: bool = False) -> int:
    """mcu_conv2d_im2col_s8_buffer_size: two int16 patches (each rounded up to 4 values), and
    for mcu_conv2d_im2col_w16_s8 when filter rows are not whole groups of 4 the bytes of one
    more, gathered in order."""
    column = (patch + 3) // 4 * 4
    return 2 * column * 2 + (column if gathered else 0)


# An out-of-place depthwise 3x3 layer takes the plane kernel (mcu_dwconv2d_3x3_s8) from
# this many output pixels (stride 1 / stride 2) and the 4-channel kernel below: the plane
# kernel's per-row and per-channel work does not pay on small images. Measured on M7, RELU6,
# SAME, instructions per MAC plane vs 4-channel (bench/kernels.md): s1 48x48x8 2.72 / 4.29,
# 24x24x32 2.96 / 4.00, 12x12x64 3.83 / 4.32, 25x5x64 4.83 / 4.34, 6x6x128 5.12 / 4.28;
# s2 to 24x24 4.06 / 4.34, to 12x12 4.57 / 4.24, to 6x6 6.09 / 4.57. In place the plane
# kernel is used whatever the size (it needs no one-channel temporary; render.py).
PLANE_MIN_PIXELS = {1: 144, 2: 400}


# Tall narrow images (stride 1), which the plane kernel takes along their columns, take it
# from this output height: measured on M7, RELU, SAME, plane / 4-channel: 25x5x64 3.48 / 4.01,
# 16x4x64 3.89 / 4.01, 12x6x32 3.85 / 4.02, 24x12x16 3.16 / 4.15.
PLANE_MIN_TALL_HEIGHT = 12


def prefers_plane(args: dict) -> bool:
    """Whether an out-of-place depthwise layer takes the plane kernel (if it accepts it)."""
    stride = max(args["stride_h"], args["stride_w"])
    if stride == 1 and transposes(args) and args["out_h"] >= PLANE_MIN_TALL_HEIGHT:
        return True
    return args["out_h"] * args["out_w"] >= PLANE_MIN_PIXELS.get(stride, 1 << 30)


def prefers_image(args: dict) -> bool:
    """Whether an out-of-place depthwise layer is offered the image kernel (if it accepts it,
    and where the arena has room for its scratch): from 4 outputs a row. Measured on M7, SAME,
    image / ring / 4-channel kernel: 6x6x128 99.7K / 159.6K / 129.7K, 12x12x64 181K / 239K /
    267K, 48x48x8 359K / 371K / 588K; 3x3x256 61.5K / 128K / 60.6K (bench/kernels.md)."""
    return args["out_w"] >= 4


def depthwise_in_place(graph: Graph, op: Op) -> Lowered | None:
    """The plane kernel for a depthwise layer the planner runs in place, when it can: it
    writes over its own input without the planner's one-channel temporary."""
    portable = _lower(graph, op, depthwise=True)
    args = portable.args
    if args["depth_multiplier"] != 1 or args["in_c"] == 1:
        return None
    filt = next(c for c in portable.consts if c.role == "filter").values
    requant = _requant_table(portable, filt.reshape(-1, args["out_c"]).T)
    if requant is None:
        return None
    plane = lower_3x3(portable, requant, in_place=True)
    if plane is None or not runs_in_place(plane):
        return None
    # where the arena has room, the image kernel (in place too: it expands four channels'
    # whole images before writing any of their outputs, which land on those channels' bytes)
    image = lower_image(portable, requant) if args["batches"] == 1 else None
    if image is not None:
        plane = replace(plane, roomy_lowered=image)
    return plane


def dw_ch4_stream(filt: np.ndarray, bias: np.ndarray, requant: np.ndarray) -> np.ndarray:
    """The 3x3 stream of mcu_dwconv2d_ch4_3x3_taps for depthwise weights (1, 3, 3, C), per
    full group of four channels, int32 words: the doubled biases of the four channels; per
    tap the doubled weights as int16 pairs (w0, w2), (w1, w3) (the lanes SXTAB16 gives the
    input); the channels' (multiplier, c, right). Doubled weights and bias give the doubled
    accumulator mcu_requant_doubled wants (wrapping alike mod 2^32)."""
    groups = filt.shape[3] // 4
    channels = 4 * groups
    taps = 2 * filt.reshape(9, -1)[:, :channels].astype(np.int32)  # [tap][channel]
    words = pack_s16_pairs(taps.reshape(9, groups, 4).transpose(1, 0, 2)[..., [0, 2, 1, 3]])
    head = wrap_int32(2 * bias.astype(np.int64).reshape(-1)[:channels]).reshape(groups, 4)
    tail = requant.reshape(-1)[:3 * channels].reshape(groups, 12)
    return np.concatenate([head, words.reshape(groups, 18), tail], axis=1).reshape(-1)


def _requant_table(portable: Lowered, rows: np.ndarray) -> np.ndarray | None:
    """The (multiplier, c, right) table of the SIMD kernels' short requantization, or None
    where it is not provably exact for this layer (mcugen/ops/fast_requant.py)."""
    consts, args = {c.role: c for c in portable.consts}, portable.args
    return fast_requant_table(consts["multiplier"].values, consts["shift"].values,
                              args["output_offset"], consts["bias"].values, rows,
                              args["input_offset"])


def gemm_stream(rows: np.ndarray, bias: np.ndarray, requant: np.ndarray,
                order: tuple[int, ...] = (0, 2, 1, 3)) -> np.ndarray:
    """The stream of MCU_GEMM_W16_LAYER (mcu_gemm_2x2.h) for weights [out_c][K] (K % 4 == 0,
    out_c even), bias (int32, any input offset folded in) and the requant table, as int32
    words per channel pair a = 2i, b = 2i + 1: the doubled biases (a, a, b, b); per group of
    4 along K the doubled weights as int16 pairs in the pixels' lane order, x0 x2 x1 x3 by
    default: (a0, a2) (a1, a3) (b0, b2) (b1, b3); then (multiplier, c, right) of a and of b. Doubling the weights and
    the bias doubles the accumulator (wrapping alike mod 2^32), as mcu_requant_doubled
    wants it."""
    out_c, K = rows.shape
    pairs = out_c // 2
    doubled = wrap_int32(2 * bias.astype(np.int64).reshape(-1)).reshape(pairs, 2)
    head = doubled[:, [0, 0, 1, 1]]
    groups = (2 * rows.astype(np.int32)).reshape(pairs, 2, K // 4, 4)[..., list(order)]
    words = pack_s16_pairs(groups.transpose(0, 2, 1, 3)).reshape(pairs, K)
    return np.concatenate([head, words, requant.reshape(pairs, 6)], axis=1).reshape(-1)


def _gemm_args(K: int, out_c: int, patch: int, lone: bool) -> dict:
    """The int16-weight GEMM's constants: K (the patch rounded up to 4), its unrolled and
    looped groups, whether a lone last pixel gets a GEMM of its own (MCU_GEMM_W16_ONE, 6
    instructions per 8 MACs instead of the pair's 10 per 16 on one pixel twice: vww's and
    person's 3x3 images, kws's 125 pixels), and the flash its stream adds over int8
    weights, bias and requant table (the int16 weights' extra byte each, the second copy of
    each bias; the compile summary reports it)."""
    unroll = unrolled_groups(K // 4)
    return dict(wide_weights=1, gemm_k=K, gemm_pre=unroll["pre"], gemm_loop=unroll["loop"],
                gemm_one=int(lone), wide_bytes=out_c * (2 * K - patch + 4))


def _pointwise(portable: Lowered, rows: np.ndarray, requant: np.ndarray,
               widen: bool) -> Lowered:
    """1x1 (no padding): mcu_conv2d_1x1_s8 (stride 1) or mcu_conv2d_1x1_strided_s8 reads the
    input pixels directly (two at a time, sign-extended once into scratch), the input offset
    folded into the bias; with
    `widen` (K % 4 == 0 and out_c even) the weights, bias and requantization go into one
    int16-weight stream for the layer's GEMM (gemm_stream)."""
    args = portable.args
    bias = next(c for c in portable.consts if c.role == "bias")
    folded = fold_input_offset(bias.values, rows, args["input_offset"])
    widen = widen and args["in_c"] % 4 == 0 and args["out_c"] % 2 == 0
    new_consts: tuple[ConstArray, ...]
    if widen:
        new_consts = (ConstArray("filter", "int32_t", gemm_stream(rows, folded, requant)),)
        strided = args["stride_h"] != 1 or args["stride_w"] != 1
        # the stride-1 kernel pairs pixels across batches, the strided one within each
        pixels = args["out_h"] * args["out_w"] * (1 if strided else args["batches"])
        new_args = {**args, **_gemm_args(args["in_c"], args["out_c"], args["in_c"], pixels % 2 == 1)}
    else:
        new_consts = (ConstArray("filter", "int8_t", np.ascontiguousarray(rows)),
                      ConstArray("bias", "int32_t", folded),
                      ConstArray("requant", "int32_t", requant))
        new_args = {**args, "wide_weights": 0}
    strided = args["stride_h"] != 1 or args["stride_w"] != 1
    return replace(portable, args=new_args, consts=new_consts, kernel="mcu_conv2d_1x1_s8.h",
                   function="mcu_conv2d_1x1_strided_s8" if strided else "mcu_conv2d_1x1_s8",
                   scratch_bytes=args["in_c"] // 4 * 16)


def _simd(graph: Graph, op: Op, portable: Lowered, depthwise: bool,
          wide_weights: bool = False) -> Lowered | None:
    """The DSP-extension kernel for this layer, or None where the portable one stays."""
    args = portable.args
    consts = {c.role: c for c in portable.consts}
    filt = consts["filter"].values
    if depthwise and args["in_c"] == 1:
        # one input channel: a plain convolution with out_c = depth multiplier filters,
        # 1HWO -> OHWI, run by the im2col GEMM (micro_speech's 10x8 layer)
        filt = np.ascontiguousarray(np.transpose(filt, (3, 1, 2, 0)))
    elif depthwise:
        if args["depth_multiplier"] != 1:
            return None
        requant = _requant_table(portable, filt.reshape(-1, args["out_c"]).T)
        if requant is None:
            return None
        # four channels' whole images at a time where the arena has room for them
        # (arena._widen_kernels), else the kernel below
        image = lower_image(portable, requant) if prefers_image(args) else None
        if prefers_plane(args):
            plane = lower_3x3(portable, requant)  # 3x3: one channel at a time
            if plane is not None:
                return replace(plane, roomy_lowered=image)
        new_consts: tuple[ConstArray, ...] = (consts["filter"], consts["bias"],
                                              ConstArray("requant", "int32_t", requant))
        if (wide_weights and args["filter_h"] == args["filter_w"] == 3
                and args["dilation_h"] == 1 and args["dilation_w"] == 1 and args["out_c"] >= 4):
            new_consts += (ConstArray("wide", "int32_t",
                                      dw_ch4_stream(filt, consts["bias"].values, requant)),)
        return replace(portable, consts=new_consts, kernel="mcu_dwconv2d_ch4_s8.h",
                       function="mcu_dwconv2d_ch4_s8", roomy_lowered=image)
    patch = args["filter_h"] * args["filter_w"] * args["in_c"]
    requant = _requant_table(portable, filt.reshape(args["out_c"], patch))
    if requant is None:
        return None  # the SIMD kernels requantize the short way only
    if (not depthwise and args["filter_h"] == args["filter_w"] == 1
            and args["pad_top"] == args["pad_left"] == 0
            and args["out_h"] == (args["in_h"] - 1) // args["stride_h"] + 1
            and args["out_w"] == (args["in_w"] - 1) // args["stride_w"] + 1):
        return _pointwise(portable, filt.reshape(args["out_c"], patch), requant, wide_weights)
    rows = filt.reshape(args["out_c"], patch)
    bias = next(c for c in portable.consts if c.role == "bias")
    if wide_weights and args["out_c"] % 2 == 0:
        # patches in the lane order x0 x2 x1 x3; filter rows not in whole groups of 4 are
        # gathered as bytes first, or padded to whole groups (mcu_conv2d_im2col_w16_s8)
        row = args["filter_w"] * args["in_c"]
        gathered = row % 4 != 0
        patch_row = -(-row // 4) * 4 if gathered and pads_rows(args) else row
        layout: np.ndarray = rows.reshape(args["out_c"], args["filter_h"], row)
        layout = np.pad(layout, ((0, 0), (0, 0), (0, patch_row - row))).reshape(args["out_c"], -1)
        k = layout.shape[1]
        padded = np.pad(layout, ((0, 0), (0, -k % 4)))  # zero weights up to a multiple of 4
        stream = gemm_stream(padded, bias.values, requant)
        lone = args["out_h"] * args["out_w"] % 2 == 1  # per image
        return replace(portable, args={**args, **_gemm_args(padded.shape[1], args["out_c"], patch, lone),
                                       "patch_row": patch_row},
                       consts=(ConstArray("filter", "int32_t", stream),),
                       kernel="mcu_conv2d_im2col_s8.h", function="mcu_conv2d_im2col_w16_s8",
                       scratch_bytes=im2col_scratch_bytes(padded.shape[1], gathered))
    new_consts = (ConstArray("filter", "int8_t", reorder_for_sxtb16(rows)), bias,
                  ConstArray("requant", "int32_t", requant))
    return replace(portable, args={**args, "wide_weights": 0}, consts=new_consts,
                   kernel="mcu_conv2d_im2col_s8.h", function="mcu_conv2d_im2col_s8",
                   scratch_bytes=im2col_scratch_bytes(patch))


def _macs(graph: Graph, op: Op, depthwise: bool) -> int:
    geo = _geometry(graph, op, depthwise)
    per_output = geo["filter_h"] * geo["filter_w"] * (1 if depthwise else geo["in_c"])
    return geo["batches"] * geo["out_h"] * geo["out_w"] * geo["out_c"] * per_output


register(OpSpec(
    kind="CONV_2D",
    check=lambda g, o: _check(g, o, depthwise=False),
    lower=lambda g, o: _lower(g, o, depthwise=False),
    macs=lambda g, o: _macs(g, o, depthwise=False),
    template="conv2d",
    scratch_bytes=lambda g, o: o.params["lowered"].scratch_bytes if "lowered" in o.params else 0,
    extra={"simd": lambda g, o, lowered, wide: _simd(g, o, lowered, False, wide)},
))

register(OpSpec(
    kind="DEPTHWISE_CONV_2D",
    check=lambda g, o: _check(g, o, depthwise=True),
    lower=lambda g, o: _lower(g, o, depthwise=True),
    macs=lambda g, o: _macs(g, o, depthwise=True),
    template="dwconv2d",
    scratch_bytes=lambda g, o: o.params["lowered"].scratch_bytes if "lowered" in o.params else 0,
    extra={"simd": lambda g, o, lowered, wide: _simd(g, o, lowered, True, wide),
           "simd_in_place": lambda g, o: depthwise_in_place(g, o)},
))
