"""School search, school pages, school × formation pages; and the site-wide pages of the same owner:
"comprendre les chiffres", sitemaps and robots.txt."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.cache import cache_control

from guidance.web.sitemaps import SITEMAPS
from guidance.web.views import pages, schools

# Search engines fetch these often; an hour of HTTP caching spares the database without hiding new pages long.
_sitemap_cache = cache_control(public=True, max_age=3600)

urlpatterns = [
    path("etablissements/", schools.school_search, name="school_search"),
    path("etablissements/<str:uai>/", schools.school_detail, name="school_detail"),
    path("etablissements/<str:uai>/formations/<str:cfd>/", schools.school_formation, name="school_formation"),
    path("comprendre/", pages.comprendre, name="comprendre"),
    path("robots.txt", pages.robots_txt, name="robots_txt"),
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
