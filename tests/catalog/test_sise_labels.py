"""Readable labels of SISE diplomas: the BCN's upper case without accents turned into French (issue 25)."""

from guidance.catalog.sise_labels import (
    ENGINEERING,
    SISE_TYPES,
    InflectingRestorer,
    ProperNames,
    place_names,
    sise_label,
)

RESTORE = InflectingRestorer(
    ["supérieur appliqué ingénieur numérique métiers rédaction réalisation école intégré spécialité"]
)
PLACES = ProperNames(["Toulouse", "Saint-Étienne"], anywhere=["Lyon"])


def label(kind: str, mention: str, part: str = "") -> str:
    return sise_label(SISE_TYPES[kind], mention, part, RESTORE, PLACES)[0]


def test_type_then_mention_in_sentence_case_with_accents():
    assert label("XA", "INFORMATIQUE") == "Licence Informatique"
    assert label("DP", "METIERS DU NUMERIQUE : REDACTION ET REALISATION WEB") == (
        "Licence pro Métiers du numérique : rédaction et réalisation web"
    )


def test_plural_and_feminine_forms_of_a_known_word_get_their_accents():
    assert RESTORE("superieures") == "supérieures"
    assert RESTORE("appliquees") == "appliquées"
    assert RESTORE("ingenieurs") == "ingénieurs"
    assert RESTORE("diplome") == "diplôme"  # a noun in these labels, not "diplômé"


def test_the_parcours_of_a_but_and_the_acronyms_in_parentheses():
    assert label("DR", "INFORMATIQUE", "REALISATION D'APPLICATIONS") == (
        "BUT Informatique, parcours réalisation d’applications"
    )
    assert label("XB", "METHODES INFORMATIQUES APPLIQUEES A LA GESTION DES ENTREPRISES (MIAGE)").endswith("(MIAGE)")


def test_a_mention_that_says_its_type_is_not_preceded_by_it_twice():
    assert label("XB", "MASTER INTEGRE FRANCO-ALLEMAND") == "Master intégré franco-allemand"


def test_an_engineering_diploma_names_its_school_with_capitals_and_places():
    text = label("FI", "INGENIEUR DIPLOME DE L'ECOLE NATIONALE SUPERIEURE DE TOULOUSE, SPECIALITE X")
    assert text == "Diplôme d’ingénieur de l’École nationale supérieure de Toulouse, spécialité x"
    assert SISE_TYPES["FI"].label == ENGINEERING
    assert label("RA", "PROGRAMME GRANDE ECOLE DE EM LYON") == "Programme grande école de EM Lyon"


def test_only_populated_communes_are_place_names():
    places = place_names([{"nom": "Toulouse", "population": 500000}, {"nom": "École", "population": 300}, {"nom": "x"}])
    assert places.apply("de toulouse de école") == "de Toulouse de école"
