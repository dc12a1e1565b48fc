"""Migration 0005 marks the generated block of strategies made before it was recorded."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("strategy", "0004_pdf_job_fair_queue")]
AFTER = [("strategy", "0005_generated_from")]


@pytest.mark.django_db(transaction=True)
def test_old_strategies_get_their_generated_block_marked_where_it_is_found(assessment, owner):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Strategy = apps.get_model("strategy", "Strategy")
    Section = apps.get_model("strategy", "Section")
    Revision = apps.get_model("strategy", "Revision")
    stands = []
    for title, body in (
        ("Kept", "Ours.\n\nGenerated text.\n\nMore of ours.\n"),
        ("Rewritten", "All ours.\n"),
    ):
        strategy = Strategy.objects.create(
            organization_id=assessment.organization_id, assessment_id=assessment.pk, title=title
        )
        stand = Section.objects.create(strategy=strategy, key="where-we-stand", body=body)
        Revision.objects.create(
            section=stand, version=1, kind="generated", body="Generated text.\n"
        )
        stands.append(stand.pk)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Section = apps.get_model("strategy", "Section")
    kept, rewritten = (Section.objects.get(pk=pk) for pk in stands)
    assert kept.body == (
        "Ours.\n\n<!-- generated:start -->\n\nGenerated text.\n\n<!-- generated:end -->\n"
        "\nMore of ours.\n"
    )
    assert rewritten.body == "All ours.\n"
    # The assessment was last changed before the text was written: its state is known.
    assert kept.strategy.generated_fingerprint == assessment.answers_fingerprint

    assert kept.strategy.generated_at is not None


@pytest.fixture(autouse=True)
def _back_to_the_latest_migrations():
    """Leave the database as the other tests expect it, with every later migration applied."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
