"""The kernels added for issue 6 (copy, MEAN, resize, float interface) build warning-free
with -pedantic -Wconversion under gcc and clang, and with -Werror for Cortex-M4."""
from __future__ import annotations

import shutil

import pytest

import mcugen
from tests.codegen.test_generated_c import COMPILERS, FLAGS, cc
from tests.ops.test_mean import mean_model
from tests.ops.test_pad import pad_model
from tests.ops.test_quantize import dequantize_model, float_pool_model, quantize_model
from tests.ops.test_resize import BL, NN, resize_model
from tests.ops.test_split import split_model
from tests.ops.test_strided_slice import slice_model

MODELS = {
    "pad": lambda: pad_model((1, 3, 4, 2), [[0, 0], [1, 1], [2, 0], [0, 0]]),
    "split": lambda: split_model((1, 4, 4, 6), 3, 3),
    "strided_slice": lambda: slice_model((1, 6, 5, 3), [0, 5, 4, 2], [1, 0, 0, 0], [1, -1, -2, -1]),
    "mean": lambda: mean_model((1, 5, 5, 3), [1, 2], True, (0.1, 3), (0.05, -2)),
    "resize_nearest": lambda: resize_model(NN, (1, 3, 3, 2), (7, 5), half=True),
    "resize_bilinear": lambda: resize_model(BL, (1, 3, 3, 2), (7, 5), align=True),
    "quantize": lambda: quantize_model((1, 8), 0.1, -3),
    "dequantize": lambda: dequantize_model((1, 8), 0.1, -3),
    "float_interface": float_pool_model,
}


@pytest.mark.parametrize("compiler", COMPILERS or [pytest.param("cc", marks=pytest.mark.skip("no gcc or clang"))])
@pytest.mark.parametrize("name", list(MODELS))
def test_new_kernels_compile_with_pedantic_conversion_warnings(tmp_path, compiler, name):
    compiled = mcugen.compile(MODELS[name]())
    compiled.write(tmp_path)
    for source in (f"{compiled.prefix}.c", f"{compiled.prefix}_weights.c"):
        cc(compiler, [*FLAGS, "-O2", "-c", source, "-o", source + ".o"], tmp_path)




@pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc not on PATH")
@pytest.mark.parametrize("name", list(MODELS))
def test_new_kernels_cross_compile_for_cortex_m(tmp_path, name):
    from mcugen.target import cross_compile
    compiled = mcugen.compile(MODELS[name](), board="mps2-an386")
    assert all(o.stat().st_size > 0 for o in cross_compile(compiled, "mps2-an386", tmp_path))
