"""An answer's history, and confirming a carried-over answer as it is.

Both serve the section page: the history opens inside a question (htmx asks for the `history`
part) or as its own page without JavaScript; a confirmation changes only the question's status,
like a save.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from assessments import answer_history
from assessments.access import assessment_or_404, require_editor
from assessments.models import AnswerChange
from assessments.views.answering import assessment_answering, progress


@login_required
@require_safe
def answer_history_page(request, org_slug, pk, question_pk):
    membership, assessment = assessment_or_404(request, org_slug, pk)
    answering = assessment_answering(membership, assessment)
    question = answering.question_or_404(question_pk)
    changes = (
        AnswerChange.objects.filter(
            assessment=assessment, question_key=question.key, respondent__isnull=True
        )
        .select_related("changed_by")
        .in_order()
    )
    entries = answer_history.entries(changes)
    entries.reverse()  # newest first: what people look for is what changed last
    context = {
        **answering.context,
        "question": question,
        "number": answering.structure.numbers[question.pk],
        "entries": entries,
        "section_url": answering.section_url(question.section.key),
    }
    template = "assessments/answer_history.html"
    return render(request, f"{template}#history" if request.htmx else template, context)


@login_required
@require_POST
def answer_confirm(request, org_slug, pk, question_pk):
    """Confirm a carried-over answer as it is: the person looked, and it still holds."""
    membership, assessment = assessment_or_404(request, org_slug, pk)
    require_editor(membership)
    answering = assessment_answering(membership, assessment)
    question = answering.question_or_404(question_pk)
    if assessment.is_locked:
        return HttpResponse(_("This assessment is submitted; its answers are locked."), status=409)
    confirmed = assessment.confirm_answer(question, request.user)
    if not request.htmx:
        if confirmed:
            messages.success(request, _("Answer confirmed."))
        return redirect(f"{answering.section_url(question.section.key)}#q-{question.key}")
    row = answering.rows([question])[0]
    row.confirmed = confirmed
    sections = answering.sidebar(question.section)
    context = {
        **answering.context,
        "row": row,
        "can_edit": answering.can_edit,
        "sections": sections,
        "progress": progress(sections),
        "oob": True,
    }
    return render(request, "assessments/section.html#question_saved", context)
