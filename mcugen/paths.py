"""Where the project's non-Python parts live: the top-level folders of a checkout (per
docs/design.md), or, in an installed wheel, the same folders carried inside the package
(pyproject.toml maps them to mcugen/_templates, _runtime_c and _boards)."""
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
_CHECKOUT = (ROOT / "pyproject.toml").is_file() and (ROOT / "runtime_c").is_dir()


def _folder(name: str) -> Path:
    return ROOT / name if _CHECKOUT else PACKAGE / f"_{name}"


TEMPLATES = _folder("templates")
RUNTIME_C = _folder("runtime_c")
BOARDS = _folder("boards")
