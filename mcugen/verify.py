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
    except Exception as exc:  # noqa: BLE001 - the oracle's own refusal, reported as such
        raise McugenError(f"the TFLite Micro interpreter cannot load this model: {exc}") from None


def run_tflm(interpreter, inputs: list[np.ndarray], n_outputs: int = 1) -> list[np.ndarray]:
    """One inference in TFLM; returns copies of the first n_outputs outputs."""
    for i, array in enumerate(inputs):
        interpreter.set_input(array, i)
    interpreter.invoke()
    return [np.array(interpreter.get_output(i), copy=True) for i in range(n_outputs)]


def test_inputs(shapes, count: int, seed: int = 0):
    """count input sets: all -128, all 127, random extremes, then uniform random int8."""
    rng = np.random.default_rng(seed)
    for n in range(count):
        batch = []
        for shape in shapes:
            if n == 0:
                batch.append(np.full(shape, -128, np.int8))
            elif n == 1:
                batch.append(np.full(shape, 127, np.int8))
            elif n == 2:
                batch.append(rng.choice(np.array([-128, 127], np.int8), size=shape))
            else:
                batch.append(rng.integers(-128, 128, size=shape, dtype=np.int8))
        yield batch


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
    result = VerifyResult(runs=0, compared_values=0, mismatched_values=0, mismatched_runs=0)
    for inputs in test_inputs(shapes, count, seed):
        expected = run_tflm(interpreter, inputs, len(graph.outputs))
        got = compiled.run(inputs)
        result.runs += 1
        diff = 0
        for e, g in zip(expected, got):
            result.compared_values += e.size
            diff += int(np.count_nonzero(e.reshape(-1) != g.reshape(-1)))
        if len(expected) != len(got):
            diff += 1
        if diff and not result.first_mismatch:
            result.first_mismatch = f"input set {result.runs - 1}: {diff} values differ"
        result.mismatched_values += diff
        result.mismatched_runs += bool(diff)
    return result
