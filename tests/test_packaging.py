"""Installing prints no warning: the package's metadata and its editable wheel are built as pip builds them
(setuptools' build backend, the same hooks pip calls), and setuptools has nothing to warn about."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

BUILD = """
from setuptools import build_meta as backend
backend.prepare_metadata_for_build_wheel("out")
print(backend.build_editable("out"))
"""


def test_building_the_package_prints_no_warning(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    for package in ("bot", "adapters"):
        shutil.copytree(ROOT / package, project / package, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "tests").mkdir()  # other top-level folders, as in the real checkout
    (project / "out").mkdir()
    done = subprocess.run(
        [sys.executable, "-W", "default", "-c", BUILD], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if re.search(r"\w+(Warning|InformationOnly):", line)]
    assert not warnings, done.stderr
    (metadata,) = (project / "out").glob("*.dist-info/METADATA")
    assert "License-Expression: MIT" in metadata.read_text()
