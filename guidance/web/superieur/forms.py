"""GET forms of the higher-education pages: the promotion shown (`?millesime=`), and the embed's and badge's
options. A value our pages could not have made is a 400 (`forms.require_valid`)."""

from django import forms

from guidance.web.forms import MillesimeField
from guidance.web.reuse.embed import BadgeForm, EmbedForm


class SuperieurPageForm(forms.Form):
    """`/formations/<SISE>/?millesime=` and `/etablissements/<UAI>/formations/<SISE>/?millesime=`."""

    millesime = MillesimeField()


class _Options(SuperieurPageForm):
    """An embed's or a badge's promotion; its `voie` is the one of every embed (a diploma of higher education has one
    set of figures, shown whatever the voie asked)."""


class SuperieurEmbedForm(_Options, EmbedForm):
    """`…/integrer/?millesime=&layout=`."""


class SuperieurBadgeForm(_Options, BadgeForm):
    """`…/badge.svg?millesime=&theme=&direction=`."""
