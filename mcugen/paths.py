"""Where the project's non-Python parts live (top-level folders, per DESIGN.md)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
RUNTIME_C = ROOT / "runtime_c"
BOARDS = ROOT / "boards"
