"""Passes: pure functions Graph -> Graph."""
from mcugen.passes.constant_channels import drop_constant_channels
from mcugen.passes.fold_pad import fold_pads
from mcugen.passes.lower import check_supported, lower_ops

__all__ = ["check_supported", "drop_constant_channels", "fold_pads", "lower_ops", "run_passes"]

CONSTANT_CHANNEL_MODES = ("drop", "keep")


def run_passes(graph, constant_channels: str = "drop"):
    """The standard pipeline between the frontend and the planner."""
    graph = fold_pads(graph)
    check_supported(graph)
    if constant_channels == "drop":
        graph = drop_constant_channels(graph)
    return lower_ops(graph)
