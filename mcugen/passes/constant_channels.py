"""Leave out the channels a layer computes to the same value whatever the input.

Trained models carry dead filters: output channels whose weights are all zero, or whose
effective scale (input scale x filter scale / output scale) is so small that every
accumulator the layer can reach requantizes to one int8 value. vww_96_int8's deeper 1x1
layers have shifts of -25 to -31 on most channels: half of its MACs compute constants.

Interval arithmetic proves it per channel, before any kernel is chosen. Inputs range over
all of int8 (or one value, for a channel already proven constant), padding contributes 0,
the bias is exact; requantization is monotone in the accumulator, so a channel is constant
when its least and greatest accumulators give the same output. Then:

- the producing CONV_2D / DEPTHWISE_CONV_2D drops the channel from its filter and bias,
  and the tensor between the layers is narrower (less SRAM, no stores);
- a reading CONV_2D or FULLY_CONNECTED drops the channel's filter taps and adds their
  constant contribution, weight x (value - input zero point), to its bias: exact integer
  arithmetic, the sum an int32 accumulator would have wrapped to. A CONV_2D whose windows
  can read padding (where the contribution is 0 instead) takes this only for channels
  whose value is the zero point;
- a DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, MAX_POOL_2D, or a view keeping the last
  dimension (RESHAPE / SQUEEZE / EXPAND_DIMS) passes the dropped channels through: the
  channel must be constant, and dropped, on its output as well.

A tensor keeps all its channels when it is a graph input or output, when any reader is
another kind of op, and at least one in any case; a multiple of 4 stays one (the SIMD
kernels' fast paths want groups of four channels). Outputs are bit-exact with TFLM by
construction; compile(..., constant_channels="keep") turns the pass off.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from mcugen.ir import Graph, Op, Quant, Tensor
from mcugen.ir.quant import conv_multipliers
from mcugen.ops import spec_for
from mcugen.ops.common import optional_in, output_range
from mcugen.ops.conv2d import reads_padding
from mcugen.ops.fixedpoint import mbqm

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
SIMD_GROUP = 4  # channel counts are kept multiples of it, where they were
VARIES = 1 << 20  # a channel's value when it is not constant (outside any int8 range)

# How each op kind treats channels: "conv" and "depthwise" make new ones, "dense" reads
# them as features, "per_channel" and "view" carry them from input 0 to the output.
ROLES = {"CONV_2D": "conv", "DEPTHWISE_CONV_2D": "depthwise", "FULLY_CONNECTED": "dense",
         "AVERAGE_POOL_2D": "per_channel", "MAX_POOL_2D": "per_channel",
         "RESHAPE": "view", "SQUEEZE": "view", "EXPAND_DIMS": "view"}


def _int8_activation(t: Tensor | None) -> bool:
    return (t is not None and not t.is_const and t.dtype == "int8" and t.quant is not None
            and not t.qparams.per_channel and len(t.shape) >= 1)


def _role(graph: Graph, op: Op) -> str | None:
    """op's role if mcugen can rewrite its channels, else None."""
    role = ROLES.get(op.kind)
    if role is None or len(op.outputs) != 1 or not op.inputs:
        return None
    x, y = graph.tensor(op.inputs[0]), graph.tensors[op.outputs[0]]
    if x is None or not (_int8_activation(x) and _int8_activation(y)):
        return None
    if role in ("per_channel", "view"):
        same = role == "per_channel" or x.shape[-1] == y.shape[-1]
        return role if same and x.scale == y.scale and x.zero_point == y.zero_point else None
    w = optional_in(graph, op, 1)
    if w is None or not w.is_const or w.dtype != "int8" or w.quant is None or np.any(w.qparams.zero_point != 0):
        return None
    bias = optional_in(graph, op, 2)
    if bias is not None and (not bias.is_const or bias.dtype != "int32"):
        return None
    if role == "dense":  # features are the flattened input: channel = feature % depth
        return role if len(w.shape) == 2 and w.shape[1] % x.shape[-1] == 0 else None
    return role


def _bias(graph: Graph, op: Op, channels: int) -> np.ndarray:
    bias = optional_in(graph, op, 2)
    return np.zeros(channels, np.int64) if bias is None else bias.values.reshape(-1).astype(np.int64)


def _accumulator_bounds(graph: Graph, op: Op, values: np.ndarray, role: str):
    """Per output channel, the least and greatest accumulator over every input, given the
    input channels' constant values (VARIES where not constant)."""
    x, w = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]]
    varies = values == VARIES
    low = np.where(varies, -128, values).astype(np.int64) - x.zero_point
    high = np.where(varies, 127, values).astype(np.int64) - x.zero_point
    weights = w.values.astype(np.int64)
    if role == "depthwise":  # (1, kh, kw, out_c): output o reads input o // multiplier
        taps = weights[0].reshape(-1, weights.shape[3]).T
        source = np.arange(weights.shape[3]) // (weights.shape[3] // x.shape[-1])
        low, high = low[source][:, None], high[source][:, None]
    else:  # (out_c, kh, kw, in_c): tap t reads input channel t % in_c
        taps = weights.reshape(weights.shape[0], -1)
        repeat = taps.shape[1] // low.size
        low, high = np.tile(low, repeat)[None, :], np.tile(high, repeat)[None, :]
    least, most = np.minimum(taps * low, taps * high), np.maximum(taps * low, taps * high)
    if reads_padding(graph, op, role == "depthwise"):  # a padded tap adds 0
        least, most = np.minimum(least, 0), np.maximum(most, 0)
    bias = _bias(graph, op, taps.shape[0])
    return bias + least.sum(axis=1), bias + most.sum(axis=1)


def _conv_values(graph: Graph, op: Op, values: np.ndarray, role: str) -> np.ndarray:
    """Each output channel's value if it is the same for every input, else VARIES."""
    x, w, y = (graph.tensors[t] for t in (op.inputs[0], op.inputs[1], op.outputs[0]))
    channels = y.shape[-1]
    multipliers, shifts = conv_multipliers(x.scale, w.qparams.scale, y.scale, channels)
    act_min, act_max = output_range(op, y)
    least, most = _accumulator_bounds(graph, op, values, role)
    out = np.full(channels, VARIES, np.int64)
    for c in range(channels):
        shift = max(int(shifts[c]), 0)  # a left shift wraps beyond int32: not monotone there
        if int(least[c]) << shift < INT32_MIN or int(most[c]) << shift > INT32_MAX:
            continue
        low, high = (min(max(mbqm(int(a), int(multipliers[c]), int(shifts[c])) + y.zero_point,
                             act_min), act_max) for a in (least[c], most[c]))
        if low == high:
            out[c] = low
    return out


def _constant_values(graph: Graph, roles: dict) -> dict[int, np.ndarray]:
    """Tensor -> its channels' constant values (VARIES where not constant), forward."""
    values: dict[int, np.ndarray] = {}
    for op in graph.ops:
        role = roles.get(op.index)
        if role is None or role == "dense":
            continue
        x = graph.tensors[op.inputs[0]]
        given = values.get(x.index, np.full(x.shape[-1], VARIES, np.int64))
        if role in ("conv", "depthwise"):
            values[op.outputs[0]] = _conv_values(graph, op, given, role)
        elif role == "per_channel":  # a window of one value averages or maxes to it, clamped
            act_min, act_max = output_range(op, graph.tensors[op.outputs[0]])
            values[op.outputs[0]] = np.where(given == VARIES, VARIES, np.clip(given, act_min, act_max))
        else:
            values[op.outputs[0]] = given
    return values


def _dropped_channels(graph: Graph, roles: dict, values: dict) -> dict[int, set]:
    """Tensor -> the constant channels every reader can do without (a fixed point)."""
    readers: dict[int, list[tuple[Op, int]]] = {}
    for op in graph.ops:
        for position, t in enumerate(op.inputs):
            readers.setdefault(t, []).append((op, position))
    boundary = set(graph.inputs) | set(graph.outputs)
    dropped = {}
    for t, vals in values.items():
        uses = readers.get(t, [])
        if t in boundary or not uses or any(pos != 0 or roles.get(op.index) is None for op, pos in uses):
            continue
        dropped[t] = {int(c) for c in np.flatnonzero(vals != VARIES)}
    # convs whose windows can read padding (a tap there adds 0, not the channel's value)
    padded = {op.index for op in graph.ops if roles.get(op.index) == "conv" and reads_padding(graph, op, False)}
    changed = False

    def keep(t, channels):
        nonlocal changed
        before = dropped.get(t, set())
        after = before & channels
        if after != before:
            dropped[t], changed = after, True

    def readers_agree():
        for op in graph.ops:
            role = roles.get(op.index)
            if role is None or role == "dense":
                continue
            x, y = op.inputs[0], op.outputs[0]
            if op.index in padded:
                zero = graph.tensors[x].zero_point
                keep(x, {c for c in dropped.get(x, set()) if values[x][c] == zero})
            elif role == "depthwise":  # a channel goes on both sides or on neither
                per_output = graph.tensors[y].shape[-1] // graph.tensors[x].shape[-1]
                ins, outs = dropped.get(x, set()), dropped.get(y, set())
                keep(x, {c for c in ins if all(c * per_output + j in outs for j in range(per_output))})
                keep(y, {o for o in outs if o // per_output in dropped.get(x, set())})
            elif role in ("per_channel", "view"):
                both = dropped.get(x, set()) & dropped.get(y, set())
                keep(x, both)
                keep(y, both)

    def whole_groups():
        # at least one channel; whole groups of SIMD_GROUP where the model had them
        # (the SIMD kernels' fast paths work on groups of four channels)
        for t, channels in list(dropped.items()):
            total = graph.tensors[t].shape[-1]
            kept = total - len(channels)
            wanted = max(kept, 1)
            if total % SIMD_GROUP == 0:
                wanted += -wanted % SIMD_GROUP
            if wanted > kept:
                keep(t, set(sorted(channels)[:len(channels) - (wanted - kept)]))

    while True:  # every step only shrinks the sets
        changed = False
        readers_agree()
        if not changed:
            whole_groups()
            if not changed:
                break
    return {t: channels for t, channels in dropped.items() if channels}


class _Rewriter:
    """Builds the narrower graph: new constants are appended, activations change shape."""

    def __init__(self, graph: Graph, dropped: dict, values: dict):
        self.graph, self.dropped, self.values = graph, dropped, values
        self.tensors = list(graph.tensors)

    def kept(self, t: int) -> np.ndarray:
        channels = self.graph.tensors[t].shape[-1]
        return np.array([c for c in range(channels) if c not in self.dropped.get(t, ())], np.int64)

    def add_const(self, like: Tensor | None, name: str, data: np.ndarray, quant: Quant | None) -> int:
        index = len(self.tensors)
        self.tensors.append(Tensor(index=index, name=like.name if like is not None else name,
                                   shape=tuple(data.shape), dtype=str(data.dtype), quant=quant, data=data))
        return index

    @staticmethod
    def sliced_quant(quant: Quant | None, keep: np.ndarray, size: int) -> Quant | None:
        if quant is None or quant.scale.size != size:
            return quant
        return replace(quant, scale=quant.scale[keep], zero_point=quant.zero_point[keep])

    def folded(self, op: Op, contribution: np.ndarray, keep_out: np.ndarray) -> np.ndarray:
        """The op's bias for the kept outputs plus the dropped inputs' contribution, wrapped
        to int32 as the accumulator would."""
        total = _bias(self.graph, op, contribution.size) + contribution
        return (((total[keep_out] - INT32_MIN) % (1 << 32)) + INT32_MIN).astype(np.int32)

    def rewrite(self, op: Op, role: str) -> Op:
        graph = self.graph
        x, w = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]]
        bias = optional_in(graph, op, 2)
        keep_in = self.kept(x.index)
        weights = w.values.astype(np.int64)
        offset = np.zeros(x.shape[-1], np.int64)  # value - zero point of the dropped channels
        for c in self.dropped.get(x.index, ()):
            offset[c] = self.values[x.index][c] - x.zero_point
        if role == "dense":
            keep_out = np.arange(w.shape[0])
            depth = x.shape[-1]
            feature_keep = np.flatnonzero(np.isin(np.arange(w.shape[1]) % depth, keep_in))
            contribution = weights @ np.tile(offset, w.shape[1] // depth)
            new_w = w.values[:, feature_keep]
            axis = None
        elif role == "conv":
            keep_out = self.kept(op.outputs[0])
            contribution = (weights * offset).sum(axis=(1, 2, 3))
            new_w = w.values[keep_out][:, :, :, keep_in]
            axis = 0
        else:  # depthwise: dropped inputs feed only dropped outputs
            keep_out = self.kept(op.outputs[0])
            contribution = np.zeros(w.shape[3], np.int64)
            new_w = w.values[:, :, :, keep_out]
            axis = 3
        new_quant = w.quant if axis is None else self.sliced_quant(w.quant, keep_out, w.shape[axis])
        inputs = [x.index, self.add_const(w, "filter", np.ascontiguousarray(new_w), new_quant)]
        if bias is not None or np.any(contribution):
            bias_quant = self.sliced_quant(bias.quant, keep_out, contribution.size) if bias is not None else None
            inputs.append(self.add_const(bias, f"{graph.tensors[op.outputs[0]].name}_bias",
                                         self.folded(op, contribution, keep_out), bias_quant))
        return replace(op, inputs=(*inputs, *op.inputs[3:]))

    def graph_with(self, ops: list[Op]) -> Graph:
        return replace(self.graph, tensors=tuple(self.tensors), ops=tuple(ops))


def drop_constant_channels(graph: Graph) -> Graph:
    """The graph without the channels proven constant (see the module docstring); each
    rewritten op records the MACs it no longer does in params["constant_macs"]."""
    roles = {op.index: role for op in graph.ops if (role := _role(graph, op)) is not None}
    values = _constant_values(graph, roles)
    dropped = _dropped_channels(graph, roles, values)
    if not dropped:
        return graph
    rewriter = _Rewriter(graph, dropped, values)
    ops = []
    for op in graph.ops:
        touched = any(t in dropped for t in (op.inputs[0], op.outputs[0])) if op.inputs else False
        role = roles.get(op.index)
        ops.append(rewriter.rewrite(op, role) if touched and role in ("conv", "depthwise", "dense") else op)
    for t, channels in dropped.items():
        tensor = graph.tensors[t]
        rewriter.tensors[t] = replace(tensor, shape=(*tensor.shape[:-1], tensor.shape[-1] - len(channels)))
    narrow = rewriter.graph_with(ops)
    return replace(narrow, ops=tuple(
        new if new is old else replace(new, params={
            **new.params, "constant_macs": spec_for(old).macs(graph, old) - spec_for(new).macs(narrow, new)})
        for old, new in zip(graph.ops, narrow.ops)))
