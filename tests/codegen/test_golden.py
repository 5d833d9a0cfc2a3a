"""The generated C of every golden case is byte-identical to its golden files
(tests/golden/cases.py says what they are and how to regenerate them on purpose)."""
from __future__ import annotations

import difflib

import pytest

from tests.golden.cases import CASES, FILES, generated
from tests.helpers import SHARED_MODELS


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_generated_files_match_goldens(case):
    if case.shared and not SHARED_MODELS.is_dir():
        pytest.skip(f"no shared models at {SHARED_MODELS}")
    folder = FILES / case.name
    expected = {p.relative_to(folder).as_posix(): p.read_text() for p in folder.rglob("*") if p.is_file()}
    got = generated(case)
    assert sorted(got) == sorted(expected)
    for name, text in got.items():
        if text != expected[name]:
            diff = "".join(difflib.unified_diff(expected[name].splitlines(True), text.splitlines(True),
                                                f"golden/{name}", f"now/{name}", n=2))
            pytest.fail(f"{case.name}/{name} differs from its golden file "
                        f"(make goldens regenerates them, on purpose only):\n{diff[:4000]}")


@pytest.mark.parametrize("case", [c for c in CASES if not c.shared], ids=lambda c: c.name)
def test_test_built_cases_are_bit_exact(case):
    """The goldens of the test-built models are of correct output, not only of stable output."""
    from tests.helpers import assert_bit_exact
    assert_bit_exact(case.model(), count=4, **case.options)
