"""Compare the generated C with the TFLite Micro interpreter on random inputs."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mcugen.errors import McugenError


def tflm_interpreter(model_bytes: bytes, activation_bytes: int = 0):
    """A tflite-micro interpreter for the model (the oracle; an optional dependency).

    TFLM's default arena (10x the file size) is too small for models with large
    activations and few weights, so room for every activation tensor is added."""
    try:
        from tflite_micro.python.tflite_micro import runtime
    except ImportError:
        raise McugenError("verify needs the TFLite Micro interpreter: pip install tflite-micro") from None
    try:
        arena_size = 10 * len(model_bytes) + activation_bytes + 64 * 1024
        return runtime.Interpreter.from_bytes(model_bytes, arena_size=arena_size)
    except Exception as exc:
        raise McugenError(f"the TFLite Micro interpreter cannot load this model: {exc}") from None


def run_tflm(interpreter, inputs: list[np.ndarray], n_outputs: int = 1) -> list[np.ndarray]:
    """One inference in TFLM; returns copies of the first n_outputs outputs."""
    for i, array in enumerate(inputs):
        interpreter.set_input(array, i)
    interpreter.invoke()
    return [np.array(interpreter.get_output(i), copy=True) for i in range(n_outputs)]


def float_input_range(graph, tensor_index: int) -> tuple[float, float]:
    """The real range a float32 graph input is quantized into (by the QUANTIZE reading it)."""
    for op in graph.ops:
        if tensor_index in op.inputs and op.kind == "QUANTIZE":
            y = graph.tensors[op.outputs[0]]
            return y.scale * (-128 - y.zero_point), y.scale * (127 - y.zero_point)
    return -1.0, 1.0


def _float_set(rng, shape, n: int, lo: float, hi: float) -> np.ndarray:
    """Floats for set n: far below, far above, special values, then spread over the range.

    Far outside the range must clamp as TFLM does (including its int32 conversion of huge
    values); the quantization step's half-way points check the rounding of ties."""
    span = hi - lo
    step = span / 255
    if n == 0:
        return np.full(shape, -3e38, np.float32)
    if n == 1:
        return np.full(shape, 3e38, np.float32)
    if n == 2:
        special = np.array([lo, hi, lo - span, hi + span, 0.0, -0.0, 1e10, -1e10, 2.2e9 * step,
                            -2.2e9 * step, np.inf, -np.inf, np.nan, lo - step / 2, hi + step / 2,
                            np.float32(1e-40)], np.float32)
        return rng.choice(special, size=shape)
    values = rng.uniform(lo - span / 2, hi + span / 2, size=shape)
    ties = (np.round(values / step) + 0.5) * step  # near the rounding boundaries
    return np.where(rng.random(size=shape) < 0.3, ties, values).astype(np.float32)


def _int_set(rng, shape, n: int, dtype: np.dtype) -> np.ndarray:
    """Integers for set n: all minimum, all maximum, random extremes, then uniform random.

    int16 sets from n = 3 on alternate between the whole range and small values around 0
    (where 16x8 models keep most of their activations)."""
    lo, hi = int(np.iinfo(dtype).min), int(np.iinfo(dtype).max)
    if n == 0:
        return np.full(shape, lo, dtype)
    if n == 1:
        return np.full(shape, hi, dtype)
    if n == 2:
        return rng.choice(np.array([lo, hi], dtype), size=shape)
    if dtype == np.int16 and n % 2 == 0:
        return rng.integers(-512, 512, size=shape, dtype=dtype)
    return rng.integers(lo, hi + 1, size=shape, dtype=dtype)


def test_inputs(shapes, count: int, seed: int = 0, float_ranges=None, dtypes=None):
    """count input sets: all minimum, all maximum, random extremes, then uniform random.

    float_ranges: per input, None for an integer input or the (lo, hi) real range of a
    float32 input; dtypes: per integer input, int8 (the default) or int16."""
    rng = np.random.default_rng(seed)
    float_ranges = float_ranges or [None] * len(shapes)
    dtypes = [np.dtype(d) for d in (dtypes or ["int8"] * len(shapes))]
    for n in range(count):
        batch = []
        for shape, real_range, dtype in zip(shapes, float_ranges, dtypes):
            if real_range is not None:
                batch.append(_float_set(rng, shape, n, *real_range))
            else:
                batch.append(_int_set(rng, shape, n, dtype))
        yield batch


def differing_values(expected: np.ndarray, got: np.ndarray) -> int:
    """Values whose bytes differ (float outputs compared bit for bit, no tolerance)."""
    if expected.dtype != got.dtype or expected.size != got.size:
        return max(expected.size, got.size)
    unsigned = np.dtype(f"u{expected.dtype.itemsize}")
    return int(np.count_nonzero(np.ascontiguousarray(expected).reshape(-1).view(unsigned)
                                != np.ascontiguousarray(got).reshape(-1).view(unsigned)))


@dataclass
class VerifyResult:
    runs: int
    compared_values: int
    mismatched_values: int
    mismatched_runs: int
    first_mismatch: str = ""


def verify_model(compiled, model_bytes: bytes, count: int = 100, seed: int = 0) -> VerifyResult:
    """Run `count` input sets through the generated C and TFLM; count differing bytes."""
    graph = compiled.graph
    interpreter = tflm_interpreter(model_bytes, sum(t.nbytes for t in graph.tensors if not t.is_const))
    shapes = [graph.tensors[t].shape for t in graph.inputs]
    float_ranges = [float_input_range(graph, t) if graph.tensors[t].dtype == "float32" else None
                    for t in graph.inputs]
    result = VerifyResult(runs=0, compared_values=0, mismatched_values=0, mismatched_runs=0)
    dtypes = [graph.tensors[t].dtype if graph.tensors[t].dtype == "int16" else "int8" for t in graph.inputs]
    for inputs in test_inputs(shapes, count, seed, float_ranges, dtypes):
        expected = run_tflm(interpreter, inputs, len(graph.outputs))
        got = compiled.run(inputs)
        result.runs += 1
        diff = 0
        for e, g in zip(expected, got):
            result.compared_values += e.size
            diff += differing_values(e, g)
        if len(expected) != len(got):
            diff += 1
        if diff and not result.first_mismatch:
            result.first_mismatch = f"input set {result.runs - 1}: {diff} values differ"
        result.mismatched_values += diff
        result.mismatched_runs += bool(diff)
    return result
