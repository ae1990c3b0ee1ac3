"""Public URLs. Each area has its own module so that areas can grow independently."""

from django.urls import include, path

from guidance.web.views import core, pages

app_name = "web"

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", core.healthz, name="healthz"),
    path("accessibilite/", core.static_page, {"page": "accessibilite"}, name="accessibilite"),
    path("mentions-legales/", core.static_page, {"page": "mentions_legales"}, name="mentions_legales"),
    path("donnees-personnelles/", core.static_page, {"page": "donnees_personnelles"}, name="donnees_personnelles"),
    path("plan-du-site/", core.static_page, {"page": "plan_du_site"}, name="plan_du_site"),
    path("", include("guidance.web.urls_formations")),
    path("", include("guidance.web.urls_schools")),
    path("", include("guidance.web.urls_compare")),
]
