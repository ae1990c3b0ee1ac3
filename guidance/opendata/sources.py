"""The contract of every open-data file the import reads: where it is, how it is encoded and delimited, and the
columns the importers take from it (their `row["…"]`). `checks` holds each file to it before anything is written.

Every file the import reads is required: an importer that skips a missing file deletes what that file used to
bring (a missing constat file took 12,183 offers with it). The DEPP per-school files are found by name, one source
each (their columns are positional: `catalog.importers.indicators.depp_width` says how many cells a row has).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from guidance.catalog.importers.indicators import DEPP_GLOB, depp_width

CSV, JSON, ZIPPED_JSON = "csv", "json", "zip+json"


@dataclass(frozen=True)
class Source:
    path: str  # relative to the open-data folder, with "/" (what the operator reads in a refusal)
    columns: tuple[str, ...] = ()  # header cells the importers read (compared stripped, as `read_dicts` does)
    encoding: str = "utf-8"
    delimiter: str = ";"
    kind: str = CSV
    width: int | None = None  # positional files: the cells of the header and of every row
    keys: tuple[str, ...] = ()  # JSON records: the keys the importers read

    @property
    def compressed(self) -> bool:
        """A bzip2 file (`bcn_sise/`), read decompressed."""
        return self.path.endswith(".bz2")


def _codes(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{n}" for n in range(1, count + 1))


OFFERS = "offre_formation_affelnet_parcoursup"
ROME = "formations_metiers_rome"
DEPP_FOLDER = "inserjeunes_etablissements_depp"
DEPP_PATTERN = f"{DEPP_FOLDER}/{DEPP_GLOB}"  # at least one file: the per-school figures of lycées and CFAs

# In the order the import reads them.
FIXED_SOURCES: tuple[Source, ...] = (
    Source("inserjeunes_regional_par_formation/ij_region_data.csv", ("voie", "mefstat11", "cfd")),
    Source(
        "bcn/nMef.csv",
        ("MEF_STAT_11", "MEF", "FORMATION_DIPLOME", "ANNEE_DISPOSITIF", "DUREE_DISPOSITIF", "LIBELLE_LONG"),
    ),
    Source(
        "bcn/nNiveauFormationDiplome_.csv",
        ("NIVEAU_FORMATION_DIPLOME", "LIBELLE_COURT", "LIBELLE_100", "NIVEAU_QUALIFICATION_RNCP"),
    ),
    Source("bcn/nFormationDiplome_.csv", ("FORMATION_DIPLOME", "ANCIEN_DIPLOME_1", "NOUVEAU_DIPLOME_1"), "cp1252"),
    Source("bcn/familleMetiers.csv", ("CFD_COMMUN", "CFD_SPECIALITE", "FAMILLE", "SPECIALITE")),
    Source("bcn/n_lien_mef_famille_metier.csv", ("MEF", "FAMILLE_METIER")),
    Source("bcn/diplomesProfessionnels.csv", ("Code diplôme", "Intitulé de la spécialité (et options)")),
    Source("bcn/n_famille_metier_spec_pro.csv", ("LIBELLE_EDITION",)),
    Source("bcn/n_groupe_specialite_.csv", ("GROUPE_SPECIALITE", "LIBELLE_LONG")),
    Source(
        "bcn/vFormationDiplome_.csv",
        (
            "FORMATION_DIPLOME",
            "NIVEAU_FORMATION_DIPLOME",
            "GROUPE_SPECIALITE",
            "LIBELLE_COURT",
            "LIBELLE_STAT_33",
            "LIBELLE_LONG_200",
            "DATE_OUVERTURE",
            "DATE_FERMETURE",
            "NIVEAU_QUALIFICATION_RNCP",
        ),
    ),
    Source(
        "bcn_sise/BCN_n_diplome_sise.csv.bz2",
        (
            "DIPLOME_SISE",
            "TYPE_DIPLOME_SISE",
            "LIBELLE_INTITULE_1",
            "LIBELLE_INTITULE_2",
            "GROUPE_SPECIALITE",
            "SECTEUR_DISCIPLINAIRE_SISE",
            "DUREE",
            "DATE_OUVERTURE",
            "DATE_FERMETURE",
        ),
        "latin-1",
    ),
    Source(
        "bcn_sise/BCN_n_secteur_disciplinaire_sise.csv.bz2",
        ("SECTEUR_DISCIPLINAIRE_SISE", "LIBELLE_SECTEUR_DISCIPLINAIRE"),
        "latin-1",
    ),
    Source("bcn/N_TYPE_DIPLOME_SISE.json", kind=JSON, keys=("type_diplome_sise", "date_fermeture")),
    Source(
        "inserjeunes_cfa/fr-en-inserjeunes-cfa.csv",
        (
            "UAI",
            "Année",
            "Libellé",
            "Région",
            "DEVENIR Part poursuite études",
            "DEVENIR Part en emploi 6 mois",
            "DEVENIR Part autre situation 6 mois",
            "Part contrats apprentissage interrompus",
            "Taux poursuite études",
            "Taux emploi 6 mois",
            "Taux emploi 6 mois attendu",
            "VA emploi 6 mois",
            "Taux emploi 12 mois",
            "Taux emploi 18 mois",
            "Taux emploi 24 mois",
        ),
    ),
    Source(
        f"{OFFERS}/parcoursup_bts_attractivite_capacite_2024.csv",
        ("UAI", "STATUT", "MEFSTAT11", "CAPACITEPSUP", "NB_VOEUX_CONFIRMES", "LIBELLÉFORMATION"),
    ),
    Source(
        f"{OFFERS}/affelnet_attractivite_capacite_2022.csv",
        (
            "Etablissement d'accueil",
            "Statut Offre de formation",
            "MEF STAT 11",
            "mef_stat_terminale",
            "Capacité carte scolaire",
            "Demandes vœux 1",
            "Voeu de recensement O/N",
            "Famille de métiers",
        ),
    ),
    Source("offre_formation_constat_2020/constat_2020.csv", ("UAI", "Mef Bcp 11", "Nombre d'élèves : Total")),
    Source(
        "etablissements_annuaire_occitanie/fr-en-annuaire-education_occitanie.csv",
        (
            "Identifiant_de_l_etablissement",
            "Nom_etablissement",
            "Type_etablissement",
            "Statut_public_prive",
            "Adresse_1",
            "Adresse_2",
            "Code_postal",
            "Nom_commune",
            "Code_commune",
            "Code_departement",
            "Code_academie",
            "Code_region",
            "Voie_professionnelle",
            "Apprentissage",
            "Lycee_Agricole",
            "libelle_nature",
            "latitude",
            "longitude",
            "SIREN_SIRET",
        ),
    ),
    Source(
        "etablissements_catalogue_apprentissage/catalogue_etablissement_apprentissage_20221010.zip",
        kind=ZIPPED_JSON,
        keys=("uai",),
    ),
    Source(
        "etablissements_ips_lycees/fr-en-ips_lycees.csv",
        (
            "rentree_scolaire",
            "uai",
            "nom_de_l_etablissment",
            "code_insee_de_la_commune",
            "secteur",
            "type_de_lycee",
        ),
    ),
    Source("geo/communes_positions.csv", ("code_insee", "nom", "latitude", "longitude"), delimiter=","),
    Source(
        f"{ROME}/unix_referentiel_code_rome_v460_utf8.csv",
        ("code_rome", "code_rome_parent", "libelle_rome", "transition_eco", "emploi_reglemente"),
        delimiter=",",
    ),
    Source(f"{ROME}/domaine_professionnel.csv", ("code_domaine_professionnel", "libelle_domaine_professionnel")),
    Source(
        f"{ROME}/metier.csv",
        ("code_ogr", "code_rome", "libelle_appellation_long", "libelle_appellation_court", "classification"),
    ),
    Source(f"{ROME}/romeMetier.csv", ("Code ROME", "lien site onisep.fr", "libellé métier onisep")),
    Source(f"{ROME}/certif_info.csv", ("Code_Scolarité", "codeIdeo2", *_codes("Code_Rome_", 5))),
    Source(
        "onisep_ideo_formations_2022/ideo-formations_initiales_en_france.csv",
        (
            "lien site onisep.fr",
            "libellé formation principal",
            "libellé type formation",
            "durée",
            "libellé niveau RNCP",
            "domaine/sous-domaine",
        ),
    ),
    Source("communes/communes.json", kind=JSON, keys=("code", "nom", "type")),
)


def sources(root: Path, previous: dict[str, int] | None = None) -> list[Source]:
    """Every source of an import of `root`: the fixed files, then each DEPP file present, then each DEPP file the
    previous import read that is no longer there (`checks` says it is missing)."""
    found = [*FIXED_SOURCES]
    folder = root / DEPP_FOLDER
    depp = sorted(path.name for path in folder.glob(DEPP_GLOB)) if folder.is_dir() else []
    gone = [path.rsplit("/", 1)[-1] for path in previous or {} if path.startswith(f"{DEPP_FOLDER}/")]
    for name in sorted({*depp, *gone}):
        found.append(Source(f"{DEPP_FOLDER}/{name}", width=depp_width(Path(name))))
    return found
