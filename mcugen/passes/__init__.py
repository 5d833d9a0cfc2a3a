"""Passes: pure functions Graph -> Graph."""
from mcugen.passes.lower import check_supported, lower_ops

__all__ = ["check_supported", "lower_ops", "run_passes"]


def run_passes(graph):
    """The standard pipeline between the frontend and the planner."""
    check_supported(graph)
    return lower_ops(graph)
