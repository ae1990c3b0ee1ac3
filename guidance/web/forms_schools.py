"""GET forms of the school pages and the home page: they validate query strings before anything is searched.

A value a visitor could not have picked from our own forms (an unknown region, a page "abc") makes the form
invalid; the views answer it with the 400 page and the form's own message, never with a 500.
"""

from django import forms

from guidance.catalog.models import SchoolKind, Sector, Voie
from guidance.inserjeunes.territories import REGIONS

MAX_QUERY_LENGTH = 100

REGION_CHOICES = [("", "Toutes les régions")] + sorted(
    ((code, name) for code, name in REGIONS.items()), key=lambda item: item[1]
)


class SchoolSearchForm(forms.Form):
    """`/etablissements/?q=&region=&type=&secteur=&page=`."""

    q = forms.CharField(
        label="Nom, ville, code postal, département ou UAI",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": "La recherche est trop longue (100 caractères au plus)."},
    )
    region = forms.ChoiceField(
        label="Région",
        required=False,
        choices=REGION_CHOICES,
        error_messages={"invalid_choice": "Cette région n’existe pas."},
    )
    type = forms.ChoiceField(
        label="Type d’établissement",
        required=False,
        choices=[("", "Tous les types"), *SchoolKind.choices],
        error_messages={"invalid_choice": "Ce type d’établissement n’existe pas."},
    )
    secteur = forms.ChoiceField(
        label="Public ou privé",
        required=False,
        choices=[("", "Public et privé"), (Sector.PUBLIC.value, "Public"), (Sector.PRIVE.value, "Privé")],
        error_messages={"invalid_choice": "Le secteur doit être « public » ou « prive »."},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100_000,
        error_messages={
            "invalid": "Le numéro de page doit être un nombre entier.",
            "min_value": "Le numéro de page commence à 1.",
            "max_value": "Ce numéro de page est trop grand.",
        },
    )

    def __init__(self, *args, kind_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kind_choices is not None:
            # Offer only the kinds present in the catalogue, but keep accepting every valid kind (old links).
            self.fields["type"].widget.choices = [("", "Tous les types"), *kind_choices]

    @property
    def has_filters(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("region") or data.get("type") or data.get("secteur"))


class VoieForm(forms.Form):
    """`?voie=` of the school × formation page: one voie, or both when empty."""

    voie = forms.ChoiceField(
        required=False,
        choices=[("", "Les deux voies"), *Voie.choices],
        error_messages={"invalid_choice": "La voie doit être « scolaire » ou « apprentissage »."},
    )


class HomeSearchForm(forms.Form):
    """`/?q=`: the one search box of the home page (formations first, then schools)."""

    q = forms.CharField(
        label="Une formation, un métier, un établissement, une ville",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": "La recherche est trop longue (100 caractères au plus)."},
    )


def first_error(form: forms.Form) -> str:
    """The first error message of an invalid form, for the 400 page."""
    for errors in form.errors.values():
        for error in errors:
            return str(error)
    return ""
