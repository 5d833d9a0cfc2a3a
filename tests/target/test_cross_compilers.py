"""The generated C builds for Cortex-M with the compilers and options embedded engineers use,
warning-free: arm-none-eabi-gcc and Clang (`--target=thumbv7em-none-eabi`, the compiler of
Arm Compiler 6 / Keil MDK), at -O0 (debug builds), -Os and -O2, on a model that has every
hand-written assembly kernel of the SIMD set: the int16-weight GEMM (1x1 and im2col), the
FC dot products, the im2col row copy, the depthwise row and image functions (naked, for both
compilers) and the ADD tables; and that model built with Clang (-O2, -O0, -O2 with
-munaligned-access as the README recommends) and GCC (-O0, -Os),
linked into the QEMU harness, gives the host build's bytes on the emulated Cortex-M7 (the
other target tests run GCC -O2 builds).
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import mcugen
from tests.builder import ModelBuilder
from tests.ops.models import Act, conv_layer, fc_layer, input_act

NEWLIB = Path("/usr/lib/arm-none-eabi/include")
COMPILERS = {
    "gcc": ["arm-none-eabi-gcc", "-mcpu=cortex-m7", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-d16"],
    "clang": ["clang", "--target=thumbv7em-none-eabi", "-mcpu=cortex-m7", "-mthumb",
              "-mfloat-abi=hard", f"-I{NEWLIB}"],
}
# what the README recommends with Clang: unaligned word loads, as GCC does by default
COMPILERS["clang-unaligned"] = [*COMPILERS["clang"], "-munaligned-access"]


def every_asm_kernel() -> bytes:
    """A small model with one layer per assembly kernel."""
    rng = np.random.default_rng(90)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 14, 12, 8))  # 168 pixels: the plane depthwise kernel
    y = conv_layer(b, rng, x, 16, kernel=(3, 3), padding="SAME", activation="RELU")  # im2col
    z = conv_layer(b, rng, y, 16, kernel=(3, 3), padding="SAME", depthwise=True)      # plane dw
    z = conv_layer(b, rng, z, 16, kernel=(1, 1))                                       # 1x1 GEMM
    s = b.tensor(z.shape, scale=float(y.scale + z.scale), zero_point=3)
    b.op("ADD", [y.index, z.index], [s])                                               # ADD tables
    s = Act(s, z.shape, float(y.scale + z.scale), 3)
    t = conv_layer(b, rng, s, 16, kernel=(3, 3), stride=(2, 2), padding="SAME", depthwise=True)
    t = conv_layer(b, rng, t, 16, kernel=(3, 3), padding="SAME", depthwise=True)     # image dw
    f = fc_layer(b, rng, t, 12, depth=16 * 42)                                          # FC
    b.output(f.index)
    return b.build()


@pytest.mark.parametrize("opt", ["-O0", "-Os", "-O2"])
@pytest.mark.parametrize("compiler", list(COMPILERS))
def test_generated_c_builds_for_cortex_m(compiler, opt, tmp_path):
    if shutil.which(COMPILERS[compiler][0]) is None:
        pytest.skip(f"{COMPILERS[compiler][0]} not on PATH")
    if compiler.startswith("clang") and not NEWLIB.is_dir():
        pytest.skip(f"no newlib headers at {NEWLIB} for clang")
    compiled = mcugen.compile(every_asm_kernel(), board="stm32f746", kernels="simd")
    source = compiled.files[f"{compiled.prefix}.c"]
    for macro in ("MCU_GEMM_W16_LAYER(", "MCU_FC_W16_LAYER(", "MCU_DWCONV2D_3X3_LAYER(",
                  "MCU_DWCONV2D_3X3_IMAGE_LAYER(", "MCU_ADD_TABLE_LAYER(", "mcu_conv2d_im2col_w16_s8("):
        assert macro in source, macro
    compiled.write(tmp_path)
    for name in (f"{compiled.prefix}.c", f"{compiled.prefix}_weights.c"):
        result = subprocess.run([*COMPILERS[compiler], opt, "-std=c99", "-Wall", "-Wextra", "-Werror",
                                 "-c", name, "-o", f"{name}.o"], cwd=tmp_path, capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("compiler,opt", [("gcc", "-O0"), ("gcc", "-Os"), ("clang", "-O2"),
                                          ("clang", "-O0"), ("clang-unaligned", "-O2")])
def test_other_builds_run_bit_exact_on_the_m7(compiler, opt, tmp_path):
    """The same model built with Clang, or with GCC at -O0 / -Os (the QEMU tests use GCC -O2),
    linked into the harness and run on the emulated Cortex-M7: the bytes of the host build."""
    from mcugen.target import firmware, run_firmware_batch

    for tool in ("arm-none-eabi-gcc", "qemu-system-arm", COMPILERS[compiler][0]):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not on PATH")
    if compiler.startswith("clang") and not NEWLIB.is_dir():
        pytest.skip(f"no newlib headers at {NEWLIB} for clang")
    compiled = mcugen.compile(every_asm_kernel(), board="mps2-an500", kernels="simd")
    board = firmware.get_board("mps2-an500")
    firmware.build_firmware(compiled, board, tmp_path)  # writes the harness and model files
    objects = []
    for name in firmware.model_sources(compiled):
        subprocess.run([*COMPILERS[compiler], opt, "-std=c99", "-c", name, "-o", f"{name}.o"],
                       cwd=tmp_path, check=True, capture_output=True)
        objects.append(f"{name}.o")
    elf = firmware._link(board, tmp_path, ["startup.c", "main.c", *objects], "-O2", compiled.prefix).elf
    rng = np.random.default_rng(5)
    shape = compiled.graph.tensors[compiled.graph.inputs[0]].shape
    sets = [[np.full(shape, v, np.int8)] for v in (-128, 127)]
    sets += [[rng.integers(-128, 128, size=shape, dtype=np.int8)] for _ in range(3)]
    sizes = [compiled.graph.tensors[t].size for t in compiled.graph.outputs]
    results = run_firmware_batch(elf, "mps2-an500", sets, sizes)
    for inputs, (outputs, _) in zip(sets, results):
        want = compiled.run(inputs)
        assert [o.tobytes() for o in outputs] == [w.reshape(-1).tobytes() for w in want]
