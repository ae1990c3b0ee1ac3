"""The GET form of the home page: it validates the query string before anything is searched."""

from django import forms

MAX_QUERY_LENGTH = 100


class HomeSearchForm(forms.Form):
    """`/?q=`: the one search box of the home page (formations first, then schools)."""

    q = forms.CharField(
        label="Une formation, un métier, un établissement, une ville",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": "La recherche est trop longue (100 caractères au plus)."},
    )
