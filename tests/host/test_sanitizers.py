"""The sanitized host build (ASan + UBSan in a child process) runs models bit-exact and
reports memory errors and undefined behaviour in generated code as test failures."""
from __future__ import annotations

import re
import shutil

import numpy as np
import pytest

import mcugen
from mcugen.host.runner import SanitizedHostModel, build_sanitized_runner
from tests.helpers import assert_bit_exact
from tests.ops.models import conv2d_model, fc_model

pytestmark = pytest.mark.skipif(shutil.which("cc") is None, reason="no host C compiler (cc)")


def test_sanitized_runner_is_bit_exact_and_serves_many_inferences():
    compiled = assert_bit_exact(conv2d_model(np.random.default_rng(3), (1, 7, 9, 3), 8), count=30)
    host = compiled.host(sanitize=True)
    assert isinstance(host, SanitizedHostModel)
    x = np.random.default_rng(0).integers(-128, 128, (1, 7, 9, 3), dtype=np.int8)
    first = host.run(x)[0]
    assert first.shape == (1, 7, 9, 8) and first.dtype == np.int8
    assert np.array_equal(first, compiled.host(sanitize=True).run([x])[0])


def _broken_build(tmp_path, edit):
    """A compiled FC model whose generated model.c was edited by `edit`, built sanitized."""
    # The portable FC kernel is inlined into invoke, where UBSan sees the arena's size.
    compiled = mcugen.compile(fc_model(np.random.default_rng(1), (1, 16), 8), prefix="broken",
                              kernels="portable")
    compiled.write(tmp_path)
    source = tmp_path / "broken.c"
    text, count = edit(source.read_text(), compiled)
    assert count == 1, "the edit did not apply"
    source.write_text(text)
    return SanitizedHostModel(build_sanitized_runner(tmp_path, compiled.plan, "broken"), compiled.plan)


def _output_past_the_arena(text, compiled):
    # The FC kernel writes its 8 outputs starting 4 bytes before the end of the arena.
    out = compiled.graph.outputs[0]
    last = compiled.plan.arena_bytes
    return re.subn(rf"arena \+ {compiled.plan.offsets[out]}\b(?=[^;]*\);)", f"arena + {last - 4}", text, count=1)


def test_out_of_bounds_write_in_a_kernel_call_is_reported(tmp_path):
    """A kernel writing past the arena is stopped: by UBSan's object-size check where the
    compiler inlines the kernel and sees the arena, else by ASan's red zone around it."""
    host = _broken_build(tmp_path, _output_past_the_arena)
    with pytest.raises(RuntimeError) as info:
        host.run(np.zeros((1, 16), np.int8))
    report = str(info.value)
    ubsan = "runtime error: store to address" in report and "insufficient space" in report
    asan = "AddressSanitizer: global-buffer-overflow" in report and "WRITE" in report
    assert ubsan or asan, report
    assert "broken_invoke" in report


def test_out_of_bounds_write_through_an_opaque_pointer_is_reported_by_asan(tmp_path):
    """Through a pointer the compiler cannot follow, AddressSanitizer's red zones catch it."""
    def launder_then_overflow(text, compiled):
        text, count = re.subn(r"int8_t \*const arena = broken_arena;",
                              "int8_t *volatile laundered = broken_arena;\n    int8_t *const arena = laundered;",
                              text)
        text, more = _output_past_the_arena(text, compiled)
        return text, count * more

    host = _broken_build(tmp_path, launder_then_overflow)
    with pytest.raises(RuntimeError) as info:
        host.run(np.zeros((1, 16), np.int8))
    report = str(info.value)
    assert "ERROR: AddressSanitizer: global-buffer-overflow" in report, report
    assert "WRITE of size 1" in report and "'broken_arena'" in report


def test_undefined_behaviour_is_reported(tmp_path):
    def signed_overflow(text, compiled):
        return re.subn(r"\n    return 0;\n}", "\n    { volatile int32_t big = 2147483647; big = big + 1; (void)big; }"
                       "\n    return 0;\n}", text, count=1)

    host = _broken_build(tmp_path, signed_overflow)
    with pytest.raises(RuntimeError, match="runtime error: signed integer overflow"):
        host.run(np.zeros((1, 16), np.int8))
