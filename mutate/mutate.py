"""`make mutate`: plant known bugs one at a time and check that the tests catch each.

Every mutants/<area>.toml lists mutants of one area:

    [[mutant]]
    name = "softmax-exp-constant"            # unique over all files
    file = "runtime_c/mcu_softmax_s8.h"      # relative to the checkout
    find = "..."                             # exact text; must occur exactly once
    replace = "..."                          # what the bug puts there
    tests = ["tests/ops/test_softmax.py"]    # pytest arguments that must catch it
    why = "what the bug would do to a user"  # one line
    # optional: explained = "why no output can change" (reported, not run)

Each mutant is applied to a copy of the checkout (git ls-files), its tests run there with
the copy first on PYTHONPATH, and the report says caught (the tests failed) or MISSED.
Exit 0 only when every mutant that is not explained is caught. The unmutated copy runs
the same tests first: a mutant can only count as caught when they pass without it.

    python mutate/mutate.py [--area softmax] [--name NAME ...] [--list]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutate" / "mutants"
TIMEOUT_SECONDS = 1800


@dataclass(frozen=True)
class Mutant:
    name: str
    area: str
    file: str
    find: str
    replace: str
    tests: tuple[str, ...]
    why: str
    explained: str = ""


def load_mutants(folder: Path = MUTANTS) -> list[Mutant]:
    """Every mutant of every area file, checked for a unique name and a unique find text."""
    mutants, names = [], set()
    for path in sorted(folder.glob("*.toml")):
        for entry in tomllib.loads(path.read_text())["mutant"]:
            mutant = Mutant(area=path.stem, tests=tuple(entry.pop("tests")), **entry)
            if mutant.name in names:
                raise SystemExit(f"{path.name}: mutant name {mutant.name!r} used twice")
            names.add(mutant.name)
            count = (ROOT / mutant.file).read_text().count(mutant.find)
            if count != 1:
                raise SystemExit(f"{path.name}: {mutant.name}: find text occurs {count} times "
                                 f"in {mutant.file} (must be once)")
            if mutant.find == mutant.replace:
                raise SystemExit(f"{path.name}: {mutant.name}: replace equals find")
            mutants.append(mutant)
    return mutants


def copy_checkout(dest: Path) -> None:
    """The tracked and untracked-but-not-ignored files of the checkout, nothing else."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        source = ROOT / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def run_tests(copy: Path, tests: tuple[str, ...]) -> tuple[bool, str]:
    """Run pytest on tests inside copy; (passed, last line of its output)."""
    env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
               "-n", "2", *tests]
    try:
        result = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True,
                                timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return False, f"timed out after {TIMEOUT_SECONDS} s"
    lines = result.stdout.strip().splitlines() or [result.stderr.strip()]
    # exit 5 = no tests collected: a mutant list naming no test is a defect of the list
    if result.returncode == 5:
        raise SystemExit(f"no tests collected for {' '.join(tests)}")
    return result.returncode == 0, lines[-1] if lines else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--area", action="append", help="only this area (file stem); repeatable")
    parser.add_argument("--name", action="append", help="only this mutant; repeatable")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)
    mutants = [m for m in load_mutants()
               if (not args.area or m.area in args.area) and (not args.name or m.name in args.name)]
    if not mutants:
        raise SystemExit("no mutants selected")
    if args.list:
        for m in mutants:
            print(f"{m.area:20} {m.name:40} {m.file}")
        return 0
    rows, missed = [], 0
    with tempfile.TemporaryDirectory(prefix="mcugen-mutate-") as tmp:
        copy = Path(tmp) / "checkout"
        copy_checkout(copy)
        shared = ROOT.parent / "shared"  # the shared models, where tests/helpers.py looks
        if shared.is_dir():
            (Path(tmp) / "shared").symlink_to(shared)
        baseline: dict[tuple[str, ...], bool] = {}
        for m in mutants:
            if m.explained:
                rows.append((m, "explained", m.explained))
                continue
            if m.tests not in baseline:
                passed, last = run_tests(copy, m.tests)
                if not passed:
                    raise SystemExit(f"the unmutated tests fail: {' '.join(m.tests)}: {last}")
                baseline[m.tests] = passed
            target = copy / m.file
            original = target.read_text()
            target.write_text(original.replace(m.find, m.replace, 1))
            start = time.monotonic()
            try:
                passed, last = run_tests(copy, m.tests)
            finally:
                target.write_text(original)
            seconds = time.monotonic() - start
            verdict = "MISSED" if passed else "caught"
            missed += passed
            rows.append((m, verdict, f"{seconds:.0f} s, {last}"))
            print(f"{verdict:9} {m.area}/{m.name} ({seconds:.0f} s)", flush=True)
    print()
    print("| area | mutant | file | verdict | detail |")
    print("|---|---|---|---|---|")
    for m, verdict, detail in rows:
        print(f"| {m.area} | {m.name} | {m.file} | {verdict} | {detail} |")
    caught = sum(v == "caught" for _, v, _ in rows)
    explained = sum(v == "explained" for _, v, _ in rows)
    print(f"\n{caught} caught, {missed} missed, {explained} explained, of {len(rows)} mutants")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
