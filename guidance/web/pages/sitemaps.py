"""Sitemaps: every formation page, every school page and the site's fixed pages, behind one sitemap index.

Items are plain value lists (code only), so a sitemap page of thousands of URLs is one light query.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from guidance.catalog.models import Formation, School

# Well under the protocol's 50,000: a page stays small to build and to download.
URLS_PER_SITEMAP = 5000


class FormationSitemap(Sitemap):
    limit = URLS_PER_SITEMAP
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Formation.objects.order_by("cfd").values_list("cfd", flat=True)

    def location(self, item: str) -> str:
        return reverse("web:formation", kwargs={"cfd": item})


class SchoolSitemap(Sitemap):
    limit = URLS_PER_SITEMAP
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return School.objects.order_by("uai").values_list("uai", flat=True)

    def location(self, item: str) -> str:
        return reverse("web:school_detail", kwargs={"uai": item})


class PagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return ["web:home", "web:formation_search", "web:school_search", "web:comprendre"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"pages": PagesSitemap, "formations": FormationSitemap, "etablissements": SchoolSitemap}
