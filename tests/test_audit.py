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


def test_it_says_in_one_line_that_it_could_not_run_and_succeeds(monkeypatch, capsys):
    monkeypatch.setattr(
        audit, "advisory_data_problem", lambda name, version: "https://pypi.org/… answered 404"
    )
    assert audit.main() == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "NOT RUN here" in out and "404" in out


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
