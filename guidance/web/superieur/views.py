"""A higher-education diploma's page (`/formations/<SISE>/`) and its page in one school
(`/etablissements/<UAI>/formations/<SISE>/`). Thin: parse the address (a 404 for a code that cannot be one, a 301 to
the canonical spelling), read the promotion asked (a 400 otherwise), call the page's assembly, render."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from guidance.catalog.models import SUPERIEUR, CodeType, Formation, HigherEducationOffer, School
from guidance.inserjeunes.codes import Certification, CodeKind, Millesime, parse_certification, parse_uai
from guidance.pagecache.markers import cache_page_view
from guidance.web.figures.wording import INSERSUP_ATTRIBUTION
from guidance.web.forms import require_valid
from guidance.web.http import code_or_404
from guidance.web.reuse.jsonld import program_json_ld
from guidance.web.reuse.links import Reuse, reuse_links
from guidance.web.shortlist import ADD_LABELS, FormationItem, PairItem, compare_links
from guidance.web.superieur.forms import SuperieurPageForm
from guidance.web.superieur.page import SuperieurPage, diploma_page


def parse_sise(raw: str) -> Certification:
    """A SISE code in an address (7 characters, any case): parsed like every code, `InvalidCode` otherwise."""
    return parse_certification(f"{CodeKind.SISE.value}:{raw}")


def diploma_path(code: str) -> str:
    return reverse("web:superieur", kwargs={"code": code})


def school_diploma_path(uai: str, code: str) -> str:
    return reverse("web:superieur_school", kwargs={"uai": uai, "code": code})


def diploma_or_404(code: str) -> Formation:
    """The higher-education diploma of a SISE code in an address, or a 404."""
    formation = Formation.objects.filter(cfd=code, code_type=CodeType.SISE).first()
    if formation is None:
        raise Http404("Diplôme inconnu")
    return formation


def _redirect(request: HttpRequest, path: str) -> HttpResponsePermanentRedirect:
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(path + (f"?{query}" if query else ""))


def reuse_of(request: HttpRequest, path: str, title: str) -> Reuse:
    """The reuse links of a higher-education page: InserSup named as the source, its attribution kept."""
    query = {"millesime": request.GET.get("millesime", "")}
    return reuse_links(request, path, title, query, source_name="InserSup", attribution=INSERSUP_ATTRIBUTION)


@cache_page_view(params=SuperieurPageForm.base_fields)
@require_safe
def diploma(request: HttpRequest, code: str) -> HttpResponse:
    cert = code_or_404(parse_sise, code)
    if code != cert.code:
        return _redirect(request, diploma_path(cert.code))
    formation = diploma_or_404(cert.code)
    data = require_valid(SuperieurPageForm(request.GET))
    page = diploma_page(formation, millesime=data["millesime"])
    if page is None:
        raise Http404("Diplôme inconnu")
    path = diploma_path(formation.cfd)
    context = {
        "formation": formation,
        "page": page,
        "canonical_path": path,
        "reuse": reuse_of(request, path, formation.label),
        "compare": compare_links(request, [(FormationItem(formation.cfd, SUPERIEUR), ADD_LABELS[SUPERIEUR])]),
        "json_ld": json_ld(request, formation, path),
    }
    return render(request, "superieur/detail.html", context)


def school_page_or_404(uai: str, code: str, millesime: Millesime | None = None) -> SuperieurPage:
    """The page of a diploma in a school: both known to the catalogue, and the school delivers it (the API's lists)
    or InserSup has figures for the pair; a 404 otherwise."""
    school = School.objects.filter(uai=uai).first()
    formation = diploma_or_404(code)
    if school is None:
        raise Http404("Établissement inconnu")
    page = diploma_page(formation, millesime=millesime, school=school)
    delivered = HigherEducationOffer.objects.filter(school=school, formation=formation).exists()
    has_figures = page is not None and page.school_panel is not None and page.school_panel.has_any_figures
    if page is None or not (delivered or has_figures):
        raise Http404("Ce diplôme n’est pas délivré par cet établissement")
    return page


@cache_page_view(params=SuperieurPageForm.base_fields)
@require_safe
def school_diploma(request: HttpRequest, uai: str, code: str) -> HttpResponse:
    school_code = code_or_404(parse_uai, uai)
    cert = code_or_404(parse_sise, code)
    if uai != school_code.value or code != cert.code:
        return _redirect(request, school_diploma_path(school_code.value, cert.code))
    data = require_valid(SuperieurPageForm(request.GET))
    page = school_page_or_404(school_code.value, cert.code, data["millesime"])
    assert page.school is not None  # asked for a school
    path = school_diploma_path(page.school.uai, page.formation.cfd)
    item = PairItem(page.school.uai, page.formation.cfd, SUPERIEUR)
    context = {
        "formation": page.formation,
        "school": page.school,
        "page": page,
        "canonical_path": path,
        "reuse": reuse_of(request, path, f"{page.formation.label} — {page.school.display_name}"),
        "compare": compare_links(request, [(item, ADD_LABELS[SUPERIEUR])]),
        "json_ld": json_ld(request, page.formation, path, school=page.school),
    }
    return render(request, "superieur/school.html", context)


def json_ld(request: HttpRequest, formation: Formation, path: str, school: School | None = None) -> dict:
    """schema.org EducationalOccupationalProgram (and its provider on a school's page)."""
    category = formation.discipline_label or formation.field_label
    return program_json_ld(request, formation, path, identifier=formation.code_label, category=category, school=school)
