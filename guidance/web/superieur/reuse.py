"""A higher-education diploma's figures for reuse: its embed, its SVG badge, its JSON/CSV exports (the page's and
the page in one school's), all built by the page's own assembly (`page.diploma_page`), InserSup named as their source.
"""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from guidance.inserjeunes.codes import Millesime, parse_uai
from guidance.pagecache.markers import cache_page_view
from guidance.web.figures.wording import INSERSUP_ATTRIBUTION, LICENCE_URL
from guidance.web.forms import require_valid
from guidance.web.http import code_or_404
from guidance.web.reuse.badge import badge
from guidance.web.reuse.embed import embeddable
from guidance.web.reuse.export import EXPORT_CACHE_CONTROL, csv_response, csv_text, evolution_dict, json_document
from guidance.web.superieur.forms import SuperieurBadgeForm, SuperieurEmbedForm, SuperieurPageForm
from guidance.web.superieur.page import SuperieurPage, diploma_page
from guidance.web.superieur.views import (
    diploma_or_404,
    diploma_path,
    parse_sise,
    school_diploma_path,
    school_page_or_404,
)


def _page(code: str, uai: str | None, millesime: Millesime | None) -> SuperieurPage:
    """The page asked (no redirect to the canonical spelling: a frame or an <img> shows any spelling's figures)."""
    cert = code_or_404(parse_sise, code)
    if uai is not None:
        return school_page_or_404(code_or_404(parse_uai, uai).value, cert.code, millesime)
    page = diploma_page(diploma_or_404(cert.code), millesime=millesime)
    if page is None:
        raise Http404("Diplôme inconnu")
    return page


def _path(page: SuperieurPage) -> str:
    if page.school is not None:
        return school_diploma_path(page.school.uai, page.formation.cfd)
    return diploma_path(page.formation.cfd)


def _title(page: SuperieurPage) -> str:
    return f"{page.formation.label} — {page.school.display_name}" if page.school else page.formation.label


@cache_page_view(params=SuperieurEmbedForm.base_fields)
@embeddable()
def embed(request: HttpRequest, code: str, uai: str | None = None) -> HttpResponse:
    data = require_valid(SuperieurEmbedForm(request.GET))
    page = _page(code, uai, data["millesime"])
    context = {
        "heading": _title(page),
        "place": page.school.display_name if page.school else "En France",
        "entries": page.entries(),
        "layout": data["layout"] or "compact",
        "page_url": request.build_absolute_uri(_path(page)),
        "attribution": INSERSUP_ATTRIBUTION,
        "licence_url": LICENCE_URL,
    }
    return render(request, "embeds/figures.html", context)


@cache_page_view(params=SuperieurBadgeForm.base_fields)
@embeddable(badge=True)
def badge_svg(request: HttpRequest, code: str, uai: str | None = None) -> HttpResponse:
    data = require_valid(SuperieurBadgeForm(request.GET))
    page = _page(code, uai, data["millesime"])
    title = f"{_title(page)} : que deviennent les étudiants ?"
    drawn = badge(
        title,
        page.entries(),
        theme=data["theme"] or "dsfr",
        direction=data["direction"] or "horizontal",
        attribution=INSERSUP_ATTRIBUTION,
    )
    return render(request, "embeds/badge.svg", {"badge": drawn}, content_type="image/svg+xml; charset=utf-8")


@cache_page_view(params=SuperieurPageForm.base_fields)
@require_safe
def export(request: HttpRequest, code: str, format: str, uai: str | None = None) -> HttpResponse:
    """`export.json` / `export.csv`: the figures of the page for the same query string."""
    data = require_valid(SuperieurPageForm(request.GET))
    page = _page(code, uai, data["millesime"])
    blocks = page.blocks()
    if format == "csv":
        name = f"superieur-{page.formation.cfd}" + (f"-etablissement-{page.school.uai}" if page.school else "")
        response = csv_response(csv_text(blocks), f"{name}.csv")
    else:
        query = request.GET.urlencode()
        document = json_document(
            title=_title(page),
            page_url=request.build_absolute_uri(_path(page) + (f"?{query}" if query else "")),
            blocks=blocks,
            attribution=INSERSUP_ATTRIBUTION,
        )
        document["evolution_france"] = evolution_dict(page.evolution)
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = EXPORT_CACHE_CONTROL
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it from a script
    return response
