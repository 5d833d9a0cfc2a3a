"""mcu_requant_fast (used by the SIMD kernels) equals mcu_requant, TFLM's arithmetic, on
edge values and millions of random ones (host build with UBSan)."""
import shutil
import subprocess

import pytest

from mcugen.paths import RUNTIME_C

PROGRAM = r"""
#include <stdio.h>
#include "mcu_requant.h"

static uint32_t state = 12345u;
static uint32_t next(void)
{
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

static int check(int32_t x, int32_t m, int32_t s)
{
    if (mcu_requant(x, m, s) != mcu_requant_fast(x, m, s)) {
        printf("mismatch x=%ld m=%ld s=%ld\n", (long)x, (long)m, (long)s);
        return 1;
    }
    return 0;
}

int main(void)
{
    static const int32_t xs[] = {0, 1, -1, 2, -2, 3, -3, INT32_MAX, INT32_MIN, INT32_MIN + 1,
                                 1 << 30, -(1 << 30), (1 << 30) + 1, -(1 << 30) - 1, 12345, -12345};
    static const int32_t ms[] = {0, 1 << 30, (1 << 30) + 1, INT32_MAX, INT32_MAX - 1, 1518500250};
    long failures = 0, checks = 0;
    for (int32_t s = -31; s <= 30; ++s) {
        for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; ++i) {
            for (unsigned j = 0; j < sizeof ms / sizeof ms[0]; ++j) {
                failures += check(xs[i], ms[j], s);
                ++checks;
            }
        }
    }
    for (long n = 0; n < 4000000; ++n) {
        const int32_t s = (int32_t)(next() % 62u) - 31;
        const int32_t m = (int32_t)((1u << 30) | (next() >> 2));
        uint32_t r = next();
        /* small accumulators (the common case), and ties: multiples of powers of two */
        int32_t x = (n & 1) ? (int32_t)(r >> (r & 31u)) * ((r & 64u) ? -1 : 1) : (int32_t)r;
        if ((n & 7) == 3) {
            x = (int32_t)(((next() & 0xFFFFu) | 1u) << (next() % 16u)) * ((r & 128u) ? -1 : 1);
        }
        failures += check(x, m, s);
        ++checks;
    }
    printf("%ld checks, %ld failures\n", checks, failures);
    return failures != 0;
}
"""


@pytest.mark.skipif(shutil.which("cc") is None, reason="no host C compiler")
def test_requant_fast_equals_requant(tmp_path):
    (tmp_path / "check.c").write_text(PROGRAM)
    subprocess.run(["cc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-fsanitize=undefined",
                    "-fno-sanitize-recover=all", f"-I{RUNTIME_C}", "check.c", "-o", "check"],
                   cwd=tmp_path, check=True)
    result = subprocess.run([str(tmp_path / "check")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 failures" in result.stdout
