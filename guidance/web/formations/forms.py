"""GET forms of the formation search and formation pages: they validate the query string before anything reaches
the catalogue or the service. A form that is not valid makes the view answer a 400 page with
`forms.require_valid(form)`.
"""

from functools import lru_cache
from typing import cast

from django import forms

from guidance.catalog.models import Level, Voie
from guidance.inserjeunes.territories import DEPARTEMENTS, REGIONS, regions_by_name
from guidance.search.engine import field_choices, field_codes
from guidance.web.forms import MillesimeField, PageField, RememberedSelect
from guidance.web.place import PlaceFields
from guidance.web.reuse.embed import BadgeForm, EmbedForm

# `?tri=` of the formation search within a region: the outcome the results are ordered by (peers.MEASURES keys).
SORTS = {"emploi": "taux_en_emploi_6_mois", "poursuite": "taux_en_formation"}


# The overseas départements (Mayotte under its INSEE code, 976; the territories' codes list other places too:
# 130 Andorre, 985 an older code of Mayotte, the collectivités 975, 977, 978, 986-988, which are no départements).
OVERSEAS_DEPARTEMENTS = frozenset({"971", "972", "973", "974", "976"})


def is_departement(code: str) -> bool:
    """A French département: 01 to 95 (Corsica as 2A and 2B), and the five overseas ones."""
    return code in {"02A", "02B"} or code in OVERSEAS_DEPARTEMENTS or (code.isdigit() and 1 <= int(code) <= 95)


@lru_cache(maxsize=32)  # a constant list per region (DEPARTEMENTS is): built once, not on every formation page
def departement_choices(region_code: str | None = None) -> tuple[tuple[str, str], ...]:
    """Départements by code (`75 – Paris`), those of `region_code` only when given."""
    return tuple(
        (code, f"{code.lstrip('0') or code} – {name}")
        for code, (name, _academie, region) in sorted(DEPARTEMENTS.items())
        if is_departement(code) and (region_code is None or region == region_code)
    )


def _select(label: str, empty: str, choices) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", empty), *choices],
        widget=RememberedSelect(attrs={"class": "fr-select"}),
    )


class DomainField(forms.ChoiceField):
    """`?domaine=`: one of the sub-domains listed, or one NSF group of the catalogue (`domaine=221`, older links
    and the home page's popular fields), which the menu does not list."""

    def valid_value(self, value: str) -> bool:
        return super().valid_value(value) or (len(value) == 3 and value in field_codes())


class FormationSearchForm(PlaceFields, forms.Form):
    """`/formations/?q=&niveau=&voie=&domaine=&region=&page=`, and the place (`lieu=`, `commune=`, `rayon=`)."""

    q = forms.CharField(
        label="Formation, métier ou mot-clé",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "class": "fr-input",
                "type": "search",
                "autocomplete": "off",
                "placeholder": "Par exemple : cuisine, bac pro commerce, aide-soignant",
            }
        ),
    )
    niveau = _select("Niveau", "Tous les niveaux", Level.choices)
    voie = _select("Voie", "Scolaire et apprentissage", Voie.choices)
    domaine = DomainField(
        label="Domaine", required=False, choices=[], widget=forms.Select(attrs={"class": "fr-select"})
    )
    region = _select("Région (formation proposée dans la région)", "Toute la France", [])
    tri = _select(
        "Trier (dans une région)",
        "Par pertinence",
        [("emploi", "Emploi à 6 mois"), ("poursuite", "Poursuite d’études")],
    )
    minimum = forms.IntegerField(
        label="Au moins (en %, dans une région)",
        required=False,
        min_value=0,
        max_value=100,
        help_text="Part minimale pour le tri choisi (emploi à 6 mois par défaut).",
        widget=forms.NumberInput(attrs={"class": "fr-input", "inputmode": "numeric"}),
    )
    # Checkboxes (a GET form without JavaScript sends them only when ticked).
    apres_3e = forms.BooleanField(
        label="Après la 3e seulement",
        required=False,
        help_text="CAP, bac pro et secondes communes : les formations qu’un élève de 3e peut demander.",
    )
    fermes = forms.BooleanField(label="Inclure les diplômes qui ne sont plus délivrés", required=False)
    page = PageField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the fields present in the catalogue (one query), and the regions by name.
        cast(forms.ChoiceField, self.fields["domaine"]).choices = [("", "Tous les domaines"), *field_choices()]
        cast(forms.ChoiceField, self.fields["region"]).choices = [("", "Toute la France"), *regions_by_name()]

    @property
    def has_filters(self) -> bool:
        data = self.cleaned_data
        names = ("niveau", "voie", "domaine", "region", "tri", "apres_3e", "fermes")
        return any(data.get(name) for name in names) or data.get("minimum") is not None

    def search_options(self) -> dict[str, bool]:
        """The options of `search_formations` the checkboxes set."""
        return {"include_closed": self.cleaned_data["fermes"], "after_3e": self.cleaned_data["apres_3e"]}

    def show_region(self, code: str) -> None:
        """Show `code` as the region chosen: the région the search was narrowed to by a place in its words, so that
        the menu never reads "Toute la France" under a notice saying the search is limited to that région."""
        if code and not self.data.get("region"):
            data = dict(self.data.items())  # a QueryDict's items: its last value per key, as the form reads them
            data["region"] = code
            self.data = data

    @property
    def wants_outcome_order(self) -> bool:
        return bool(self.cleaned_data.get("tri")) or self.cleaned_data.get("minimum") is not None

    @property
    def measure(self) -> str:
        """The figure the results are ordered and filtered by (employment at 6 months unless asked otherwise)."""
        return SORTS[self.cleaned_data.get("tri") or "emploi"]


class FormationPageForm(PlaceFields, forms.Form):
    """`/formations/<cfd>/?region=&millesime=&departement=&page=`: the region of the figures and of the schools
    listed, the promotion shown, the département filter of the schools, the page of schools; and the place
    (`commune=`, `rayon=`): the schools by distance, the figures in its region."""

    region = _select("Région", "Choisir une région", [])
    millesime = MillesimeField()
    departement = _select("Département", "Tous les départements", [])
    page = PageField()
    # The voie of the regions' map (`web/formations/regionmap.py`): the first the diploma has when empty.
    carte = forms.ChoiceField(required=False, choices=[("", "Première voie"), *Voie.choices], widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["region"]).choices = [("", "Choisir une région"), *regions_by_name()]
        region = self.data.get("region") if self.data.get("region") in REGIONS else None
        cast(forms.ChoiceField, self.fields["departement"]).choices = [
            ("", "Tous les départements"),
            *departement_choices(region),
        ]


class _PlaceOptions(forms.Form):
    """The region (empty: France) and the promotion of a formation's embed or badge, validated like the page's."""

    region = forms.ChoiceField(required=False, choices=[])
    millesime = MillesimeField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["region"]).choices = [("", "France"), *regions_by_name()]


class FormationEmbedForm(_PlaceOptions, EmbedForm):
    """`/formations/<cfd>/integrer/?region=&millesime=&voie=&layout=`."""


class FormationBadgeForm(_PlaceOptions, BadgeForm):
    """`/formations/<cfd>/badge.svg?region=&millesime=&voie=&theme=&direction=`."""
