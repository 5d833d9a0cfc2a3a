"""Passes: pure functions Graph -> Graph."""
from mcugen.passes.fold_pad import fold_pads
from mcugen.passes.lower import check_supported, lower_ops

__all__ = ["check_supported", "fold_pads", "lower_ops", "run_passes"]


def run_passes(graph):
    """The standard pipeline between the frontend and the planner."""
    graph = fold_pads(graph)
    check_supported(graph)
    return lower_ops(graph)
