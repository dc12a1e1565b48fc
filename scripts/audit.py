"""`make audit`: known vulnerabilities of the runtime packages locked in requirements.lock.

pip-audit reads the lock as it is (exact versions and hashes, nothing resolved, nothing
installed) and asks PyPI's advisory data, one `https://pypi.org/pypi/<name>/<version>/json` per
package. Where that data cannot be reached, pip-audit skips every package and still reports
"No known vulnerabilities found"; so this first asks for one locked package itself, and when
that fails, says in one line that the check could not run here and why, and exits 0.
When the data is reached: a known vulnerability fails (exit 1); a package PyPI could not answer
for is named. See docs/supply-chain.md.
"""

import json
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sbom import LOCK, ROOT, runtime_requirements  # noqa: E402

ADVISORIES = "https://pypi.org/pypi/{name}/{version}/json"
# A project's own page: its `vulnerabilities` are those of its LATEST release only.
PROJECT = "https://pypi.org/pypi/{name}/json"


def _json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 (a fixed https URL)
        return json.load(response)


def latest_release_audit(pinned: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """Where the per-version data is out of reach, what can still be known: a package locked at
    its latest release is checked against that release's advisories (the project page lists
    them). Returns (findings, checked, not checked), each a line per package."""
    findings, checked, unchecked = [], [], []
    for name, version in sorted(pinned.items()):
        try:
            data = _json(PROJECT.format(name=name))
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            unchecked.append(f"{name} {version}: {getattr(error, 'reason', error)}")
            continue
        latest = str(data.get("info", {}).get("version", ""))
        if latest != version or "vulnerabilities" not in data:
            unchecked.append(f"{name} {version}: the latest release is {latest or 'unknown'}")
            continue
        checked.append(f"{name} {version}")
        for vuln in data["vulnerabilities"]:
            if vuln.get("withdrawn"):
                continue
            fixed = ", ".join(vuln.get("fixed_in") or []) or "no fixed version yet"
            findings.append(f"{name} {version}: {vuln.get('id')}, fixed in {fixed}")
    return findings, checked, unchecked


def advisory_data_problem(name: str, version: str) -> str | None:
    """Why PyPI's advisory data for one locked package cannot be read here, or None."""
    url = ADVISORIES.format(name=name, version=version)
    try:
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 (a fixed https URL)
            if "vulnerabilities" not in json.load(response):
                return f"{url} answered without a 'vulnerabilities' field"
    except urllib.error.HTTPError as error:
        return f"{url} answered HTTP {error.code}"
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        return f"{url} could not be reached ({getattr(error, 'reason', error)})"
    return None


def main() -> int:
    pinned = runtime_requirements()
    name, version = next(iter(sorted(pinned.items())))
    problem = advisory_data_problem(name, version)
    if problem:
        print(
            f"make audit: pip-audit NOT RUN here: PyPI's advisory data is unavailable: {problem}."
        )
        findings, checked, unchecked = latest_release_audit(pinned)
        for line in findings:
            print(line)
        for line in unchecked:
            print(f"not checked: {line}")
        print(
            f"make audit: instead, {len(checked)} of {len(pinned)} locked packages, those at their "
            f"latest release, checked against their project page's advisories: "
            f"{len(findings)} known vulnerabilities; {len(unchecked)} not checked."
        )
        return 1 if findings else 0
    pip_audit = shutil.which("pip-audit") or "pip-audit"
    with tempfile.TemporaryDirectory(prefix="ospo-assess-audit-") as tmp:
        report = Path(tmp) / "audit.json"
        run = subprocess.run(
            [pip_audit, "--requirement", str(LOCK), "--disable-pip", "--require-hashes"]
            + ["--vulnerability-service", "pypi", "--format", "json", "--output", str(report)]
            + ["--progress-spinner", "off"],
            cwd=ROOT,
        )
        if not report.exists():
            print(f"make audit: pip-audit failed (exit {run.returncode}) before it wrote a report")
            return run.returncode or 1
        dependencies = json.loads(report.read_text(encoding="utf-8"))["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d and d["name"] in pinned]
    audited = len(dependencies) - len([d for d in dependencies if "skip_reason" in d])
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            aliases = ", ".join(vuln.get("aliases") or [])
            print(
                f"{dependency['name']} {dependency['version']}: {vuln['id']}"
                + (f" ({aliases})" if aliases else "")
                + f", fixed in {fixed}"
            )
    for dependency in skipped:
        print(f"not checked: {dependency['name']}: {dependency['skip_reason']}")
    print(
        f"make audit: {audited} locked packages checked against PyPI's advisory data, "
        f"{len(vulnerable)} with known vulnerabilities, {len(skipped)} not checked."
    )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
