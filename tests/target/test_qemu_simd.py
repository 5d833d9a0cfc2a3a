"""SIMD kernels on emulated Cortex-M7 (mps2-an500) and M4 (mps2-an386).

- The plain-C models of mcu_simd.h equal the real DSP instructions: one program evaluates
  every intrinsic (and mcu_requant_fast, mcu_requant_bounded, mcu_requant_doubled, mcu_smmlar,
  mcu_clamp_s8, the LDRD of
  mcu_load_word_pair) on random operands, on QEMU with
  __ARM_FEATURE_DSP (ACLE intrinsics) and on the host (C models); the bytes must match.
- The shared models compiled with kernels="simd" give the same bytes on QEMU as the host
  build and TFLM (check_on_board from test_qemu.py).
- The SIMD build is not slower than the portable build on any model (instructions under
  -icount are deterministic: a measurement, not a timing).
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from mcugen.ir import Tensor
from mcugen.paths import RUNTIME_C
from mcugen.target import build_firmware, run_firmware_batch
from tests.target.test_qemu import DIGITS, M4, M7, check_on_board, input_sets, output_sizes, shared_models

pytestmark = [
    pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc not on PATH"),
    pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm not on PATH"),
]

OPERANDS = 512  # triples (a, b, c) of random words
RESULTS = 19  # int32 results per triple

CHECK_C = r"""
#include <stdint.h>
#include <string.h>
#include "runtime/mcu_simd.h"
#include "simdcheck.h"

int simdcheck_invoke(const int8_t *input0, int8_t *output0)
{
    for (int32_t i = 0; i < %(operands)d; ++i) {
        int32_t w[3], r[%(results)d];
        memcpy(w, input0 + 12 * i, sizeof w);
        r[0] = mcu_sxtb16(w[0]);
        r[1] = mcu_sxtb16_ror8(w[0]);
        r[2] = mcu_sxtab16(w[1], w[0]);
        r[3] = mcu_sxtab16_ror8(w[1], w[0]);
        r[4] = mcu_smlad(w[0], w[1], w[2]);
        r[5] = mcu_smlabb(w[0], w[1], w[2]);
        r[6] = mcu_smlatt(w[0], w[1], w[2]);
        r[7] = mcu_pkhbt(w[0], w[1]) ^ mcu_pkhtb(w[1], w[2]);
        /* multipliers as TFLM makes them, [2^30, 2^31); shifts -31..30 */
        r[8] = mcu_requant_fast(w[0] >> (w[2] & 31), (int32_t)(0x40000000u | ((uint32_t)w[1] >> 2)),
                                (int32_t)((uint32_t)w[2] %% 62u) - 31);
        r[9] = mcu_smmulr(w[0], w[1]);
        r[10] = mcu_clamp_s8(w[0] >> (w[1] & 31), -128, 127);
        {
            const int32_t a = mcu_lane_s8((uint32_t)w[2], 0), b = mcu_lane_s8((uint32_t)w[2], 1);
            r[11] = mcu_clamp_s8(w[0] >> (w[1] & 31), a < b ? a : b, a < b ? b : a);
        }
        {
            /* the short requantization within its preconditions: |acc| < 2^30, right 1..20 */
            const int32_t right = 1 + (int32_t)((uint32_t)w[2] %% 20u);
            const int32_t zp = mcu_lane_s8((uint32_t)w[2], 3);
            const int32_t c = (1 << (right - 1)) + (int32_t)((uint32_t)zp << right);
            r[12] = mcu_requant_bounded(w[0] >> 2, (int32_t)(0x40000000u | ((uint32_t)w[1] >> 2)), c, right);
        }
        mcu_load_word_pair(w + 1, &r[13], &r[14]); /* LDRD */
        r[15] = mcu_smlabt(w[0], w[1], w[2]);
        r[16] = mcu_smlatb(w[0], w[1], w[2]);
        r[17] = mcu_smmlar(w[0], w[1], w[2]);
        {
            /* the doubled short requantization of the GEMMs: acc2 even, |acc2| < 2^31 */
            const int32_t right = 1 + (int32_t)((uint32_t)w[2] %% 20u);
            const int32_t zp = mcu_lane_s8((uint32_t)w[2], 3);
            const int32_t c = (1 << (right - 1)) + (int32_t)((uint32_t)zp << right);
            r[18] = mcu_requant_doubled((int32_t)((uint32_t)(w[0] >> 2) << 1),
                                        (int32_t)(0x40000000u | ((uint32_t)w[1] >> 2)), c, right);
        }
        memcpy(output0 + 4 * %(results)d * i, r, sizeof r);
    }
    return 0;
}
""" % dict(operands=OPERANDS, results=RESULTS)

CHECK_H = "#include <stdint.h>\nint simdcheck_invoke(const int8_t *input0, int8_t *output0);\n"

HOST_MAIN = r"""
#include <stdio.h>
#include "simdcheck.h"
static int8_t in[%(inb)d], out[%(outb)d];
int main(void)
{
    if (fread(in, 1, sizeof in, stdin) != sizeof in) return 2;
    simdcheck_invoke(in, out);
    fwrite(out, 1, sizeof out, stdout);
    return 0;
}
""" % dict(inb=OPERANDS * 12, outb=OPERANDS * RESULTS * 4)


def _check_program():
    """A stand-in for a CompiledModel, enough for build_firmware: one input, one output."""
    files = {"simdcheck.c": CHECK_C, "simdcheck.h": CHECK_H,
             "runtime/mcu_simd.h": (RUNTIME_C / "mcu_simd.h").read_text(),
             "runtime/mcu_requant.h": (RUNTIME_C / "mcu_requant.h").read_text()}
    tensors = (Tensor(0, "in", (OPERANDS * 12,), "int8"), Tensor(1, "out", (OPERANDS * RESULTS * 4,), "int8"))

    def write(folder):
        for name, text in files.items():
            (Path(folder) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(folder) / name).write_text(text)

    return SimpleNamespace(files=files, prefix="simdcheck", write=write,
                           graph=SimpleNamespace(tensors=tensors, inputs=(0,), outputs=(1,)),
                           plan=SimpleNamespace(peak_sram_bytes=0))


@pytest.mark.parametrize("board", [M7, M4])
def test_c_models_equal_the_dsp_instructions(board, tmp_path):
    program = _check_program()
    data = np.random.default_rng(5).integers(-128, 128, OPERANDS * 12, dtype=np.int8)
    data[:24] = [-128, 127, 0, -1] * 6  # extreme lanes first
    elf = build_firmware(program, board, tmp_path / "fw")
    assert "sxtb16" in subprocess.run(["arm-none-eabi-objdump", "-d", str(elf)], capture_output=True,
                                      text=True, check=True).stdout  # the real instructions ran
    [(outputs, _)] = run_firmware_batch(elf, board, [[data]], [OPERANDS * RESULTS * 4])
    host_dir = tmp_path / "host"
    program.write(host_dir)
    (host_dir / "main.c").write_text(HOST_MAIN)
    subprocess.run(["cc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-fsanitize=undefined",
                    "-fno-sanitize-recover=all", "-I.", "main.c", "simdcheck.c", "-o", "check"],
                   cwd=host_dir, check=True)
    host = subprocess.run([str(host_dir / "check")], input=data.tobytes(), capture_output=True, check=True).stdout
    got = outputs[0].tobytes()
    if got != host:
        words_q, words_h = np.frombuffer(got, np.int32), np.frombuffer(host, np.int32)
        first = int(np.nonzero(words_q != words_h)[0][0])
        pytest.fail(f"result {first % RESULTS} of operand {first // RESULTS}: "
                    f"QEMU {words_q[first]:#x} != C model {words_h[first]:#x}")


def _compile(path, board, kernels):
    try:
        return mcugen.compile(path, board=board, kernels=kernels)
    except McugenError as exc:
        pytest.skip(f"does not fit {board}: {exc}")


@pytest.mark.parametrize("board", [M7, M4])
@pytest.mark.parametrize("path", [DIGITS, *shared_models()], ids=lambda p: p.stem)
def test_simd_model_matches_host_and_tflm(path, board, tmp_path):
    compiled = _compile(path, board, "simd")
    assert "runtime/mcu_simd.h" in compiled.files or not any(
        op.kind in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED") for op in compiled.graph.ops)
    # check_on_board compiles with the board's default kernels, which are the SIMD ones here
    check_on_board(path, board, tmp_path)


def _instructions(compiled, board, folder) -> int:
    elf = build_firmware(compiled, board, folder)
    sets = input_sets(compiled)[2:]  # the random set
    [(outputs, measurement)] = run_firmware_batch(elf, board, sets, output_sizes(compiled))
    for got, want in zip(outputs, compiled.run(sets[0])):
        assert got.tobytes() == want.reshape(-1).tobytes()
    return measurement.instructions


@pytest.mark.parametrize("board", [M7, M4])
@pytest.mark.parametrize("path", [DIGITS, *shared_models()], ids=lambda p: p.stem)
def test_simd_not_slower_than_portable(path, board, tmp_path):
    portable = _instructions(_compile(path, board, "portable"), board, tmp_path / "portable")
    simd = _instructions(_compile(path, board, "simd"), board, tmp_path / "simd")
    assert simd <= portable, f"{path.stem} on {board}: SIMD {simd:,} > portable {portable:,} instructions"
