"""The generated C on emulated Cortex-M (QEMU mps2): bit-exact outputs and instruction counts."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

import mcugen
from mcugen.boards import get_board, list_boards
from mcugen.errors import McugenError
from mcugen.target import (
    build_calibration,
    build_firmware,
    cross_compile,
    run_calibration,
    run_firmware,
    run_firmware_batch,
)
from mcugen.target.firmware import CALIBRATION_LOOPS

ROOT = Path(__file__).resolve().parents[2]
SHARED_MODELS = Path(__file__).resolve().parents[3] / "shared" / "models"
DIGITS = ROOT / "examples" / "digits" / "digits_int8.tflite"
M7, M4 = "mps2-an500", "mps2-an386"

pytestmark = [
    pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc not on PATH"),
    pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm not on PATH"),
]


def shared_models() -> list[Path]:
    return sorted(SHARED_MODELS.glob("*.tflite")) if SHARED_MODELS.is_dir() else []


def input_sets(compiled, seed: int = 0) -> list[list[np.ndarray]]:
    """All -128, all 127, and one uniform random set."""
    rng = np.random.default_rng(seed)
    shapes = [compiled.graph.tensors[t].shape for t in compiled.graph.inputs]
    return [[np.full(s, -128, np.int8) for s in shapes], [np.full(s, 127, np.int8) for s in shapes],
            [rng.integers(-128, 128, size=s, dtype=np.int8) for s in shapes]]


def output_sizes(compiled) -> list[int]:
    return [compiled.graph.tensors[t].size for t in compiled.graph.outputs]


def check_on_board(path: Path, board: str, tmp_path: Path, with_tflm: bool = True) -> list[int]:
    """Build, run three input sets on QEMU, compare with the host build and TFLM."""
    compiled = mcugen.compile(path, board=board)
    elf = build_firmware(compiled, board, tmp_path / "fw")
    sets = input_sets(compiled)
    results = run_firmware_batch(elf, board, sets, output_sizes(compiled))
    interpreter = None
    if with_tflm:
        from mcugen.verify import run_tflm, tflm_interpreter
        interpreter = tflm_interpreter(path.read_bytes())
    counts = []
    for n, (inputs, (outputs, measurement)) in enumerate(zip(sets, results)):
        host = compiled.run(inputs)
        for k, (got, want) in enumerate(zip(outputs, host)):
            assert got.tobytes() == want.reshape(-1).tobytes(), f"set {n} output {k}: QEMU != host build"
        if interpreter is not None:
            tflm = run_tflm(interpreter, inputs, len(outputs))
            for k, (got, want) in enumerate(zip(outputs, tflm)):
                assert got.tobytes() == want.reshape(-1).astype(np.int8).tobytes(), \
                    f"set {n} output {k}: QEMU != TFLite Micro"
        assert measurement.instructions > 0
        counts.append(measurement.instructions)
    return counts


@pytest.mark.parametrize("board", [M7, M4])
def test_calibration_loops_count_instructions(board, tmp_path):
    runs = [("loop2", 1_000_000), ("loop3", 1_000_000), ("loop5", 300_000), ("loop3", 20_000_000)]
    elf = build_calibration(board, tmp_path, runs)
    first = run_calibration(elf, board)
    assert [(name, iters) for name, iters, _ in first] == runs
    for name, iters, measurement in first:
        # each loop body runs `iters` times; the call adds a handful of instructions
        expected = len(CALIBRATION_LOOPS[name]) * iters
        assert abs(measurement.instructions - expected) <= 0.01 * expected, (name, iters, measurement)
    second = run_calibration(elf, board)
    assert [m.ticks for *_, m in second] == [m.ticks for *_, m in first], "two runs differ"


def test_run_firmware_single_inference_is_repeatable(tmp_path):
    compiled = mcugen.compile(DIGITS, board=M7)
    elf = build_firmware(compiled, M7, tmp_path)
    x = np.full(compiled.graph.tensors[compiled.graph.inputs[0]].shape, 127, np.int8)
    out1, n1 = run_firmware(elf, M7, [x])
    out2, n2 = run_firmware(elf, M7, [x])
    assert n1 == n2 and n1 > compiled.summary.macs  # at least one instruction per MAC
    assert out1[0].tobytes() == out2[0].tobytes() == compiled.run([x])[0].reshape(-1).tobytes()


def test_digits_on_m7_matches_host_and_tflm(tmp_path):
    check_on_board(DIGITS, M7, tmp_path)


@pytest.mark.parametrize("path", shared_models(), ids=lambda p: p.stem)
def test_shared_model_on_m7_matches_host_and_tflm(path, tmp_path):
    board = get_board(M7)
    try:
        mcugen.compile(path, board=board)
    except McugenError as exc:
        pytest.skip(f"does not fit {M7}: {exc}")
    check_on_board(path, M7, tmp_path)


def test_shared_models_present():
    if not shared_models():
        pytest.skip(f"no models in {SHARED_MODELS}")


@pytest.mark.parametrize("name", ["kws_ref_model", "micro_speech_quantized"])
def test_small_shared_model_on_m4(name, tmp_path):
    path = SHARED_MODELS / f"{name}.tflite"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    check_on_board(path, M4, tmp_path)


def test_digits_on_m4(tmp_path):
    check_on_board(DIGITS, M4, tmp_path)


@pytest.mark.parametrize("board", [b.name for b in list_boards()])
def test_model_cross_compiles_with_werror_for_every_board(board, tmp_path):
    compiled = mcugen.compile(DIGITS, board=board, check_fit=False)
    objects = cross_compile(compiled, board, tmp_path)
    assert all(o.stat().st_size > 0 for o in objects)


def test_build_only_board_has_no_firmware(tmp_path):
    build_only = [b for b in list_boards() if not b.qemu_machine]
    if not build_only:
        pytest.skip("every board is emulated")
    compiled = mcugen.compile(DIGITS, board=build_only[0], check_fit=False)
    with pytest.raises(McugenError, match="build-only"):
        build_firmware(compiled, build_only[0], tmp_path)


def test_missing_toolchain_is_a_one_line_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    compiled = mcugen.compile(DIGITS, board=M7)
    with pytest.raises(McugenError, match="arm-none-eabi-gcc not found") as info:
        build_firmware(compiled, M7, tmp_path / "fw")
    assert "\n" not in str(info.value)


def test_missing_qemu_is_a_one_line_error(monkeypatch, tmp_path):
    compiled = mcugen.compile(DIGITS, board=M7)
    elf = build_firmware(compiled, M7, tmp_path / "fw")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(McugenError, match="qemu-system-arm not found") as info:
        run_firmware(elf, M7, [np.zeros(1, np.int8)])
    assert "\n" not in str(info.value)


def test_stack_painting_measures_a_known_frame(tmp_path):
    """An invoke whose frame holds a 2,000-byte local array reads back 2,000 + a few bytes."""
    compiled = mcugen.compile(DIGITS, board=M7)
    size = compiled.graph.tensors[compiled.graph.outputs[0]].size
    fake = f"""#include <string.h>
#include "{compiled.prefix}.h"
int {compiled.prefix}_invoke(const int8_t *input0, int8_t *output0)
{{
    volatile uint8_t frame[2000];
    for (unsigned i = 0; i < sizeof frame; i++) {{
        frame[i] = (uint8_t)i;
    }}
    memset(output0, input0[0], {size});
    return frame[7] - 7;
}}
"""
    compiled = dataclasses.replace(compiled, files={**compiled.files, f"{compiled.prefix}.c": fake})
    elf = build_firmware(compiled, M7, tmp_path)
    shape = compiled.graph.tensors[compiled.graph.inputs[0]].shape
    [(_, first), (_, second)] = run_firmware_batch(
        elf, M7, [[np.full(shape, 3, np.int8)]] * 2, [size])
    assert 2000 <= first.stack_bytes <= 2000 + 64, first
    assert second.stack_bytes == first.stack_bytes


def test_model_stack_is_measured_and_small(tmp_path):
    compiled = mcugen.compile(DIGITS, board=M7)
    elf = build_firmware(compiled, M7, tmp_path)
    [(_, measurement)] = run_firmware_batch(elf, M7, input_sets(compiled)[:1], output_sizes(compiled))
    assert 0 < measurement.stack_bytes < 4096, measurement


def test_flash_split_adds_up(tmp_path):
    from mcugen.api import _const_bytes
    from mcugen.target.sizes import flash_split
    compiled = mcugen.compile(DIGITS, board=M7)
    split = flash_split(build_firmware(compiled, M7, tmp_path), compiled.prefix)
    assert split.weights == _const_bytes(compiled.plan)  # every const array, nothing else
    assert split.model_code > 0 and split.harness > 0
    assert split.weights + split.model_code + split.kernels + split.harness == split.flash
    assert split.ram_static >= compiled.plan.peak_sram_bytes
