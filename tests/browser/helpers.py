"""Looking at pages: screenshots kept as test artifacts, and an axe-core accessibility scan."""

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # caret="initial": hiding the caret sets a style attribute on every input, which htmx then
    # copies onto a swapped-in input of the same id, and the CSP (rightly) refuses.
    page.screenshot(path=str(path), full_page=True, caret="initial")
    return path


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    # Evaluated through the DevTools protocol, which the page's CSP does not govern; a <script>
    # tag would be (rightly) refused by it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def wait_for_htmx(page) -> None:
    """Until htmx has processed the page: acting earlier would change inputs nobody listens to."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
