"""The addresses a page offers for reuse: its embed and badge (absolute: pasted in other sites), its exports."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest

from guidance.web.figures.wording import ATTRIBUTION, LICENCE, LICENCE_URL


@dataclass(frozen=True)
class Reuse:
    """The addresses a page offers for reuse: its embed and badge (absolute: pasted in other sites), its exports."""

    title: str  # what the figures are about (the iframe's title)
    page_url: str  # absolute: the page the badge links to
    embed_url: str
    badge_url: str
    json_url: str
    csv_url: str
    licence: str = LICENCE
    licence_url: str = LICENCE_URL
    attribution: str = ATTRIBUTION
    source_name: str = "InserJeunes"  # the figures' source as the snippets name it (InserSup for higher education)


def reuse_links(
    request: HttpRequest,
    page_path: str,
    title: str,
    embed_query: dict[str, str] | None = None,
    *,
    source_name: str = "InserJeunes",
    attribution: str = ATTRIBUTION,
) -> Reuse:
    """The reuse addresses of the page at `page_path` (ending with "/"): its exports carry the page's whole query
    string (they hold what the page shows); its embed and badge, when `embed_query` is given (None: the page has
    none), carry those options (empty values dropped)."""
    page_query = request.GET.urlencode()

    def absolute(name: str, query: str) -> str:
        return request.build_absolute_uri(f"{page_path}{name}{'?' + query if query else ''}")

    kept = urlencode({key: value for key, value in (embed_query or {}).items() if value})
    return Reuse(
        title=title,
        page_url=request.build_absolute_uri(page_path),
        embed_url=absolute("integrer/", kept) if embed_query is not None else "",
        badge_url=absolute("badge.svg", kept) if embed_query is not None else "",
        json_url=absolute("export.json", page_query),
        csv_url=absolute("export.csv", page_query),
        attribution=attribution,
        source_name=source_name,
    )
