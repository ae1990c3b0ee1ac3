"""Job words → the words trainings are named with, so that "cuisinier" finds CAP Cuisine and "garage" the
maintenance of vehicles. Families search with the job they picture; the BCN names the diploma by its field.

Keys and values are folded (no accents, lower case); keys are matched after `text.stem`. The related words are
alternatives of the typed word in its group (it still matches by itself), ranked below what was typed.
"""

from guidance.catalog.text import stem

_RELATED: dict[str, tuple[str, ...]] = {
    "cuisinier": ("cuisine",),
    "cuisiniere": ("cuisine",),
    "coiffeur": ("coiffure",),
    "coiffeuse": ("coiffure",),
    "serveur": ("restaurant", "restauration"),
    "serveuse": ("restaurant", "restauration"),
    "barman": ("restaurant", "bar"),
    "patissier": ("patisserie",),
    "patissiere": ("patisserie",),
    "charcutier": ("charcuterie",),
    "mecanicien": ("vehicule", "mecanique"),
    "garage": ("vehicule", "automobile"),
    "garagiste": ("vehicule", "automobile"),
    "voiture": ("vehicule", "automobile"),
    "carrossier": ("carrosserie",),
    "vendeur": ("vente", "commerce"),
    "vendeuse": ("vente", "commerce"),
    "caissier": ("vente", "commerce"),
    "caissiere": ("vente", "commerce"),
    "electricien": ("electricite", "electrotechnique"),
    "plombier": ("sanitaire", "plomberie"),
    "chauffeur": ("conduite", "transport"),
    "routier": ("conduite", "transport"),
    "informaticien": ("informatique", "numerique"),
    "estheticien": ("esthetique",),
    "estheticienne": ("esthetique",),
    "soudeur": ("soudage", "chaudronnerie"),
    "agriculteur": ("agricole", "agriculture"),
    "eleveur": ("elevage",),
    "animateur": ("animation",),
    "fleuriste": ("fleur", "fleuriste"),
    "policier": ("securite",),
    "pompier": ("securite",),
    "secretaire": ("secretariat", "administration"),
    "comptable": ("comptabilite",),
}

RELATED_WORDS: dict[str, tuple[str, ...]] = {stem(key): words for key, words in _RELATED.items()}
