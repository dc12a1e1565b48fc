"""Write ospo_assess/sbom.cdx.json: the CycloneDX 1.6 SBOM of the runtime dependencies.

`make sbom` runs it after `make lock`. The packages of requirements.lock are installed, at their
locked versions and hashes and without their dependencies, into a throwaway virtualenv, and
cyclonedx-py reads that environment: unlike its `requirements` mode, it sees each package's
metadata, so the SBOM has the licences the About page shows. The output is reproducible (no
serial number, no timestamp), so running it again on the same lock gives the same file and CI
can compare.

Licences are what the packages declare. Where they declare only a trove classifier
("License :: OSI Approved :: BSD License", which does not say which BSD licence), the licence file
the package ships decides; where the metadata is not an SPDX expression, OVERRIDES says what the
package's own licence files say.
"""

import json
import re
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
OUTPUT = ROOT / "ospo_assess" / "sbom.cdx.json"

# The image: CPython 3.12 on Linux. A locked package whose marker excludes it (tzdata on Windows,
# brotlicffi on PyPy) is not installed there, so it is not in the SBOM.
TARGET = {
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "os_name": "posix",
    "python_version": "3.12",
    "python_full_version": "3.12.0",
    "platform_machine": "x86_64",
}

# Packages whose metadata is not an SPDX expression, from the licence files they ship.
OVERRIDES = {
    # "Pyphen is released under the GPL 2.0+/LGPL 2.1+/MPL 1.1 tri-license" (its LICENSE); the
    # metadata has three classifiers, which would read as three licences that all apply.
    "pyphen": {"expression": "GPL-2.0-or-later OR LGPL-2.1-or-later OR MPL-1.1"},
    # "License: BSD-3-Clause, Apache-2.0, dependency licenses": its LICENSES/ holds both texts;
    # the PDFium binary's own dependencies' licences are in the wheel's BUILD_LICENSES/.
    "pypdfium2": {"ids": ["BSD-3-Clause", "Apache-2.0"]},
}

BSD_CLASSIFIER = "License :: OSI Approved :: BSD License"


def runtime_requirements(lock: Path = LOCK) -> dict[str, str]:
    """{canonical name: version} of the locked packages the image installs."""
    pinned = {}
    for match in re.finditer(
        r"^([A-Za-z0-9_.\-]+)==([^\s;]+)(?:\s*;\s*([^\\\n]+?))?\s*\\?$",
        lock.read_text(encoding="utf-8"),
        re.MULTILINE,
    ):
        name, version, marker = match.groups()
        if marker and not Marker(marker).evaluate(TARGET):
            continue
        pinned[canonicalize_name(name)] = version
    return pinned


def _license_file_text(site_packages: Path, name: str, version: str) -> str:
    for dist_info in site_packages.glob("*.dist-info"):
        dist_name, _, dist_version = dist_info.name.removesuffix(".dist-info").rpartition("-")
        if canonicalize_name(dist_name) == name and dist_version == version:
            return "\n".join(
                path.read_text(encoding="utf-8", errors="replace")
                for path in sorted(dist_info.rglob("*"))
                if path.is_file() and re.match(r"(LICEN[CS]E|COPYING)", path.name, re.I)
            )
    return ""


def _licenses(component: dict, site_packages: Path) -> list[dict] | None:
    name = canonicalize_name(component["name"])
    override = OVERRIDES.get(name)
    if override and "expression" in override:
        return [{"expression": override["expression"]}]
    if override:
        return [{"license": {"id": spdx_id}} for spdx_id in override["ids"]]
    declared = component.get("licenses") or []
    expressions = [entry for entry in declared if "expression" in entry]
    if expressions:
        return [{"expression": expressions[0]["expression"]}]
    ids = [entry["license"]["id"] for entry in declared if "id" in entry.get("license", {})]
    if ids:
        # A classifier beside an SPDX id says the same thing less precisely: the id is kept.
        return [{"license": {"id": spdx_id}} for spdx_id in dict.fromkeys(ids)]
    names = [entry["license"].get("name") for entry in declared]
    if names == [BSD_CLASSIFIER]:
        text = _license_file_text(site_packages, name, component["version"])
        if "Neither the name" in text or "names of its contributors" in text:
            return [{"license": {"id": "BSD-3-Clause"}}]
    if names:
        return [{"license": {"name": names[0]}}]
    return None


def _normalize(bom: dict, pinned: dict[str, str], site_packages: Path) -> dict:
    components = []
    for component in bom["components"]:
        name = canonicalize_name(component["name"])
        # The throwaway environment's own pip is not a dependency of the app.
        if pinned.get(name) != component["version"]:
            continue
        licenses = _licenses(component, site_packages)
        component = {key: value for key, value in component.items() if key != "licenses"}
        if licenses:
            component["licenses"] = licenses
        components.append(component)
    kept = {component["bom-ref"] for component in components} | {"root-component"}
    bom["components"] = sorted(components, key=lambda c: canonicalize_name(c["name"]))
    bom["dependencies"] = sorted(
        (
            {**dep, "dependsOn": sorted(ref for ref in dep.get("dependsOn", []) if ref in kept)}
            for dep in bom.get("dependencies", [])
            if dep["ref"] in kept
        ),
        key=lambda dep: dep["ref"],
    )
    return bom


def main() -> int:
    pinned = runtime_requirements()
    with tempfile.TemporaryDirectory(prefix="ospo-assess-sbom-") as tmp:
        env = Path(tmp) / "venv"
        venv.create(env, with_pip=True)
        python = env / "bin" / "python"
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
            + ["--require-hashes", "--no-deps", "-r", str(LOCK)],
            check=True,
        )
        raw = Path(tmp) / "raw.cdx.json"
        subprocess.run(
            [sys.executable, "-m", "cyclonedx_py", "environment", "--sv", "1.6"]
            + ["--pyproject", str(ROOT / "pyproject.toml"), "--mc-type", "application"]
            + ["--output-reproducible", "-o", str(raw), str(python)],
            check=True,
        )
        site_packages = next((env / "lib").glob("python3*/site-packages"))
        bom = _normalize(json.loads(raw.read_text(encoding="utf-8")), pinned, site_packages)
    missing = sorted(set(pinned) - {canonicalize_name(c["name"]) for c in bom["components"]})
    if missing:
        print(f"not found in the environment: {missing}", file=sys.stderr)
        return 1
    OUTPUT.write_text(json.dumps(bom, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    unknown = [c["name"] for c in bom["components"] if "licenses" not in c]
    print(
        f"{OUTPUT.relative_to(ROOT)}: {len(bom['components'])} components"
        + (f"; no licence declared by: {', '.join(unknown)}" if unknown else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
