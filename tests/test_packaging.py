"""The project installs the same on every machine: each dependency is pinned to one version."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PINNED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[a-z,-]+\])?==[0-9][0-9A-Za-z.+-]*$")


def test_every_dependency_is_pinned_to_one_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        wanted += extra
    assert len(wanted) > 20
    loose = [d for d in wanted if not PINNED.match(d.replace(" ", ""))]
    assert loose == []
