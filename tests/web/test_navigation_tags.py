"""The `live_get_form` tag: a GET form that works without JavaScript and that HTMX sends in place."""

from django.template import Context, Template


def _render(source: str, **context) -> str:
    return Template("{% load navigation %}" + source).render(Context(context))


def test_live_get_form_sends_the_same_address_with_or_without_htmx():
    html = _render('<form {% live_get_form url "#resultats" "change, submit" %}>', url="/formations/")
    assert html == (
        '<form action="/formations/" method="get" hx-get="/formations/" hx-target="#resultats" '
        'hx-push-url="true" hx-trigger="change, submit">'
    )


def test_live_get_form_swap_is_optional_and_values_are_escaped():
    html = _render('{% live_get_form url "#devenir" "change" "innerHTML" %}', url='/f/?a=1&b="x"')
    assert 'action="/f/?a=1&amp;b=&quot;x&quot;"' in html
    assert html.endswith(' hx-swap="innerHTML"')
