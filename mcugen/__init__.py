"""mcugen: compile int8 TensorFlow Lite models into plain C for Cortex-M."""
__version__ = "0.1.0"

from mcugen.api import CompiledModel, compile, compile_graph

__all__ = ["CompiledModel", "compile", "compile_graph", "__version__"]
