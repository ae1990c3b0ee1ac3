"""Home, "comprendre les chiffres", the static pages, robots.txt, sitemaps and the health check."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.cache import cache_control

from guidance.web.pages import views
from guidance.web.pages.sitemaps import SITEMAPS

# Search engines fetch these often; an hour of HTTP caching spares the database without hiding new pages long.
_sitemap_cache = cache_control(public=True, max_age=3600)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibilite/", views.static_page, {"page": "accessibilite"}, name="accessibilite"),
    path("mentions-legales/", views.static_page, {"page": "mentions_legales"}, name="mentions_legales"),
    path("donnees-personnelles/", views.static_page, {"page": "donnees_personnelles"}, name="donnees_personnelles"),
    path("plan-du-site/", views.static_page, {"page": "plan_du_site"}, name="plan_du_site"),
    path("comprendre/", views.comprendre, name="comprendre"),
    path("lieux/autour/", views.place_near_me, name="place_near_me"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        _sitemap_cache(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "web:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        _sitemap_cache(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]
