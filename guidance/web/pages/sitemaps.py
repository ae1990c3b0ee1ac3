"""Sitemaps: every formation page, every school page and the site's fixed pages, behind one sitemap index.

Items are plain value lists (code only), so a sitemap page of thousands of URLs is one light query.
"""

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from guidance.catalog.models import Formation, School

# Well under the protocol's 50,000: a page stays small to build and to download.
URLS_PER_SITEMAP = 5000


class _CodeSitemap(Sitemap):
    """Every page of a catalogue model, by its natural key (`code`), behind the URL `url_name` takes it as."""

    limit = URLS_PER_SITEMAP
    changefreq = "monthly"
    model: type[Formation] | type[School]
    code = url_name = ""

    def items(self) -> QuerySet[Any, str]:
        return self.model._default_manager.order_by(self.code).values_list(self.code, flat=True)

    def location(self, item: str) -> str:
        return reverse(self.url_name, kwargs={self.code: item})


class FormationSitemap(_CodeSitemap):
    priority = 0.8
    model, code, url_name = Formation, "cfd", "web:formation"


class SchoolSitemap(_CodeSitemap):
    priority = 0.6
    model, code, url_name = School, "uai", "web:school_detail"


class PagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return ["web:home", "web:formation_search", "web:school_search", "web:comprendre"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"pages": PagesSitemap, "formations": FormationSitemap, "etablissements": SchoolSitemap}
