"""Build small int8 .tflite flatbuffers in memory (no TensorFlow needed).

Example::

    b = ModelBuilder()
    x = b.input((1, 8, 8, 3), scale=0.05, zero_point=-3)
    w = b.const(np.ones((8, 3, 3, 3), np.int8), scale=[0.01] * 8, axis=0)
    bias = b.const(np.zeros(8, np.int32), scale=[0.0005] * 8)
    y = b.tensor((1, 8, 8, 8), scale=0.1, zero_point=5)
    b.op("CONV_2D", [x, w, bias], [y], padding="SAME",
         fused_activation_function="RELU")
    b.output(y)
    data = b.build()
"""
from __future__ import annotations

import importlib

import flatbuffers
import numpy as np
import tflite

# ----------------------------------------------------------------- op options
# Field value kinds.  An enum class (tflite.Padding, ...) also works as a kind:
# its values may then be given by name ("SAME") or number.
INT, FLOAT, BOOL, INT_LIST = "int", "float", "bool", "int_list"


def _field(name, kind, default=None):
    """An options field: schema snake_case name, value kind, default (None: leave unset)."""
    return (name, kind, default)


_ACTIVATION = _field("fused_activation_function", tflite.ActivationFunctionType, "NONE")
_PADDING = _field("padding", tflite.Padding, "VALID")
_STRIDES = [_field("stride_w", INT, 1), _field("stride_h", INT, 1)]
_DILATIONS = [_field("dilation_w_factor", INT, 1), _field("dilation_h_factor", INT, 1)]
_POOL = [_PADDING, *_STRIDES, _field("filter_width", INT, 1),
         _field("filter_height", INT, 1), _ACTIVATION]

# BuiltinOperator name -> (options table name or None, [fields]).  Adding an op is
# one entry here; setters are looked up as tflite.<Table>.<Table>Add<CamelField>.
OP_OPTIONS = {
    "CONV_2D": ("Conv2DOptions", [_PADDING, *_STRIDES, *_DILATIONS, _ACTIVATION]),
    "DEPTHWISE_CONV_2D": ("DepthwiseConv2DOptions",
                          [_PADDING, *_STRIDES, *_DILATIONS, _ACTIVATION,
                           _field("depth_multiplier", INT, 1)]),
    "FULLY_CONNECTED": ("FullyConnectedOptions",
                        [_ACTIVATION, _field("keep_num_dims", BOOL, False),
                         _field("weights_format",
                                tflite.FullyConnectedOptionsWeightsFormat, "DEFAULT"),
                         _field("asymmetric_quantize_inputs", BOOL, False)]),
    "AVERAGE_POOL_2D": ("Pool2DOptions", _POOL),
    "MAX_POOL_2D": ("Pool2DOptions", _POOL),
    "ADD": ("AddOptions", [_ACTIVATION]),
    "SUB": ("SubOptions", [_ACTIVATION]),
    "MUL": ("MulOptions", [_ACTIVATION]),
    "SOFTMAX": ("SoftmaxOptions", [_field("beta", FLOAT, 1.0)]),
    "RESHAPE": ("ReshapeOptions", [_field("new_shape", INT_LIST)]),
    "SQUEEZE": ("SqueezeOptions", [_field("squeeze_dims", INT_LIST)]),
    "CONCATENATION": ("ConcatenationOptions", [_field("axis", INT, 0), _ACTIVATION]),
    "MEAN": ("ReducerOptions", [_field("keep_dims", BOOL, False)]),
    "PAD": ("PadOptions", []),
    "QUANTIZE": ("QuantizeOptions", []),
    "DEQUANTIZE": ("DequantizeOptions", []),
    "PADV2": ("PadV2Options", []),
    "TRANSPOSE": ("TransposeOptions", []),
    "RESIZE_NEAREST_NEIGHBOR": ("ResizeNearestNeighborOptions",
                                [_field("align_corners", BOOL, False),
                                 _field("half_pixel_centers", BOOL, False)]),
    "RESIZE_BILINEAR": ("ResizeBilinearOptions", [_field("align_corners", BOOL, False),
                                                  _field("half_pixel_centers", BOOL, False)]),
    "STRIDED_SLICE": ("StridedSliceOptions",
                      [_field(f"{m}_mask", INT, 0) for m in
                       ("begin", "end", "ellipsis", "new_axis", "shrink_axis")]
                      + [_field("offset", BOOL, False)]),
    "SPLIT": ("SplitOptions", [_field("num_splits", INT, 1)]),
    "SPLIT_V": ("SplitVOptions", [_field("num_splits", INT, 1)]),
    "SPACE_TO_DEPTH": ("SpaceToDepthOptions", [_field("block_size", INT, 2)]),
    "DEPTH_TO_SPACE": ("DepthToSpaceOptions", [_field("block_size", INT, 2)]),
    # The schema has no options tables for these.
    "LOGISTIC": (None, []),
    "TANH": (None, []),
}

_TENSOR_TYPES = {np.dtype(k): getattr(tflite.TensorType, v) for k, v in [
    ("int8", "INT8"), ("uint8", "UINT8"), ("int16", "INT16"), ("int32", "INT32"),
    ("int64", "INT64"), ("float32", "FLOAT32"), ("bool", "BOOL")]}


def _mod(name):
    # `tflite.X` is the class re-exported by tflite/__init__; the builder
    # functions live in the module of the same name.
    return importlib.import_module("tflite." + name)


def _camel(snake):
    return "".join(p[:1].upper() + p[1:] for p in snake.split("_"))


def _coerce(kind, field, value):
    if kind == INT:
        return int(value)
    if kind == FLOAT:
        return float(value)
    if kind == BOOL:
        return bool(value)
    if kind == INT_LIST:
        return [int(v) for v in value]
    # An enum class: accept the member name or its number.
    if isinstance(value, str):
        if not hasattr(kind, value):
            names = [n for n in vars(kind) if not n.startswith("_")]
            raise ValueError(f"{field}={value!r}: expected one of {names}")
        return getattr(kind, value)
    return int(value)


def _builtin_code(kind):
    code = getattr(tflite.BuiltinOperator, kind, None) if isinstance(kind, str) else None
    if not isinstance(code, int) or kind.startswith("_"):
        raise ValueError(f"unknown BuiltinOperator {kind!r}")
    return code


# ------------------------------------------------------------------- builder
class ModelBuilder:
    """Collects tensors and ops of one subgraph and serializes them as a .tflite model."""

    def __init__(self):
        self.tensors = []   # dicts: shape, dtype, name, scale, zero_point, axis, data
        self.ops = []       # (kind, inputs, outputs, options) with defaults filled in
        self.inputs = []
        self.outputs = []

    # ---------------------------------------------------------------- graph
    def tensor(self, shape, scale=None, zero_point=None, dtype=np.int8, name=None, axis=0):
        """Add a non-constant tensor; returns its index."""
        return self._add_tensor(shape, scale, zero_point, dtype, name, axis, data=None)

    def input(self, shape, scale, zero_point, dtype=np.int8, name=None):
        """Add a graph input tensor; returns its index."""
        idx = self.tensor(shape, scale, zero_point, dtype, name)
        self.inputs.append(idx)
        return idx

    def const(self, array, scale=None, zero_point=None, axis=0, name=None):
        """Add a constant tensor holding `array` (its dtype becomes the tensor type); returns its index."""
        array = np.asarray(array)
        return self._add_tensor(array.shape, scale, zero_point, array.dtype, name, axis,
                                data=array)

    def output(self, idx):
        """Mark tensor `idx` as a graph output; returns idx so calls can be chained."""
        self.outputs.append(int(idx))
        return idx

    def op(self, kind, inputs, outputs, **options):
        """Add a builtin op; -1 in inputs is an omitted optional input, options use schema field names."""
        _builtin_code(kind)
        if kind not in OP_OPTIONS:
            raise ValueError(f"{kind}: no entry in OP_OPTIONS; add one to use this op")
        table, fields = OP_OPTIONS[kind]
        known = {name: (k, default) for name, k, default in fields}
        unknown = sorted(set(options) - set(known))
        if unknown:
            raise ValueError(f"{kind} has no options {unknown}; known: {sorted(known)}")
        values = {}
        for name, (field_kind, default) in known.items():
            value = options.get(name, default)
            if value is not None:
                values[name] = _coerce(field_kind, name, value)
        for i in [*inputs, *outputs]:
            if not -1 <= int(i) < len(self.tensors):
                raise ValueError(f"{kind}: no tensor {i}")
        self.ops.append((kind, [int(i) for i in inputs], [int(o) for o in outputs], values))

    def _add_tensor(self, shape, scale, zero_point, dtype, name, axis, data):
        dtype = np.dtype(dtype)
        if dtype not in _TENSOR_TYPES:
            raise ValueError(f"unsupported tensor dtype {dtype}")
        idx = len(self.tensors)
        self.tensors.append(dict(
            shape=[int(d) for d in shape], dtype=dtype, name=name or f"t{idx}",
            scale=scale, zero_point=zero_point, axis=int(axis), data=data))
        return idx

    # ---------------------------------------------------------------- build
    def build(self, subgraph_copies: int = 1) -> bytes:
        """Serialize the model; subgraph_copies > 1 repeats the subgraph (for refusal tests)."""
        fb = flatbuffers.Builder(1024)
        # Flatbuffers are built back to front: children before the tables that
        # reference them, so each section below only uses offsets made earlier.
        kinds = list(dict.fromkeys(kind for kind, *_ in self.ops))
        codes_vec = _table_vector(fb, "Model", "OperatorCodes",
                                  [_operator_code(fb, kind) for kind in kinds])
        buffer_offs, buffer_of = self._buffers(fb)
        tensor_offs = [self._tensor(fb, i, t, buffer_of.get(i, 0))
                       for i, t in enumerate(self.tensors)]
        op_offs = [self._operator(fb, kinds.index(kind), ins, outs, OP_OPTIONS[kind][0], values)
                   for kind, ins, outs, values in self.ops]
        subgraph = self._subgraph(fb, tensor_offs, op_offs)

        M = _mod("Model")
        subgraphs_vec = _table_vector(fb, "Model", "Subgraphs", [subgraph] * subgraph_copies)
        buffers_vec = _table_vector(fb, "Model", "Buffers", buffer_offs)
        description = fb.CreateString("mcugen test model")
        M.ModelStart(fb)
        M.ModelAddVersion(fb, 3)
        M.ModelAddOperatorCodes(fb, codes_vec)
        M.ModelAddSubgraphs(fb, subgraphs_vec)
        M.ModelAddDescription(fb, description)
        M.ModelAddBuffers(fb, buffers_vec)
        fb.Finish(M.ModelEnd(fb), file_identifier=b"TFL3")
        return bytes(fb.Output())

    def _buffers(self, fb):
        # Buffer 0 is the empty sentinel every non-constant tensor points to;
        # each constant gets its own buffer after it.
        B = _mod("Buffer")
        datas, buffer_of = [b""], {}
        for i, t in enumerate(self.tensors):
            if t["data"] is not None:
                buffer_of[i] = len(datas)
                little = t["dtype"].newbyteorder("<")
                datas.append(np.ascontiguousarray(t["data"], little).tobytes())
        offs = []
        for data in datas:
            vec = _aligned_bytes(fb, data) if data else None
            B.BufferStart(fb)
            if vec is not None:
                B.BufferAddData(fb, vec)
            offs.append(B.BufferEnd(fb))
        return offs, buffer_of

    def _tensor(self, fb, idx, t, buffer):
        T = _mod("Tensor")
        quant = _quantization(fb, t) if t["scale"] is not None else None
        shape = _int_vector(fb, "Tensor", "Shape", t["shape"])
        name = fb.CreateString(t["name"])
        T.TensorStart(fb)
        T.TensorAddShape(fb, shape)
        T.TensorAddType(fb, _TENSOR_TYPES[t["dtype"]])
        T.TensorAddBuffer(fb, buffer)
        T.TensorAddName(fb, name)
        if quant is not None:
            T.TensorAddQuantization(fb, quant)
        return T.TensorEnd(fb)

    @staticmethod
    def _operator(fb, opcode_index, ins, outs, table, values):
        Op = _mod("Operator")
        options = _options_table(fb, table, values) if table else None
        in_vec = _int_vector(fb, "Operator", "Inputs", ins)
        out_vec = _int_vector(fb, "Operator", "Outputs", outs)
        Op.OperatorStart(fb)
        Op.OperatorAddOpcodeIndex(fb, opcode_index)
        Op.OperatorAddInputs(fb, in_vec)
        Op.OperatorAddOutputs(fb, out_vec)
        if options is not None:
            Op.OperatorAddBuiltinOptionsType(fb, getattr(tflite.BuiltinOptions, table))
            Op.OperatorAddBuiltinOptions(fb, options)
        return Op.OperatorEnd(fb)

    def _subgraph(self, fb, tensor_offs, op_offs):
        S = _mod("SubGraph")
        tensors = _table_vector(fb, "SubGraph", "Tensors", tensor_offs)
        inputs = _int_vector(fb, "SubGraph", "Inputs", self.inputs)
        outputs = _int_vector(fb, "SubGraph", "Outputs", self.outputs)
        operators = _table_vector(fb, "SubGraph", "Operators", op_offs)
        name = fb.CreateString("main")
        S.SubGraphStart(fb)
        S.SubGraphAddTensors(fb, tensors)
        S.SubGraphAddInputs(fb, inputs)
        S.SubGraphAddOutputs(fb, outputs)
        S.SubGraphAddOperators(fb, operators)
        S.SubGraphAddName(fb, name)
        return S.SubGraphEnd(fb)


# ------------------------------------------------------- flatbuffer helpers
def _int_vector(fb, table, field, values):
    getattr(_mod(table), f"{table}Start{field}Vector")(fb, len(values))
    for v in reversed(list(values)):
        fb.PrependInt32(int(v))
    return fb.EndVector()


def _table_vector(fb, table, field, offsets):
    getattr(_mod(table), f"{table}Start{field}Vector")(fb, len(offsets))
    for off in reversed(offsets):
        fb.PrependUOffsetTRelative(off)
    return fb.EndVector()


def _aligned_bytes(fb, data):
    # 16-byte alignment so int32/int64/float constants can be used in place
    # (TFLM and generated code read them without copying).
    fb.StartVector(1, len(data), 16)
    fb.head -= len(data)
    fb.Bytes[fb.head:fb.head + len(data)] = data
    return fb.EndVector()


def _operator_code(fb, kind):
    OC = _mod("OperatorCode")
    code = _builtin_code(kind)
    OC.OperatorCodeStart(fb)
    # Codes above 127 don't fit the old int8 field; readers then use builtin_code.
    OC.OperatorCodeAddDeprecatedBuiltinCode(fb, min(code, 127))
    OC.OperatorCodeAddBuiltinCode(fb, code)
    OC.OperatorCodeAddVersion(fb, 1)
    return OC.OperatorCodeEnd(fb)


def _quantization(fb, t):
    Q = _mod("QuantizationParameters")
    scale = np.atleast_1d(np.asarray(t["scale"], np.float32))
    zero_point = np.atleast_1d(np.asarray(
        0 if t["zero_point"] is None else t["zero_point"], np.int64))
    # A scalar zero point with per-channel scales (the usual weight case) is
    # repeated, since readers expect equally long vectors.
    n = max(len(scale), len(zero_point))
    scale = np.ascontiguousarray(np.broadcast_to(scale, n))
    zero_point = np.ascontiguousarray(np.broadcast_to(zero_point, n))
    scale_vec = fb.CreateNumpyVector(scale)
    zero_point_vec = fb.CreateNumpyVector(zero_point)
    Q.QuantizationParametersStart(fb)
    Q.QuantizationParametersAddScale(fb, scale_vec)
    Q.QuantizationParametersAddZeroPoint(fb, zero_point_vec)
    Q.QuantizationParametersAddQuantizedDimension(fb, t["axis"])
    return Q.QuantizationParametersEnd(fb)


def _options_table(fb, table, values):
    mod = _mod(table)
    # Vectors must be finished before the table that refers to them is started.
    ready = {name: (_int_vector(fb, table, _camel(name), v) if isinstance(v, list) else v)
             for name, v in values.items()}
    getattr(mod, f"{table}Start")(fb)
    for name, value in ready.items():
        getattr(mod, f"{table}Add{_camel(name)}")(fb, value)
    return getattr(mod, f"{table}End")(fb)
