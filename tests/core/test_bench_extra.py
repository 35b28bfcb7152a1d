"""`python -m bench` without the [bench] extra: one line naming the extra, no traceback."""

from __future__ import annotations

import importlib.metadata
import sys

from bench import __main__ as bench_main


def test_bench_reads_its_packages_from_the_bench_extra() -> None:
    requires = importlib.metadata.requires("gdviz") or []
    assert any("matplotlib" in r and "bench" in r for r in requires)


def test_a_missing_bench_package_is_named_with_the_extra(monkeypatch, capsys) -> None:
    real_version = importlib.metadata.version

    def version(name: str) -> str:
        if name == "matplotlib":
            raise importlib.metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    monkeypatch.setattr(sys, "argv", ["python -m bench", "--quick"])
    assert bench_main.main() == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert "matplotlib" in lines[0] and "pip install '.[bench]'" in lines[0]
