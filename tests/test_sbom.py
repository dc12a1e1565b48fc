"""The SBOM shipped in the image (ospo_assess/sbom.cdx.json, written by `make sbom`) is valid
CycloneDX 1.6 and describes exactly the runtime packages of requirements.lock: a lock changed
without `make sbom` fails here."""

import json
import socket
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
SBOM = ROOT / "ospo_assess" / "sbom.cdx.json"

sys.path.insert(0, str(ROOT / "scripts"))
from sbom import runtime_requirements  # noqa: E402


@pytest.fixture(scope="module")
def bom():
    return json.loads(SBOM.read_text(encoding="utf-8"))


def test_it_validates_against_the_cyclonedx_1_6_schema_without_the_network(monkeypatch):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    # The schemas ship in cyclonedx-python-lib; CI may have no way out.
    def no_network(*args, **kwargs):
        raise AssertionError("the schema validation tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(SBOM.read_text(encoding="utf-8"))
    assert errors is None, str(errors)


def test_it_lists_exactly_the_runtime_packages_and_versions_of_the_lock(bom):
    listed = {canonicalize_name(c["name"]): c["version"] for c in bom["components"]}
    assert listed == runtime_requirements(), "requirements.lock changed: run `make sbom`"


def test_it_leaves_out_packages_the_image_does_not_install(bom):
    names = {canonicalize_name(c["name"]) for c in bom["components"]}
    # tzdata is locked for Windows only, brotlicffi for PyPy; pip is not a dependency.
    assert not names & {"tzdata", "brotlicffi", "pip"}


def test_it_gives_every_component_a_pypi_purl_and_a_licence(bom):
    for component in bom["components"]:
        name, version = canonicalize_name(component["name"]), component["version"]
        assert component["purl"] == f"pkg:pypi/{name}@{version}"
        assert component.get("licenses"), f"{name}: no licence"


def test_it_describes_the_app_at_its_version(bom):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    app = bom["metadata"]["component"]
    assert (app["name"], app["version"], app["type"]) == (
        "ospo-assess",
        project["version"],
        "application",
    )
    assert app["licenses"] == [{"license": {"acknowledgement": "declared", "id": "Apache-2.0"}}]


def test_it_is_reproducible(bom):
    # No random serial number and no timestamp, so `make sbom` on the same lock changes nothing.
    assert "serialNumber" not in bom
    assert "timestamp" not in bom["metadata"]
