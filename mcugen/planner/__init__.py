"""Planner: tensor lifetimes and arena offsets."""
from mcugen.planner.arena import Buffer, Plan, plan_memory

__all__ = ["Buffer", "Plan", "plan_memory"]
