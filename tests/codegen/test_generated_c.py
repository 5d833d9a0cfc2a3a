"""The generated folder builds warning-free under gcc and clang, and two models link together."""
from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

import mcugen
from tests.helpers import SHARED_MODELS

COMPILERS = [c for c in ("gcc", "clang") if shutil.which(c)]
FLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-Wshadow", "-Wconversion",
         "-Wno-sign-conversion"]
MODELS = sorted(SHARED_MODELS.glob("*.tflite")) if SHARED_MODELS.is_dir() else []
needs_models = pytest.mark.skipif(not MODELS, reason=f"no shared models at {SHARED_MODELS}")


def cc(compiler, args, cwd):
    result = subprocess.run([compiler, *args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


@needs_models
@pytest.mark.parametrize("compiler", COMPILERS or [pytest.param("cc", marks=pytest.mark.skip("no gcc or clang"))])
@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.stem)
def test_generated_code_compiles_with_werror(tmp_path, compiler, model):
    compiled = mcugen.compile(model, board="stm32f746")
    compiled.write(tmp_path)
    for source in (f"{compiled.prefix}.c", f"{compiled.prefix}_weights.c"):
        cc(compiler, [*FLAGS, "-O2", "-c", source, "-o", source + ".o"], tmp_path)


@needs_models
def test_same_model_same_files():
    first = mcugen.compile(SHARED_MODELS / "kws_ref_model.tflite", board="stm32f746").files
    second = mcugen.compile(SHARED_MODELS / "kws_ref_model.tflite", board="stm32f746").files
    assert first == second


@needs_models
def test_two_models_in_one_program(tmp_path):
    """Two prefixes, one executable: no symbol clashes, both give their host-build outputs."""
    names = ("kws_ref_model", "micro_speech_quantized")
    expected = []
    for name in names:
        compiled = mcugen.compile(SHARED_MODELS / f"{name}.tflite", board="stm32f746", prefix=name[:3])
        compiled.write(tmp_path / name)
        x = np.full(compiled.graph.tensors[compiled.graph.inputs[0]].shape, 7, np.int8)
        expected.append(compiled.run([x])[0].reshape(-1))
    main = """
#include <stdio.h>
#include "kws_ref_model/kws.h"
#include "micro_speech_quantized/mic.h"
static int8_t a_in[KWS_INPUT0_SIZE], a_out[KWS_OUTPUT0_SIZE];
static int8_t b_in[MIC_INPUT0_SIZE], b_out[MIC_OUTPUT0_SIZE];
int main(void) {
    int i;
    for (i = 0; i < KWS_INPUT0_SIZE; ++i) a_in[i] = 7;
    for (i = 0; i < MIC_INPUT0_SIZE; ++i) b_in[i] = 7;
    if (kws_invoke(a_in, a_out) || mic_invoke(b_in, b_out)) return 1;
    for (i = 0; i < KWS_OUTPUT0_SIZE; ++i) printf("%d ", a_out[i]);
    printf("\\n");
    for (i = 0; i < MIC_OUTPUT0_SIZE; ++i) printf("%d ", b_out[i]);
    printf("\\n");
    return 0;
}
"""
    (tmp_path / "main.c").write_text(main)
    sources = ["main.c", "kws_ref_model/kws.c", "kws_ref_model/kws_weights.c",
               "micro_speech_quantized/mic.c", "micro_speech_quantized/mic_weights.c"]
    cc(COMPILERS[0] if COMPILERS else "cc", [*FLAGS, "-O2", *sources, "-o", "both"], tmp_path)
    lines = subprocess.run([str(tmp_path / "both")], capture_output=True, text=True, check=True).stdout.splitlines()
    for line, values in zip(lines, expected):
        assert [int(v) for v in line.split()] == values.tolist()


def test_layers_with_the_same_functions_share_them():
    """Per-layer functions that would come out the same (same sizes and bounds) are defined
    once; later layers name them by #define (ad01's eight 128-deep FC layers, vww's five
    128 -> 128 pointwise layers). Bit-exact either way."""
    from tests.builder import ModelBuilder
    from tests.helpers import assert_bit_exact
    from tests.ops.models import conv_layer, fc_layer, input_act

    rng = np.random.default_rng(77)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 4, 6, 16))
    y = conv_layer(b, rng, x, 16, kernel=(1, 1))
    y = conv_layer(b, rng, y, 16, kernel=(1, 1))  # same sizes and bounds as the first
    y = conv_layer(b, rng, y, 8, kernel=(1, 1))   # not
    b.output(y.index)
    compiled = assert_bit_exact(b.build(), count=6, seed=1, kernels="simd")
    source = compiled.files[f"{compiled.prefix}.c"]
    p = compiled.prefix
    assert source.count("MCU_CONV2D_1X1_W16_PAIRS_LAYER(") == 2  # layers 0 and 2
    assert f"#define {p}_layer1_pairs {p}_layer0_pairs" in source
    assert f"{p}_layer2_pairs {p}_layer0_pairs" not in source
    rng = np.random.default_rng(78)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 32))
    for units in (32, 32, 32):
        x = fc_layer(b, rng, x, units)
    b.output(x.index)
    compiled = assert_bit_exact(b.build(), count=6, seed=1, kernels="simd")
    source = compiled.files[f"{compiled.prefix}.c"]
    p = compiled.prefix
    assert source.count("MCU_FC_W16_LAYER(") == 1
    assert f"#define {p}_layer1_dot {p}_layer0_dot" in source
    assert f"#define {p}_layer2_dot {p}_layer0_dot" in source
