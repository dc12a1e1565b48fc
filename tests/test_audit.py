"""`make audit` (scripts/audit.py): a known vulnerability fails it; advisory data it cannot reach
is said in one line, not reported as "no known vulnerabilities"."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import audit  # noqa: E402


def _pip_audit_reports(monkeypatch, dependencies):
    def fake_run(command, **kwargs):
        output = Path(command[command.index("--output") + 1])
        output.write_text(json.dumps({"dependencies": dependencies, "fixes": []}))

        class Done:
            returncode = 1 if any(d.get("vulns") for d in dependencies) else 0

        return Done()

    monkeypatch.setattr(audit, "advisory_data_problem", lambda name, version: None)
    monkeypatch.setattr(audit.subprocess, "run", fake_run)


def project_pages(monkeypatch, pages: dict[str, dict]):
    """PyPI's project pages as `latest_release_audit` reads them; every other is out of reach."""

    def fake_json(url: str) -> dict:
        name = url.split("/pypi/", 1)[1].split("/", 1)[0]
        if name not in pages:
            raise audit.urllib.error.URLError("unreachable")
        return pages[name]

    monkeypatch.setattr(audit, "_json", fake_json)
    monkeypatch.setattr(
        audit, "advisory_data_problem", lambda name, version: "https://pypi.org/… answered 404"
    )
    monkeypatch.setattr(audit, "runtime_requirements", lambda: {"django": "6.1.3", "nh3": "0.3.8"})


def test_without_per_version_data_it_says_so_and_checks_what_is_at_its_latest_release(
    monkeypatch, capsys
):
    project_pages(
        monkeypatch,
        {
            "django": {"info": {"version": "6.1.3"}, "vulnerabilities": []},
            "nh3": {"info": {"version": "0.4.0"}, "vulnerabilities": []},
        },
    )
    assert audit.main() == 0
    out = capsys.readouterr().out
    assert "pip-audit NOT RUN here" in out and "404" in out
    assert "not checked: nh3 0.3.8: the latest release is 0.4.0" in out
    assert "1 of 2 locked packages" in out and "0 known vulnerabilities; 1 not checked" in out


def test_without_per_version_data_a_known_vulnerability_still_fails(monkeypatch, capsys):
    vuln = {"id": "PYSEC-0000-2", "fixed_in": ["6.1.4"], "withdrawn": None}
    withdrawn = {"id": "PYSEC-0000-3", "fixed_in": [], "withdrawn": "2026-01-01"}
    project_pages(
        monkeypatch,
        {"django": {"info": {"version": "6.1.3"}, "vulnerabilities": [vuln, withdrawn]}},
    )
    assert audit.main() == 1
    out = capsys.readouterr().out
    assert "django 6.1.3: PYSEC-0000-2, fixed in 6.1.4" in out
    assert "PYSEC-0000-3" not in out
    assert "not checked: nh3 0.3.8: unreachable" in out


def test_it_fails_on_a_known_vulnerability(monkeypatch, capsys):
    vuln = {"id": "PYSEC-0000-1", "fix_versions": ["6.1.4"], "aliases": ["CVE-0000-1"]}
    _pip_audit_reports(monkeypatch, [{"name": "django", "version": "6.1.3", "vulns": [vuln]}])
    assert audit.main() == 1
    out = capsys.readouterr().out
    assert "django 6.1.3: PYSEC-0000-1 (CVE-0000-1), fixed in 6.1.4" in out


def test_it_passes_without_vulnerabilities_and_names_what_it_could_not_check(monkeypatch, capsys):
    _pip_audit_reports(
        monkeypatch,
        [
            {"name": "django", "version": "6.1.3", "vulns": []},
            {"name": "nh3", "version": "0.3.8", "skip_reason": "Dependency not found on PyPI"},
        ],
    )
    assert audit.main() == 0
    out = capsys.readouterr().out
    assert "not checked: nh3" in out
    assert "1 locked packages checked" in out and "0 with known vulnerabilities" in out
