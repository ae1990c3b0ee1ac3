from django import template

register = template.Library()


@register.simple_tag
def elided_page_range(page_obj) -> list:
    """Page numbers to show around the current one, with `Paginator.ELLIPSIS` where pages are skipped."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1))


@register.simple_tag
def edge_links(page_obj) -> tuple[tuple[str, int | None, str], ...]:
    """(kind, page number or None when disabled, text) of the first/previous and next/last links."""
    before = page_obj.has_previous()
    after = page_obj.has_next()
    return (
        ("first", 1 if before else None, "Première page"),
        ("prev", page_obj.previous_page_number() if before else None, "Page précédente"),
        ("next", page_obj.next_page_number() if after else None, "Page suivante"),
        ("last", page_obj.paginator.num_pages if after else None, "Dernière page"),
    )
