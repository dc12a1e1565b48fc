"""The lock files pin every dependency pyproject.toml names, so `make setup` and the Docker image
install what the project declares (run `make lock` after changing a dependency)."""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pinned(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {
        m.group(1).lower().replace("_", "-"): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.MULTILINE)
    }


@pytest.mark.parametrize(
    ("lock", "groups"),
    [("requirements.lock", ["dependencies"]), ("requirements-dev.lock", ["dependencies", "test"])],
)
def test_every_declared_dependency_is_pinned_with_hashes(lock, groups):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = []
    for group in groups:
        declared += (
            project[group] if group == "dependencies" else project["optional-dependencies"][group]
        )
    pinned = _pinned(lock)
    missing = sorted({_name(r) for r in declared} - set(pinned))
    assert missing == [], f"not in {lock}: {missing}; run `make lock`"
    assert "--hash=sha256:" in (ROOT / lock).read_text(encoding="utf-8")
