"""Tensor names reach the generated C only inside comments; no name can open or close a
comment, form a trigraph (on under -std=c99) or splice a line, whatever bytes it holds."""
from __future__ import annotations

import numpy as np
import pytest

import mcugen
from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact

HOSTILE = [
    "model/conv/*weights*/",
    "*/ int evil(void) { return 1; } /*",
    "a/*b",
    "trailing backslash \\",
    "trigraph ??/",
    "??=define X 1",
    "???//??",
    "line\nbreak */ next",
    "nul\0inside",
    "// comment",
    "\"quoted\" and 'single'",
    "x" * 500,
]


def named_model(names: list[str]) -> bytes:
    """A chain of ADD ops (x + x) whose input, output and intermediate tensors carry names."""
    b = ModelBuilder()
    x = b.input((1, 8), scale=0.05, zero_point=-3, name=names[0])
    for name in names[1:]:
        y = b.tensor((1, 8), scale=0.1, zero_point=-3, name=name)
        b.op("ADD", [x, x], [y])
        x = y
    b.output(x)
    return b.build()


@pytest.mark.parametrize("first", range(0, len(HOSTILE), 4))
def test_hostile_names_build_with_werror_and_stay_exact(first):
    names = HOSTILE[first:first + 4]
    compiled = assert_bit_exact(named_model(names), count=4)  # -Werror host build inside
    text = "\n".join(compiled.files.values())
    for name in names:
        assert name not in text or not any(s in name for s in ("/*", "*/", "??", "\\", "\n"))
    for text in compiled.files.values():
        for line in text.splitlines():
            # comment openers only where the generator put them, and no trigraphs anywhere
            assert "??" not in line


def test_non_utf8_name_is_shown_not_crashing():
    b = ModelBuilder()
    x = b.input((1, 4), scale=0.1, zero_point=0, name="inXname")
    y = b.tensor((1, 4), scale=0.2, zero_point=0, name="out")
    b.op("ADD", [x, x], [y])
    b.output(y)
    model = b.build().replace(b"inXname", b"in\xffname", 1)
    compiled = mcugen.compile(model)
    assert "'in?name'" in compiled.files[f"{compiled.prefix}.h"]
    compiled.run([np.zeros((1, 4), np.int8)])
