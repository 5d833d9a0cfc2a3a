"""The models whose generated C is kept as golden files (tests/golden/files/<case>/).

A restructuring proves it changed no behaviour by leaving every golden byte-identical
(tests/codegen/test_golden.py). Regenerate on purpose only, and say why in the commit:

    .venv/bin/python -m tests.golden.regenerate      (or: make goldens)

Each case is the shared model or a test-built model (fixed seeds) and the compile
options: SIMD and portable kernels, in-place depthwise and overlap, patch-based
inference, int16 activations, constant channels, the float interface, elementwise ops.
A generated file over INLINE_MAX_BYTES (the weights of the larger models) is kept as its
SHA-256 only.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import mcugen
from tests.builder import ModelBuilder
from tests.helpers import SHARED_MODELS
from tests.ops import models, models_int16
from tests.ops.models import conv_layer, fc_layer, input_act, pool_layer, softmax_layer, view_layer

FILES = Path(__file__).resolve().parent / "files"
INLINE_MAX_BYTES = 64 * 1024
SHARED = ("ad01_int8", "hello_world_int8", "kws_ref_model", "micro_speech_quantized",
          "person_detect", "pretrainedResnet_quant", "vww_96_int8")


@dataclass(frozen=True)
class Case:
    name: str
    model: Callable[[], bytes]
    options: dict = field(default_factory=dict)
    shared: bool = False  # needs ../shared/models


def _shared(stem: str) -> Callable[[], bytes]:
    return lambda: (SHARED_MODELS / f"{stem}.tflite").read_bytes()


def mobilenet_block() -> bytes:
    """conv 3x3 s2 -> depthwise 3x3 -> 1x1 -> depthwise 3x3 s2 -> 1x1 -> avg pool -> FC -> softmax."""
    rng = np.random.default_rng(11)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 24, 24, 3))
    x = conv_layer(b, rng, x, 8, stride=(2, 2), activation="RELU6")
    x = conv_layer(b, rng, x, depthwise=True, activation="RELU6")
    x = conv_layer(b, rng, x, 16, kernel=(1, 1), activation="RELU6")
    x = conv_layer(b, rng, x, depthwise=True, stride=(2, 2), activation="RELU6")
    x = conv_layer(b, rng, x, 24, kernel=(1, 1))
    x = pool_layer(b, x, "AVERAGE_POOL_2D", (6, 6))
    x = view_layer(b, x, "RESHAPE", (1, 24))
    x = fc_layer(b, rng, x, 10)
    b.output(softmax_layer(b, x).index)
    return b.build()


def constant_channel_chain() -> bytes:
    rng = np.random.default_rng(12)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 8, 8, 8))
    a = conv_layer(b, rng, x, 16, kernel=(1, 1), dead=(1, 5, 6, 12), zeroed=(2, 9))
    d = conv_layer(b, rng, a, depthwise=True)
    p = conv_layer(b, rng, d, 12, kernel=(1, 1), dead=(0, 3, 4, 7), activation="RELU6")
    g = pool_layer(b, p, "AVERAGE_POOL_2D", (8, 8))
    b.output(fc_layer(b, rng, view_layer(b, g, "RESHAPE", (1, 12)), 5).index)
    return b.build()


def int16_chain() -> bytes:
    rng = np.random.default_rng(13)
    b = ModelBuilder()
    x = models_int16.input16(b, rng, (1, 6, 6, 4))
    x = models_int16.conv16_layer(b, rng, x, 8)
    x = models_int16.conv16_layer(b, rng, x, depthwise=True)
    b.output(x.index)
    return b.build()


def float_interface() -> bytes:
    """QUANTIZE (float32 -> int8) -> conv -> DEQUANTIZE (int8 -> float32)."""
    rng = np.random.default_rng(14)
    b = ModelBuilder()
    f = b.input((1, 6, 6, 2), scale=None, zero_point=None, dtype=np.float32)
    scale, zp = models.input_quant(rng)
    q = b.tensor((1, 6, 6, 2), scale=scale, zero_point=zp)
    b.op("QUANTIZE", [f], [q])
    y = conv_layer(b, rng, models.Act(q, (1, 6, 6, 2), scale, zp), 4)
    out = b.tensor(y.shape, dtype=np.float32)
    b.op("DEQUANTIZE", [y.index], [out])
    b.output(out)
    return b.build()


def elementwise() -> bytes:
    """ADD, MUL, SUB of two inputs, then a LOGISTIC."""
    b = ModelBuilder()
    x1 = b.input((1, 4, 4, 8), scale=0.05, zero_point=-4)
    x2 = b.input((1, 4, 4, 8), scale=0.03, zero_point=7)
    a = b.tensor((1, 4, 4, 8), scale=0.07, zero_point=2)
    b.op("ADD", [x1, x2], [a], fused_activation_function="RELU")
    m = b.tensor((1, 4, 4, 8), scale=0.02, zero_point=-10)
    b.op("MUL", [a, x2], [m], fused_activation_function="NONE")
    s = b.tensor((1, 4, 4, 8), scale=0.06, zero_point=1)
    b.op("SUB", [m, x1], [s], fused_activation_function="NONE")
    y = b.tensor((1, 4, 4, 8), scale=1 / 256, zero_point=-128)
    b.op("LOGISTIC", [s], [y])
    b.output(y)
    return b.build()


CASES = [
    *(Case(f"{stem}_{kernels}", _shared(stem), dict(board="stm32f746", kernels=kernels), shared=True)
      for stem in SHARED for kernels in ("simd", "portable")),
    Case("vww_96_int8_patches_min", _shared("vww_96_int8"),
         dict(board="stm32f746", patches="min"), shared=True),
    Case("person_detect_keep_constant", _shared("person_detect"),
         dict(board="stm32f746", constant_channels="keep", memory="none"), shared=True),
    Case("mobilenet_block_simd", mobilenet_block, dict(kernels="simd")),
    Case("mobilenet_block_portable", mobilenet_block, dict(kernels="portable")),
    Case("mobilenet_block_in_place_all", mobilenet_block, dict(kernels="simd", memory="all")),
    Case("mobilenet_block_layer_by_layer", mobilenet_block, dict(kernels="simd", memory="none")),
    Case("mobilenet_block_patches", mobilenet_block, dict(kernels="simd", patches="min")),
    Case("mobilenet_block_debug_guards", mobilenet_block, dict(kernels="portable", debug_guards=True)),
    Case("constant_channels_drop", constant_channel_chain, dict(kernels="simd")),
    Case("constant_channels_keep", constant_channel_chain, dict(kernels="simd", constant_channels="keep")),
    Case("int16_chain", int16_chain, dict(kernels="portable")),
    Case("float_interface", float_interface, dict(kernels="simd")),
    Case("elementwise", elementwise, dict(kernels="portable")),
]


def generated(case: Case) -> dict[str, str]:
    """What the case's compile writes, as golden text: each generated file (or its hash),
    and the list of runtime files it copies (runtime.txt)."""
    compiled = mcugen.compile(case.model(), prefix="golden", **case.options)
    out = {}
    for name, text in sorted(compiled.files.items()):
        if name.startswith("runtime/"):
            continue
        data = text.encode()
        if len(data) > INLINE_MAX_BYTES:
            out[name + ".sha256"] = f"{hashlib.sha256(data).hexdigest()}  {len(data)} bytes\n"
        else:
            out[name] = text
    out["runtime.txt"] = "".join(f"{name}\n" for name in sorted(compiled.files) if name.startswith("runtime/"))
    s = compiled.summary
    out["summary.txt"] = (f"peak_sram_bytes {s.peak_sram_bytes}\nweights_bytes {s.weights_bytes}\n"
                          f"code_bytes_estimate {s.code_bytes_estimate}\nmacs {s.macs}\n"
                          f"constant_macs {s.constant_macs}\nextra_macs {s.extra_macs}\n"
                          f"peaks {s.peaks}\npatches {s.patches}\n")
    return out
