"""The generated header's macros do what the README says: a C program quantizes floats with
`q = round(x / <P>_INPUT0_SCALE) + <P>_INPUT0_ZERO_POINT` (clamped to int8), runs the model
and dequantizes its outputs with `<P>_OUTPUTn_SCALE * (q - <P>_OUTPUTn_ZERO_POINT)`; TFLM's
QUANTIZE and DEQUANTIZE on the same floats give the same bytes. The floats include every
rounding tie of the range and its neighbours (where float and double division differ).
The size, rank, dims and count macros of that model and of its float-interface twin are
checked against the model too."""
from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

import mcugen
from mcugen.host.build import host_compiler
from tests.builder import ModelBuilder
from tests.tflm import run_tflm

# per input: shape, (input scale, zero point), (output scale, zero point); scales that are
# not short decimals, zero points of both signs and the extremes
# (large enough for every tie of the range and its neighbours)
INTERFACES = [((1, 30, 40, 3), (0.0235294122248888, -7), (0.0470588244497776, 33)),
              ((2, 1800), (0.123456789, 100), (0.05, -128)),
              ((1, 1, 3000), (3.7, 127), (1.1, -128))]


def _int8_model() -> bytes:
    """int8 inputs, each requantized (QUANTIZE int8 -> int8) into an int8 output."""
    b = ModelBuilder()
    for n, (shape, (s_in, z_in), (s_out, z_out)) in enumerate(INTERFACES):
        x = b.input(shape, scale=s_in, zero_point=z_in, name=f"in{n}")
        y = b.output(b.tensor(shape, scale=s_out, zero_point=z_out, name=f"out{n}"))
        b.op("QUANTIZE", [x], [y])
    return b.build()


def _float_oracle() -> bytes:
    """The same model with float inputs and outputs: TFLM quantizes and dequantizes.
    Outputs: per interface the quantized input (int8), then the dequantized output."""
    b = ModelBuilder()
    quantized, dequantized = [], []
    for shape, (s_in, z_in), (s_out, z_out) in INTERFACES:
        f = b.input(shape, scale=None, zero_point=None, dtype=np.float32)
        x = b.tensor(shape, scale=s_in, zero_point=z_in)
        b.op("QUANTIZE", [f], [x])
        y = b.tensor(shape, scale=s_out, zero_point=z_out)
        b.op("QUANTIZE", [x], [y])
        g = b.tensor(shape, dtype=np.float32)
        b.op("DEQUANTIZE", [y], [g])
        quantized.append(x)
        dequantized.append(g)
    for x, g in zip(quantized, dequantized):
        b.output(x)
        b.output(g)
    return b.build()


def _floats(rng, size: int, scale: float, zero_point: int) -> np.ndarray:
    """Every tie (k + 1/2) * scale of the int8 range, as float32, and its neighbours up to
    4 ulps away, the values where x / scale rounds differently in float and in double, then
    random values over the range and beyond; the first `size` of them."""
    s = np.float32(scale)
    k = np.arange(-128 - zero_point - 2, 128 - zero_point + 2, dtype=np.float64)
    ties = ((k + 0.5) * np.float64(s)).astype(np.float32)
    near, up, down = [ties], ties, ties
    for _ in range(4):
        up, down = np.nextafter(up, np.float32(np.inf)), np.nextafter(down, np.float32(-np.inf))
        near += [up, down]
    candidates = np.concatenate(near)
    as_float = np.round(candidates / s)               # float32 division, as TFLM
    as_double = np.round(candidates.astype(np.float64) / np.float64(s))
    assert np.any(as_float != as_double), "no value tells float from double division"
    spread = rng.uniform(-140 - zero_point, 140 - zero_point, size=size) * np.float64(s)
    chosen = np.concatenate([candidates[as_float != as_double], candidates])
    assert chosen.size <= size, "the interface is too small for every tie"
    return np.concatenate([chosen, spread.astype(np.float32)])[:size]


PROGRAM = r"""
#include <math.h>
#include <stdio.h>
#include "{prefix}.h"
#include "float/hf.h"

/* the README's formula, the macros written into the expression as a user would */
#define QUANTIZE(x, P) clamp8((int32_t)round((x) / P##_SCALE) + P##_ZERO_POINT)

static int8_t clamp8(int32_t q)
{{
    return (int8_t)(q < -128 ? -128 : (q > 127 ? 127 : q));
}}

#define DEQUANTIZE(q, P) (P##_SCALE * (float)((q) - P##_ZERO_POINT))

{buffers}

int main(void)
{{
    FILE *in = fopen("floats.bin", "rb"), *out = fopen("result.bin", "wb");
    int i;
    if (!in || !out) return 1;
{body}
    fclose(in);
    fclose(out);
{shapes}
    return 0;
}}
"""


def _program(prefix: str, count: int) -> str:
    P = prefix.upper()
    buffers, body, shapes = [], [], []
    for n in range(count):
        buffers.append(f"static float f{n}[{P}_INPUT{n}_SIZE], g{n}[{P}_OUTPUT{n}_SIZE];\n"
                       f"static int8_t x{n}[{P}_INPUT{n}_SIZE], y{n}[{P}_OUTPUT{n}_SIZE];")
        body.append(f"    if (fread(f{n}, sizeof(float), {P}_INPUT{n}_SIZE, in) != {P}_INPUT{n}_SIZE) return 2;\n"
                    f"    for (i = 0; i < {P}_INPUT{n}_SIZE; ++i) "
                    f"x{n}[i] = QUANTIZE(f{n}[i], {P}_INPUT{n});")
    args = ", ".join([f"x{n}" for n in range(count)] + [f"y{n}" for n in range(count)])
    body.append(f"    if ({prefix}_invoke({args}) != 0) return 3;")
    for n in range(count):
        body.append(f"    for (i = 0; i < {P}_OUTPUT{n}_SIZE; ++i) "
                    f"g{n}[i] = DEQUANTIZE(y{n}[i], {P}_OUTPUT{n});\n"
                    f"    fwrite(x{n}, 1, {P}_INPUT{n}_SIZE, out);\n"
                    f"    fwrite(g{n}, sizeof(float), {P}_OUTPUT{n}_SIZE, out);")
    shapes = _shape_lines(P, count, count) + _shape_lines("HF", count, 2 * count)
    return PROGRAM.format(prefix=prefix, P=P, buffers="\n".join(buffers), body="\n".join(body),
                          shapes="\n".join(shapes))


def _shape_lines(P: str, inputs: int, outputs: int) -> list[str]:
    """C lines printing the count, size, rank and dims macros of a model's interface."""
    lines = [f'    printf("{P} inputs %d outputs %d\\n", {P}_NUM_INPUTS, {P}_NUM_OUTPUTS);']
    for kind, count in (("INPUT", inputs), ("OUTPUT", outputs)):
        for n in range(count):
            lines.append(f"    {{ const int dims[] = {P}_{kind}{n}_DIMS; int d; "
                         f'printf("{kind.lower()}{n} size %d rank %d dims", {P}_{kind}{n}_SIZE, {P}_{kind}{n}_RANK); '
                         f'for (d = 0; d < (int)(sizeof dims / sizeof dims[0]); ++d) printf(" %d", dims[d]); '
                         f'printf("\\n"); }}')
    return lines


def _shape_text(P: str, inputs: list, outputs: list) -> list[str]:
    """What _shape_lines prints for these input and output shapes."""
    lines = [f"{P} inputs {len(inputs)} outputs {len(outputs)}"]
    for kind, shapes in (("input", inputs), ("output", outputs)):
        for n, shape in enumerate(shapes):
            dims = " ".join(str(d) for d in shape)
            lines.append(f"{kind}{n} size {int(np.prod(shape))} rank {len(shape)} dims {dims}")
    return lines


@pytest.mark.skipif(shutil.which(host_compiler()[0]) is None, reason="no host C compiler")
def test_header_macros_quantize_as_tflm(tmp_path):
    compiled = mcugen.compile(_int8_model(), prefix="hq")
    compiled.write(tmp_path)
    mcugen.compile(_float_oracle(), prefix="hf").write(tmp_path / "float")
    rng = np.random.default_rng(1500)
    floats = [_floats(rng, int(np.prod(shape)), s_in, z_in).reshape(shape)
              for shape, (s_in, z_in), _ in INTERFACES]
    (tmp_path / "floats.bin").write_bytes(b"".join(f.tobytes() for f in floats))
    (tmp_path / "main.c").write_text(_program("hq", len(INTERFACES)))
    build = subprocess.run([*host_compiler(), "-std=c99", "-Wall", "-Wextra", "-Werror", "-O1",
                            "main.c", "hq.c", "hq_weights.c",
                            "float/hf.c", "float/hf_weights.c", "-lm", "-o", "main"],
                           cwd=tmp_path, capture_output=True, text=True, check=False)
    assert build.returncode == 0, build.stderr
    run = subprocess.run(["./main"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr

    expected = run_tflm(_float_oracle(), floats)
    got = (tmp_path / "result.bin").read_bytes()
    offset = 0
    for n, want in enumerate(expected):
        size = want.nbytes
        mine = np.frombuffer(got[offset:offset + size], want.dtype).reshape(want.shape)
        offset += size
        what = ("input quantized with" if n % 2 == 0 else "output dequantized with") + \
               f" the macros of interface {n // 2}"
        differ = np.flatnonzero(want.reshape(-1).view(np.uint8 if want.itemsize == 1 else np.uint32)
                                != mine.reshape(-1).view(np.uint8 if want.itemsize == 1 else np.uint32))
        assert differ.size == 0, (f"{what}: {differ.size} values differ from TFLM, first at "
                                  f"{differ[0]}: TFLM {want.reshape(-1)[differ[0]]!r}, "
                                  f"C {mine.reshape(-1)[differ[0]]!r}")
    assert offset == len(got)

    shapes = [shape for shape, _, _ in INTERFACES]
    assert run.stdout.splitlines() == (_shape_text("HQ", shapes, shapes)
                                       + _shape_text("HF", shapes, [s for s in shapes for _ in (0, 1)]))
