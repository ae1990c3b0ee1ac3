"""The compare page and its CSV export. Thin: the form reads the address, `columns.build_columns` asks the
catalogue and the service (one `get_many`), the template or the CSV writer (`export`) shows the same cells."""

import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from guidance.catalog.models import Formation, School
from guidance.inserjeunes.codes import Region, region_from_code
from guidance.web.compare import columns as compare
from guidance.web.compare.export import compare_csv_text
from guidance.web.compare.forms import CompareForm
from guidance.web.compare.rows import choice_rows
from guidance.web.forms import require_valid
from guidance.web.http import BadRequest
from guidance.web.place import read_place
from guidance.web.reuse.export import csv_response
from guidance.web.shortlist import MAX_ITEMS, PairItem, compare_query, current_selection


def _read(request: HttpRequest) -> tuple[CompareForm, list[compare.Column], Region | None]:
    """The form, the columns and the region of the address. Raises `BadRequest` (a 400 page) when it is wrong."""
    form = CompareForm(request.GET)
    require_valid(form)
    region = region_from_code(form.cleaned_data["region"]) if form.cleaned_data["region"] else None
    # An address with items is a comparison of its own (a share link); without, the visitor's selection.
    if "item" not in request.GET:
        # A selection kept for months may name a diploma or school the catalogue has since dropped: not the
        # visitor's error, so those are left out rather than answered with a 400.
        return form, compare.build_columns(_known(current_selection(request)), region), region
    try:
        return form, compare.build_columns(form.cleaned_data["item"], region), region
    except compare.UnknownItem as error:
        raise BadRequest(error.message) from None


def _known(items: list) -> list:
    """The items whose formation (and school) the catalogue still has (two queries)."""
    if not items:
        return []
    cfds = set(Formation.objects.filter(cfd__in={i.cfd for i in items}).values_list("cfd", flat=True))
    uais = {i.uai for i in items if isinstance(i, PairItem)}
    uais = set(School.objects.filter(uai__in=uais).values_list("uai", flat=True)) if uais else set()
    return [i for i in items if i.cfd in cfds and (not isinstance(i, PairItem) or i.uai in uais)]


def _reads_the_address(view: Callable[..., HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Calls `view(request, form, columns, region)` with the address read (a 400 page when it is wrong)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        return view(request, *_read(request))

    return wrapped


@require_safe
@_reads_the_address
def compare_page(
    request: HttpRequest, form: CompareForm, columns: list[compare.Column], region: Region | None
) -> HttpResponse:
    items = [c.item for c in columns]
    near = read_place(form).near
    # The share link and the CSV rebuild the same comparison, from the same place (its distances).
    query = "&".join(
        part for part in (compare_query(items, region.code if region else ""), near.querystring if near else "") if part
    )
    selection = current_selection(request)
    context = {
        "is_selection": "item" not in request.GET or items == selection,
        "selection_count": len(selection),
        "next_url": request.get_full_path(),
        "choice_rows": choice_rows(columns, region),
        "form": form,
        "columns": columns,
        "rows": compare.rows(columns),
        "region": region,
        "query": query,
        "share_url": request.build_absolute_uri(request.path + (f"?{query}" if query else "")),
        "max_items": MAX_ITEMS,
        "has_formation": any(c.school is None for c in columns),
        "near": near,
    }
    return render(request, "compare/page.html", context)


@require_safe
@_reads_the_address
def compare_csv(
    request: HttpRequest, _form: CompareForm, columns: list[compare.Column], region: Region | None
) -> HttpResponse:
    """One line per item and rate, then its choice rows; written as every export is (`csv_response`)."""
    return csv_response(compare_csv_text(columns, choice_rows(columns, region)), "comparaison.csv")
