"""Codegen: render a Plan into C source files."""
from mcugen.codegen.render import render_plan

__all__ = ["render_plan"]
