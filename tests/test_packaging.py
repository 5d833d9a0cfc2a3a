"""A wheel carries the C runtime, the templates and the board files: every file under those
top-level folders falls in a package pyproject.toml lists and matches its package-data
globs (a new template folder or file kind would otherwise be left out of `pip install .`),
and mcugen.paths finds them in a checkout and in an installed layout alike."""
from __future__ import annotations

import fnmatch
import importlib.util
import tomllib
from pathlib import Path

import mcugen.paths

ROOT = Path(__file__).resolve().parents[1]


def test_every_data_file_is_in_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    packages, data = set(config["packages"]), config["package-data"]
    mapped = config["package-dir"]
    assert set(mapped.values()) == {"runtime_c", "templates", "boards"}
    checked = 0
    for package, folder in mapped.items():
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file():
                continue
            parts = path.relative_to(ROOT / folder).parts
            owner = ".".join((package, *parts[:-1]))
            assert owner in packages, f"{path.relative_to(ROOT)}: package {owner} not listed"
            globs = data.get(owner, [])
            assert any(fnmatch.fnmatch(parts[-1], g) for g in globs), \
                f"{path.relative_to(ROOT)} matches none of {owner}'s package-data {globs}"
            checked += 1
    assert checked >= 80  # 37 headers, 45 templates, 9 boards when this was written


def test_paths_in_a_checkout_and_in_a_wheel(tmp_path):
    assert mcugen.paths.TEMPLATES == ROOT / "templates"
    assert mcugen.paths.RUNTIME_C == ROOT / "runtime_c" and mcugen.paths.BOARDS == ROOT / "boards"
    # installed: site-packages/mcugen/paths.py, no pyproject.toml beside the package
    site = tmp_path / "site-packages" / "mcugen"
    site.mkdir(parents=True)
    (site / "paths.py").write_text((ROOT / "mcugen" / "paths.py").read_text())
    spec = importlib.util.spec_from_file_location("installed_paths", site / "paths.py")
    installed = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(installed)
    assert site / "_templates" == installed.TEMPLATES
    assert site / "_runtime_c" == installed.RUNTIME_C and site / "_boards" == installed.BOARDS
