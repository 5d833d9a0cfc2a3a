"""Fuzz `mcugen compile` (and `mcugen inspect`) with malformed models.

Seeds are the shared models (../shared/models) and random small int8 models built with
tests/builder.py. Each case mutates one seed: byte flips, word overwrites, truncation,
or a structural edit made on the model's description before it is serialized again
(huge or negative dimensions, out-of-range tensor and buffer indices, op cycles, missing
quantization, wrong dtypes, zero/negative/NaN scales, absurd strides, paddings, filter
sizes, unknown opcodes...). The only acceptable outcomes are success or mcugen's own
one-line `mcugen: error: ...` with exit code 2, within the time bound.

Beside malformed models, a share of the cases are hostile surroundings (fuzz/hostile.py):
tensor names, --prefix values, output folders and special files, each judged by the
sandbox rules of fuzz/sandbox.py (no file outside the output folder touched, no file of
the user's deleted).

This module makes the cases; fuzz/runner.py runs them. The bulk runs in-process (the
CLI's main() in a forked worker, which is killed and restarted on a timeout); a sample
also runs through the real CLI in a subprocess, and a sample of successful compiles is
built with the host compiler (-Werror).

    python fuzz/fuzz.py --cases 10000 --seconds 3600 --seed 0
    python fuzz/fuzz.py --replay outdir.manifest_abs:123   # one hostile case again, kept
"""
from __future__ import annotations

import copy
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import numpy as np
import tflite

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcugen.frontend import parse_tflite  # noqa: E402
from tests import builder as builder_module  # noqa: E402
from tests.builder import ModelBuilder  # noqa: E402
from tests.ops import models  # noqa: E402

SHARED_MODELS = ROOT.parent / "shared" / "models"
BOARD = "mps2-an500"  # 4 MiB of SRAM and flash: most unmutated seeds fit
CASE_SECONDS = 20.0
WORKER_MEMORY_BYTES = 3 << 30  # a case asking for more is a bug (MemoryError = crash)

INT32_MAX = 2**31 - 1
HUGE_DIMS = [0, -1, -2, 2, 3, 7, 100_000, 65_536, 1 << 20, INT32_MAX, -INT32_MAX - 1]
BAD_INDICES = [-1, -2, -7, 10_000, INT32_MAX, -INT32_MAX - 1]
BAD_SCALES = [0.0, -0.5, float("nan"), float("inf"), -float("inf"), 1e-45, 1e-30, 1e30, 3.4e38]
BAD_ZERO_POINTS = [128, -129, 1000, -1000, 2**31, -(2**40), 2**62]
BAD_OPTION_INTS = [0, -1, -100, 2, 3, 1000, 65_535, INT32_MAX, -INT32_MAX - 1]
ENUM_BYTES = [-1, 2, 3, 4, 5, 6, 7, 99, 127, -128]
DTYPES = [np.int16, np.int32, np.uint8, np.float32, np.int64, np.bool_]
RAW_TYPE_CODES = [99, 17, 255, 11, 16]  # unknown / complex / string / float64... TensorType values
ALL_OPS = sorted(k for k in vars(tflite.BuiltinOperator) if not k.startswith("_"))


# ------------------------------------------------------------------------ model description
class FuzzBuilder(ModelBuilder):
    """tests/builder.py's ModelBuilder, plus the ways to write what it would refuse.

    Tensor dicts may carry "buffer" (raw buffer index), "type_code" (raw TensorType) and
    "raw_zero_point" (a zero-point vector of its own length); an op kind may be "RAW_<n>"
    (an opcode number) or any BuiltinOperator name, with or without an options table.
    """

    def _tensor(self, fb, idx, t, buffer):
        T = builder_module._mod("Tensor")
        quant = self._quant(fb, t) if t["scale"] is not None else None
        shape = builder_module._int_vector(fb, "Tensor", "Shape", t["shape"])
        name = fb.CreateString(t["name"])
        T.TensorStart(fb)
        T.TensorAddShape(fb, shape)
        T.TensorAddType(fb, t.get("type_code", builder_module._TENSOR_TYPES[t["dtype"]]))
        T.TensorAddBuffer(fb, t.get("buffer", buffer))
        T.TensorAddName(fb, name)
        if quant is not None:
            T.TensorAddQuantization(fb, quant)
        return T.TensorEnd(fb)

    @staticmethod
    def _quant(fb, t):
        if "raw_zero_point" not in t:
            return builder_module._quantization(fb, t)
        Q = builder_module._mod("QuantizationParameters")
        scale_vec = fb.CreateNumpyVector(np.atleast_1d(np.asarray(t["scale"], np.float32)))
        zp_vec = fb.CreateNumpyVector(np.atleast_1d(np.asarray(t["raw_zero_point"], np.int64)))
        Q.QuantizationParametersStart(fb)
        Q.QuantizationParametersAddScale(fb, scale_vec)
        Q.QuantizationParametersAddZeroPoint(fb, zp_vec)
        Q.QuantizationParametersAddQuantizedDimension(fb, t["axis"])
        return Q.QuantizationParametersEnd(fb)

    def build(self, subgraph_copies: int = 1) -> bytes:
        extra = {kind: (None, []) for kind, *_ in self.ops if kind not in builder_module.OP_OPTIONS}
        real_code = builder_module._operator_code

        def operator_code(fb, kind):
            if not kind.startswith("RAW_"):
                return real_code(fb, kind)
            OC = builder_module._mod("OperatorCode")
            OC.OperatorCodeStart(fb)
            OC.OperatorCodeAddDeprecatedBuiltinCode(fb, 127)
            OC.OperatorCodeAddBuiltinCode(fb, int(kind[4:]))
            return OC.OperatorCodeEnd(fb)

        with mock.patch.dict(builder_module.OP_OPTIONS, extra), \
                mock.patch.object(builder_module, "_operator_code", operator_code):
            return super().build(subgraph_copies)


def builder_from_bytes(data: bytes) -> FuzzBuilder:
    """Read a model with mcugen's frontend and describe it again as a FuzzBuilder."""
    graph = parse_tflite(data)
    b = FuzzBuilder()
    for t in graph.tensors:
        scale = zp = None
        if t.quant is not None:
            scale, zp = t.quant.scale.tolist(), t.quant.zero_point.tolist()
        b.tensors.append(dict(shape=list(t.shape), dtype=np.dtype(t.dtype), name=t.name, scale=scale,
                              zero_point=zp, axis=t.quant.axis if t.quant else 0, data=t.data))
    for op in graph.ops:
        fields = {name: (kind, default) for name, kind, default in
                  builder_module.OP_OPTIONS.get(op.kind, (None, []))[1]}
        values = {k: builder_module._coerce(fields[k][0], k, v) for k, v in op.options.items()
                  if k in fields and v is not None}
        b.ops.append((op.kind, list(op.inputs), list(op.outputs), values))
    b.inputs, b.outputs = list(graph.inputs), list(graph.outputs)
    return b


def random_model(rng: np.random.Generator) -> FuzzBuilder:
    """A valid random chain of 1-4 small int8 layers (the ops mcugen supports)."""
    b = FuzzBuilder()
    h, w, c = (int(v) for v in rng.integers(1, 9, size=3))
    x = models.input_act(b, rng, (1, h, w, c))
    for _ in range(int(rng.integers(1, 5))):
        kind = rng.choice(["conv", "dwconv", "pool", "add", "fc", "reshape", "softmax"])
        if len(x.shape) != 4 and kind in ("conv", "dwconv", "pool"):
            kind = "fc"
        if kind in ("conv", "dwconv"):
            kh, kw = (int(v) for v in rng.integers(1, 4, size=2))
            padding = "SAME" if kh > x.shape[1] or kw > x.shape[2] else str(rng.choice(["SAME", "VALID"]))
            x = models.conv_layer(b, rng, x, out_c=int(rng.integers(1, 9)), kernel=(kh, kw),
                                  stride=tuple(int(v) for v in rng.integers(1, 3, size=2)), padding=padding,
                                  activation=str(rng.choice(models.ACTIVATIONS)),
                                  per_channel=bool(rng.integers(2)), depthwise=kind == "dwconv",
                                  depth_multiplier=int(rng.integers(1, 3)))
        elif kind == "pool":
            fh, fw = min(2, x.shape[1]), min(2, x.shape[2])
            x = models.pool_layer(b, x, str(rng.choice(["AVERAGE_POOL_2D", "MAX_POOL_2D"])), (fh, fw),
                                  stride=(fh, fw))
        elif kind == "add":
            scale = x.scale * 2
            y = b.tensor(x.shape, scale=scale, zero_point=0)
            b.op("ADD", [x.index, x.index], [y])
            x = models.Act(y, x.shape, scale, 0)
        elif kind == "fc":
            x = models.fc_layer(b, rng, x, units=int(rng.integers(1, 17)))
        elif kind == "reshape":
            x = models.view_layer(b, x, "RESHAPE", (1, int(np.prod(x.shape))))
        else:
            x = models.softmax_layer(b, x)
    b.output(x.index)
    return b


def huge_conv_model(rng: np.random.Generator) -> FuzzBuilder:
    """A 3x3 CONV_2D over an enormous image: must be refused or planned, never allocated."""
    side = int(rng.choice([100_000, 46_341, 1 << 20, INT32_MAX]))
    b = FuzzBuilder()
    x = b.input((1, side, side, 3), scale=0.05, zero_point=0)
    wt = b.const(np.ones((8, 3, 3, 3), np.int8), scale=[0.01] * 8, axis=0)
    bias = b.const(np.zeros(8, np.int32), scale=[0.0005] * 8)
    y = b.output(b.tensor((1, side, side, 8), scale=0.1, zero_point=0))
    b.op("CONV_2D", [x, wt, bias], [y], padding="SAME")
    return b


# ------------------------------------------------------------------------------ mutations
def _pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def m_huge_dim(b, rng):
    t = _pick(rng, b.tensors)
    if t["shape"] and rng.random() < 0.8:
        t["shape"][int(rng.integers(len(t["shape"])))] = _pick(rng, HUGE_DIMS)
    elif rng.random() < 0.5:
        t["shape"] = t["shape"] + [_pick(rng, HUGE_DIMS)]
    else:
        t["shape"] = []


def m_bad_tensor_index(b, rng):
    where = rng.integers(3)
    value = _pick(rng, BAD_INDICES + [len(b.tensors), len(b.tensors) + 3])
    if where == 0 and b.ops:
        i = int(rng.integers(len(b.ops)))
        kind, ins, outs, values = b.ops[i]
        ins, outs = list(ins), list(outs)
        target = ins if (rng.random() < 0.6 and ins) or not outs else outs
        target[int(rng.integers(len(target)))] = value
        b.ops[i] = (kind, ins, outs, values)
    elif where == 1 and b.inputs:
        b.inputs[int(rng.integers(len(b.inputs)))] = value
    elif b.outputs:
        b.outputs[int(rng.integers(len(b.outputs)))] = value


def m_bad_buffer(b, rng):
    t = _pick(rng, b.tensors)
    n_buffers = 1 + sum(x["data"] is not None for x in b.tensors)
    t["buffer"] = _pick(rng, [n_buffers, n_buffers + 100, 2**32 - 1, 2**31, 0, 1])


def m_cycle(b, rng):
    if not b.ops:
        return
    choice = rng.integers(4)
    i = int(rng.integers(len(b.ops)))
    kind, ins, outs, values = b.ops[i]
    if choice == 0 and ins and outs:  # the op reads its own output
        b.ops[i] = (kind, [outs[0], *ins[1:]], outs, values)
    elif choice == 1:  # reads the output of a later (or the same) op
        j = int(rng.integers(i, len(b.ops)))
        if ins and b.ops[j][2]:
            b.ops[i] = (kind, [b.ops[j][2][0], *ins[1:]], outs, values)
    elif choice == 2:  # ops reversed or shuffled
        order = rng.permutation(len(b.ops))
        b.ops[:] = [b.ops[k] for k in order]
    else:  # an op duplicated: its output is written twice
        b.ops.insert(int(rng.integers(len(b.ops) + 1)), b.ops[i])


def m_missing_quant(b, rng):
    _pick(rng, b.tensors)["scale"] = None


def m_wrong_dtype(b, rng):
    t = _pick(rng, b.tensors)
    if rng.random() < 0.2:
        t["type_code"] = _pick(rng, RAW_TYPE_CODES)
    else:
        t["dtype"] = np.dtype(_pick(rng, DTYPES))


def m_bad_quant(b, rng):
    t = _pick(rng, b.tensors)
    choice = rng.integers(5)
    n = len(np.atleast_1d(t["scale"])) if t["scale"] is not None else 1
    if choice == 0:
        scale = np.atleast_1d(np.asarray(t["scale"] if t["scale"] is not None else 0.1, np.float64)).copy()
        if scale.size == 0:  # emptied by an earlier mutation of this case
            scale = np.array([0.1])
        scale[int(rng.integers(scale.size))] = _pick(rng, BAD_SCALES)
        t["scale"] = scale.tolist()
    elif choice == 1:
        t["zero_point"] = [_pick(rng, BAD_ZERO_POINTS)] * n
        if t["scale"] is None:
            t["scale"] = 0.1
    elif choice == 2:  # scale and zero-point vectors of different lengths
        t["scale"] = [0.1] * n if t["scale"] is None else t["scale"]
        t["raw_zero_point"] = [0] * (n + int(rng.integers(1, 4)))
    elif choice == 3:  # per-channel scales on the wrong axis / wrong count
        t["axis"] = _pick(rng, [-1, 1, 2, 3, 5, 100])
        t["scale"] = [0.01] * int(rng.integers(1, 20))
    else:
        t["scale"] = []  # an empty scale vector


def m_absurd_options(b, rng):
    if not b.ops:
        return
    i = int(rng.integers(len(b.ops)))
    kind, ins, outs, values = b.ops[i]
    values = dict(values)
    fields = builder_module.OP_OPTIONS.get(kind, (None, []))[1]
    if not fields:
        return
    name, field_kind, _ = fields[int(rng.integers(len(fields)))]
    if field_kind == builder_module.INT:
        values[name] = _pick(rng, BAD_OPTION_INTS)
    elif field_kind == builder_module.FLOAT:
        values[name] = _pick(rng, [float("nan"), -1.0, 0.0, float("inf"), 1e30, 1e-30])
    elif field_kind == builder_module.BOOL:
        values[name] = not values.get(name, False)
    elif field_kind == builder_module.INT_LIST:
        values[name] = [int(v) for v in rng.choice(HUGE_DIMS, size=int(rng.integers(0, 6)))]
    else:  # an enum stored in a byte
        values[name] = _pick(rng, ENUM_BYTES)
    b.ops[i] = (kind, ins, outs, values)


def m_op_kind(b, rng):
    if not b.ops:
        return
    i = int(rng.integers(len(b.ops)))
    kind, ins, outs, values = b.ops[i]
    r = rng.random()
    if r < 0.5:
        new = _pick(rng, ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D",
                          "MAX_POOL_2D", "ADD", "SOFTMAX", "RESHAPE", "SQUEEZE", "EXPAND_DIMS"])
        values = {}  # the new kind's options are left at their defaults
    elif r < 0.8:
        new, values = _pick(rng, ALL_OPS), {}
    else:
        new, values = f"RAW_{int(_pick(rng, [-1, 206, 999, 2**31 - 1, 32, 0]))}", {}
    if new in builder_module.OP_OPTIONS and new not in ("RAW",):
        table, fields = builder_module.OP_OPTIONS[new]
        values = {name: builder_module._coerce(k, name, d) for name, k, d in fields if d is not None}
    b.ops[i] = (new, ins, outs, values)


def m_operands(b, rng):
    if not b.ops:
        b.ops.append(("ADD", [0, 0], [0], {}))
        return
    i = int(rng.integers(len(b.ops)))
    kind, ins, outs, values = b.ops[i]
    ins, outs = list(ins), list(outs)
    r = rng.integers(6)
    if r == 0 and ins:
        ins.pop()
    elif r == 1:
        ins.append(_pick(rng, [-1, 0, len(b.tensors) - 1]))
    elif r == 2:
        outs = []
    elif r == 3:
        outs.append(int(rng.integers(len(b.tensors))))
    elif r == 4:
        ins = []
    else:
        ins = [int(rng.integers(len(b.tensors))) for _ in range(len(ins))]
    b.ops[i] = (kind, ins, outs, values)


def m_const_data(b, rng):
    t = _pick(rng, b.tensors)
    r = rng.integers(4)
    if r == 0 and t["data"] is not None:  # buffer shorter or longer than the shape says
        flat = np.asarray(t["data"]).reshape(-1)
        t["data"] = flat[: max(0, flat.size - int(rng.integers(1, 4)))] if rng.random() < 0.5 \
            else np.concatenate([flat, flat[:3]])
    elif r == 1 and t["data"] is None:  # an activation turned into a constant
        size = int(np.prod(t["shape"])) if all(0 <= d < 4096 for d in t["shape"]) else 1
        t["data"] = np.zeros(min(size, 1 << 16), t["dtype"])
    elif r == 2:  # weights turned into an activation
        t["data"] = None
    else:
        t["data"] = np.array([], t["dtype"])


def m_graph_io(b, rng):
    r = rng.integers(4)
    if r == 0:
        b.inputs = []
    elif r == 1:
        b.outputs = []
    elif r == 2:
        b.outputs = b.outputs + b.outputs
    else:
        b.inputs = b.inputs + [int(rng.integers(len(b.tensors)))]


def m_drop_ops(b, rng):
    if rng.random() < 0.3:
        b.ops[:] = []
    elif b.ops:
        del b.ops[int(rng.integers(len(b.ops)))]


STRUCTURAL = {
    "huge_dim": m_huge_dim, "tensor_index": m_bad_tensor_index, "buffer_index": m_bad_buffer,
    "cycle": m_cycle, "missing_quant": m_missing_quant, "dtype": m_wrong_dtype,
    "quant": m_bad_quant, "options": m_absurd_options, "op_kind": m_op_kind,
    "operands": m_operands, "const_data": m_const_data, "graph_io": m_graph_io,
    "drop_ops": m_drop_ops,
}


def byte_flip(data: bytes, rng) -> bytes:
    out = bytearray(data)
    for _ in range(int(rng.integers(1, 17))):
        out[int(rng.integers(len(out)))] = int(rng.integers(256))
    return bytes(out)


def word_overwrite(data: bytes, rng) -> bytes:
    # Offsets and lengths in a flatbuffer are 32-bit words: set some to telling values.
    out = bytearray(data)
    for _ in range(int(rng.integers(1, 5))):
        at = int(rng.integers(0, max(1, len(out) - 4))) & ~3
        value = _pick(rng, [0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, len(out), len(out) - 4, 0xFFFF])
        out[at:at + 4] = int(value).to_bytes(4, "little")
    return bytes(out)


def truncate(data: bytes, rng) -> bytes:
    r = rng.random()
    if r < 0.1:
        return data[: int(rng.integers(0, 16))]
    return data[: int(rng.integers(8, len(data)))]


def splice(data: bytes, rng) -> bytes:
    a, b_ = sorted(int(v) for v in rng.integers(0, len(data), size=2))
    if rng.random() < 0.5:
        return data[:a] + data[b_:]  # a chunk deleted
    return data[:b_] + data[a:b_] + data[b_:]  # a chunk repeated


BYTE_LEVEL = {"bytes.flip": byte_flip, "bytes.word": word_overwrite, "bytes.truncate": truncate,
              "bytes.splice": splice}


# ---------------------------------------------------------------------------------- cases
@dataclass
class Case:
    number: int
    mutation: str  # e.g. "cycle" or "bytes.flip", or a hostile family ("outdir.manifest_abs")
    seed_name: str
    data: bytes
    hostile_seed: int | None = None  # hostile cases: the seed of their setup (--replay FAMILY:SEED)


class CaseSource:
    """Deterministic stream of cases for a seed; shared-model seeds are parsed once."""

    def __init__(self, seed: int, shared: bool = True, hostile: float = 0.0, families: list[str] | None = None):
        self.rng = np.random.default_rng(seed)
        self.hostile, self.families = hostile, families
        self.shared = {}
        if shared and SHARED_MODELS.is_dir():
            for path in sorted(SHARED_MODELS.glob("*.tflite")):
                self.shared[path.stem] = path.read_bytes()
        self._described: dict[str, FuzzBuilder] = {}

    def _seed_builder(self) -> tuple[str, FuzzBuilder]:
        r = self.rng.random()
        if self.shared and r < 0.25:
            name = _pick(self.rng, sorted(self.shared))
            if name not in self._described:
                self._described[name] = builder_from_bytes(self.shared[name])
            return name, copy.deepcopy(self._described[name])
        if r < 0.28:
            return "huge_conv", huge_conv_model(self.rng)
        return "random", random_model(self.rng)

    def case(self, number: int) -> Case:
        rng = self.rng
        if self.hostile and rng.random() < self.hostile:
            from fuzz.hostile import pick_family
            family = pick_family(rng, self.families)
            return Case(number, family, "hostile", b"", hostile_seed=int(rng.integers(2**63)))
        r = rng.random()
        if r < 0.35:  # byte-level, on a shared model or on a random one
            mutation = _pick(rng, sorted(BYTE_LEVEL))
            if self.shared and rng.random() < 0.5:
                name = _pick(rng, sorted(self.shared))
                data = self.shared[name]
            else:
                name, data = "random", self._build(random_model(rng))
            return Case(number, mutation, name, BYTE_LEVEL[mutation](data, rng))
        name, b = self._seed_builder()
        if r < 0.40:
            return Case(number, "none", name, self._build(b))
        mutations = [_pick(rng, sorted(STRUCTURAL)) for _ in range(int(rng.integers(1, 3)))]
        for m in mutations:
            STRUCTURAL[m](b, rng)
        data = self._build(b)
        if data is None:
            return Case(number, "+".join(mutations), name, self._build(random_model(rng)) or b"")
        return Case(number, "+".join(mutations), name, data)

    @staticmethod
    def _build(b: FuzzBuilder) -> bytes | None:
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                return b.build()
        except Exception:  # a description the serializer cannot write
            return None




if __name__ == "__main__":
    from fuzz.runner import main
    sys.exit(main())
