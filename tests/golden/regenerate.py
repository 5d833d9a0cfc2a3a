"""Write the golden files of every case (tests/golden/cases.py) anew: `make goldens`."""
from __future__ import annotations

import shutil
import sys

from tests.golden.cases import CASES, FILES, generated
from tests.helpers import SHARED_MODELS


def main() -> int:
    if not SHARED_MODELS.is_dir():
        print(f"no shared models at {SHARED_MODELS}: cannot regenerate their goldens", file=sys.stderr)
        return 2
    if FILES.exists():
        shutil.rmtree(FILES)
    for case in CASES:
        folder = FILES / case.name
        for name, text in generated(case).items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        print(f"{case.name}: {sum(1 for p in folder.rglob('*') if p.is_file())} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
