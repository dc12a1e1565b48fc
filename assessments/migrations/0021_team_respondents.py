# Individual answers, then consensus: who answers on their own (docs/team.md).
#
# `Answer.respondent` pointed at a user; it now points at a `Respondent` of the assessment,
# which outlives the person's membership. Rows that already had a respondent (none is made by
# the app before this, but an import could bring them) get a respondent each, so no answer is
# lost or turns into an agreed one.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def respondents_from_users(apps, schema_editor):
    Answer = apps.get_model("assessments", "Answer")
    Respondent = apps.get_model("assessments", "Respondent")
    made = {}
    rows = (
        Answer.objects.filter(respondent_user__isnull=False)
        .order_by("assessment_id", "respondent_user_id")
        .values_list("pk", "assessment_id", "respondent_user_id")
    )
    for pk, assessment_id, user_id in rows:
        key = (assessment_id, user_id)
        if key not in made:
            number = sum(1 for a, _u in made if a == assessment_id) + 1
            made[key] = Respondent.objects.create(
                assessment_id=assessment_id, user_id=user_id, number=number
            ).pk
        Answer.objects.filter(pk=pk).update(respondent_id=made[key])


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0020_share_links'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='assessment',
            name='mode',
            field=models.CharField(choices=[('shared', 'One shared answer set'), ('individual', 'Individual answers, then consensus')], default='shared', max_length=16, verbose_name='how the team answers'),
        ),
        migrations.AddField(
            model_name='assessment',
            name='others_answers',
            field=models.CharField(choices=[('after_own', 'After submitting their own'), ('always', 'Always, while answering'), ('never', 'Never')], default='after_own', max_length=16, verbose_name="respondents see the others' answers"),
        ),
        migrations.CreateModel(
            name='Respondent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField()),
                ('speaks_for', models.CharField(blank=True, max_length=80, verbose_name='speaks for')),
                ('sections', models.JSONField(blank=True, default=list, verbose_name='sections')),
                ('added_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='added')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted')),
                ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='respondents', to='assessments.assessment')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['assessment', 'number'],
            },
        ),
        migrations.AddConstraint(
            model_name='respondent',
            constraint=models.UniqueConstraint(condition=models.Q(('user__isnull', False)), fields=('assessment', 'user'), name='one_respondent_per_user'),
        ),
        migrations.AddConstraint(
            model_name='respondent',
            constraint=models.UniqueConstraint(fields=('assessment', 'number'), name='one_respondent_per_number'),
        ),
        migrations.AddField(
            model_name='answerchange',
            name='respondent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='assessments.respondent'),
        ),
        # The user column stays aside under another name while its rows get their respondents.
        migrations.RemoveConstraint(model_name='answer', name='one_agreed_answer'),
        migrations.RemoveConstraint(model_name='answer', name='one_answer_per_respondent'),
        migrations.RenameField(model_name='answer', old_name='respondent', new_name='respondent_user'),
        migrations.AddField(
            model_name='answer',
            name='respondent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='assessments.respondent'),
        ),
        migrations.RunPython(respondents_from_users, migrations.RunPython.noop),
        migrations.RemoveField(model_name='answer', name='respondent_user'),
        migrations.AddConstraint(
            model_name='answer',
            constraint=models.UniqueConstraint(condition=models.Q(('respondent__isnull', True)), fields=('assessment', 'question'), name='one_agreed_answer'),
        ),
        migrations.AddConstraint(
            model_name='answer',
            constraint=models.UniqueConstraint(condition=models.Q(('respondent__isnull', False)), fields=('assessment', 'question', 'respondent'), name='one_answer_per_respondent'),
        ),
    ]
