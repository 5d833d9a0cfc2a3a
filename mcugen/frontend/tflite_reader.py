"""Read a .tflite flatbuffer (package `tflite`) into the IR.

The flatbuffer accessors trust the file: a corrupt offset raises whatever struct or
numpy raise. Every such failure is turned into one McugenError naming the file, and
sizes are checked against the file length before anything large is materialized.
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import numpy as np
import tflite

from mcugen.errors import McugenError
from mcugen.ir import Graph, Op, Quant, Tensor

_OPERATOR_NAMES = {v: k for k, v in vars(tflite.BuiltinOperator).items() if not k.startswith("_")}
_TENSOR_TYPES = {v: k.lower() for k, v in vars(tflite.TensorType).items() if not k.startswith("_")}
_NUMPY_TYPES = {"int8", "uint8", "int16", "int32", "int64", "float32", "float16", "float64", "bool"}
_OPTION_CLASSES = {v: k for k, v in vars(tflite.BuiltinOptions).items() if not k.startswith("_")}
_ENUM_FIELDS = {
    "padding": {v: k for k, v in vars(tflite.Padding).items() if not k.startswith("_")},
    "fused_activation_function": {
        v: k for k, v in vars(tflite.ActivationFunctionType).items() if not k.startswith("_")},
}
# The largest microcontroller flash is a few MiB; a file far beyond it is not a model for one
# (and reading /dev/zero must stop somewhere).
MAX_MODEL_BYTES = 256 << 20
# No microcontroller board has this much memory for one tensor; refusing here keeps later
# stages (sizes, plans, the C arena's int offsets) far from overflow and huge allocations.
MAX_TENSOR_BYTES = 32 << 20


def read_model_file(path: str | Path) -> bytes:
    """The bytes of a model file: a regular file of at most MAX_MODEL_BYTES, checked before
    reading (a FIFO, a device or a folder is refused without blocking on it)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise McugenError(f"cannot read {path}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise McugenError(f"cannot read {path}: {what} (a .tflite model file is needed)")
        if info.st_size > MAX_MODEL_BYTES:
            raise McugenError(f"{path}: file too large for a microcontroller model "
                              f"({info.st_size:,} bytes; at most {MAX_MODEL_BYTES:,})")
        chunks, total = [], 0
        while chunk := os.read(fd, min(1 << 20, MAX_MODEL_BYTES + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_MODEL_BYTES:  # grew while being read
                raise McugenError(f"{path}: file too large for a microcontroller model "
                                  f"(over {MAX_MODEL_BYTES:,} bytes)")
        return b"".join(chunks)
    except OSError as exc:
        raise McugenError(f"cannot read {path}: {exc.strerror}") from None
    finally:
        os.close(fd)


def load_tflite(path: str | Path) -> Graph:
    """Read and parse a .tflite file; a missing or unreadable file is a McugenError."""
    return parse_tflite(read_model_file(path), name=Path(path).stem)


def parse_tflite(data: bytes, name: str = "model") -> Graph:
    """Parse flatbuffer bytes into a Graph, or raise McugenError saying why not."""
    if len(data) < 8:
        raise McugenError(f"{name}: not a TFLite model (file is {len(data)} bytes)")
    if len(data) > MAX_MODEL_BYTES:
        raise McugenError(f"{name}: file too large for a microcontroller model ({len(data)} bytes)")
    if data[4:8] != b"TFL3":
        raise McugenError(f"{name}: not a TFLite model (no TFL3 identifier)")
    try:
        return _parse(bytes(data), name)
    except McugenError:
        raise
    except Exception as exc:
        raise McugenError(f"{name}: corrupt or truncated TFLite file ({type(exc).__name__})") from None


def _check_count(count: int, data: bytes, what: str) -> int:
    # Each vector element takes at least 4 bytes; a larger count is a corrupt length.
    if count < 0 or count * 4 > len(data):
        raise McugenError(f"corrupt TFLite file: {what} count {count} exceeds the file size")
    return count


def _parse(data: bytes, name: str) -> Graph:
    model = tflite.Model.GetRootAsModel(data, 0)
    n_subgraphs = _check_count(model.SubgraphsLength(), data, "subgraph")
    if n_subgraphs != 1:
        raise McugenError(f"{name}: has {n_subgraphs} subgraphs; only single-subgraph models are supported")
    sub = model.Subgraphs(0)
    opcodes = [_operator_name(model.OperatorCodes(i))
               for i in range(_check_count(model.OperatorCodesLength(), data, "operator code"))]
    n_buffers = _check_count(model.BuffersLength(), data, "buffer")
    tensors = tuple(_read_tensor(model, sub.Tensors(i), i, n_buffers, data)
                    for i in range(_check_count(sub.TensorsLength(), data, "tensor")))
    ops = []
    for i in range(_check_count(sub.OperatorsLength(), data, "operator")):
        op = sub.Operators(i)
        code_index = op.OpcodeIndex()
        if not 0 <= code_index < len(opcodes):
            raise McugenError(f"{name}: op {i} has opcode index {code_index} out of range")
        ins = tuple(int(t) for t in _int_vector(op.InputsAsNumpy()))
        outs = tuple(int(t) for t in _int_vector(op.OutputsAsNumpy()))
        for t in ins + outs:
            if t >= len(tensors) or t < -1:
                raise McugenError(f"{name}: op {i} ({opcodes[code_index]}) refers to tensor {t}, "
                                  f"but the model has {len(tensors)} tensors")
        if not outs or -1 in outs:
            raise McugenError(f"{name}: op {i} ({opcodes[code_index]}) has no valid output tensor")
        ops.append(Op(index=i, kind=opcodes[code_index], inputs=ins, outputs=outs,
                      options=_read_options(op)))
    inputs = tuple(int(t) for t in _int_vector(sub.InputsAsNumpy()))
    outputs = tuple(int(t) for t in _int_vector(sub.OutputsAsNumpy()))
    for t in inputs + outputs:
        if not 0 <= t < len(tensors):
            raise McugenError(f"{name}: graph input/output tensor {t} is out of range")
    if not inputs or not outputs:
        raise McugenError(f"{name}: the graph declares no inputs or no outputs")
    graph_name = re.sub(r"[^0-9a-zA-Z_]", "_", name) or "model"
    return Graph(name=graph_name, tensors=tensors, ops=tuple(ops), inputs=inputs, outputs=outputs)


def _int_vector(values) -> np.ndarray:
    # The accessors return the int 0 for an absent vector.
    return np.zeros(0, np.int32) if isinstance(values, int) else values


def _display_name(raw: bytes | None, limit: int = 200) -> str:
    """A tensor name fit for one-line errors and C comments (a corrupt file can make a name
    out of anything): printable ASCII, bounded length, and nothing a C comment reacts to:
    no `/*` or `*/` (opened or closed comments), no `??` (trigraphs, on in -std=c99), no
    backslash (a line splice at the end of a // comment)."""
    text = "".join(c if " " <= c <= "~" else "?" for c in (raw or b"").decode(errors="replace"))
    text = text if len(text) <= limit else text[:limit - 3] + "..."
    text = text.replace("\\", "/")
    while "/*" in text or "*/" in text:
        text = text.replace("/*", "/_").replace("*/", "_/")
    return re.sub(r"\?(?=\?)", "?_", text)


def _operator_name(opcode) -> str:
    code = max(opcode.BuiltinCode(), opcode.DeprecatedBuiltinCode())
    if code == tflite.BuiltinOperator.CUSTOM:
        custom = opcode.CustomCode()
        return f"CUSTOM({_display_name(custom, 60) or '?'})"
    return _OPERATOR_NAMES.get(code, f"UNKNOWN_OPERATOR_{code}")


def _read_tensor(model, t, index: int, n_buffers: int, data: bytes) -> Tensor:
    name = _display_name(t.Name()) or f"tensor_{index}"
    dtype = _TENSOR_TYPES.get(t.Type(), f"type_{t.Type()}")
    shape = tuple(int(d) for d in _int_vector(t.ShapeAsNumpy()))
    signature = [int(d) for d in _int_vector(t.ShapeSignatureAsNumpy())]
    # A free batch dimension (-1 in the signature, 1 in the shape) runs as batch 1, as in
    # TFLM; any other unknown dimension has no static size to plan memory for.
    if any(d < 0 for d in shape) or any(d < 0 for d in signature[1:]):
        raise McugenError(f"tensor {index} ({name}) has a dynamic shape "
                          f"{signature or list(shape)}; mcugen needs static shapes")
    elements = 1
    for d in shape:
        elements *= d  # Python ints: no int64 wrap-around for absurd shapes
    itemsize = np.dtype(dtype).itemsize if dtype in _NUMPY_TYPES else 1
    if elements * itemsize > MAX_TENSOR_BYTES:
        raise McugenError(f"tensor {index} ({name}) of shape {list(shape)} needs {elements * itemsize:,} bytes; "
                          f"mcugen refuses tensors over {MAX_TENSOR_BYTES >> 20} MiB "
                          f"(no microcontroller has that much)")
    quant = None
    q = t.Quantization()
    if q is not None and q.ScaleLength() > 0:
        scale = np.asarray(q.ScaleAsNumpy(), dtype=np.float32).copy()
        zp = _int_vector(q.ZeroPointAsNumpy()).astype(np.int64)
        if zp.size == 0:
            zp = np.zeros(scale.size, np.int64)
        if zp.size != scale.size:
            raise McugenError(f"tensor {index} ({name}): {scale.size} scales but {zp.size} zero points")
        quant = Quant(scale=scale, zero_point=zp, axis=int(q.QuantizedDimension()))
    array = None
    buffer_index = t.Buffer()
    if not 0 <= buffer_index < n_buffers:
        raise McugenError(f"tensor {index} ({name}) refers to buffer {buffer_index}, "
                          f"but the model has {n_buffers} buffers")
    if buffer_index > 0:
        raw = model.Buffers(buffer_index).DataAsNumpy()
        if not isinstance(raw, int) and raw.size > 0:
            array = _const_array(raw, shape, dtype, index, name)
    return Tensor(index=index, name=name, shape=shape, dtype=dtype, quant=quant, data=array)


def _const_array(raw: np.ndarray, shape, dtype: str, index: int, name: str) -> np.ndarray:
    if dtype not in _NUMPY_TYPES:
        raise McugenError(f"tensor {index} ({name}): constant of unsupported type {dtype}")
    if any(d < 0 for d in shape):
        raise McugenError(f"tensor {index} ({name}): constant with dynamic shape {list(shape)}")
    itemsize = np.dtype(dtype).itemsize
    expected = int(np.prod(shape, dtype=object)) * itemsize
    if raw.size != expected:
        raise McugenError(f"tensor {index} ({name}): buffer holds {raw.size} bytes, "
                          f"shape {list(shape)} of {dtype} needs {expected}")
    return np.frombuffer(raw.tobytes(), dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype).reshape(shape)


def _snake(camel: str) -> str:
    # DilationHFactor -> dilation_h_factor, the schema's own field names
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", camel).lower()


def _read_options(op) -> dict:
    """Every scalar and vector field of the op's options table, by snake_case name."""
    class_name = _OPTION_CLASSES.get(op.BuiltinOptionsType(), "NONE")
    table = op.BuiltinOptions()
    if class_name == "NONE" or table is None:
        return {}
    cls = getattr(tflite, class_name, None)  # the package exports each table class by name
    if not isinstance(cls, type):
        return {}
    opts = cls()
    opts.Init(table.Bytes, table.Pos)
    fields = {}
    methods = {m for m in dir(cls) if m[0].isupper()}
    for m in sorted(methods):
        if m in ("Init",) or m.startswith("GetRootAs") or m.endswith(("Length", "IsNone", "AsNumpy")) \
                or m.endswith("BufferHasIdentifier"):
            continue
        key = _snake(m)
        if m + "AsNumpy" in methods:
            fields[key] = [int(v) for v in _int_vector(getattr(opts, m + "AsNumpy")())]
            continue
        try:
            value = getattr(opts, m)()
        except TypeError:
            continue  # accessors that need an argument
        if key in _ENUM_FIELDS:
            value = _ENUM_FIELDS[key].get(value, f"UNKNOWN_{value}")
        fields[key] = value
    return fields
