"""The mcugen command line."""
from mcugen.cli.main import main

__all__ = ["main"]
