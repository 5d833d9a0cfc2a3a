"""Planner: tensor lifetimes and arena offsets.

Layers, lowest first: access.py (the kernels' pixel access order), buffers.py (lifetimes
and placement), plan.py (the Plan and the Tricks), patches.py (patch-based stages),
arena.py (whole-tensor plans, and plan_memory on top of everything).
"""
from mcugen.planner.arena import plan_memory
from mcugen.planner.buffers import Buffer
from mcugen.planner.plan import Plan

__all__ = ["Buffer", "Plan", "plan_memory"]
