"""The GET fields every area shares, and the one message of a 400: what is wrong with an address, worded once per
parameter whatever the page (`FIELD_MESSAGES`).

A form that reads a query string is invalid when a value could not come from our own pages (an unknown region, a
page "abc"): `require_valid(form)` then raises `http.BadRequest(invalid_address(form))`, answered with the styled 400
page (or an embed's own).
"""

from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from guidance.inserjeunes.codes import InvalidCode, Millesime, parse_millesime
from guidance.web.http import BadRequest

# One sentence per parameter of our addresses, the same on every page (French, for visitors).
FIELD_MESSAGES = {
    "q": "La recherche est trop longue ({max_length} caractères au plus).",
    "page": "Le numéro de page doit être un nombre entier, à partir de 1.",
    "region": "Cette région n’existe pas.",
    "departement": "Ce département n’existe pas.",
    "niveau": "Ce niveau de formation n’existe pas.",
    "voie": "La voie doit être « scolaire » ou « apprentissage ».",
    "domaine": "Ce domaine de formation n’existe pas.",
    "tri": "Le tri doit être « emploi » ou « poursuite ».",
    "minimum": "Le minimum doit être un nombre entier de 0 à 100.",
    "millesime": "La promotion doit s’écrire AAAA ou AAAA_AAAA, avec deux années qui se suivent.",
    "layout": "La présentation (« layout ») doit être « compact » ou « full ».",
    "theme": "Le thème doit être « dsfr », « light » ou « dark ».",
    "direction": "La direction doit être « horizontal » ou « vertical ».",
    "type": "Ce type d’établissement n’existe pas.",
    "secteur": "Le secteur doit être « public » ou « prive ».",
    "lieu": "Le lieu est trop long ({max_length} caractères au plus).",
    "commune": "Cette commune n’existe pas : son code INSEE doit être connu (par exemple 12145 pour Millau).",
    "rayon": "La distance doit être 10, 20, 30, 50 ou 100 (km).",
    "carte": "La carte doit être celle de la voie « scolaire » ou « apprentissage ».",
}
ADVICE = "Vérifiez le lien, ou refaites votre recherche."


def invalid_address(form: forms.Form) -> str:
    """The 400 message of an invalid GET form: the sentence of each parameter that could not be read, then the
    advice. A field absent from `FIELD_MESSAGES` words its own errors (`item=` of the compare page names the item)."""
    sentences = []
    for name, errors in form.errors.items():
        if name in FIELD_MESSAGES:
            field = form.fields.get(name)
            sentences.append(FIELD_MESSAGES[name].format(max_length=getattr(field, "max_length", "")))
        elif errors:
            sentences.append(str(errors[0]))
    if not sentences:
        sentences.append("L’adresse n’est pas valide.")
    return " ".join([*dict.fromkeys(sentences), ADVICE])


def require_valid(form: forms.Form) -> dict[str, Any]:
    """The cleaned data of a valid form; a 400 (`http.BadRequest`) saying what is wrong with the address otherwise."""
    if not form.is_valid():
        raise BadRequest(invalid_address(form))
    return form.cleaned_data


class SearchField(forms.CharField):
    """`?q=` of a search box: free words, at most `max_length` characters (a longer one is a 400)."""

    def __init__(self, label: str, max_length: int = 100, **kwargs: Any) -> None:
        super().__init__(label=label, required=False, max_length=max_length, **kwargs)


class PageField(forms.IntegerField):
    """`?page=` of a list: not a whole number ≥ 1 is a 400; a page past the end is the views' to clamp to the last
    (`Paginator.get_page`), since a shared link outlives the catalogue it was made from."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(required=False, min_value=1, **kwargs)


class MillesimeField(forms.CharField):
    """`?millesime=` (the promotion shown): empty is None (the newest), `AAAA` or `AAAA_AAAA` a `Millesime`, anything
    else a 400 with the source's own reason."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(required=False, max_length=9, **kwargs)

    def clean(self, value: Any) -> Millesime | None:
        raw = super().clean(value)
        if not raw:
            return None
        try:
            return parse_millesime(raw)
        except InvalidCode as error:
            raise forms.ValidationError(error.reason) from None


# --- The form renderer (settings.FORM_RENDERER) and a remembered <select> ----------------------------------------

_SELECT = "django/forms/widgets/select.html"
_SELECT_OPTION = "django/forms/widgets/select_option.html"


class FormRenderer(DjangoTemplates):
    """Django's own form renderer, but for the plain `<select>`: Django's template includes one template per
    option, and the formation page's département menu (101 options) cost ~10 ms of its render, a third of it
    (issue 24's profile). Here the same HTML, byte for byte (tests/web/test_form_renderer.py), is written in Python;
    every other widget (and a select whose options have a template of their own) goes through the templates."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if template_name == _SELECT and widget and _plain_options(widget):
            return _select_html(widget)
        return super().render(template_name, context, request)


def _plain_options(widget: dict[str, Any]) -> bool:
    """Options rendered by Django's own option template, with text labels (a number would be localised there)."""
    return all(
        option["template_name"] == _SELECT_OPTION and isinstance(option["label"], str)
        for _, options, _ in widget["optgroups"]
        for option in options
    )


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{conditional_escape(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _select_html(widget: dict[str, Any]) -> str:
    """django/forms/widgets/select.html with select_option.html inlined (the same whitespace)."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts += [
            f'\n  <option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
            f"{conditional_escape(option['label'])}</option>\n"  # the option template's own last line break
            for option in options
        ]
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # every value above is escaped


class RememberedSelect(forms.Select):
    """A `Select` whose HTML is remembered per (name, attributes, value, choices): the same menus (the 101
    départements, the 18 regions) with the same choice are on thousands of pages, and Django builds a dict per
    option before any HTML (~1 ms a page for the départements). Same HTML as `Select` (tests/web/test_form_renderer.py).
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        choices = tuple((str(key), str(label)) for key, label in self.choices)
        if any(isinstance(label, list | tuple) for _, label in self.choices):  # option groups: not remembered
            return super().render(name, value, attrs, renderer)
        final = self.build_attrs(self.attrs, attrs)
        key = (type(renderer).__name__, name, tuple(sorted((k, str(v)) for k, v in final.items())), str(value), choices)
        html = _remembered.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(_remembered) >= _REMEMBERED_MAX:
                _remembered.clear()
            _remembered[key] = html
        return html


_REMEMBERED_MAX = 2048
_remembered: dict[tuple[Any, ...], SafeString] = {}
