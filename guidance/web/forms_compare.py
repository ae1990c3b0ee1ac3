"""The GET form of the compare page and of its CSV export: `?item=…&item=…&region=`.

Invalid forms make the views answer the 400 page with `first_error(form)`.
"""

from django import forms

from guidance.web.compare_items import InvalidItem, parse_items
from guidance.web.forms import region_choices


class ItemsField(forms.Field):
    """Every `item=` of the query string (a repeated parameter), parsed into items (see `compare_items`)."""

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


class CompareForm(forms.Form):
    item = ItemsField(required=False)
    region = forms.ChoiceField(
        label="Région des chiffres des formations",
        required=False,
        choices=[],
        error_messages={"invalid_choice": "Cette région n’existe pas."},
        widget=forms.Select(attrs={"class": "fr-select"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "Toute la France"), *region_choices()]


def first_error(form: forms.Form) -> str:
    """The first message of an invalid form, as one sentence for the 400 page."""
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return "L’adresse de la comparaison n’est pas valide. Vérifiez le lien."
