"""Shared test helpers: the bit-exact check every op and model test uses."""
from __future__ import annotations

from pathlib import Path

import mcugen
from mcugen.verify import verify_model

ROOT = Path(__file__).resolve().parent.parent
SHARED_MODELS = ROOT.parent / "shared" / "models"


def assert_bit_exact(model_bytes: bytes, count: int = 20, seed: int = 0, **compile_args):
    """Compile (host build with ASan + UBSan, in a child process), run `count` input sets,
    demand byte equality with TFLM."""
    compiled = mcugen.compile(model_bytes, **compile_args)
    compiled.host(sanitize=True)
    result = verify_model(compiled, model_bytes, count=count, seed=seed)
    assert result.runs == count and result.compared_values > 0
    assert result.mismatched_values == 0, result.first_mismatch
    return compiled
