from django.urls import path

import assessments.converters  # noqa: F401 - registers <unicode_slug:...> (any script)
from strategy.views import builder, exports, review, roadmap, rows, summary

app_name = "strategy"

org = "orgs/<unicode_slug:org_slug>/strategies/"
doc = org + "<int:strategy_pk>/"
section = doc + "sections/<slug:section_key>/"
item = doc + "roadmap/<int:item_pk>/"
row = doc + "rows/<int:row_pk>/"

urlpatterns = [
    # An assessment's results summary: here, since only strategy may render PDFs.
    path(
        "orgs/<unicode_slug:org_slug>/assessments/<int:pk>/summary.pdf",
        summary.summary_pdf,
        name="summary_pdf",
    ),
    path(org, builder.strategy_list, name="list"),
    path(org + "new/", builder.strategy_create, name="create"),
    path(doc, builder.overview, name="overview"),
    path(doc + "targets/", builder.targets, name="targets"),
    path(doc + "language/", builder.language, name="language"),
    path(doc + "refresh/", builder.refresh, name="refresh"),
    path(doc + "delete/", builder.strategy_delete, name="delete"),
    path(section, builder.section_edit, name="section"),
    path(section + "save/", builder.section_save, name="section_save"),
    path(section + "merge/", builder.section_merge, name="section_merge"),
    path(section + "preview/", builder.section_preview, name="section_preview"),
    path(section + "history/", builder.section_history, name="section_history"),
    path(
        section + "revisions/<int:revision_pk>/restore/",
        builder.revision_restore,
        name="revision_restore",
    ),
    path(
        section + "revisions/<int:revision_pk>/diff/",
        builder.revision_diff,
        name="revision_diff",
    ),
    path(doc + "roadmap/", roadmap.roadmap, name="roadmap"),
    path(doc + "roadmap/add/", roadmap.item_add, name="item_add"),
    path(item, roadmap.item_edit, name="item_edit"),
    path(item + "move/", roadmap.item_move, name="item_move"),
    path(item + "delete/", roadmap.item_delete, name="item_delete"),
    # The structured parts (KPIs, risks, budget, policies, staffing) and template upgrades.
    path(section + "rows/add/", rows.row_add, name="row_add"),
    path(row, rows.row_edit, name="row_edit"),
    path(row + "move/", rows.row_move, name="row_move"),
    path(row + "delete/", rows.row_delete, name="row_delete"),
    path(doc + "currency/", rows.currency, name="currency"),
    path(doc + "template-upgrade/", builder.sections_upgrade, name="sections_upgrade"),
    path(doc + "summary/draft/", builder.summary_draft, name="summary_draft"),
    path(doc + "export.pdf", exports.export_pdf, name="export_pdf"),
    path(doc + "export/pdf-status/", exports.export_pdf_status, name="export_pdf_status"),
    path(doc + "export/pdf-retry/", exports.export_pdf_retry, name="export_pdf_retry"),
    path(doc + "export.md", exports.export_markdown, name="export_markdown"),
    # Review and approval: transitions (POST), comments per section, approved versions archived.
    path(doc + "review/send/", review.send_for_review, name="send_for_review"),
    path(doc + "review/return/", review.return_to_draft, name="return_to_draft"),
    path(doc + "review/approve/", review.approve, name="approve"),
    path(section + "comments/", review.comment_add, name="comment_add"),
    path(
        doc + "comments/<int:comment_pk>/resolve/", review.comment_resolve, name="comment_resolve"
    ),
    path(doc + "versions/<int:version_pk>.pdf", review.version_pdf, name="version_pdf"),
    path(doc + "versions/<int:version_pk>.md", review.version_markdown, name="version_markdown"),
    # Word export and the roadmap for issue trackers: ?for=github|gitlab|jira on the CSV.
    path(doc + "export.docx", exports.export_docx, name="export_docx"),
    path(doc + "roadmap.csv", exports.export_roadmap_csv, name="export_roadmap_csv"),
    path(doc + "roadmap.md", exports.export_roadmap_markdown, name="export_roadmap_markdown"),
]
