"""compile(debug_guards=True): guard words around the arena, checked after every invoke."""
from __future__ import annotations

import re

import numpy as np
import pytest

import mcugen
from mcugen.host import HostModel, build_host_library
from tests.cli.test_cli import mcugen as mcugen_cli
from tests.helpers import assert_bit_exact
from tests.ops.models import conv2d_model, fc_model


def test_clean_model_with_guards_is_bit_exact_and_returns_0():
    model = conv2d_model(np.random.default_rng(5), (1, 7, 9, 3), 8, stride=(2, 2))
    compiled = assert_bit_exact(model, count=20, debug_guards=True, prefix="guarded")
    source, header = compiled.files["guarded.c"], compiled.files["guarded.h"]
    assert "guarded_arena_guarded[16 + " in source and "guarded_guards_intact()" in source
    assert "#define GUARDED_ERROR_GUARD_OVERWRITTEN 1" in header
    plain = mcugen.compile(model, prefix="guarded")
    assert "_guards_intact" not in plain.files["guarded.c"] and "arena_guarded" not in plain.files["guarded.c"]
    assert "ERROR_GUARD_OVERWRITTEN" not in plain.files["guarded.h"]


def _corrupting_model(tmp_path, where):
    """An FC model with guards whose kernel call writes 4 bytes past either end of the arena."""
    compiled = mcugen.compile(fc_model(np.random.default_rng(1), (1, 16), 8), prefix="g", debug_guards=True)
    compiled.write(tmp_path)
    source = tmp_path / "g.c"
    out = compiled.plan.offsets[compiled.graph.outputs[0]]
    target = compiled.plan.arena_bytes - 4 if where == "after" else -4  # 8 outputs from there
    text, count = re.subn(rf"arena \+ {out}\b(?=[^;]*\);)", f"arena + ({target})", source.read_text(), count=1)
    assert count == 1
    source.write_text(text)
    return HostModel(build_host_library(tmp_path, "g"), compiled.plan, "g")


@pytest.mark.parametrize("where", ["before", "after"])
def test_overwritten_guard_makes_invoke_fail(tmp_path, where):
    host = _corrupting_model(tmp_path, where)
    with pytest.raises(RuntimeError, match=r"invoke returned 1$"):
        host.run(np.zeros((1, 16), np.int8))
    with pytest.raises(RuntimeError, match=r"invoke returned 1$"):  # and stays reported
        host.run(np.zeros((1, 16), np.int8))


def test_cli_debug_guards(tmp_path):
    path = tmp_path / "fc.tflite"
    path.write_bytes(fc_model(np.random.default_rng(2), (1, 16), 8))
    result = mcugen_cli("compile", path, "--board", "stm32f746", "-o", tmp_path / "out", "--debug-guards")
    assert result.returncode == 0, result.stderr
    assert "fc_arena_guarded" in (tmp_path / "out" / "fc.c").read_text()
    assert "FC_ERROR_GUARD_OVERWRITTEN" in (tmp_path / "out" / "fc.h").read_text()
