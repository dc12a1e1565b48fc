"""The one-page results summary of an assessment, as a PDF for management.

Rendered in the request, not through the worker queue of the strategy PDF (strategy/tasks.py):
it is one page, two at most, whose layout takes a fraction of a second (about 0.3 s for the demo,
the first rendering of a process about 0.6 s while the fonts load; bench it with
`tests/test_summary_pdf.py`), and the page limit below caps it. It uses the strategy PDF's
renderer (`strategy.pdf.render_html`): the same fetcher that reads only the project's static
files, the same shared fonts and the same lock. It lives here, not in assessments/, because
assessments never imports strategy.

Nothing is stored: the summary is rendered again on each request, from the report the results
page shows (its SVG charts included).
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from assessments.models import Assessment
from assessments.summary import summary_context
from strategy.pdf import PdfOutput, css_string, page_footer_css, render_html

SUMMARY_TEMPLATE = "strategy/pdf/summary.html"
# A summary longer than this is not a summary any more; refused rather than sent.
SUMMARY_MAX_PAGES = 2


def summary_html(assessment: Assessment) -> str:
    context = summary_context(assessment)
    footer = _("%(organization)s · made %(date)s") % {
        "organization": assessment.organization.name,
        "date": date_format(context["generated_at"], "DATE_FORMAT"),
    }
    # css_string escapes everything but letters, digits and spaces.
    return render_to_string(
        SUMMARY_TEMPLATE,
        {
            **context,
            "site_name": settings.SITE_NAME,
            "footer": mark_safe(css_string(footer)),
            "page_footer": page_footer_css(),
        },
    )


def render_summary(assessment: Assessment) -> PdfOutput:
    return render_html(summary_html(assessment), max_pages=SUMMARY_MAX_PAGES)
