"""School search, school pages, school × formation pages."""

from django.urls import path

from guidance.web.schools import reuse, views

urlpatterns = [
    path("etablissements/", views.school_search, name="school_search"),
    path("etablissements/<str:uai>/", views.school_detail, name="school_detail"),
    path("etablissements/<str:uai>/export.json", reuse.school_export, {"format": "json"}, name="school_json"),
    path("etablissements/<str:uai>/export.csv", reuse.school_export, {"format": "csv"}, name="school_csv"),
    path("etablissements/<str:uai>/formations/<str:cfd>/", views.school_formation, name="school_formation"),
    path(
        "etablissements/<str:uai>/formations/<str:cfd>/integrer/",
        reuse.school_formation_embed,
        name="school_formation_embed",
    ),
    path(
        "etablissements/<str:uai>/formations/<str:cfd>/badge.svg",
        reuse.school_formation_badge,
        name="school_formation_badge",
    ),
    path(
        "etablissements/<str:uai>/formations/<str:cfd>/export.json",
        reuse.school_formation_export,
        {"format": "json"},
        name="school_formation_json",
    ),
    path(
        "etablissements/<str:uai>/formations/<str:cfd>/export.csv",
        reuse.school_formation_export,
        {"format": "csv"},
        name="school_formation_csv",
    ),
]
