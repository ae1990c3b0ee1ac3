"""GET forms of the school pages: they validate query strings before anything is searched.

A value a visitor could not have picked from our own forms (an unknown region, a page "abc") makes the form
invalid; the views answer it with the 400 page (`forms.require_valid`), never with a 500.
"""

from django import forms

from guidance.catalog.models import SchoolKind, Sector, Voie
from guidance.inserjeunes.territories import regions_by_name
from guidance.web.forms import PageField, SearchField
from guidance.web.place import PlaceFields

REGION_CHOICES = [("", "Toutes les régions"), *regions_by_name()]


class SchoolSearchForm(PlaceFields, forms.Form):
    """`/etablissements/?q=&region=&type=&secteur=&page=`, and the place (`lieu=`, `commune=`, `rayon=`): the
    schools within the distance, nearest first."""

    q = SearchField("Nom, ville, code postal, département ou UAI")
    region = forms.ChoiceField(
        label="Région",
        required=False,
        choices=REGION_CHOICES,
    )
    type = forms.ChoiceField(
        label="Type d’établissement",
        required=False,
        choices=[("", "Tous les types"), *SchoolKind.choices],
    )
    secteur = forms.ChoiceField(
        label="Public ou privé",
        required=False,
        choices=[("", "Public et privé"), (Sector.PUBLIC.value, "Public"), (Sector.PRIVE.value, "Privé")],
    )
    page = PageField(widget=forms.NumberInput)

    def __init__(self, *args, kind_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kind_choices is not None:
            # Offer only the kinds present in the catalogue, but keep accepting every valid kind (old links).
            self.fields["type"].widget.choices = [("", "Tous les types"), *kind_choices]

    @property
    def has_filters(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("region") or data.get("type") or data.get("secteur"))


class VoieForm(PlaceFields, forms.Form):
    """`?voie=` of the school and school × formation pages: one voie, or both when empty; and the place the
    visitor came with (its distance to the school, carried by the links)."""

    voie = forms.ChoiceField(required=False, choices=[("", "Les deux voies"), *Voie.choices])
