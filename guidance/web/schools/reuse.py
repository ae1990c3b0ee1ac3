"""A school's figures for reuse: the embed and the SVG badge of a school × formation, the JSON/CSV exports of the
school page and of the school × formation page.

Each is built by the page's own assembly call (`assembly.school_formation_page`, `assembly.school_page`): the same
questions, the same panels, no second computation. The embed and the badge show, per voie, the school's figures or,
when it has none, its region's then France's, labelled as the fallback (`SchoolFormationPage.entries`).
"""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from guidance.catalog.models import Formation, School
from guidance.inserjeunes.codes import parse_cfd, parse_uai
from guidance.pagecache.markers import cache_page_view
from guidance.web.figures.wording import ATTRIBUTION, LICENCE_URL
from guidance.web.forms import require_valid
from guidance.web.http import code_or_404
from guidance.web.reuse.badge import badge
from guidance.web.reuse.embed import BadgeForm, EmbedForm, embeddable
from guidance.web.reuse.export import EXPORT_CACHE_CONTROL, Block, csv_response, csv_text, json_document
from guidance.web.schools.assembly import SchoolFormationPage, school_formation_page, school_page
from guidance.web.schools.forms import VoieForm
from guidance.web.schools.views import pair_or_404, school_or_404


def _read_pair(
    request: HttpRequest, uai: str, cfd: str, form_class: type[EmbedForm | BadgeForm | VoieForm]
) -> tuple[School, Formation, dict, SchoolFormationPage]:
    school, formation = pair_or_404(code_or_404(parse_uai, uai).value, code_or_404(parse_cfd, cfd).code)
    form = form_class(request.GET)
    require_valid(form)
    page = school_formation_page(school, formation, form.cleaned_data["voie"])
    if page is None:
        raise Http404("Cette formation n’est pas proposée par cet établissement.")
    return school, formation, form.cleaned_data, page


def _page_url(school: School, formation: Formation) -> str:
    return reverse("web:school_formation", kwargs={"uai": school.uai, "cfd": formation.cfd})


def _place(school: School) -> str:
    return f"{school.display_name} ({school.town})" if school.town else school.display_name


@cache_page_view(params=EmbedForm.base_fields)
@embeddable()
def school_formation_embed(request: HttpRequest, uai: str, cfd: str) -> HttpResponse:
    school, formation, data, page = _read_pair(request, uai, cfd, EmbedForm)
    context = {
        "heading": formation.label,
        "place": _place(school),
        "entries": page.entries(),
        "layout": data["layout"] or "compact",
        "page_url": request.build_absolute_uri(_page_url(school, formation)),
        "attribution": ATTRIBUTION,
        "licence_url": LICENCE_URL,
    }
    return render(request, "embeds/figures.html", context)


@cache_page_view(params=BadgeForm.base_fields)
@embeddable(badge=True)
def school_formation_badge(request: HttpRequest, uai: str, cfd: str) -> HttpResponse:
    school, formation, data, page = _read_pair(request, uai, cfd, BadgeForm)
    title = f"{formation.label} — {_place(school)} : que deviennent les jeunes ?"
    theme, direction = data["theme"] or "dsfr", data["direction"] or "horizontal"
    drawn = badge(title, page.entries(), theme=theme, direction=direction)
    return render(request, "embeds/badge.svg", {"badge": drawn}, content_type="image/svg+xml; charset=utf-8")


def _answer(
    request: HttpRequest, blocks: list[Block], *, title: str, page: str, filename: str, format: str
) -> HttpResponse:
    if format == "csv":
        response = csv_response(csv_text(blocks), filename)
    else:
        query = request.GET.urlencode()
        url = request.build_absolute_uri(page + (f"?{query}" if query else ""))
        response = JsonResponse(
            json_document(title=title, page_url=url, blocks=blocks), json_dumps_params={"ensure_ascii": False}
        )
    response["Cache-Control"] = EXPORT_CACHE_CONTROL
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it from a script
    return response


@cache_page_view(params=VoieForm.base_fields)
@require_safe
def school_formation_export(request: HttpRequest, uai: str, cfd: str, format: str) -> HttpResponse:
    """`export.json` / `export.csv` of `/etablissements/<uai>/formations/<cfd>/`: every panel, in the page's order."""
    school, formation, _data, page = _read_pair(request, uai, cfd, VoieForm)
    return _answer(
        request,
        page.blocks(),
        title=f"{formation.label} — {_place(school)}",
        page=_page_url(school, formation),
        filename=f"etablissement-{school.uai}-formation-{formation.cfd}.{format}",
        format=format,
    )


@cache_page_view(params=VoieForm.base_fields)
@require_safe
def school_export(request: HttpRequest, uai: str, format: str) -> HttpResponse:
    """`export.json` / `export.csv` of `/etablissements/<uai>/`: the DEPP indicators, then every training's figure."""
    school = school_or_404(code_or_404(parse_uai, uai))
    form = VoieForm(request.GET)
    require_valid(form)
    return _answer(
        request,
        school_page(school, form.cleaned_data["voie"]).blocks(),
        title=_place(school),
        page=reverse("web:school_detail", kwargs={"uai": school.uai}),
        filename=f"etablissement-{school.uai}.{format}",
        format=format,
    )
