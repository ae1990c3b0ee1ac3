"""Fixtures the school pages' tests share."""

import pytest

from guidance.catalog.models import Voie
from guidance.inserjeunes.territories import DEPARTEMENTS
from tests.factories import make_formation, make_offer, make_school, real_bac_pro


@pytest.fixture
def real_pair():
    """A school of a region where the open data has the real bac pro in the voie scolaire (20+ learners)."""
    real = real_bac_pro()
    region = min(r for v, r in real.rows if v == "scolaire" and int(real.rows[(v, r)]["nb_annee_term"]) >= 20)
    departement = min(code for code, (_, _, reg) in DEPARTEMENTS.items() if reg == region)
    formation = make_formation(real.cfd, "Bac pro Formation réelle", mefstat11=real.mefstat11)
    school = make_school("0999001A", "Lycée des métiers Réel", departement_code=departement, town="Quelque part")
    make_offer(school, formation, Voie.SCOLAIRE, mefstat11=real.mefstat11)
    return real, region, school, formation
