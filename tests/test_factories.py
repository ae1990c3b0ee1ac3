"""The factories find what they promise in the open data."""

from tests.factories import real_bac_pro


def test_real_bac_pro_is_found_in_the_open_data():
    real = real_bac_pro()

    assert real.cfd.startswith("400") and len(real.mefstat11) == 11
    assert {voie for voie, _ in real.rows} == {"scolaire", "apprentissage"}
