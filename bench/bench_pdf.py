"""Benchmark of the strategy PDF: rendering a realistic document, and serving it again unchanged.

    python bench/bench_pdf.py [--renders 3] [--cached 20]

Runs on a throwaway SQLite database in a temporary folder (DEBUG on): migrates, creates the demo
organization and assessment, and a strategy with realistic text in every section, owners on the
roadmap and targets set. Then measures:

* render: `render_pdf` on new content (context, hash, WeasyPrint, store), median of --renders;
* bare: WeasyPrint alone on the same HTML without the stylesheet or fonts, median of --renders;
* cached: `render_pdf` on unchanged content (the strategy's own rows and the hash: no answers,
  no report, no rendering), median of --cached;
* long: a second strategy of about 20 pages (`build_long_strategy`), `render_pdf` against
  WeasyPrint's own `HTML(string=...).write_pdf()` of the same HTML (`ours_vs_weasyprint`): the
  ratio should stay within 1.5x.

Renders after the first in the process reuse WeasyPrint's font configuration (see strategy/pdf.py),
as a long-running worker does.

Prints a table, writes bench/results/pdf.json and exits 1 when a target is missed.
"""

import sys
from pathlib import Path

# Run as a script from the repo root, the script's directory is on sys.path, not the repo root.
REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

TARGET_RENDER_S = 2.0
TARGET_CACHED_MS = 50.0
RESULTS = REPO_ROOT / "bench" / "results" / "pdf.json"

SECTIONS = {
    "why": """
Demo Organization runs the digital services that residents and businesses of the region rely on
every day: permits, payments, public transport information and the data portal. Our mission is
to make those services **simple, dependable and open to everyone**, and to spend public money
where it creates lasting public value.

## Our goals for 2025–2028

1. Halve the time it takes to put a new service in front of residents.
2. Make every service accessible and secure by default, and prove it with public reports.
3. Share what we build with other public bodies, so that nobody pays twice for the same thing.

We measure success by the time to deliver, by the satisfaction of the people who use our
services, and by how much of our work other bodies reuse.
""",
    "alignment": """
Open source is how we reach each of these goals faster and at lower risk.

- **Delivery speed.** Most of what a new service needs already exists as open source. Reusing
  mature components lets teams spend their time on what is specific to the region.
- **Security and accessibility.** Working in the open means more eyes on the code and shared
  fixes. We depend on projects whose health we can check for ourselves.
- **Reuse across bodies.** Releasing our own components under an open license is the simplest
  way to let others reuse them, and to receive improvements back.

We keep our own work where it differentiates us: the integration of regional registers and the
service design of each product. Everything else we prefer to do together with others.
""",
    "where-we-aim": """
We aim to reach **stage 3, community, education and engagement**, by the end of 2027. The
management layer and the advocate pillar need to move first: today they hold the other scopes
back, and without them contributions upstream will not be recognized or funded.

## What we will not pursue yet

We deliberately do not aim for stage 4 within this strategy. Leading foundations and advising
others comes after we have shown that we can run our own projects well.

We will know that we reached the target when the next assessment, planned for the last quarter
of 2027, shows stage 3 overall with no core practice below *defined*.
""",
    "roadmap": """
The roadmap turns the gap between where we stand and where we aim into steps, most important
first. Each step has an owner and a quarter; the OSPO reviews progress with the steering group
every quarter and runs the assessment again at the end of 2027.
""",
    "layer-plans": """
## Workers and employees

Every engineer gets a short course on licenses and contribution, a clear process for small
fixes upstream, and recognition of open source work in the yearly review.

## Management

Managers receive a one-page summary of open source KPIs every quarter and guidance on how to
plan upstream time in their teams.

## Business and team units

Each unit names an open source champion. Champions meet monthly to share practices and agree
on shared components.

## The OSPO itself

The OSPO grows from one to three people: a lead, a compliance specialist and a community
manager, with a yearly budget for tools, training and upstream funding.
""",
    "pillar-plans": """
- **Enabler:** self-service templates for new repositories, automated license and vulnerability
  scanning in every pipeline, and a contribution process that answers within five days.
- **Counselor:** office hours every week, and advice on license choice, release decisions and
  supplier contracts.
- **Advocate:** an internal newsletter, a yearly open source day and public talks about what we
  release.
- **Environmentalist:** a list of our twenty most critical dependencies, checked every quarter
  for health, with a budget to support the projects that need it.
""",
    "governance": """
The chief digital officer sponsors the OSPO and chairs a steering group that meets every
quarter. The steering group approves this strategy, the open source policy and the yearly
budget.

| Decision | Who decides | Who is consulted |
|---|---|---|
| Use of a new license category | OSPO lead | Legal |
| Contribution to an outside project | Team lead | OSPO |
| Release of a new project | Steering group | Legal, security |
| Exceptions to the policy | OSPO lead | Steering group |

Policies are reviewed once a year, and disagreements go to the steering group.
""",
    "policies": """
Permissive licenses (MIT, BSD, Apache-2.0) may be used freely. Weak copyleft licenses (LGPL,
MPL, EPL) need a short review by the OSPO. Strong copyleft licenses in distributed software,
and any license not on the list, need approval before use.

We release our own code under the **EUPL-1.2** by default, or Apache-2.0 where a community
expects it. Before a release, the team completes the release checklist: license headers,
secrets scan, security policy and named maintainers.

Every product keeps a software bill of materials, generated in its pipeline. Questions go to
the OSPO at opensource@demo.example.
""",
    "community": """
The projects that matter most to us are the ones our services are built on: the web framework,
the database, the map server and the identity provider. We contribute fixes and documentation
to all four, and aim to have at least one regular contributor in each.

We will join the regional public-sector open source network and one foundation that hosts a
project we depend on. We release and maintain two components of our own: the form builder and
the registers connector, each with named maintainers and a public roadmap.
""",
    "security": """
Procurement and public policy both shape our use of open source. Tenders for software ask
suppliers for a bill of materials and for the licenses of everything they deliver, and prefer
solutions that can be released as open source.

The OSPO follows the implementation of the Cyber Resilience Act and the Interoperable Europe
Act, and explains their consequences to teams. We share our experience with regulators and
other public bodies through the regional network.
""",
    "budget": """
| Indicator | Baseline 2025 | Target 2027 |
|---|---:|---:|
| Median days to answer a contribution request | 21 | 5 |
| Contributions merged upstream per year | 14 | 60 |
| Share of products with a software bill of materials | 40 % | 100 % |
| Components reused by other public bodies | 1 | 6 |
| Critical dependencies checked for health each quarter | 0 | 20 |

The OSPO collects the indicators every quarter and reports them to the steering group, with
one proposed action for each indicator that is off target.
""",
    "signoff": """
- **OSPO lead:** Amira Haddad, opensource@demo.example
- **Compliance specialist:** Jonas Weber
- **Community manager:** to be hired in the second quarter of 2026
- **Executive sponsor:** the chief digital officer

Every business and team unit names an open source champion; the list is on the intranet. Staff
and outside parties reach the OSPO by mail or at the weekly office hours.
""",
    "qa": """
## May I use an open source library in my project?

Yes, if its license is on the allowed list. Check the list on the intranet; for anything else,
ask the OSPO, who answers within five working days.

## May I contribute to an open source project during working hours?

Yes. Small fixes and documentation to projects on our dependency list are pre-approved: just
follow the contribution guide. For larger contributions, ask your team lead.

## How do I propose releasing something we built?

Fill in the release request form. The OSPO helps with the checklist, and the steering group
decides within a month.
""",
}
OWNERS = (
    "OSPO lead",
    "HR business partner",
    "Head of engineering",
    "OSPO lead",
    "Community manager",
    "Compliance specialist",
    "Platform team lead",
    "OSPO lead",
)


def setup_django(folder: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "ospo_assess.settings"
    os.environ["DEBUG"] = "true"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build_strategy():
    from django.contrib.auth import get_user_model

    from assessments.demo import DEMO_USERNAME, setup_demo
    from strategy.models import RoadmapItem, Section, Strategy

    demo = setup_demo()
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    strategy = Strategy.objects.create_from_assessment(
        demo.assessment, user, "Open source strategy 2027"
    )
    for key, body in SECTIONS.items():
        Section.objects.filter(strategy=strategy, key=key).update(
            body=body.strip() + "\n", version=2
        )
    strategy.horizon = "end of 2027"
    strategy.scope_targets = {
        "layers": {"management": 3, "worker": 3},
        "pillars": {"advocate": 2, "environmentalist": 3},
    }
    strategy.save()
    for item, owner in zip(RoadmapItem.objects.filter(strategy=strategy), OWNERS, strict=False):
        item.owner = owner
        item.save(update_fields=["owner"])
    return strategy


def build_long_strategy():
    """A second strategy of the demo assessment, about 20 pages (24 with the demo's appendices):
    every section written, with the content that used to break the layout (a 10-column table,
    a long address, nested lists), and a roadmap of 15 items with long titles
    (tests/layout_content.py). Call after `build_strategy` (which creates the demo)."""
    from django.contrib.auth import get_user_model

    from assessments.demo import DEMO_USERNAME, setup_demo
    from strategy.models import Strategy
    from tests.layout_content import fill_generously

    demo = setup_demo()
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    strategy = Strategy.objects.create_from_assessment(
        demo.assessment, user, "Open source strategy 2027, long"
    )
    return fill_generously(strategy, user)


TARGET_RATIO = 1.5


def ours_vs_weasyprint(strategy, repeat: int) -> dict:
    """Our whole rendering path against WeasyPrint's own time for the same HTML.

    ours: `render_pdf` on new content (the strategy's rows read and hashed, the document's data
    built, the HTML rendered, WeasyPrint with the shared fonts under the lock, the PDF stored);
    weasyprint: `HTML(string=html).write_pdf()` on that HTML, rendered once beforehand, with
    the fetcher of static files (the stylesheet and fonts are the project's static files) and
    the same PDF/UA variant, nothing else. Medians of `repeat` after one warm-up each.
    """
    from weasyprint import HTML

    from strategy.document import document_context
    from strategy.models import RenderedPdf
    from strategy.pdf import (
        BASE_URL,
        PDF_VARIANT,
        StaticFilesFetcher,
        document_html,
        render_pdf,
    )

    def ours():
        RenderedPdf.objects.filter(strategy=strategy).delete()
        return render_pdf(strategy)

    html = document_html(document_context(strategy))

    def weasyprint():
        return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf(
            pdf_variant=PDF_VARIANT
        )

    pages = ours().pages
    weasyprint()
    ours_s, ours_times = median_seconds(ours, repeat)
    weasyprint_s, weasyprint_times = median_seconds(weasyprint, repeat)
    ratio = ours_s / weasyprint_s if weasyprint_s else None
    return {
        "pages": pages,
        "render_median_s": round(ours_s, 3),
        "render_times_s": [round(t, 3) for t in ours_times],
        "weasyprint_median_s": round(weasyprint_s, 3),
        "weasyprint_times_s": [round(t, 3) for t in weasyprint_times],
        "ratio": round(ratio, 2) if ratio else None,
        "target_ratio": TARGET_RATIO,
        "ok": ratio is not None and ratio <= TARGET_RATIO,
    }


def median_seconds(function, repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def bare_html(html: str) -> str:
    """The same document without its stylesheet link and its page-footer style."""
    html = re.sub(r"<link rel=\"stylesheet\"[^>]*>", "", html)
    return re.sub(r"<style>.*?</style>", "", html, flags=re.S)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=3)
    parser.add_argument("--cached", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as folder:
        setup_django(Path(folder))
        from weasyprint import CSS, HTML

        from strategy.document import document_context
        from strategy.models import RenderedPdf
        from strategy.pdf import BASE_URL, StaticFilesFetcher, document_html, render_pdf

        strategy = build_strategy()

        start = time.perf_counter()
        first = render_pdf(strategy)  # includes one-off imports and caches
        first_seconds = time.perf_counter() - start

        def render_new():
            RenderedPdf.objects.filter(strategy=strategy).delete()
            return render_pdf(strategy)

        render_s, render_times = median_seconds(render_new, args.renders)
        rendered = render_pdf(strategy)

        html = bare_html(document_html(document_context(strategy)))
        bare_css = CSS(string="@page { size: A4; margin: 20mm }")

        def render_bare():
            return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf(
                stylesheets=[bare_css]
            )

        bare_s, bare_times = median_seconds(render_bare, args.renders)
        cached_s, cached_times = median_seconds(lambda: render_pdf(strategy), args.cached)
        assert render_pdf(strategy).pk == rendered.pk, "unchanged content must not render again"
        long = ours_vs_weasyprint(build_long_strategy(), args.renders)

        results = {
            "pages": rendered.pages,
            "pdf_bytes": len(bytes(rendered.pdf)),
            "first_render_s": round(first_seconds, 3),
            "render_median_s": round(render_s, 3),
            "render_times_s": [round(t, 3) for t in render_times],
            "bare_median_s": round(bare_s, 3),
            "bare_times_s": [round(t, 3) for t in bare_times],
            "ratio_to_bare": round(render_s / bare_s, 2) if bare_s else None,
            "cached_median_ms": round(cached_s * 1000, 2),
            "cached_max_ms": round(max(cached_times) * 1000, 2),
            "target_render_s": TARGET_RENDER_S,
            "target_cached_ms": TARGET_CACHED_MS,
            "weasyprint": __import__("weasyprint").__version__,
            "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
            "first_pages": first.pages,
            "long": long,
        }

    render_ok = results["render_median_s"] <= TARGET_RENDER_S
    cached_ok = results["cached_median_ms"] <= TARGET_CACHED_MS
    print(f"Strategy PDF: {results['pages']} pages, {results['pdf_bytes'] / 1024:.0f} KiB")
    rows = [
        ("render (new content)", f"{render_s:.3f} s", f"{render_s / bare_s:.2f}x",
         f"<= {TARGET_RENDER_S} s", "ok" if render_ok else "MISSED"),
        ("WeasyPrint, bare stylesheet", f"{bare_s:.3f} s", "1.00x", "", ""),
        ("serve unchanged (cached)", f"{cached_s * 1000:.1f} ms", f"{cached_s / bare_s:.3f}x",
         f"<= {TARGET_CACHED_MS:.0f} ms", "ok" if cached_ok else "MISSED"),
    ]  # fmt: skip
    print(f"{'measure':<30}{'median':>11}{'vs bare':>9}{'target':>12}")
    for name, median, ratio, target, verdict in rows:
        print(f"{name:<30}{median:>11}{ratio:>9}{target:>12}  {verdict}")
    print(f"first render in the process: {results['first_render_s']:.3f}s")
    verdict = "ok" if long["ok"] else "MISSED"
    print(
        f"{long['pages']}-page strategy: render {long['render_median_s']:.3f} s, WeasyPrint's "
        f"own write_pdf() of the same HTML {long['weasyprint_median_s']:.3f} s: "
        f"{long['ratio']:.2f}x (target <= {TARGET_RATIO}x) {verdict}"
    )

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(REPO_ROOT)}")
    return 0 if render_ok and cached_ok and long["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
