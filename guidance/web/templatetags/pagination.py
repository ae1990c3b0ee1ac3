from django import template

register = template.Library()


@register.simple_tag
def elided_page_range(page_obj) -> list:
    """Page numbers to show around the current one, with `Paginator.ELLIPSIS` where pages are skipped."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1))
