"""The project's form renderer writes a plain <select> in Python: the same HTML, byte for byte, as Django's own."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from guidance.web.formations.forms import FormationPageForm
from guidance.web.forms import FormRenderer, RememberedSelect


class Tricky(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Tous"), ("a&b", "A <b> & « c »"), ("2", "Deux")], required=False)
    grouped = forms.ChoiceField(
        choices=[("Nord", [("59", "Nord"), ("62", "Pas-de-Calais")]), ("Sud", [("13", 'Bouches "du" Rhône')])],
        widget=forms.Select(attrs={"class": "fr-select", "data-x": '1"2', "disabled": False, "required": True}),
    )
    several = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    radio = forms.ChoiceField(choices=[("1", "Un")], widget=forms.RadioSelect, required=False)


@pytest.mark.parametrize(
    "form",
    [
        Tricky({"plain": "a&b", "grouped": "62", "several": ["x", "y"], "hidden": "<h>"}),
        Tricky(),
        FormationPageForm({"region": "76", "departement": "31"}),
        FormationPageForm({}),
    ],
)
def test_every_field_renders_as_with_djangos_own_renderer(form):
    rendered = {}
    for renderer in (FormRenderer(), DjangoTemplates()):
        form.renderer = renderer
        rendered[type(renderer)] = [str(form[name]) for name in form.fields]
    assert rendered[FormRenderer] == rendered[DjangoTemplates]
    assert any("<select" in html for html in rendered[FormRenderer])


def test_the_site_renders_its_forms_with_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)


class Menus(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Tous"), ("a&b", "A <b> & « c »")], required=False)
    remembered = forms.ChoiceField(
        choices=[("", "Tous"), ("a&b", "A <b> & « c »")], required=False, widget=RememberedSelect
    )


@pytest.mark.parametrize("data", [{}, {"plain": "a&b", "remembered": "a&b"}, {"plain": "x", "remembered": "x"}])
def test_a_remembered_select_gives_a_selects_html_each_time(data):
    form = Menus(data)
    for _ in range(2):  # the second time from memory
        assert str(form["remembered"]) == str(form["plain"]).replace('"plain"', '"remembered"').replace(
            "id_plain", "id_remembered"
        )


def test_a_remembered_select_tells_apart_its_choices_and_its_value():
    first = FormationPageForm({"region": "76"})
    other = FormationPageForm({"region": "11"})
    assert str(first["departement"]) != str(other["departement"])  # the départements of each region
    assert 'value="031"' in str(first["departement"]) and 'value="031"' not in str(other["departement"])
    chosen = FormationPageForm({"region": "76", "departement": "031"})
    assert '<option value="031" selected>' in str(chosen["departement"])
    assert '<option value="031" selected>' not in str(first["departement"])
