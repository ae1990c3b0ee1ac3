"""A school the API names that the open data did not: one row, its territory completed from its UAI where the API's
region or académie is not one we know. Shared by the InserJeunes and the InserSup list routes (`api_sync.py`,
`api_sync_higher.py`)."""

from django.utils.text import slugify

from guidance.catalog.models import School, SchoolKind
from guidance.inserjeunes.codes import departement_of_uai
from guidance.inserjeunes.territories import ACADEMIES, DEPARTEMENTS, REGIONS


def new_school(uai: str, *, name: str, region: str, academie: str, kind: SchoolKind) -> School:
    departement = departement_of_uai(uai)
    territory = DEPARTEMENTS.get(departement)
    return School(
        uai=uai,
        name=name[:300],
        slug=slugify(name)[:120] or uai.lower(),
        kind=kind,
        departement_code=departement if territory else "",
        academie_code=academie.zfill(2) if academie.zfill(2) in ACADEMIES else (territory[1] if territory else ""),
        region_code=region if region in REGIONS else (territory[2] if territory else ""),
    )
