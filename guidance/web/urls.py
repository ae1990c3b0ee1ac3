from django.urls import path

from guidance.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibilite/", views.static_page, {"page": "accessibilite"}, name="accessibilite"),
    path("mentions-legales/", views.static_page, {"page": "mentions_legales"}, name="mentions_legales"),
    path("donnees-personnelles/", views.static_page, {"page": "donnees_personnelles"}, name="donnees_personnelles"),
    path("plan-du-site/", views.static_page, {"page": "plan_du_site"}, name="plan_du_site"),
]
