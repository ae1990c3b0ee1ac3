"""The operators' view of the catalogue: what was imported, and when. Read-only: the open data and the API are the
sources of truth, and `import_opendata` / `sync_catalog_from_api` are the only writers."""

from django.contrib import admin

from guidance.catalog.models import Formation, HigherEducationOffer, ImportRun, Mef, Offer, School, SchoolIndicators
from guidance.readonly_admin import ReadOnlyAdmin


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["name", "finished_at", "fingerprint"]
    readonly_fields = ["name", "fingerprint", "finished_at", "summary"]


@admin.register(Formation)
class FormationAdmin(ReadOnlyAdmin):
    list_display = ["cfd", "code_type", "label", "diploma_type", "level", "has_figures", "offer_count", "closed_on"]
    list_filter = ["code_type", "level", "has_figures", "is_seconde_commune"]
    search_fields = ["cfd", "label"]
    ordering = ["cfd"]


@admin.register(Mef)
class MefAdmin(ReadOnlyAdmin):
    list_display = ["mefstat11", "label", "formation", "year", "is_final_year"]
    list_filter = ["is_final_year"]
    search_fields = ["mefstat11", "label", "formation__cfd"]
    list_select_related = ["formation"]


@admin.register(School)
class SchoolAdmin(ReadOnlyAdmin):
    list_display = ["uai", "name", "kind", "sector", "town", "region_code"]
    list_filter = ["kind", "sector", "region_code"]
    search_fields = ["uai", "name", "town", "postal_code"]
    ordering = ["uai"]


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ["school", "formation", "voie", "source", "places", "first_wishes"]
    list_filter = ["voie", "source", "region_code"]
    search_fields = ["school__uai", "formation__cfd"]
    list_select_related = ["school", "formation"]
    ordering = ["pk"]


@admin.register(HigherEducationOffer)
class HigherEducationOfferAdmin(ReadOnlyAdmin):
    list_display = ["school", "formation", "region_code"]
    list_filter = ["region_code"]
    search_fields = ["school__uai", "formation__cfd"]
    list_select_related = ["school", "formation"]
    ordering = ["pk"]


@admin.register(SchoolIndicators)
class SchoolIndicatorsAdmin(ReadOnlyAdmin):
    list_display = ["school", "millesime", "population", "employment_rate_6m", "expected_rate", "value_added"]
    list_filter = ["millesime", "population"]
    search_fields = ["school__uai"]
    list_select_related = ["school"]
    ordering = ["pk"]
