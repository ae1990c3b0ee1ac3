"""The GET form of the compare page and of its CSV export: `?item=…&item=…&region=`.

Invalid forms make the views answer the 400 page (`forms.require_valid`).
"""

from typing import cast

from django import forms

from guidance.inserjeunes.territories import regions_by_name
from guidance.web.place import PlaceFields
from guidance.web.shortlist import InvalidItem, parse_items


class ItemsField(forms.Field):
    """Every `item=` of the query string (a repeated parameter), parsed into items (see `guidance.web.shortlist`)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        try:
            return parse_items([str(v) for v in value])
        except InvalidItem as error:
            raise forms.ValidationError(error.message) from None


class CompareForm(PlaceFields, forms.Form):
    item = ItemsField(required=False)
    region = forms.ChoiceField(
        label="Région des chiffres des formations",
        required=False,
        choices=[],
        widget=forms.Select(attrs={"class": "fr-select"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["region"]).choices = [("", "Toute la France"), *regions_by_name()]
