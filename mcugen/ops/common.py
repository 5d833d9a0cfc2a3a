"""Checks and helpers shared by the int8 op lowerings."""
from __future__ import annotations

import numpy as np

from mcugen.errors import McugenError
from mcugen.ir import Graph, Op, Tensor
from mcugen.ir.quant import activation_range

FUSED_ACTIVATIONS = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")


def fail(op: Op, reason: str) -> McugenError:
    return McugenError(f"op {op.index} ({op.kind}): {reason}")


def tensor_in(graph: Graph, op: Op, position: int, what: str) -> Tensor:
    """Input `position` of op, which must be present."""
    if position >= len(op.inputs) or op.inputs[position] < 0:
        raise fail(op, f"missing {what} input")
    return graph.tensors[op.inputs[position]]


def optional_in(graph: Graph, op: Op, position: int) -> Tensor | None:
    if position >= len(op.inputs) or op.inputs[position] < 0:
        return None
    return graph.tensors[op.inputs[position]]


def out(graph: Graph, op: Op, position: int = 0) -> Tensor:
    return graph.tensors[op.outputs[position]]


def require_int8_activation(op: Op, tensor: Tensor, role: str) -> None:
    if tensor.dtype != "int8":
        raise fail(op, f"{role} tensor '{tensor.name}' is {tensor.dtype}; only int8 activations are supported")
    if tensor.is_const:
        raise fail(op, f"{role} tensor '{tensor.name}' is a constant; constant activations are not supported")
    if tensor.quant is None:
        raise fail(op, f"{role} tensor '{tensor.name}' has no quantization parameters")
    if tensor.qparams.per_channel:
        raise fail(op, f"{role} tensor '{tensor.name}' is quantized per channel; activations must be per tensor")
    if any(d <= 0 for d in tensor.shape):
        raise fail(op, f"{role} tensor '{tensor.name}' has dynamic or empty shape {list(tensor.shape)}")


def require_const(op: Op, tensor: Tensor, role: str, dtype: str, ndim: int | None = None) -> None:
    if not tensor.is_const:
        raise fail(op, f"{role} tensor '{tensor.name}' must be a constant")
    if tensor.dtype != dtype:
        raise fail(op, f"{role} tensor '{tensor.name}' is {tensor.dtype}; expected {dtype}")
    if ndim is not None and len(tensor.shape) != ndim:
        raise fail(op, f"{role} tensor '{tensor.name}' has shape {list(tensor.shape)}; expected {ndim} dimensions")


def require_quant(op: Op, tensor: Tensor, role: str, channels: int) -> None:
    if tensor.quant is None:
        raise fail(op, f"{role} tensor '{tensor.name}' has no quantization parameters")
    if tensor.qparams.scale.size not in (1, channels):
        raise fail(op, f"{role} tensor '{tensor.name}' has {tensor.qparams.scale.size} scales for {channels} channels")
    axis = tensor.qparams.axis
    # TFLM's Prepare: per-channel scales must lie along a dimension of the channels' size
    # (kernel_util.cc and fully_connected_common.cc compare dims[quantized_dimension])
    if tensor.qparams.scale.size > 1 and not (0 <= axis < len(tensor.shape)
                                            and tensor.shape[axis] == channels):
        along = (f"dimension {axis} of size {tensor.shape[axis]}" if 0 <= axis < len(tensor.shape)
                 else f"dimension {axis}, which shape {list(tensor.shape)} does not have")
        raise fail(op, f"{role} tensor '{tensor.name}' is quantized per channel along {along}, "
                       f"not along its {channels} output channels (TFLite Micro refuses it too)")
    if not np.all(np.isfinite(tensor.qparams.scale)) or np.any(tensor.qparams.scale <= 0):
        raise fail(op, f"{role} tensor '{tensor.name}' has a non-positive or non-finite scale")


def require_scale_product(op: Op, x: Tensor, w: Tensor) -> None:
    """TFLM multiplies a per-tensor FC's input and weight scales in float32: refuse a
    product that overflows it (its multiplier would be infinite)."""
    with np.errstate(over="ignore"):
        product = np.float32(x.scale) * np.float32(w.scale)
    if not np.isfinite(product):
        raise fail(op, f"input scale {x.scale:g} x weights scale {w.scale:g} overflows float32")


def require_activation_scale(op: Op, tensor: Tensor, role: str) -> None:
    scale = float(tensor.qparams.scale[0])
    if not np.isfinite(scale) or scale <= 0:
        raise fail(op, f"{role} tensor '{tensor.name}' has invalid scale {scale}")
    if not -128 <= tensor.zero_point <= 127:
        raise fail(op, f"{role} tensor '{tensor.name}' has zero point {tensor.zero_point} outside int8")


def fused_activation(op: Op) -> str:
    act = op.options.get("fused_activation_function", "NONE")
    if act not in FUSED_ACTIVATIONS:
        raise fail(op, f"fused activation {act} is not supported")
    return act


def output_range(op: Op, output: Tensor) -> tuple[int, int]:
    try:
        return activation_range(fused_activation(op), output.scale, output.zero_point)
    except ValueError as exc:  # a scale so small that the clamp bounds overflow float32
        raise fail(op, f"output tensor '{output.name}' cannot take the fused activation: {exc}") from None


def nhwc(op: Op, tensor: Tensor, role: str) -> tuple[int, int, int, int]:
    if len(tensor.shape) != 4:
        raise fail(op, f"{role} tensor '{tensor.name}' has shape {list(tensor.shape)}; expected 4-D NHWC")
    n, h, w, c = tensor.shape
    return n, h, w, c


def check_shape(op: Op, tensor: Tensor, expected: tuple, role: str = "output") -> None:
    if tuple(tensor.shape) != tuple(expected):
        raise fail(op, f"{role} tensor '{tensor.name}' has shape {list(tensor.shape)}, "
                       f"but the op produces {list(expected)}")


def wrap_int32(values) -> np.ndarray:
    """int64 values as the int32 two's-complement wrap-around C arithmetic gives them."""
    return ((np.asarray(values, np.int64) + 2**31) % 2**32 - 2**31).astype(np.int32)


def fold_input_offset(bias: np.ndarray, rows: np.ndarray, input_offset: int) -> np.ndarray:
    """bias + input_offset * sum(row) per output channel, wrapped to int32 as the kernel's
    int32 sums wrap: sum((x + offset) * w) + bias == sum(x * w) + folded bias mod 2^32."""
    rows = rows.reshape(rows.shape[0], -1)
    return wrap_int32(bias.astype(np.int64).reshape(-1)
                      + int(input_offset) * rows.astype(np.int64).sum(axis=1))


def pack_s16_pairs(values: np.ndarray) -> np.ndarray:
    """Values (int16 range) taken two by two into int32 words, lo | hi << 16: the layout of
    the SIMD kernels' pre-extended int16 weights (one SMLAD operand per word)."""
    halves = np.asarray(values, np.int32).reshape(-1, 2)
    return ((halves[:, 0] & 0xFFFF) | (halves[:, 1] << 16)).astype(np.int32)


# The int16-weight assembly (MCU_GEMM_W16_LAYER, MCU_FC_W16_LAYER) runs its groups of 4
# along K as PRE unrolled ones, then a loop of 16 per pass (MCU_ASM_GROUPS in mcu_simd.h);
# up to this many all unrolled (16 rather than 8: resnet 10.58M -> 10.45M, kws 2.92M ->
# 2.87M instructions on M7).
UNROLLED_GROUPS = 16


def unrolled_groups(groups: int) -> dict:
    """PRE and LOOP of those kernels for `groups` groups of 4 along K."""
    pre = groups if groups <= UNROLLED_GROUPS else groups % UNROLLED_GROUPS
    return dict(pre=pre, loop=int(groups > UNROLLED_GROUPS))
