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
import importlib

import flatbuffers
import numpy as np
import tflite

# op name -> (options table type name, default option values).  Options type
# None means the op carries no builtin options.  Field names are the schema's
# snake_case names; setters are derived as <Type>Add<CamelCase>.
_ACT = dict(fused_activation_function="NONE")
_CONV = dict(padding="VALID", stride_w=1, stride_h=1, dilation_w_factor=1,
             dilation_h_factor=1, **_ACT)
_POOL = dict(padding="VALID", stride_w=1, stride_h=1, filter_width=1,
             filter_height=1, **_ACT)
OP_OPTIONS = {
    "CONV_2D": ("Conv2DOptions", _CONV),
    "DEPTHWISE_CONV_2D": ("DepthwiseConv2DOptions", dict(_CONV, depth_multiplier=1)),
    "FULLY_CONNECTED": ("FullyConnectedOptions", dict(_ACT, keep_num_dims=False)),
    "AVERAGE_POOL_2D": ("Pool2DOptions", _POOL),
    "MAX_POOL_2D": ("Pool2DOptions", _POOL),
    "ADD": ("AddOptions", _ACT),
    "SUB": ("SubOptions", _ACT),
    "MUL": ("MulOptions", _ACT),
    "SOFTMAX": ("SoftmaxOptions", dict(beta=1.0)),
    "RESHAPE": ("ReshapeOptions", {}),
    "SQUEEZE": ("SqueezeOptions", {}),
    "CONCATENATION": ("ConcatenationOptions", dict(_ACT, axis=0)),
    "MEAN": ("ReducerOptions", dict(keep_dims=False)),
    "QUANTIZE": (None, {}),
    "DEQUANTIZE": (None, {}),
    "LOGISTIC": (None, {}),
    "TANH": (None, {}),
    "PAD": (None, {}),
}

# option field -> enum class whose attribute names are accepted as values
_ENUMS = {"padding": tflite.Padding,
          "fused_activation_function": tflite.ActivationFunctionType}

_TENSOR_TYPES = {np.dtype(k): getattr(tflite.TensorType, v) for k, v in [
    ("int8", "INT8"), ("uint8", "UINT8"), ("int16", "INT16"), ("int32", "INT32"),
    ("int64", "INT64"), ("float32", "FLOAT32"), ("bool", "BOOL")]}


def _mod(name):
    # `tflite.X` is shadowed by the class of the same name; get the module.
    return importlib.import_module("tflite." + name)


def _camel(snake):
    return "".join(p[:1].upper() + p[1:] for p in snake.split("_"))


class ModelBuilder:
    def __init__(self):
        self.tensors = []   # dicts: shape, dtype, name, scale, zero_point, axis, data
        self.ops = []       # (kind, inputs, outputs, options)
        self.inputs = []
        self.outputs = []

    # ---------------------------------------------------------------- graph
    def tensor(self, shape, scale=None, zero_point=None, dtype=np.int8,
               name=None, axis=0, data=None):
        idx = len(self.tensors)
        self.tensors.append(dict(
            shape=[int(d) for d in shape], dtype=np.dtype(dtype),
            name=name or f"t{idx}", scale=scale, zero_point=zero_point,
            axis=int(axis), data=data))
        return idx

    def input(self, shape, scale=None, zero_point=None, dtype=np.int8, name=None):
        idx = self.tensor(shape, scale, zero_point, dtype, name)
        self.inputs.append(idx)
        return idx

    def const(self, array, scale=None, zero_point=None, axis=0, name=None):
        array = np.asarray(array)
        return self.tensor(array.shape, scale, zero_point, array.dtype, name,
                           axis, data=array)

    def output(self, idx):
        self.outputs.append(int(idx))
        return idx

    def op(self, kind, inputs, outputs, **options):
        opt_type, defaults = OP_OPTIONS.get(kind, (None, {}))
        if opt_type is None and options:
            raise ValueError(f"{kind} takes no options, got {sorted(options)}")
        self.ops.append((kind, [int(i) for i in inputs],
                         [int(o) for o in outputs], dict(defaults, **options)))

    # ---------------------------------------------------------------- build
    def build(self, subgraph_copies: int = 1):
        fb = flatbuffers.Builder(1024)

        def int_vec(start_fn, values, prepend="PrependInt32"):
            start_fn(fb, len(values))
            for v in reversed(list(values)):
                getattr(fb, prepend)(int(v))
            return fb.EndVector()

        # Operator codes (one per distinct kind, in first-use order).
        kinds = list(dict.fromkeys(k for k, *_ in self.ops))
        OC = _mod("OperatorCode")
        code_offs = []
        for kind in kinds:
            code = getattr(tflite.BuiltinOperator, kind)
            OC.OperatorCodeStart(fb)
            OC.OperatorCodeAddDeprecatedBuiltinCode(fb, min(code, 127))
            OC.OperatorCodeAddBuiltinCode(fb, code)
            OC.OperatorCodeAddVersion(fb, 1)
            code_offs.append(OC.OperatorCodeEnd(fb))

        # Buffers: 0 is the empty sentinel, one per constant after that.
        B = _mod("Buffer")
        buf_datas, buf_index = [None], {}
        for i, t in enumerate(self.tensors):
            if t["data"] is not None:
                buf_index[i] = len(buf_datas)
                arr = np.ascontiguousarray(t["data"], t["dtype"].newbyteorder("<"))
                buf_datas.append(arr.tobytes())
        buf_offs = []
        for data in buf_datas:
            vec = None
            if data:
                fb.StartVector(1, len(data), 16)
                fb.head -= len(data)
                fb.Bytes[fb.head:fb.head + len(data)] = data
                vec = fb.EndVector()
            B.BufferStart(fb)
            if vec is not None:
                B.BufferAddData(fb, vec)
            buf_offs.append(B.BufferEnd(fb))

        # Tensors.
        T, Q = _mod("Tensor"), _mod("QuantizationParameters")
        tensor_offs = []
        for i, t in enumerate(self.tensors):
            quant = None
            if t["scale"] is not None:
                scale = np.atleast_1d(np.asarray(t["scale"], np.float32))
                zp = np.atleast_1d(np.asarray(
                    0 if t["zero_point"] is None else t["zero_point"], np.int64))
                n = max(len(scale), len(zp))
                scale, zp = np.broadcast_to(scale, n), np.broadcast_to(zp, n)
                s_vec = fb.CreateNumpyVector(np.ascontiguousarray(scale))
                z_vec = fb.CreateNumpyVector(np.ascontiguousarray(zp))
                Q.QuantizationParametersStart(fb)
                Q.QuantizationParametersAddScale(fb, s_vec)
                Q.QuantizationParametersAddZeroPoint(fb, z_vec)
                Q.QuantizationParametersAddQuantizedDimension(fb, t["axis"])
                quant = Q.QuantizationParametersEnd(fb)
            shape = int_vec(T.TensorStartShapeVector, t["shape"])
            name = fb.CreateString(t["name"])
            T.TensorStart(fb)
            T.TensorAddShape(fb, shape)
            T.TensorAddType(fb, _TENSOR_TYPES[t["dtype"]])
            T.TensorAddBuffer(fb, buf_index.get(i, 0))
            T.TensorAddName(fb, name)
            if quant is not None:
                T.TensorAddQuantization(fb, quant)
            tensor_offs.append(T.TensorEnd(fb))

        # Operators.
        O = _mod("Operator")
        op_offs = []
        for kind, ins, outs, options in self.ops:
            opt_type, _ = OP_OPTIONS.get(kind, (None, {}))
            opt_off = self._options(fb, opt_type, options, int_vec) if opt_type else None
            in_vec = int_vec(O.OperatorStartInputsVector, ins)
            out_vec = int_vec(O.OperatorStartOutputsVector, outs)
            O.OperatorStart(fb)
            O.OperatorAddOpcodeIndex(fb, kinds.index(kind))
            O.OperatorAddInputs(fb, in_vec)
            O.OperatorAddOutputs(fb, out_vec)
            if opt_off is not None:
                O.OperatorAddBuiltinOptionsType(fb, getattr(tflite.BuiltinOptions, opt_type))
                O.OperatorAddBuiltinOptions(fb, opt_off)
            op_offs.append(O.OperatorEnd(fb))

        # Subgraph and model.
        S, M = _mod("SubGraph"), _mod("Model")

        def table_vec(start_fn, offs):
            start_fn(fb, len(offs))
            for off in reversed(offs):
                fb.PrependUOffsetTRelative(off)
            return fb.EndVector()

        sg_tensors = table_vec(S.SubGraphStartTensorsVector, tensor_offs)
        sg_inputs = int_vec(S.SubGraphStartInputsVector, self.inputs)
        sg_outputs = int_vec(S.SubGraphStartOutputsVector, self.outputs)
        sg_ops = table_vec(S.SubGraphStartOperatorsVector, op_offs)
        sg_name = fb.CreateString("main")
        S.SubGraphStart(fb)
        S.SubGraphAddTensors(fb, sg_tensors)
        S.SubGraphAddInputs(fb, sg_inputs)
        S.SubGraphAddOutputs(fb, sg_outputs)
        S.SubGraphAddOperators(fb, sg_ops)
        S.SubGraphAddName(fb, sg_name)
        subgraph = S.SubGraphEnd(fb)

        codes_vec = table_vec(M.ModelStartOperatorCodesVector, code_offs)
        # subgraph_copies > 1 makes a multi-subgraph model, for refusal tests.
        sgs_vec = table_vec(M.ModelStartSubgraphsVector, [subgraph] * subgraph_copies)
        bufs_vec = table_vec(M.ModelStartBuffersVector, buf_offs)
        desc = fb.CreateString("mcugen test model")
        M.ModelStart(fb)
        M.ModelAddVersion(fb, 3)
        M.ModelAddOperatorCodes(fb, codes_vec)
        M.ModelAddSubgraphs(fb, sgs_vec)
        M.ModelAddDescription(fb, desc)
        M.ModelAddBuffers(fb, bufs_vec)
        fb.Finish(M.ModelEnd(fb), file_identifier=b"TFL3")
        return bytes(fb.Output())

    @staticmethod
    def _options(fb, opt_type, options, int_vec):
        mod = _mod(opt_type)
        # Vector fields must be created before the table is started.
        values = {}
        for field, value in options.items():
            if isinstance(value, (list, tuple, np.ndarray)):
                start = getattr(mod, f"{opt_type}Start{_camel(field)}Vector")
                value = int_vec(start, value)
            elif isinstance(value, str):
                value = getattr(_ENUMS[field], value)
            values[field] = value
        getattr(mod, f"{opt_type}Start")(fb)
        for field, value in values.items():
            setter = getattr(mod, f"{opt_type}Add{_camel(field)}", None)
            if setter is None:
                raise ValueError(f"{opt_type} has no field {field!r}")
            setter(fb, value)
        return getattr(mod, f"{opt_type}End")(fb)
