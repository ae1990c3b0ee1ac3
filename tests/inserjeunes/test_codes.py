import json
from pathlib import Path

import pytest

from guidance.inserjeunes.codes import (
    CodeKind,
    InvalidCode,
    Millesime,
    departement_from_postal_code,
    departement_of_uai,
    has_millesime_form,
    newest_first,
    parse_certification,
    parse_cfd,
    parse_mefstat11,
    parse_millesime,
    parse_region,
    parse_uai,
)
from guidance.inserjeunes.territories import DEPARTEMENTS, REGIONS


class TestUai:
    def test_valid_uai_is_uppercased_and_stripped(self):
        uai = parse_uai(" 0751234j ")
        assert uai.value == "0751234J"
        assert uai.departement_code == "075"

    @pytest.mark.parametrize("raw", ["075123J", "07512345J", "0751234", "A751234J", "0751234-", "", None, 751234])
    def test_invalid_uai_raises(self, raw):
        with pytest.raises(InvalidCode) as excinfo:
            parse_uai(raw)
        assert excinfo.value.kind == "UAI"


class TestCertification:
    def test_eight_characters_is_a_cfd(self):
        cert = parse_certification("40031212")
        assert (cert.kind, cert.code, cert.prefixed) == (CodeKind.CFD, "40031212", "CFD:40031212")

    def test_eleven_digits_is_a_mefstat11(self):
        cert = parse_certification("23830031212")
        assert (cert.kind, cert.prefixed) == (CodeKind.MEFSTAT11, "MEFSTAT11:23830031212")

    def test_prefixes_are_accepted_and_stripped(self):
        assert parse_certification("cfd:4003121a").code == "4003121A"
        assert parse_certification("MEFSTAT11:23830031212").kind is CodeKind.MEFSTAT11
        sise = parse_certification("SISE:2400019")
        assert (sise.kind, sise.code) == (CodeKind.SISE, "2400019")

    def test_sise_needs_its_prefix(self):
        with pytest.raises(InvalidCode):
            parse_certification("2400019")

    @pytest.mark.parametrize(
        "raw",
        [
            "4003121",
            "400312120",
            "MEFSTAT11:2383003121",
            "MEFSTAT11:23830-31212",
            "CFD:123",
            "XYZ:40031212",
            "SISE:24000190",
            "../etc",
            "",
        ],
    )
    def test_invalid_codes_raise(self, raw):
        with pytest.raises(InvalidCode):
            parse_certification(raw)

    # Upstream: validators.js MEF11_PATTERN `^(?:MEFSTAT11:)?([0-9A-Z]{11})$` (letters since v1.26.1, "accepter les
    # lettres dans les mefstats11"); certificationsRoutes-test.js "…la certification agricole avec le format
    # MEFSTAT11:XXXXXXXXXXX".
    @pytest.mark.parametrize("raw", ["23I01021235", "MEFSTAT11:23I01021235", "23C10023412"])
    def test_a_mefstat11_may_hold_letters(self, raw):
        cert = parse_certification(raw)
        assert (cert.kind, cert.code) == (CodeKind.MEFSTAT11, raw.removeprefix("MEFSTAT11:"))
        assert cert.prefixed == "MEFSTAT11:" + cert.code
        assert parse_mefstat11(raw) == cert

    def test_a_visitors_lower_case_code_is_read_upper_case_so_the_client_never_sends_lower_case(self):
        cert = parse_certification(" mefstat11:23i01021235 ")
        assert cert.prefixed == "MEFSTAT11:23I01021235"
        assert parse_certification("cfd:4003121a").prefixed == "CFD:4003121A"

    # Upstream's patterns are case-sensitive: a lower-case code or prefix is a 400 there (`exact` reads as they do).
    @pytest.mark.parametrize("raw", ["23i01021235", "mefstat11:23830031212", "cfd:40031212", "4003121a", " 40031212"])
    def test_exact_parsing_refuses_what_the_api_refuses(self, raw):
        with pytest.raises(InvalidCode):
            parse_certification(raw, exact=True)

    @pytest.mark.parametrize("raw", ["23I01021235", "MEFSTAT11:23I01021235", "CFD:4003121A", "SISE:2400019"])
    def test_exact_parsing_takes_what_the_api_takes(self, raw):
        assert parse_certification(raw, exact=True) == parse_certification(raw)

    def test_parse_cfd_and_mefstat11_check_the_type(self):
        assert parse_cfd("40031212").kind is CodeKind.CFD
        assert parse_mefstat11("23830031212").kind is CodeKind.MEFSTAT11
        with pytest.raises(InvalidCode):
            parse_cfd("23830031212")
        with pytest.raises(InvalidCode):
            parse_mefstat11("40031212")


class TestRegion:
    @pytest.mark.parametrize(("raw", "code"), [("11", "11"), ("94", "94"), ("00", "00"), ("06", "06")])
    def test_insee_region_codes(self, raw, code):
        assert parse_region(raw).code == code

    @pytest.mark.parametrize(
        ("postal", "departement", "region"),
        [
            ("75011", "075", "11"),  # Paris
            ("01000", "001", "84"),  # Ain, leading zero
            ("31000", "031", "76"),  # Toulouse
            ("97110", "971", "01"),  # Guadeloupe: first 3 digits
            ("97400", "974", "04"),  # La Réunion
            ("97600", "976", "06"),  # Mayotte
            ("98800", "988", "00"),  # Nouvelle-Calédonie: collectivités d'outre-mer
            ("20000", "02A", "94"),  # Ajaccio
            ("20200", "02B", "94"),  # Bastia
        ],
    )
    def test_postal_code_maps_to_its_region_as_the_api_does(self, postal, departement, region):
        assert departement_from_postal_code(postal) == departement
        assert parse_region(postal).code == region

    def test_region_name_comes_with_the_code(self):
        assert parse_region("11").nom == "Île-de-France"

    @pytest.mark.parametrize("raw", ["99", "12", "7501", "750011", "96000", "ABCDE", ""])
    def test_unknown_regions_and_postal_codes_raise(self, raw):
        with pytest.raises(InvalidCode):
            parse_region(raw)


class TestMillesime:
    def test_year(self):
        millesime = parse_millesime("2024")
        assert (millesime.is_period, millesime.last_year, millesime.label) == (False, 2024, "2024")

    def test_period(self):
        millesime = parse_millesime("2023_2024")
        assert (millesime.is_period, millesime.last_year, millesime.label) == (True, 2024, "2023-2024")

    def test_millesimes_sort_by_value(self):
        assert sorted([parse_millesime("2024"), parse_millesime("2022_2023")])[0].value == "2022_2023"

    @pytest.mark.parametrize("raw", ["24", "2023-2024", "2023_24", "20232024", "2024_", "", None])
    def test_invalid_millesimes_raise(self, raw):
        with pytest.raises(InvalidCode):
            parse_millesime(raw)


class TestFixesToCodes:
    @pytest.mark.parametrize(("raw", "departement"), [("6200001G", "02A"), ("7200009X", "02B"), ("0310001A", "031")])
    def test_corsican_uais_map_to_02a_and_02b(self, raw, departement):
        assert parse_uai(raw).departement_code == departement

    @pytest.mark.parametrize("raw", ["2024_2023", "2022_2024", "2023_2023"])
    def test_a_period_is_two_consecutive_years(self, raw):
        with pytest.raises(InvalidCode):
            parse_millesime(raw)


def test_millesime_arithmetic_lives_on_the_value_object():
    assert Millesime("2022_2023").previous() == Millesime("2021_2022")
    assert Millesime("2024").previous() == Millesime("2023")
    assert Millesime("2022_2023").national() == Millesime("2023")
    assert Millesime("2023").regional() == Millesime("2022_2023")
    assert Millesime("2023").national() == Millesime("2023")


def test_millesimes_sort_newest_first_the_year_before_the_period_ending_with_it():
    assert newest_first(["2021_2022", "2023", "2022_2023", "2022", "2023", ""]) == [
        "2023",
        "2022_2023",
        "2022",
        "2021_2022",
    ]


@pytest.mark.parametrize(
    ("uai", "departement"),
    [("0750001A", "075"), ("9710001A", "971"), ("6200001A", "02A"), ("7200001B", "02B"), ("0310024H", "031")],
)
def test_one_rule_maps_a_uai_to_its_departement_corsica_included(uai, departement):
    assert departement_of_uai(uai) == departement
    assert parse_uai(uai).departement_code == departement
    assert departement in DEPARTEMENTS


class TestTerritoriesAsTheApiKnowsThem:
    """Against the API's own table, copied as data in tests/inserjeunes/upstream/regions.json from upstream
    server/src/services/regions.js (REGIONS; `findRegionByCodePostal`, `getAcademies` used by validators.js)."""

    @staticmethod
    def upstream_regions() -> dict[str, dict]:
        path = Path(__file__).parent / "upstream" / "regions.json"
        return json.loads(path.read_text(encoding="utf-8"))["regions"]

    def test_every_postal_code_the_api_maps_gives_the_same_region(self):
        for region, data in self.upstream_regions().items():
            for departement in data["departements"]:
                if departement in {"2A", "2B"}:  # not a postal code's digits
                    continue
                postal = (departement + "000")[:5]  # 75000, 97100, 20000…
                assert parse_region(postal).code == region, postal

    def test_every_postal_code_the_api_refuses_is_refused(self):
        listed = {d for data in self.upstream_regions().values() for d in data["departements"]}
        for prefix in [f"{n:02d}" for n in range(100) if n not in (97, 98)] + [f"9{n}" for n in range(70, 100)]:
            postal = (prefix + "000")[:5]
            if prefix in listed:
                continue
            with pytest.raises(InvalidCode):
                parse_region(postal)

    @pytest.mark.parametrize(("postal", "region"), [("97700", "00"), ("97800", "00"), ("98400", "00"), ("98900", "00")])
    def test_overseas_collectivities_are_in_region_00(self, postal, region):
        assert parse_region(postal).code == region

    def test_985_is_no_postal_code_though_the_referential_keeps_it_for_uais(self):
        with pytest.raises(InvalidCode):
            parse_region("98500")
        assert DEPARTEMENTS["985"][2] == "06"

    def test_the_region_codes_are_the_apis(self):
        assert set(REGIONS) == set(self.upstream_regions())

    def test_the_region_names_are_the_apis_to_the_letter(self):
        # The replica writes them in `region.nom` and `_meta.details` ("et la région Collectivités d'outre-mer").
        assert {code: data["nom"] for code, data in self.upstream_regions().items()} == REGIONS


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023", True),
        ("2022_2023", True),
        ("2020_2019", True),  # the form of an answer, not a question the site would ask (`parse_millesime`)
        ("2023\n", False),
        (" 2023", False),
        ("2022-2023", False),
        (2023, False),
        (None, False),
        (["2023"], False),
    ],
)
def test_the_form_of_an_answered_millesime(value, expected):
    assert has_millesime_form(value) is expected
