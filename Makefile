# mcugen: `make demo` runs the bundled example, `make test` the test suite,
# `make bench` the Cortex-M measurements (needs arm-none-eabi-gcc and qemu-system-arm).
# Both create .venv and install what they need on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench fuzz proptest mutate goldens clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

demo: $(STAMP)
	$(PY) examples/digits/demo.py

test: lint
	$(PY) -m pytest -q -n 2 tests

# ruff and mypy as configured in pyproject.toml: zero findings, or `make test` stops here.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) bench/bench.py

# Malformed models, hostile names, prefixes, special files and output folders against the
# CLI (fuzz/fuzz.py; tests/fuzz runs a few hundred of these). Replay: fuzz.py --replay F:SEED
FUZZ_CASES ?= 10000
FUZZ_SECONDS ?= 7200
FUZZ_SEED ?= 0
fuzz: $(STAMP)
	nice $(PY) fuzz/fuzz.py --cases $(FUZZ_CASES) --seconds $(FUZZ_SECONDS) --seed $(FUZZ_SEED)

# Property tests with many random examples (`make test` runs the derandomized "ci" profile).
proptest: $(STAMP)
	$(PY) -m pytest -q -n 2 tests/property --hypothesis-profile=long

# Planted bugs (mutate/mutants/*.toml), each against the tests that must catch it.
mutate: $(STAMP)
	$(PY) mutate/mutate.py

# Rewrite the golden generated C (tests/golden): on purpose only, and say why in the commit.
goldens: $(STAMP)
	$(PY) -m tests.golden.regenerate

clean:
	rm -rf $(VENV) build *.egg-info demo_out
