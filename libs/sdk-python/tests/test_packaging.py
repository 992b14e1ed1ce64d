"""The package installs from its directory without the network and imports; its sources keep
to Python 3.9 syntax."""

from __future__ import annotations

import ast
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


def setuptools_builds_wheels_alone() -> bool:
    """setuptools builds wheels by itself from 70.1 on; before, it needs the `wheel` package."""
    import setuptools

    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


def test_pip_installs_the_package_offline_and_it_imports(tmp_path: Path) -> None:
    pytest.importorskip("setuptools")
    source = tmp_path / "sdk-python"  # a copy: an in-tree build writes build/ and *.egg-info
    shutil.copytree(PROJECT, source, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.egg-info", "build", ".pytest_cache"))
    target = tmp_path / "site"
    command = [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), "--disable-pip-version-check"]
    env = dict(os.environ)
    if setuptools_builds_wheels_alone():
        command += ["--no-build-isolation", "--no-index"]
    else:
        # This interpreter's setuptools cannot build a wheel without the `wheel` package: build
        # in isolation from pip's configured indexes (a local mirror on an offline machine),
        # failing fast on any that cannot be reached.
        env["PIP_RETRIES"] = "0"
    install = subprocess.run([*command, str(source)], capture_output=True, text=True, env=env, timeout=300)
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]

    probe = subprocess.run(
        [sys.executable, "-c", "import warden_sdk, pathlib; print(warden_sdk.__file__); print(warden_sdk.Warden.__name__, warden_sdk.__version__)"],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(target)},
        cwd=str(tmp_path),
        timeout=60,
    )

    assert probe.returncode == 0, probe.stderr
    location, names = probe.stdout.splitlines()
    assert Path(location).is_relative_to(target)
    assert names == "Warden 0.1.0"
    assert (target / "warden_sdk" / "py.typed").exists()
    metadata = next(target.glob("warden_sdk-0.1.0.dist-info")) / "METADATA"
    requires = [line for line in metadata.read_text().splitlines() if line.startswith("Requires-Dist:")]
    assert requires == ["Requires-Dist: requests>=2.25", "Requires-Dist: pytest>=7; extra == \"test\""]


@pytest.mark.parametrize("path", sorted((PROJECT / "src").rglob("*.py")), ids=lambda p: p.name)
def test_sources_parse_as_python_3_9(path: Path) -> None:
    ast.parse(path.read_text(), filename=str(path), feature_version=(3, 9))
