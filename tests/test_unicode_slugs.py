"""Names in any script keep their letters in URLs and file names (assessments/names.py)."""

from __future__ import annotations

import json
from urllib.parse import quote, unquote

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse

from assessments.models import Membership, Organization
from assessments.names import download_name, readable_slug
from ospo_assess.portability import dumps, export_organization, import_organization
from strategy.models import Strategy

pytestmark = pytest.mark.django_db

JAPANESE = "オープンソース推進室"
ARABIC = "مكتب المصادر المفتوحة"
ARABIC_SLUG = "مكتب-المصادر-المفتوحة"
EMOJI = "🚀🌍"


def create(client, name: str):
    return client.post(reverse("assessments:organization_create"), {"name": name})


def dashboard(slug: str) -> str:
    return reverse("assessments:dashboard", kwargs={"org_slug": slug})


def test_a_japanese_name_keeps_its_letters_in_the_url_and_its_dashboard_loads(client, owner):
    client.force_login(owner)

    response = create(client, JAPANESE)

    made = Organization.objects.get(name=JAPANESE)
    assert made.slug == JAPANESE
    # The link is percent-encoded UTF-8, as browsers send it, and shows as the name in their bar.
    assert response.url == dashboard(JAPANESE) == f"/orgs/{quote(JAPANESE)}/"
    page = client.get(response.url)
    assert page.status_code == 200
    assert JAPANESE in page.content.decode()


def test_an_arabic_name_gets_a_hyphenated_slug_and_its_pages_load(client, owner):
    client.force_login(owner)
    create(client, ARABIC)

    assert Organization.objects.get(name=ARABIC).slug == ARABIC_SLUG
    for name in ("assessments:dashboard", "assessments:members", "strategy:list"):
        response = client.get(reverse(name, kwargs={"org_slug": ARABIC_SLUG}))
        assert response.status_code == 200, name
        assert ARABIC in response.content.decode(), name


def test_a_name_of_emoji_only_has_no_letters_and_gets_a_numbered_neutral_slug(client, owner):
    client.force_login(owner)
    for _ in range(2):
        assert create(client, EMOJI).status_code == 302

    slugs = sorted(Organization.objects.filter(name=EMOJI).values_list("slug", flat=True))
    assert slugs == ["organization", "organization-2"]
    assert client.get(dashboard("organization-2")).status_code == 200
    # Letters beside the emoji are kept, the emoji left out.
    assert readable_slug("🚀 Rocket OSPO") == "rocket-ospo"


def test_two_names_that_slug_the_same_get_numbered_slugs(client, owner):
    client.force_login(owner)
    for name in (JAPANESE, JAPANESE, "ＯＳＰＯ", "ospo"):
        create(client, name)

    assert set(Organization.objects.filter(name=JAPANESE).values_list("slug", flat=True)) == {
        JAPANESE,
        f"{JAPANESE}-2",
    }
    # Full-width letters are the same letters (NFKC), so the second "ospo" is numbered too.
    assert Organization.objects.get(name="ＯＳＰＯ").slug == "ospo"
    assert Organization.objects.get(name="ospo").slug == "ospo-2"


def test_a_name_that_folds_to_ascii_keeps_the_ascii_slug_it_always_had():
    assert readable_slug("Société Générale") == "societe-generale"
    assert readable_slug("Acme Research") == "acme-research"
    # Folding would lose a letter here, so the Unicode one is kept.
    assert readable_slug("Straße") == "straße"
    assert readable_slug("OSPO 推進室") == "ospo-推進室"


def test_a_unicode_slug_reverses_and_resolves_to_the_same_view_and_slug(assessment):
    assessment.organization.slug = ARABIC_SLUG
    assessment.organization.save()

    for name, kwargs in [
        ("assessments:dashboard", {}),
        ("assessments:results", {"pk": assessment.pk}),
        ("strategy:list", {}),
    ]:
        url = reverse(name, kwargs={"org_slug": ARABIC_SLUG, **kwargs})
        assert url.isascii(), url
        match = resolve(unquote(url))
        assert f"{match.namespace}:{match.url_name}" == name
        assert match.kwargs["org_slug"] == ARABIC_SLUG


@pytest.mark.parametrize("segment", ["日本.x", "a b", "🚀"])
def test_what_no_slug_can_hold_does_not_resolve(segment):
    with pytest.raises(Resolver404):
        resolve(f"/orgs/{segment}/")


def test_an_outsider_gets_404_for_an_organization_named_in_another_script(client, owner, outsider):
    Organization.objects.create_with_owner(JAPANESE, owner)
    client.force_login(outsider)

    assert client.get(dashboard(JAPANESE)).status_code == 404


def test_existing_slugs_stay_as_they_were_when_the_name_changes(client, owner, organization):
    organization.name = JAPANESE
    organization.save()
    client.force_login(owner)

    assert Organization.objects.get(pk=organization.pk).slug == "acme"
    assert client.get(dashboard("acme")).status_code == 200


def test_downloads_are_named_in_the_organizations_script(client, owner, organization, assessment):
    organization.name = JAPANESE
    organization.save()
    strategy = Strategy.objects.create_from_assessment(assessment, owner, "戦略 2027")
    client.force_login(owner)

    markdown = client.get(
        reverse("strategy:export_markdown", kwargs={"org_slug": "acme", "strategy_pk": strategy.pk})
    )
    results = client.get(
        reverse("assessments:export_results_csv", kwargs={"org_slug": "acme", "pk": assessment.pk})
    )

    expected = quote(f"{JAPANESE}-戦略-2027.md")
    assert markdown["Content-Disposition"] == f"attachment; filename*=utf-8''{expected}"
    expected = quote(f"{JAPANESE}-baseline-{assessment.pk}-results.csv")
    assert results["Content-Disposition"] == f"attachment; filename*=utf-8''{expected}"
    # An ASCII name is sent as before.
    assert download_name("Acme Research", "Plan", extension="pdf") == "acme-research-plan.pdf"


def test_an_organization_with_a_unicode_slug_moves_between_installations(owner, tmp_path, capsys):
    made = Organization.objects.create_with_owner(JAPANESE, owner)
    exported = json.loads(dumps(export_organization(made)))
    assert exported["organization"]["slug"] == JAPANESE

    copy_ = import_organization(exported, slug=f"{JAPANESE}-写し", link_existing_users=True)
    assert copy_.slug == f"{JAPANESE}-写し"
    assert copy_.memberships.get().role == Membership.Role.OWNER

    path = tmp_path / "export.json"
    call_command("export_organization", JAPANESE, "-o", str(path))
    made.delete()
    copy_.delete()
    call_command("import_organization", str(path), "--link-existing-users", "--apply")
    assert f"as /orgs/{JAPANESE}/" in capsys.readouterr().out
    assert Organization.objects.get(slug=JAPANESE).name == JAPANESE


def test_the_admin_takes_a_unicode_slug(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("ada", "ada@example.org", "pw-ada-123")
    )
    response = client.post(
        reverse("admin:assessments_organization_add"),
        {
            "name": ARABIC,
            "slug": ARABIC_SLUG,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert Organization.objects.get(slug=ARABIC_SLUG).name == ARABIC
    assert client.get(reverse("admin:assessments_organization_changelist")).status_code == 200
