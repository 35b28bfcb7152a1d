"""The wheel and the editable install: resources/ is gdviz.resources in both; the metadata."""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What a build reads: copied so that the build leaves nothing in the checkout.
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "gdviz", "resources")


def _tracked_resources() -> set[str]:
    """Every data file in the top-level resources/ (what the wheel must carry)."""
    return {
        "gdviz/resources/" + p.relative_to(ROOT / "resources").as_posix()
        for p in (ROOT / "resources").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def _build(tmp_path: Path, hook: str) -> Path:
    """Run setuptools' PEP 517 `hook` (build_wheel or build_editable) on a copy of the sources."""
    import setuptools

    major = int(setuptools.__version__.split(".")[0])
    assert major >= 77, (
        f"setuptools {setuptools.__version__} cannot build gdviz (SPDX license): "
        "pip install '.[test]' brings setuptools >= 77"
    )
    source = tmp_path / "src"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    out = tmp_path / "dist"
    out.mkdir()
    script = f"from setuptools import build_meta; print(build_meta.{hook}({str(out)!r}))"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=source, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out / done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("wheel"), "build_wheel")


def test_the_wheel_carries_every_resource_under_gdviz_resources(wheel) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = _tracked_resources()
    assert "gdviz/resources/lessons/README.md" in expected  # the file the README points to
    assert "gdviz/resources/icons/gdviz.svg" in expected
    assert expected <= names, sorted(expected - names)
    assert not any(n.startswith("resources/") for n in names)  # not a top-level package


def test_the_wheel_has_every_package_and_only_gdviz(wheel) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    listed = {n.rsplit("/", 1)[0] for n in names if n.endswith("/__init__.py")}
    on_disk = {p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "gdviz").rglob("__init__.py")}
    assert listed == on_disk | {"gdviz/resources"}
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"gdviz"}


def test_the_wheel_metadata(wheel) -> None:
    archive = zipfile.ZipFile(wheel)
    info = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    meta = email.message_from_bytes(archive.read(info))
    import gdviz

    assert meta["Version"] == gdviz.__version__
    assert meta["License-Expression"] == "MIT"
    assert "gdviz authors" in meta["Author"]
    assert len(meta.get_all("Classifier")) >= 8
    assert meta["Keywords"]
    assert meta.get_all("Project-URL")
    requires = " ".join(meta.get_all("Requires-Dist"))
    assert "pyqtgraph" in requires
    runtime = [r for r in meta.get_all("Requires-Dist") if "extra ==" not in r]
    assert not any(r.startswith("imageio>") or r.startswith("imageio ") for r in runtime)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in archive.namelist())
    entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert "[console_scripts]\ngdviz = gdviz.cli:main" in entry_points
    assert "[gui_scripts]\ngdviz-app = gdviz.cli.app:main" in entry_points


def test_the_installed_wheel_reads_its_resources(wheel, tmp_path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "import importlib.resources as ir;"
        "print(ir.files('gdviz.resources') / 'lessons' / 'README.md');"
        "from gdviz.core.resources import resource_path as r;"
        "print(r('presets.json').read_text(encoding='utf-8')[:1])"
    )
    # -S: no site-packages, so only the unpacked wheel can answer (not an editable install).
    done = subprocess.run(
        [sys.executable, "-S", "-c", script],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    readme, first = done.stdout.splitlines()
    assert Path(readme) == site / "gdviz" / "resources" / "lessons" / "README.md"
    assert first == "{"


def test_the_editable_install_reads_the_top_level_resources(tmp_path) -> None:
    editable = _build(tmp_path, "build_editable")
    site = tmp_path / "site"
    zipfile.ZipFile(editable).extractall(site)
    script = (
        "import site, sys; site.addsitedir(sys.argv[1]);"
        "import importlib.resources as ir;"
        "print(ir.files('gdviz.resources') / 'lessons' / 'README.md');"
        "from gdviz.core.resources import resource_path as r;"
        "print(r('icons', 'gdviz.svg').is_file())"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", script, str(site)],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    readme, icon = done.stdout.splitlines()
    # The editable install points into the sources, at the top-level resources/ folder.
    assert Path(readme) == tmp_path / "src" / "resources" / "lessons" / "README.md"
    assert icon == "True"


def test_the_version_is_written_once() -> None:
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert project["license"] == "MIT"


def test_a_source_checkout_on_sys_path_reads_the_top_level_resources(tmp_path) -> None:
    """`python -m pytest` in a clone imports gdviz from the clone, not the installed one."""
    script = (
        "from gdviz.core.resources import resource_path as r;"
        "print(r('lessons', 'README.md')); print(r('presets.json').read_text('utf-8')[:1])"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", script],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    readme, first = done.stdout.splitlines()
    assert Path(readme) == ROOT / "resources" / "lessons" / "README.md"
    assert first == "{"
