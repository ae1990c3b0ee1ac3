"""The catalogue: trainings (Formation, Mef), schools, who offers what (Offer, HigherEducationOffer) and the DEPP
per-school figures. Filled by `import_opendata` (open-data files) or `sync_catalog_from_api`; read by the pages and
by the search. Natural keys (cfd, mefstat11, uai) are unique, so imports are upserts.

Higher-education diplomas (InserSup's figures) are `Formation` rows with `code_type = SISE` and their SISE code in
`cfd` (7 characters where a CFD has 8): every page takes them as it takes the others (`higher_education.py`).
"""

import datetime

from django.db import models
from django.utils import timezone

from guidance.catalog.dates import add_months
from guidance.catalog.higher_education import SUPERIEUR, CodeType, SiseDiploma
from guidance.catalog.higher_education import HigherEducationOffer as HigherEducationOffer  # re-exported
from guidance.inserjeunes.codes import Certification, parse_cfd, parse_mefstat11, parsed_or_none
from guidance.inserjeunes.territories import ACADEMIES, DEPARTEMENTS, REGIONS


class Voie(models.TextChoices):
    SCOLAIRE = "scolaire", "Voie scolaire"
    APPRENTISSAGE = "apprentissage", "Apprentissage"


class Level(models.TextChoices):
    """European qualification level (RNCP), as the BCN gives it."""

    LEVEL_3 = "3", "Niveau 3 (CAP, BEP, MC niveau 3)"
    LEVEL_4 = "4", "Niveau 4 (Bac pro, BP, BMA, MC niveau 4)"
    LEVEL_5 = "5", "Niveau 5 (Bac + 2 : BTS, DUT, DEUST)"
    LEVEL_6 = "6", "Niveau 6 (Bac + 3 : licence, licence pro, BUT)"
    LEVEL_7 = "7", "Niveau 7 (Bac + 5 : master, ingénieur)"
    LEVEL_8 = "8", "Niveau 8 (doctorat)"


class Formation(SiseDiploma, models.Model):
    """One diploma of the BCN, whatever the voie: a CFD, or a higher-education diploma (SISE, `code_type`)."""

    # The diploma's code: a CFD (8 characters), or the SISE code (7 characters) of a higher-education diploma.
    cfd = models.CharField(max_length=8, unique=True)
    code_type = models.CharField(max_length=4, choices=CodeType.choices, default=CodeType.CFD)
    label = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120)
    # BCN NIVEAU_FORMATION_DIPLOME (first 3 chars of the CFD: 500 CAP, 400 Bac pro, 320 BTS…).
    diploma_code = models.CharField(max_length=3, blank=True)
    diploma_type = models.CharField(max_length=120, blank=True)
    level = models.CharField(max_length=1, choices=Level.choices, blank=True)
    duration_years = models.PositiveSmallIntegerField(null=True, blank=True)
    field_code = models.CharField(max_length=3, blank=True)  # NSF group (GROUPE_SPECIALITE)
    field_label = models.CharField(max_length=200, blank=True)
    # SISE's disciplinary sector (SECTEUR_DISCIPLINAIRE_SISE: 14 "Informatique", 36 "Sciences juridiques"…).
    discipline_code = models.CharField(max_length=2, blank=True)
    discipline_label = models.CharField(max_length=200, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    former_cfds = models.JSONField(default=list, blank=True)  # ANCIEN_DIPLOME_1..7
    new_cfds = models.JSONField(default=list, blank=True)  # NOUVEAU_DIPLOME_1..7
    family_code = models.CharField(max_length=10, blank=True)  # famille de métiers (BCN code or G0003…)
    family_label = models.CharField(max_length=200, blank=True)
    is_seconde_commune = models.BooleanField(default=False)
    has_figures = models.BooleanField(default=False)
    # Which voies have InserJeunes figures (ij_region_data: scolaire by final-year MEFSTAT11, apprentissage by CFD).
    has_figures_scolaire = models.BooleanField(default=False)
    has_figures_apprentissage = models.BooleanField(default=False)
    offer_count = models.PositiveIntegerField(default=0)  # schools offering it, kept by the importer
    # Normalised words the search indexes (label, acronyms, field, family), accents folded.
    search_text = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = "formation"
        ordering = ["label", "cfd"]
        indexes = [
            models.Index(fields=["level", "label"], name="formation_level_idx"),
            models.Index(fields=["field_code"], name="formation_field_idx"),
            models.Index(fields=["has_figures"], name="formation_figures_idx"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def level_label(self) -> str:
        return self.get_level_display() if self.level else ""

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def final_year_mefs(self) -> list["Mef"]:
        return [mef for mef in self.mefs.all() if mef.is_final_year]

    def certifications(self) -> list[tuple[str, Certification]]:
        """InserJeunes keys per voie: scolaire → each final-year MEFSTAT11, apprentissage → the CFD.

        Ordered scolaire first, then apprentissage. Among several cursus (a CAP taught in 1, 2 or 3 years), the
        usual one (`duration_years`) comes first, then by MEFSTAT11: where one figure stands for the voie, it is
        the cursus most pupils follow, not a 1-year cursus of a few dozen adults that happens to have the lowest
        code. Uses `mefs` prefetched when present.
        """
        codes: list[tuple[str, Certification]] = []
        if self.is_superieur:
            return codes  # InserSup's key is not an InserJeunes one: `sise_certification`

        def usual_first(mef: Mef) -> tuple[bool, str]:
            return (self.duration_years is not None and mef.duration_years != self.duration_years, mef.mefstat11)

        # Catalogue codes come from files: parsed before they reach an upstream URL, a malformed one is skipped.
        for mef in sorted(self.final_year_mefs(), key=usual_first):
            if cert := parsed_or_none(parse_mefstat11, mef.mefstat11):  # letters (23I… agricultural) parse too
                codes.append((Voie.SCOLAIRE.value, cert))
        if cert := parsed_or_none(parse_cfd, self.cfd):
            codes.append((Voie.APPRENTISSAGE.value, cert))
        return codes

    def certification_for(self, voie: str, mefstat11: str = "") -> Certification | None:
        """The InserJeunes key of this training in `voie`, the one rule of every page and of `indicators_warm`.

        Apprentissage: the CFD. Voie scolaire: the offer's own final-year `mefstat11` when it parses, else the
        formation's first final year, its usual cursus's (`mefs` prefetched keeps it query-free). None when there
        is no valid code. A higher-education diploma has one key, its SISE code, asked as the voie `SUPERIEUR`.
        """
        if voie == SUPERIEUR:
            return self.sise_certification()
        if voie == Voie.SCOLAIRE and mefstat11 and (cert := parsed_or_none(parse_mefstat11, mefstat11)):
            return cert
        return next((cert for cert_voie, cert in self.certifications() if cert_voie == voie), None)

    def is_new(self, today: datetime.date | None = None) -> bool:
        """Too recent for the source to have figures: no first cohort has finished it and been followed 6 months.

        The first cohort starts on `opened_on` and leaves `duration_years` later; InserJeunes measures it 6 months
        after it left (its first horizon). Before that day no figure can exist, so "trop récente" is the true
        reason for a missing figure; after it, a missing figure has another cause, which the source gives.
        A missing duration counts as one year: the shortest cursus, so we never call a training new for too long.
        """
        if self.opened_on is None:
            return False
        today = today or timezone.localdate()
        first_measure = add_months(self.opened_on, 12 * (self.duration_years or 1) + 6)
        return today < first_measure

    def former_formations(self):
        return Formation.objects.filter(cfd__in=self.former_cfds)

    def new_formations(self):
        return Formation.objects.filter(cfd__in=self.new_cfds)


class Mef(models.Model):
    """One year of a school-track cursus (BCN N_MEF); the final year's MEFSTAT11 is the InserJeunes key."""

    mefstat11 = models.CharField(max_length=11, unique=True)
    mef = models.CharField(max_length=10, blank=True)  # BCN MEF (10 chars), key of the familles de métiers links
    formation = models.ForeignKey(Formation, on_delete=models.CASCADE, related_name="mefs")
    year = models.PositiveSmallIntegerField(null=True, blank=True)  # ANNEE_DISPOSITIF
    duration_years = models.PositiveSmallIntegerField(null=True, blank=True)  # DUREE_DISPOSITIF
    is_final_year = models.BooleanField(default=False)
    label = models.CharField(max_length=200, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "MEF"
        ordering = ["formation_id", "year", "mefstat11"]
        indexes = [models.Index(fields=["formation", "is_final_year"], name="mef_formation_final_idx")]

    def __str__(self) -> str:
        return f"{self.mefstat11} {self.label}"


class SchoolKind(models.TextChoices):
    LYCEE_PRO = "lp", "Lycée professionnel"
    LYCEE_POLYVALENT = "lpo", "Lycée polyvalent"
    LYCEE_GT = "legt", "Lycée général et technologique"
    SEP = "sep", "Section d'enseignement professionnel"
    LYCEE_AGRICOLE = "agricole", "Lycée agricole"
    LYCEE = "lycee", "Lycée"
    EREA = "erea", "EREA"
    CFA = "cfa", "Centre de formation d'apprentis (CFA)"
    SUPERIEUR = "superieur", "Établissement d’enseignement supérieur"
    OTHER = "autre", "Autre établissement"


class Sector(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVE = "prive", "Privé"
    UNKNOWN = "inconnu", "Non renseigné"


class PositionPrecision(models.TextChoices):
    """How a school's point was found: its own address's coordinates, or the point of its commune ("environ")."""

    ADDRESS = "adresse", "Adresse de l’établissement"
    COMMUNE = "commune", "Centre de sa commune"


class School(models.Model):
    uai = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120)
    kind = models.CharField(max_length=10, choices=SchoolKind.choices, default=SchoolKind.OTHER)
    sector = models.CharField(max_length=8, choices=Sector.choices, default=Sector.UNKNOWN)
    address = models.CharField(max_length=300, blank=True)
    postal_code = models.CharField(max_length=5, blank=True)
    town = models.CharField(max_length=120, blank=True)
    departement_code = models.CharField(max_length=3, blank=True)
    academie_code = models.CharField(max_length=2, blank=True)
    region_code = models.CharField(max_length=2, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # "" when the school has no point (`latitude` / `longitude` then null).
    position_precision = models.CharField(max_length=8, choices=PositionPrecision.choices, blank=True)
    commune_code = models.CharField(max_length=5, blank=True)  # INSEE code of its commune, when a file gives it
    siret = models.CharField(max_length=14, blank=True)
    search_text = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = "établissement"
        ordering = ["name", "uai"]
        indexes = [
            models.Index(fields=["region_code", "kind"], name="school_region_kind_idx"),
            models.Index(fields=["departement_code"], name="school_departement_idx"),
            models.Index(fields=["postal_code"], name="school_postal_idx"),
            # The bounding-box prefilter of a distance search (`guidance.search.nearby`).
            models.Index(fields=["latitude", "longitude"], name="school_position_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name to show: some UAIs appear only in offer files, which give no name (we never invent one)."""
        return self.name or f"Établissement {self.uai}"

    @property
    def kind_label(self) -> str:
        return self.get_kind_display()

    @property
    def sector_label(self) -> str:
        return self.get_sector_display()

    @property
    def region_name(self) -> str:
        return REGIONS.get(self.region_code, "")

    @property
    def academie_name(self) -> str:
        return ACADEMIES.get(self.academie_code, ("", ""))[0]

    @property
    def departement_name(self) -> str:
        return DEPARTEMENTS.get(self.departement_code, ("", "", ""))[0]

    @property
    def is_cfa(self) -> bool:
        return self.kind == SchoolKind.CFA

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def position_is_approximate(self) -> bool:
        """The point is its commune's, not its address's: distances to it are "environ" (about 1.6 km off)."""
        return self.position_precision == PositionPrecision.COMMUNE


class Source(models.TextChoices):
    AFFELNET_2022 = "affelnet_2022", "Affelnet 2022"
    PARCOURSUP_2024 = "parcoursup_2024", "Parcoursup 2024"
    CONSTAT_2020 = "constat_2020", "Constat de rentrée 2020"
    CATALOGUE = "catalogue", "Catalogue de l'apprentissage"
    API = "api", "API InserJeunes"


class OfferQuerySet(models.QuerySet):
    def for_formation(self, formation: "Formation | int"):
        return self.filter(formation=formation)

    def in_region(self, region_code: str):
        return self.filter(region_code=region_code)

    def in_departement(self, departement_code: str):
        return self.filter(departement_code=departement_code)


class Offer(models.Model):
    """A school teaches a formation in one voie. Region/département are copied from the school for indexed filters."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="offers")
    formation = models.ForeignKey(Formation, on_delete=models.CASCADE, related_name="offers")
    voie = models.CharField(max_length=13, choices=Voie.choices)
    mefstat11 = models.CharField(max_length=11, blank=True)  # final-year MEFSTAT11 (voie scolaire)
    source = models.CharField(max_length=20, choices=Source.choices)
    places = models.PositiveIntegerField(null=True, blank=True)
    first_wishes = models.PositiveIntegerField(null=True, blank=True)
    students = models.PositiveIntegerField(null=True, blank=True)  # constat de rentrée headcount
    region_code = models.CharField(max_length=2, blank=True)
    departement_code = models.CharField(max_length=3, blank=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = "offre de formation"
        verbose_name_plural = "offres de formation"
        ordering = ["school_id", "formation_id", "voie"]
        constraints = [
            models.UniqueConstraint(fields=["school", "formation", "voie"], name="offer_unique_school_formation_voie")
        ]
        indexes = [
            models.Index(fields=["formation", "region_code"], name="offer_formation_region_idx"),
            models.Index(fields=["formation", "departement_code"], name="offer_formation_dep_idx"),
            models.Index(fields=["region_code", "voie"], name="offer_region_voie_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} × {self.formation_id} ({self.voie})"

    def certification(self) -> Certification | None:
        """The InserJeunes key of this offer (see `Formation.certification_for`)."""
        return self.formation.certification_for(self.voie, self.mefstat11)


class Population(models.TextChoices):
    ENSEMBLE = "ensemble", "Ensemble"
    SCOLAIRE = "scolaire", "Élèves (voie scolaire)"
    APPRENTIS = "apprentis", "Apprentis"


class SchoolIndicators(models.Model):
    """DEPP/InserJeunes figures of a whole school (all its formations) for one millésime and population (in %)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="indicators")
    millesime = models.CharField(max_length=9)  # 2022_2023
    population = models.CharField(max_length=10, choices=Population.choices)
    share_in_study = models.FloatField(null=True, blank=True)
    share_in_employment = models.FloatField(null=True, blank=True)
    share_other = models.FloatField(null=True, blank=True)
    continuation_rate = models.FloatField(null=True, blank=True)  # taux de poursuite d'études
    employment_rate_6m = models.FloatField(null=True, blank=True)
    employment_rate_12m = models.FloatField(null=True, blank=True)
    employment_rate_18m = models.FloatField(null=True, blank=True)
    employment_rate_24m = models.FloatField(null=True, blank=True)
    expected_rate = models.FloatField(null=True, blank=True)  # taux d'emploi attendu
    value_added = models.FloatField(null=True, blank=True)
    interrupted_contracts_share = models.FloatField(null=True, blank=True)
    cohort_size = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=200)  # file name(s) the figures come from

    class Meta:
        verbose_name = "indicateurs d’établissement (DEPP)"
        verbose_name_plural = "indicateurs d’établissement (DEPP)"
        ordering = ["school_id", "-millesime", "population"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "millesime", "population"], name="indicators_unique_school_millesime_pop"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.millesime} {self.population}"


class ImportRun(models.Model):
    """Fingerprint of the last successful import of a dataset, so `--if-changed` can skip unchanged inputs."""

    name = models.CharField(max_length=50, unique=True)
    fingerprint = models.CharField(max_length=64)
    finished_at = models.DateTimeField(auto_now=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "import des données ouvertes"
        verbose_name_plural = "imports des données ouvertes"

    def __str__(self) -> str:
        return f"{self.name} {self.finished_at:%Y-%m-%d %H:%M}"


class CatalogStats(models.Model):
    """Aggregates of the catalogue that pages show as entry points, computed once per import
    (`guidance.catalog.stats`), never per request. One row (`pk=1`)."""

    computed_at = models.DateTimeField(auto_now=True)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = "statistiques du catalogue"
        verbose_name_plural = "statistiques du catalogue"

    def __str__(self) -> str:
        return f"statistiques du {self.computed_at:%Y-%m-%d %H:%M}"
