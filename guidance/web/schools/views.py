"""School search, school page and school × formation page. Thin: parse, ask the catalogue and the service, render."""

from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from guidance.catalog.models import Formation, Mef, Offer, School, Voie
from guidance.inserjeunes.codes import Uai, parse_cfd, parse_uai
from guidance.pagecache.markers import cache_page_view
from guidance.search.engine import kind_choices, search_schools
from guidance.search.nearby import unplaced_in_departement
from guidance.web.figures.depp import depp_answer, depp_panel, headline_indicator
from guidance.web.figures.reach import is_offline
from guidance.web.figures.wording import SCHOOL_FIGURES_OFFLINE, VOIE_LABELS
from guidance.web.forms import require_valid
from guidance.web.http import code_or_404, page_or_fragment, wants_fragment
from guidance.web.place import read_place
from guidance.web.reuse.links import reuse_links
from guidance.web.schools.assembly import school_formation_page, school_page
from guidance.web.schools.forms import SchoolSearchForm, VoieForm
from guidance.web.shortlist import ADD_LABELS, PairItem, compare_links

RESULTS_PER_PAGE = 20


def _canonical_redirect(request: HttpRequest, url: str) -> HttpResponse:
    """301 to the canonical (upper-case) address, keeping the query string."""
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url, permanent=True)


def school_or_404(code: Uai) -> School:
    """The school of a parsed UAI, or a 404."""
    school = School.objects.filter(uai=code.value).first()
    if school is None:
        raise Http404("Établissement inconnu")
    return school


@cache_page_view(params=SchoolSearchForm.base_fields)
@page_or_fragment
def school_search(request: HttpRequest) -> HttpResponse:
    form = SchoolSearchForm(request.GET, kind_choices=kind_choices())
    data = require_valid(form)
    reading = read_place(form)
    near = reading.near
    results = search_schools(
        data["q"],
        region=data["region"] or None,
        kind=data["type"] or None,
        sector=data["secteur"] or None,
        use_place=True,
        around=near.around if near else None,
    )
    page = results.page(data["page"] or 1, RESULTS_PER_PAGE)
    schools = list(page.object_list)
    counts = dict(
        Offer.objects.filter(school__in=schools)
        .values("school_id")
        .annotate(n=Count("formation_id", distinct=True))
        .values_list("school_id", "n")
    )
    context = {
        "form": form,
        "query": data["q"],
        "page_obj": page,
        "schools": [(school, counts.get(school.pk, 0)) for school in schools],
        "total": results.count,
        "results": results,
        "has_criteria": bool(data["q"]) or form.has_filters or near is not None,
        "near": near,
        "place_reading": reading,
        "unplaced": unplaced_in_departement(near.commune.departement_code) if near else 0,
    }
    template = "schools/search.html#results" if wants_fragment(request) else "schools/search.html"
    return render(request, template, context)


@cache_page_view(params=VoieForm.base_fields)
@page_or_fragment
def school_detail(request: HttpRequest, uai: str) -> HttpResponse:
    code = code_or_404(parse_uai, uai)
    if code.value != uai:
        return _canonical_redirect(request, reverse("web:school_detail", kwargs={"uai": code.value}))
    school = school_or_404(code)
    form = VoieForm(request.GET)
    require_valid(form)
    voie = form.cleaned_data["voie"]
    near = read_place(form).near

    page = school_page(school, voie)
    all_offers, rows, indicators = page.offers, list(page.rows), list(page.indicators)
    voies_offered = sorted({offer.voie for offer in all_offers}, key=lambda v: Voie.values.index(v))
    headline = headline_indicator(indicators)

    context = {
        "school": school,
        "rows": rows,
        "voie": voie,
        "voie_links": [("", "Toutes les voies"), *((v, VOIE_LABELS[v]) for v in voies_offered)],
        "offer_count": len(all_offers),
        "indicators": indicators,
        "headline": headline,
        "later_rates": any(
            item.row.employment_rate_12m is not None or item.row.employment_rate_24m is not None for item in indicators
        ),
        "headline_panel": depp_panel(headline, school) if headline else None,
        "answer": depp_answer(indicators, school),
        "school_figures_offline": SCHOOL_FIGURES_OFFLINE if is_offline() else "",
        "near": near,
        "json_ld": school_json_ld(request, school),
        "reuse": reuse_links(request, reverse("web:school_detail", kwargs={"uai": school.uai}), school.display_name),
    }
    template = "schools/detail.html#offers" if wants_fragment(request) else "schools/detail.html"
    return render(request, template, context)


def pair_or_404(uai: str, cfd: str) -> tuple[School, Formation]:
    """The school and the formation (its final years prefetched) of a school × formation address, or a 404."""
    school = School.objects.filter(uai=uai).first()
    formation = (
        Formation.objects.filter(cfd=cfd)
        .prefetch_related(Prefetch("mefs", queryset=Mef.objects.filter(is_final_year=True)))
        .first()
    )
    if school is None or formation is None:
        raise Http404("Établissement ou formation inconnus")
    return school, formation


@cache_page_view(params=VoieForm.base_fields)
@page_or_fragment
def school_formation(request: HttpRequest, uai: str, cfd: str) -> HttpResponse:
    code = code_or_404(parse_uai, uai)
    cfd_code = code_or_404(parse_cfd, cfd).code
    if code.value != uai or cfd_code != cfd:
        return _canonical_redirect(
            request, reverse("web:school_formation", kwargs={"uai": code.value, "cfd": cfd_code})
        )
    school, formation = pair_or_404(code.value, cfd_code)
    form = VoieForm(request.GET)
    require_valid(form)
    voie = form.cleaned_data["voie"]
    near = read_place(form).near
    page = school_formation_page(school, formation, voie)
    if page is None:
        raise Http404("Cette formation n’est pas proposée par cet établissement")
    blocks, offered = list(page.voies), list(page.offered)

    context = {
        "school": school,
        "formation": formation,
        "voie": voie,
        "voie_links": [("", "Les deux voies"), *((v, VOIE_LABELS[v]) for v in offered)] if len(offered) > 1 else [],
        "blocks": blocks,
        "answer": page.answer,
        "school_figures_offline": SCHOOL_FIGURES_OFFLINE if is_offline() else "",
        "offered": offered,
        "near": near,
        "json_ld": school_formation_json_ld(request, school, formation),
        "reuse": reuse_links(
            request,
            reverse("web:school_formation", kwargs={"uai": school.uai, "cfd": formation.cfd}),
            f"{formation.label} — {school.display_name}",
            {"voie": voie},
        ),
        "compare": compare_links(
            request,
            [(PairItem(school.uai, formation.cfd, b.voie), ADD_LABELS[b.voie]) for b in blocks],
        ),
    }
    template = "schools/formation.html#figures" if wants_fragment(request) else "schools/formation.html"
    return render(request, template, context)


def school_json_ld(request: HttpRequest, school: School) -> dict:
    """schema.org EducationalOrganization for a school page."""
    url = request.build_absolute_uri(reverse("web:school_detail", kwargs={"uai": school.uai}))
    data = {
        "@context": "https://schema.org",
        "@type": "EducationalOrganization",
        "@id": url,
        "url": url,
        "name": school.display_name,
        "identifier": {"@type": "PropertyValue", "propertyID": "UAI", "value": school.uai},
    }
    address = {
        key: value
        for key, value in (
            ("streetAddress", school.address),
            ("postalCode", school.postal_code),
            ("addressLocality", school.town),
            ("addressRegion", school.region_name),
        )
        if value
    }
    if address:
        data["address"] = {"@type": "PostalAddress", **address, "addressCountry": "FR"}
    # Only a school's own coordinates are its position; its commune's centre is not (`position_is_approximate`).
    if school.has_position and not school.position_is_approximate:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": school.latitude, "longitude": school.longitude}
    return data


def school_formation_json_ld(request: HttpRequest, school: School, formation: Formation) -> dict:
    """schema.org EducationalOccupationalProgram taught by the school (its provider)."""
    url = request.build_absolute_uri(reverse("web:school_formation", kwargs={"uai": school.uai, "cfd": formation.cfd}))
    provider = school_json_ld(request, school)
    del provider["@context"]
    data = {
        "@context": "https://schema.org",
        "@type": "EducationalOccupationalProgram",
        "@id": url,
        "url": url,
        "name": formation.label,
        "identifier": formation.cfd,
        "inLanguage": "fr",
        "provider": provider,
    }
    if formation.diploma_type:
        data["educationalCredentialAwarded"] = formation.diploma_type
    return data
