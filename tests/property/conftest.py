"""Hypothesis profiles: "ci" (default, in `make test`: few examples, derandomized, so a run
is repeatable) and "long" (`make proptest`: many random examples)."""
from hypothesis import HealthCheck, settings

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
               print_blob=True)
settings.register_profile("ci", max_examples=12, derandomize=True, **_COMMON)
settings.register_profile("long", max_examples=300, **_COMMON)
settings.load_profile("ci")
