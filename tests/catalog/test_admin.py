import pytest
from django.urls import reverse

from guidance.catalog.models import Formation, ImportRun, Offer, School, SchoolIndicators

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "shown"),
    [
        (Formation, lambda: Formation.objects.order_by("cfd").first().cfd),
        (School, lambda: School.objects.order_by("uai").first().uai),
        (Offer, lambda: str(Offer.objects.select_related("school").order_by("pk").first().school)),
        (SchoolIndicators, lambda: SchoolIndicators.objects.order_by("pk").first().millesime),
        (ImportRun, lambda: ImportRun.objects.first().name),
    ],
)
def test_operators_see_the_imported_catalogue(admin_client, imported, model, shown):
    url = reverse(f"admin:catalog_{model._meta.model_name}_changelist")
    response = admin_client.get(url)

    assert response.status_code == 200
    assert shown() in response.content.decode()


def test_catalogue_admin_is_read_only_and_searchable(admin_client, imported):
    school = School.objects.exclude(name="").order_by("uai").first()
    changelist = reverse("admin:catalog_school_changelist")

    found = admin_client.get(changelist, {"q": school.uai})
    detail = admin_client.get(reverse("admin:catalog_school_change", args=[school.pk]))

    assert school.name in found.content.decode()
    assert detail.status_code == 200
    assert admin_client.get(reverse("admin:catalog_school_add")).status_code == 403
    assert admin_client.post(reverse("admin:catalog_school_delete", args=[school.pk])).status_code == 403
