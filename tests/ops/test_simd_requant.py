"""The short requantizations of the SIMD kernels equal mcu_requant, TFLM's arithmetic, on
edge values and millions of random ones (host build with UBSan): mcu_requant_fast for every
input, and mcu_requant_bounded and mcu_requant_doubled (mcu_simd.h) within the preconditions that
mcugen/ops/fast_requant.py checks per layer. fast_requant_table's choices are tested too."""
import shutil
import subprocess

import pytest

from mcugen.paths import RUNTIME_C

PROGRAM = r"""
#include <stdio.h>
#include "mcu_requant.h"
#include "mcu_simd.h"

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
    /* mcu_requant_bounded: |x| < 2^30, right 1..31, |x| + |c| + 1 < 2^31 */
    for (long n = 0; n < 4000000; ++n) {
        const int32_t right = 1 + (int32_t)(next() % 31u);
        const int32_t m = (n & 255) == 7 ? (1 << 30) : (int32_t)((1u << 30) | (next() >> 2));
        const int32_t zp = (int32_t)(next() % 256u) - 128;
        const int64_t c64 = (1LL << (right - 1)) + (int64_t)zp * (1LL << right);
        uint32_t r = next();
        int32_t x = (int32_t)(r >> (2 + (r & 31u) % 30u)) * ((r & 64u) ? -1 : 1);
        if ((n & 7) == 3) { /* ties */
            x = (int32_t)(((next() & 0x3FFFu) | 1u) << (next() % 16u)) * ((r & 128u) ? -1 : 1);
        }
        if ((n & 1023) == 5) {
            x = (r & 1u) ? (1 << 30) - 1 : -(1 << 30) + 1;
        }
        if ((int64_t)(x < 0 ? -(int64_t)x : x) + (c64 < 0 ? -c64 : c64) + 1 >= (1LL << 31)) {
            continue;
        }
        const int32_t want = mcu_requant(x, m, -right) + zp;
        if (want != mcu_requant_bounded(x, m, (int32_t)c64, right)) {
            printf("bounded mismatch x=%ld m=%ld right=%ld zp=%ld\n", (long)x, (long)m, (long)right, (long)zp);
            ++failures;
        }
        if (want != mcu_requant_doubled(2 * x, m, (int32_t)c64, right)) {
            printf("doubled mismatch x=%ld m=%ld right=%ld zp=%ld\n", (long)x, (long)m, (long)right, (long)zp);
            ++failures;
        }
        checks += 2;
    }
    /* a constant channel's entry (0, 2 v + 1, 1) gives v for any accumulator, both forms */
    for (long n = 0; n < 100000; ++n) {
        const int32_t v = (int32_t)(next() >> 2) - (1 << 29);
        uint32_t r = next();
        const int32_t x = (int32_t)(r >> 2) * ((r & 1u) ? -1 : 1);
        if (mcu_requant_bounded(x >> 1, 0, 2 * v + 1, 1) != v || mcu_requant_doubled(x, 0, 2 * v + 1, 1) != v) {
            printf("constant mismatch x=%ld v=%ld\n", (long)x, (long)v);
            ++failures;
        }
        checks += 2;
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


def test_fast_requant_table_takes_only_provable_layers():
    """Right shifts and bounded accumulators pass; a left or zero shift, a bias or weights
    that could push |acc| to 2^30 do not; an all-zero row gives its constant output."""
    import numpy as np

    from mcugen.ops.fast_requant import doubled_requant, fast_requant, fast_requant_table
    from mcugen.ops.fixedpoint import mbqm

    rows = np.array([[1, -127, 5], [3, 0, -2]], np.int8)
    bias = np.array([100, -5000], np.int32)
    m = np.array([1 << 30, (1 << 31) - 1], np.int64)
    table = fast_requant_table(m, np.array([-5, -9]), -3, bias, rows, 128)
    assert table.tolist() == [1 << 30, 16 + (-3 << 5), 5, (1 << 31) - 1, 256 + (-3 << 9), 9]
    assert fast_requant_table(m, np.array([-5, 0]), -3, bias, rows, 128) is None
    assert fast_requant_table(m, np.array([-5, 1]), -3, bias, rows, 128) is None
    assert fast_requant_table(m, np.array([-5, -9]), -3, np.array([100, 1 << 30], np.int32), rows, 128) is None
    wide = np.full((2, 40000), 127, np.int8)  # 40000 * 127 * 255 > 2^30
    assert fast_requant_table(m, np.array([-5, -9]), -3, bias, wide, 128) is None
    # a pruned channel: bias near 2^30, shift 0, all-zero weights -> constant output
    dead = np.array([[0, 0, 0], [3, 0, -2]], np.int8)
    bias = np.array([(1 << 30) + 7, -5000], np.int32)
    table = fast_requant_table(m, np.array([0, -9]), -128, bias, dead, 128)
    assert table is not None and table[0] == 0 and table[2] == 1
    want = mbqm(int(bias[0]), int(m[0]), 0) - 128
    assert fast_requant(int(bias[0]), 0, int(table[1]), 1) == want
    for acc in (int(bias[0]), -int(bias[0]), 0, -1):  # the doubled form, either sign
        assert doubled_requant(acc, 0, int(table[1]), 1) == want
