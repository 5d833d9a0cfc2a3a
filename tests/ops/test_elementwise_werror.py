"""The elementwise and activation kernels build warning-free under gcc and clang with the
flags of tests/codegen/test_generated_c.py (one model uses every one of them)."""
import shutil

import numpy as np
import pytest

import mcugen
from tests.builder import ModelBuilder
from tests.codegen.test_generated_c import FLAGS, cc
from tests.ops import models_elementwise  # noqa: F401 - registers builder entries

COMPILERS = [c for c in ("gcc", "clang") if shutil.which(c)]


def every_op_model() -> bytes:
    """MUL, SUB, MAXIMUM, MINIMUM (broadcast and constant operands), PRELU, the table ops,
    LOG_SOFTMAX and broadcast ADD in one chain."""
    rng = np.random.default_rng(7)
    b = ModelBuilder()
    shape = (1, 6, 5, 4)
    x = b.input(shape, scale=0.05, zero_point=-3)
    channel = b.const(rng.integers(-128, 128, size=(4,), dtype=np.int8), scale=0.02, zero_point=1)

    def act(scale, zp):
        return b.tensor(shape, scale=scale, zero_point=zp)

    m = act(0.05, 2)
    b.op("MUL", [x, channel], [m], fused_activation_function="RELU")
    s = act(0.08, -1)
    b.op("SUB", [m, x], [s], fused_activation_function="NONE")
    mx = act(0.08, -1)
    b.op("MAXIMUM", [s, b.const(np.full((1,), -20, np.int8), scale=0.08, zero_point=-1)], [mx])
    mn = act(0.08, -1)
    b.op("MINIMUM", [mx, s], [mn])
    p = act(0.06, 0)
    b.op("PRELU", [mn, b.const(rng.integers(0, 60, size=(1, 1, 4), dtype=np.int8),
                               scale=0.01, zero_point=0)], [p])
    lg = act(1 / 256, -128)
    b.op("LOGISTIC", [p], [lg])
    ad = act(0.01, -100)
    b.op("ADD", [lg, b.const(rng.integers(-10, 10, size=(4,), dtype=np.int8), scale=0.004,
                             zero_point=0)], [ad])
    ls = b.output(act(16 / 256, 127))
    b.op("LOG_SOFTMAX", [ad], [ls])
    return b.build()


@pytest.mark.parametrize("compiler", COMPILERS or [pytest.param("cc", marks=pytest.mark.skip("no gcc or clang"))])
def test_elementwise_kernels_compile_with_werror(tmp_path, compiler):
    compiled = mcugen.compile(every_op_model(), board="stm32f746")
    kernels = {name for name in compiled.files if name.startswith("runtime/")}
    for header in ("mcu_mul_s8.h", "mcu_sub_s8.h", "mcu_maxmin_s8.h", "mcu_prelu_s8.h",
                   "mcu_lut_s8.h", "mcu_log_softmax_s8.h", "mcu_add_broadcast_s8.h"):
        assert f"runtime/{header}" in kernels
    compiled.write(tmp_path)
    for source in (f"{compiled.prefix}.c", f"{compiled.prefix}_weights.c"):
        cc(compiler, [*FLAGS, "-O2", "-c", source, "-o", source + ".o"], tmp_path)
