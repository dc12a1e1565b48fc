"""What this software is: its version, its licence, and what it ships from others.

The version comes from the installed package's metadata, or from pyproject.toml where the project
is run without being installed. The third-party notices come from files committed with the code:
the CycloneDX SBOM of the runtime dependencies (`sbom.cdx.json`, made by `make sbom` from the
lock file) and the vendored front-end packages and fonts under static/ (their README tables and
licence files). Parsing is pure functions over the files' text; reading is once per process
(`caches.shipped`), as all of them change only with a new release.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from assessments.caches import shipped

SOFTWARE_NAME = "OSPO Assess"
DISTRIBUTION = "ospo-assess"
LICENSE = "Apache-2.0"  # as pyproject.toml declares (tests/test_about.py compares them)
LICENSE_URL = "https://www.apache.org/licenses/LICENSE-2.0"

SBOM_FILE = Path(__file__).resolve().with_name("sbom.cdx.json")


@dataclass(frozen=True)
class Notice:
    """One third-party piece the app ships: a package, a vendored asset or a font family."""

    name: str
    version: str
    license: str  # an SPDX id or expression, or the words the source gives; "" when unknown
    origin: str = ""  # where it comes from: a package URL, an npm package
    license_file: str = ""  # the licence text, as a path under static/


@dataclass(frozen=True)
class Notices:
    dependencies: tuple[Notice, ...] | None  # None: no SBOM shipped
    vendored: tuple[Notice, ...]
    fonts: tuple[Notice, ...]
    license_text: str | None  # the project's own LICENSE file; None if not shipped


# --- The version ------------------------------------------------------------------------------


def version_from_pyproject(text: str) -> str:
    return str(tomllib.loads(text)["project"]["version"])


@shipped("app-version")
def version() -> str:
    """The version of this release, read once per process."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        # Run from a checkout that was never installed (`pip install -e .` makes the metadata).
        pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
        return version_from_pyproject(pyproject.read_text(encoding="utf-8"))


def software() -> str:
    """Name and version, as the PDF's metadata names its generator."""
    return f"{SOFTWARE_NAME} {version()}"


# --- The SBOM ---------------------------------------------------------------------------------


def sbom_license(entries: list[dict] | None) -> str:
    """A CycloneDX `licenses` list as one string: SPDX ids, names or an expression."""
    found = []
    for entry in entries or []:
        if entry.get("expression"):
            found.append(str(entry["expression"]))
        elif isinstance(entry.get("license"), dict):
            license = entry["license"]
            named = license.get("id") or license.get("name")
            if named:
                found.append(str(named))
    return ", ".join(found)


def read_sbom(text: str) -> tuple[Notice, ...]:
    """The components of a CycloneDX JSON document, sorted by name."""
    document = json.loads(text)
    components = [
        Notice(
            name=str(component.get("name", "")),
            version=str(component.get("version", "")),
            license=sbom_license(component.get("licenses")),
            origin=str(component.get("purl", "")),
        )
        for component in document.get("components", [])
    ]
    return tuple(sorted(components, key=lambda notice: notice.name.lower()))


# --- Vendored assets and fonts ----------------------------------------------------------------

# What identifies a licence text, in the order tried: the first matching line wins.
_LICENSE_SIGNS = (
    ("0BSD", re.compile(r"Zero-Clause BSD")),
    ("OFL-1.1", re.compile(r"SIL Open Font License,? Version 1\.1", re.IGNORECASE)),
    ("Bitstream-Vera", re.compile(r"Bitstream Vera")),
    ("MIT", re.compile(r"\bMIT License\b|Permission is hereby granted, free of charge")),
    ("Apache-2.0", re.compile(r"Apache License,?\s+Version 2\.0")),
)


def identify_license(text: str) -> str:
    """The SPDX id of a licence text, from the words that name it; "" if none does."""
    for spdx, sign in _LICENSE_SIGNS:
        if sign.search(text):
            return spdx
    return ""


def markdown_table(text: str) -> list[dict[str, str]]:
    """The rows of the first Markdown table in `text`, by column heading."""
    lines = [line.strip() for line in text.splitlines()]
    rows = [line for line in lines if line.startswith("|") and line.endswith("|")]
    if len(rows) < 2:
        return []
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]
    header, body = cells[0], cells[2:]  # cells[1] is the `| --- |` line
    return [dict(zip(header, row, strict=False)) for row in body]


def _plain(cell: str) -> str:
    return cell.replace("`", "").strip()


def read_vendored(readme: str, licenses: dict[str, tuple[str, str]]) -> tuple[Notice, ...]:
    """static/vendor/README.md's table, with each package's licence identified from its file.

    `licenses` maps a folder name (the package's name without `.org`) to the licence file's
    path under static/ and its text.
    """
    notices = []
    for row in markdown_table(readme):
        package = _plain(row.get("package", ""))
        folder = package.removesuffix(".org")
        path, text = licenses.get(folder, ("", ""))
        notices.append(
            Notice(
                name=folder,
                version=_plain(row.get("version", "")),
                license=identify_license(text),
                origin=f"npm: {package}",
                license_file=path,
            )
        )
    return tuple(notices)


def read_fonts(readme: str, licenses: dict[str, tuple[str, str]]) -> tuple[Notice, ...]:
    """static/fonts/README.md's table: a font family per folder, its licence identified from its
    licence file, else as the table words it."""
    notices = []
    for row in markdown_table(readme):
        folder = _plain(row.get("folder", "")).rstrip("/")
        package = row.get("npm package", "")
        npm_name = _plain(package.split("(", 1)[0])
        # "`vazirmatn` (Vazirmatn NL, the variant without Latin letters)": the family's name is
        # what the brackets open with.
        family = re.search(r"\(([^,)]+)", package)
        name = (family.group(1) if family else npm_name).strip()
        npm_version = _plain(row.get("version", ""))
        # "Noto Sans JP 2.004": the font's own version, where the npm package's differs.
        named = re.fullmatch(r"(.+?)\s+(\d+(?:\.\d+)+)", name)
        path, text = licenses.get(folder, ("", ""))
        notices.append(
            Notice(
                name=named.group(1) if named else name,
                version=named.group(2) if named else npm_version,
                license=identify_license(text) or _plain(row.get("license", "")),
                origin=f"npm: {npm_name} {npm_version}",
                license_file=path,
            )
        )
    return tuple(notices)


def license_files(static: Path, folder: str) -> dict[str, tuple[str, str]]:
    """Each subfolder of static/<folder>: its licence file's path under static/ and its text."""
    found: dict[str, tuple[str, str]] = {}
    base = static / folder
    for sub in sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []:
        for candidate in sorted(sub.iterdir()):
            if re.match(r"(LICEN[CS]E|OFL|COPYING)", candidate.name, re.IGNORECASE):
                text = candidate.read_text(encoding="utf-8", errors="replace")
                found[sub.name] = (candidate.relative_to(static).as_posix(), text)
                break
    return found


@shipped("third-party-notices")
def notices() -> Notices:
    """Every third-party piece the release ships, read once per process."""
    root = Path(settings.BASE_DIR)
    static = root / "static"
    license_file = root / "LICENSE"
    license_text = license_file.read_text(encoding="utf-8") if license_file.is_file() else None
    try:
        dependencies: tuple[Notice, ...] | None = read_sbom(SBOM_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        dependencies = None
    return Notices(
        dependencies=dependencies,
        vendored=read_vendored(
            (static / "vendor" / "README.md").read_text(encoding="utf-8"),
            license_files(static, "vendor"),
        ),
        fonts=read_fonts(
            (static / "fonts" / "README.md").read_text(encoding="utf-8"),
            license_files(static, "fonts"),
        ),
        license_text=license_text,
    )
