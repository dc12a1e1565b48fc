"""The score of the last `make mutate`, per module: how many mutants the tests killed.

Reads what mutmut 3 leaves in mutants/ (one `<module>.py.meta` per mutated file, a JSON object
whose `exit_code_by_key` gives each mutant's test exit code) and prints one line per module,
then the surviving mutants by name (`mutmut show <name>` prints the change).

Mutants listed in docs/testing.md as equivalent (a line `- \\`<mutant name>\\`: reason`) change
nothing a caller can observe; the second score leaves them out. See docs/testing.md.
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
DOC = ROOT / "docs" / "testing.md"

# mutmut's exit codes (mutmut/stats.py): the test run's, or its own for what it did not run.
STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    36: "timeout",
    24: "timeout",
    -24: "timeout",
    152: "timeout",
    255: "timeout",
    37: "caught by type check",
    None: "not checked",
}


def equivalent_mutants() -> set[str]:
    if not DOC.exists():
        return set()
    text = DOC.read_text(encoding="utf-8")
    return set(re.findall(r"^- `([\w.]+__mutmut_\d+)`", text, re.MULTILINE))


def main() -> int:
    metas = sorted(MUTANTS.rglob("*.py.meta"))
    if not metas:
        print("No mutation results in mutants/: run `make mutate` first.", file=sys.stderr)
        return 1
    equivalent = equivalent_mutants()
    survivors: list[str] = []
    print(f"{'module':<45} {'killed':>7} {'total':>6} {'score':>7} {'w/o equiv.':>11}  other")
    for meta in metas:
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if not codes:
            continue
        statuses = {name: STATUS.get(code, "suspicious") for name, code in codes.items()}
        counts = Counter(statuses.values())
        # A mutant that makes the tests hang was caught too: it would fail CI's time limit.
        caught = counts["killed"] + counts["timeout"] + counts["caught by type check"]
        checked = len(codes) - counts["not checked"] - counts["skipped"]
        module = str(meta.relative_to(MUTANTS)).removesuffix(".meta")
        if not checked:
            print(f"{module:<45} {'-':>7} {len(codes):>6} {'not run':>7}")
            continue
        known_equivalent = sum(
            1 for name, status in statuses.items() if name in equivalent and status == "survived"
        )
        score = 100 * caught / checked
        without = 100 * caught / (checked - known_equivalent) if checked > known_equivalent else 100
        other = ", ".join(
            f"{n} {status}"
            for status, n in sorted(counts.items())
            if status not in ("killed", "timeout", "caught by type check")
        )
        print(f"{module:<45} {caught:>7} {checked:>6} {score:>6.1f}% {without:>10.1f}%  {other}")
        survivors += sorted(
            name
            for name, status in statuses.items()
            if status in ("survived", "no tests", "suspicious") and name not in equivalent
        )
    if survivors:
        print(f"\n{len(survivors)} surviving mutants not known to be equivalent:")
        for name in survivors:
            print(f"  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
