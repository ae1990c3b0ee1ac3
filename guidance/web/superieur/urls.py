"""The higher-education pages, at the formations' own addresses: `/formations/<code>/` is a SISE diploma's page when
its code has 7 characters (a CFD has 8), and so is `/etablissements/<UAI>/formations/<code>/` in one school. Included
before the formations' and schools' URLs (`guidance.web.urls`), so that `reverse("web:formation", cfd=<SISE code>)`,
the address every card, list and sitemap writes, leads here."""

from django.urls import path, register_converter

from guidance.web.superieur import reuse, views


class SiseConverter:
    """Exactly 7 letters or digits (any case: the view redirects to the canonical upper case)."""

    regex = "[0-9A-Za-z]{7}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SiseConverter, "sise")

DIPLOMA = "formations/<sise:code>/"
SCHOOL = "etablissements/<str:uai>/formations/<sise:code>/"

urlpatterns = [
    path(DIPLOMA, views.diploma, name="superieur"),
    path(DIPLOMA + "integrer/", reuse.embed, name="superieur_embed"),
    path(DIPLOMA + "badge.svg", reuse.badge_svg, name="superieur_badge"),
    path(DIPLOMA + "export.json", reuse.export, {"format": "json"}, name="superieur_json"),
    path(DIPLOMA + "export.csv", reuse.export, {"format": "csv"}, name="superieur_csv"),
    path(SCHOOL, views.school_diploma, name="superieur_school"),
    path(SCHOOL + "integrer/", reuse.embed, name="superieur_school_embed"),
    path(SCHOOL + "badge.svg", reuse.badge_svg, name="superieur_school_badge"),
    path(SCHOOL + "export.json", reuse.export, {"format": "json"}, name="superieur_school_json"),
    path(SCHOOL + "export.csv", reuse.export, {"format": "csv"}, name="superieur_school_csv"),
]
