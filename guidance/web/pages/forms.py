"""The GET form of the home page: it validates the query string before anything is searched."""

from django import forms

from guidance.web.forms import SearchField


class HomeSearchForm(forms.Form):
    """`/?q=`: the one search box of the home page (formations first, then schools)."""

    q = SearchField("Une formation, un métier, un établissement, une ville")


class NearMeForm(forms.Form):
    """`/lieux/autour/?lat=&lon=`: a browser's position ("Autour de moi"), read rounded to about a kilometre."""

    lat = forms.FloatField(min_value=-90, max_value=90)
    lon = forms.FloatField(min_value=-180, max_value=180)
