"""A float-interface model (float32 -> QUANTIZE -> int8 ops -> DEQUANTIZE -> float32) on
emulated Cortex-M7 (mps2-an500): the float outputs equal the host build's and TFLM's bit
for bit, with inputs inside the range, ties, and values far outside it (inf, NaN, 3e38)."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import mcugen
from mcugen import verify
from mcugen.target import build_firmware, run_firmware_batch
from tests.ops.test_quantize import float_pool_model

M7 = "mps2-an500"

pytestmark = [
    pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc not on PATH"),
    pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm not on PATH"),
]


def input_sets(compiled, count: int = 6) -> list[list[np.ndarray]]:
    graph = compiled.graph
    shapes = [graph.tensors[t].shape for t in graph.inputs]
    ranges = [verify.float_input_range(graph, t) if graph.tensors[t].dtype == "float32" else None
              for t in graph.inputs]
    return list(verify.test_inputs(shapes, count, seed=21, float_ranges=ranges))


def check_on_board(path: Path, board: str, tmp_path: Path) -> list[int]:
    """Build, run the input sets on QEMU, compare bytes with the host build and TFLM."""
    compiled = mcugen.compile(path, board=board)
    elf = build_firmware(compiled, board, tmp_path / "fw")
    graph = compiled.graph
    sets = input_sets(compiled)
    results = run_firmware_batch(elf, board, sets, [graph.tensors[t].size for t in graph.outputs],
                                 output_dtypes=[graph.tensors[t].dtype for t in graph.outputs])
    from mcugen.verify import run_tflm, tflm_interpreter
    interpreter = tflm_interpreter(path.read_bytes())
    counts = []
    for n, (inputs, (outputs, measurement)) in enumerate(zip(sets, results)):
        host = compiled.run(inputs)
        tflm = run_tflm(interpreter, inputs, len(outputs))
        for k, (got, want, ref) in enumerate(zip(outputs, host, tflm)):
            assert got.dtype == want.dtype == ref.dtype
            assert got.tobytes() == want.reshape(-1).tobytes(), f"set {n} output {k}: QEMU != host build"
            assert got.tobytes() == ref.reshape(-1).tobytes(), f"set {n} output {k}: QEMU != TFLite Micro"
        assert measurement.instructions > 0
        counts.append(measurement.instructions)
    return counts


def test_float_interface_model_on_m7(tmp_path):
    path = tmp_path / "float_pool.tflite"
    path.write_bytes(float_pool_model(shape=(1, 8, 10, 3), q_in=(0.031, 9), q_out=(0.031, 9)))
    check_on_board(path, M7, tmp_path)
