"""A 16x8 model (int16 activations: CONV_2D, DEPTHWISE_CONV_2D, ADD, FULLY_CONNECTED,
SOFTMAX) on emulated Cortex-M7 (mps2-an500): int16 inputs and outputs through the typed
harness buffers, equal to the host build's and TFLM's byte for byte, with inputs of all
-32768, all 32767, random extremes and random values."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import mcugen
from mcugen import verify
from mcugen.target import build_firmware, run_firmware_batch
from tests.builder import ModelBuilder
from tests.ops.models import Act
from tests.ops.models_int16 import conv16_layer, fc16_layer, input16

M7 = "mps2-an500"

pytestmark = [
    pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc not on PATH"),
    pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm not on PATH"),
]


def int16_model() -> bytes:
    rng = np.random.default_rng(16)
    b = ModelBuilder()
    x = input16(b, rng, (1, 6, 6, 2))
    a = conv16_layer(b, rng, x, out_c=4, activation="RELU")
    d = conv16_layer(b, rng, a, depthwise=True, bias="absent")
    s = b.tensor(a.shape, scale=2 * max(a.scale, d.scale), zero_point=0, dtype=np.int16)
    b.op("ADD", [a.index, d.index], [s])
    logits = fc16_layer(b, rng, Act(s, a.shape, 2 * max(a.scale, d.scale), 0), units=5,
                        per_channel=True, bias="int32")
    y = b.output(b.tensor(logits.shape, scale=1 / 32768, zero_point=0, dtype=np.int16))
    b.op("SOFTMAX", [logits.index], [y], beta=1.0)
    b.output(logits.index)
    return b.build()


def input_sets(compiled, count: int = 6) -> list[list[np.ndarray]]:
    graph = compiled.graph
    shapes = [graph.tensors[t].shape for t in graph.inputs]
    dtypes = [graph.tensors[t].dtype for t in graph.inputs]
    return list(verify.test_inputs(shapes, count, seed=21, dtypes=dtypes))


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
            assert got.dtype == want.dtype == ref.dtype == np.int16
            assert got.tobytes() == want.reshape(-1).tobytes(), f"set {n} output {k}: QEMU != host build"
            assert got.tobytes() == ref.reshape(-1).tobytes(), f"set {n} output {k}: QEMU != TFLite Micro"
        assert measurement.instructions > 0
        counts.append(measurement.instructions)
    return counts


def test_int16_model_on_m7(tmp_path):
    path = tmp_path / "int16.tflite"
    path.write_bytes(int16_model())
    compiled = mcugen.compile(path)
    header = compiled.files[f"{compiled.prefix}.h"]
    assert "const int16_t *input0, int16_t *output0, int16_t *output1" in header
    check_on_board(path, M7, tmp_path)
