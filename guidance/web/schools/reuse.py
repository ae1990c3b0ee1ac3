"""A school's figures for reuse: the embed and the SVG badge of a school × formation, the JSON/CSV exports of the
school page and of the school × formation page.

Each is built by the page's own assembly (`page.pair_blocks`, `views.school_figures`): the same questions, the same
panels, no second computation. The embed and the badge show, per voie, the school's figures or, when it has none,
its region's then France's, labelled as the fallback (`present.chain_of`, the rule of every page).
"""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from guidance.catalog.models import Formation, School
from guidance.inserjeunes.codes import parse_cfd, parse_uai
from guidance.pagecache.markers import cache_page_view
from guidance.web.figures.depp import depp_panel
from guidance.web.figures.models import EmbedEntry
from guidance.web.figures.present import chain_of
from guidance.web.figures.wording import ATTRIBUTION, BY_SPECIALITY, LICENCE_URL
from guidance.web.forms import require_valid
from guidance.web.http import code_or_404
from guidance.web.reuse.badge import badge
from guidance.web.reuse.embed import BadgeForm, EmbedForm, embeddable
from guidance.web.reuse.export import EXPORT_CACHE_CONTROL, Block, csv_response, csv_text, json_document, numbered
from guidance.web.schools.forms import VoieForm
from guidance.web.schools.page import VoieBlock, pair_blocks
from guidance.web.schools.views import pair_or_404, school_figures, school_or_404


def _panels(block: VoieBlock):
    return tuple(p for p in (block.school_panel, block.region_panel, block.france_panel) if p is not None)


def entries(blocks: list[VoieBlock]) -> list[EmbedEntry]:
    """Per voie: the school's panel, its region's and France's (as on the page), and their chain."""
    return [EmbedEntry(block.voie_label, chain=chain_of(_panels(block)), panels=_panels(block)) for block in blocks]


def _read_pair(
    request: HttpRequest, uai: str, cfd: str, form_class: type[EmbedForm | BadgeForm | VoieForm]
) -> tuple[School, Formation, dict, list[VoieBlock]]:
    school, formation = pair_or_404(code_or_404(parse_uai, uai).value, code_or_404(parse_cfd, cfd).code)
    form = form_class(request.GET)
    require_valid(form)
    blocks, _ = pair_blocks(school, formation, form.cleaned_data["voie"])
    if not blocks:
        raise Http404("Cette formation n’est pas proposée par cet établissement.")
    return school, formation, form.cleaned_data, blocks


def _page_url(school: School, formation: Formation) -> str:
    return reverse("web:school_formation", kwargs={"uai": school.uai, "cfd": formation.cfd})


def _place(school: School) -> str:
    return f"{school.display_name} ({school.town})" if school.town else school.display_name


@cache_page_view(params=EmbedForm.base_fields)
@embeddable()
def school_formation_embed(request: HttpRequest, uai: str, cfd: str) -> HttpResponse:
    school, formation, data, blocks = _read_pair(request, uai, cfd, EmbedForm)
    context = {
        "heading": formation.label,
        "place": _place(school),
        "entries": entries(blocks),
        "layout": data["layout"] or "compact",
        "page_url": request.build_absolute_uri(_page_url(school, formation)),
        "attribution": ATTRIBUTION,
        "licence_url": LICENCE_URL,
    }
    return render(request, "embeds/figures.html", context)


@cache_page_view(params=BadgeForm.base_fields)
@embeddable(badge=True)
def school_formation_badge(request: HttpRequest, uai: str, cfd: str) -> HttpResponse:
    school, formation, data, blocks = _read_pair(request, uai, cfd, BadgeForm)
    title = f"{formation.label} — {_place(school)} : que deviennent les jeunes ?"
    theme, direction = data["theme"] or "dsfr", data["direction"] or "horizontal"
    drawn = badge(title, entries(blocks), theme=theme, direction=direction)
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
    school, formation, _data, voie_blocks = _read_pair(request, uai, cfd, VoieForm)
    blocks = numbered(
        Block(0, formation.label, formation.cfd, panel, school=school.display_name, uai=school.uai)
        for block in voie_blocks
        for panel in _panels(block)
    )
    return _answer(
        request,
        blocks,
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
    _offers, rows, indicators = school_figures(school, form.cleaned_data["voie"])
    whole = "Ensemble des formations de l’établissement"
    found = [Block(0, whole, "", depp_panel(row, school), school.display_name, school.uai) for row in indicators]
    found += [
        Block(
            0,
            row.formation.label,
            row.formation.cfd,
            row.panel,
            school=school.display_name,
            uai=school.uai,
            is_fallback=row.chain.is_fallback,
            note=BY_SPECIALITY if row.formation.is_seconde_commune else "",
        )
        for row in rows
    ]
    return _answer(
        request,
        numbered(found),
        title=_place(school),
        page=reverse("web:school_detail", kwargs={"uai": school.uai}),
        filename=f"etablissement-{school.uai}.{format}",
        format=format,
    )
