"""Job words the official tables do not cover well, mapped to the words trainings are named with.

Since issue 11 the job words come from the data: `guidance.orientation.jobs` reads the 11,522 ROME job titles
and Certif Info's CFD → ROME links ("plombier", "cariste", "assistante maternelle" find their diplomas). Only the
entries below stay, each because the data lack it (checked on the full files):
- "garage", "garagiste", "voiture": not (or barely) job titles; in the titles they name car rental, engineering
  or transport jobs, while families typing them mean car repair (maintenance des véhicules);
- "mecanicien" alone: its 60 titles spread over 30 kinds of mechanics (boats, aircraft, farm machines); families
  typing it mostly mean cars, so the vehicle field is added (ranked below the data's own diplomas);
- "cuisinier", "cuisiniere": ROME 4 files the title "Cuisinier / Cuisinière" under G1601 while Certif Info links
  the CAP Cuisine (50022139, 50022146) to G1602 only, so the data alone miss the CAP everyone means;
- "policier": a single title (policier municipal) leading to a single diploma; the security diplomas of the BCN
  (métiers de la sécurité) are what a student picturing the police can enter.

Keys and values are folded (no accents, lower case); keys are matched after `text.stem`. The related words are
alternatives of the typed word in its group (it still matches by itself), ranked below what was typed.
"""

from guidance.catalog.text import stem

_RELATED: dict[str, tuple[str, ...]] = {
    "cuisinier": ("cuisine",),
    "cuisiniere": ("cuisine",),
    "mecanicien": ("vehicule", "mecanique"),
    "garage": ("vehicule", "automobile"),
    "garagiste": ("vehicule", "automobile"),
    "voiture": ("vehicule", "automobile"),
    "policier": ("securite",),
}

RELATED_WORDS: dict[str, tuple[str, ...]] = {stem(key): words for key, words in _RELATED.items()}
