"""Run a model in the TFLite Micro Python interpreter (the reference the tests compare with)."""
from __future__ import annotations

import numpy as np
import tflite

# Bytes per element of tflite.TensorType values; unknown types count as 8.
_TYPE_BYTES = {tflite.TensorType.INT8: 1, tflite.TensorType.UINT8: 1,
               tflite.TensorType.BOOL: 1, tflite.TensorType.INT16: 2,
               tflite.TensorType.INT32: 4, tflite.TensorType.FLOAT32: 4,
               tflite.TensorType.INT64: 8}


def output_count(model_bytes: bytes) -> int:
    """Number of outputs of the model's first subgraph."""
    model = tflite.Model.GetRootAs(model_bytes, 0)
    return model.Subgraphs(0).OutputsLength()


def default_arena_size(model_bytes: bytes) -> int:
    """An arena size (bytes) for TFLM that also covers the first subgraph's activations."""
    model = tflite.Model.GetRootAs(model_bytes, 0)
    graph = model.Subgraphs(0)
    activation_bytes = 0
    for i in range(graph.TensorsLength()):
        tensor = graph.Tensors(i)
        if model.Buffers(tensor.Buffer()).DataLength() == 0:
            elements = int(np.prod(tensor.ShapeAsNumpy())) if tensor.ShapeLength() else 1
            activation_bytes += elements * _TYPE_BYTES.get(tensor.Type(), 8)
    # TFLM's own default (10x the model size) ignores activations, so models
    # with big feature maps and few weights fail to allocate; no planner reuse
    # is assumed here, plus headroom for per-op persistent data.
    return 10 * len(model_bytes) + activation_bytes + 64 * 1024


def run_tflm(model_bytes: bytes, inputs: list[np.ndarray],
             arena_size: int | None = None) -> list[np.ndarray]:
    """One inference in a fresh TFLM interpreter; returns copies of all outputs, in graph order."""
    # Imported here so modules importing this one still load without tflite-micro.
    from tflite_micro.python.tflite_micro import runtime

    if arena_size is None:
        arena_size = default_arena_size(model_bytes)
    # The interpreter itself rejects inputs of the wrong dtype or shape.
    interpreter = runtime.Interpreter.from_bytes(model_bytes, arena_size=arena_size)
    for i, array in enumerate(inputs):
        interpreter.set_input(np.ascontiguousarray(array), i)
    interpreter.invoke()
    # Copies, so results stay valid whatever the interpreter does with its arena later.
    return [np.array(interpreter.get_output(i), copy=True)
            for i in range(output_count(model_bytes))]
