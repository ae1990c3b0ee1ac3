"""Tables of the orientation data, each filled from one open-data file by `guidance.orientation.importers`.

Keys are the codes of the files (CFD, ROME, INSEE, UAI, MEFSTAT11) rather than foreign keys to the catalogue, so the
orientation import never depends on the order of the catalogue's upserts; joins are made on those codes.
"""

from django.db import models


class CodedLabel(models.Model):
    """A referential entry named by its code and label (each table sets their lengths)."""

    code: str  # each concrete table declares the field (its length)
    label: str

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class RomeCode(CodedLabel):
    """One fiche of the ROME 4.60 referential (France Travail): 532 parent fiches and their sub-codes."""

    code = models.CharField(max_length=5, unique=True)
    label = models.CharField(max_length=250)
    parent_code = models.CharField(max_length=5, blank=True)  # the parent fiche Certif Info refers to
    transition_eco = models.CharField(max_length=80, blank=True)
    regulated = models.BooleanField(default=False)  # emploi réglementé


class ProfessionalDomain(CodedLabel):
    """ROME domaine professionnel (3 chars, e.g. H12); Certif Info writes some as a ROME code ending in 00."""

    code = models.CharField(max_length=3, unique=True)
    label = models.CharField(max_length=200)


class JobTitle(models.Model):
    """A ROME appellation (job title a person uses: "Cariste", "Plombier / Plombière sanitaire")."""

    ogr_code = models.CharField(max_length=10, unique=True)
    label = models.CharField(max_length=250)
    short_label = models.CharField(max_length=250, blank=True)
    rome_code = models.CharField(max_length=5, db_index=True)
    is_main = models.BooleanField(default=False)  # classification PRINCIPALE (else SYNONYME)
    search_words = models.TextField(blank=True)  # folded, stemmed words of both labels (see jobs.py)

    class Meta:
        ordering = ["rome_code", "label"]

    def __str__(self) -> str:
        return self.label


class OnisepJob(models.Model):
    """An Onisep métier linked to a ROME code (romeMetier.csv), with its onisep.fr page."""

    rome_code = models.CharField(max_length=5, db_index=True)
    label = models.CharField(max_length=250)
    url = models.URLField(max_length=300)

    class Meta:
        ordering = ["rome_code", "label"]
        constraints = [models.UniqueConstraint(fields=["rome_code", "url"], name="onisepjob_unique_rome_url")]

    def __str__(self) -> str:
        return self.label


class FormationJob(models.Model):
    """A ROME code declared for a diploma by Certif Info (Code_Rome_1..5), grouped by CFD (Code_Scolarité)."""

    cfd = models.CharField(max_length=8, db_index=True)
    rome_code = models.CharField(max_length=5, db_index=True)
    rank = models.PositiveSmallIntegerField()  # smallest Code_Rome_N position it was found at
    ideo_id = models.CharField(max_length=12, blank=True)  # codeIdeo2 of the Certif Info row (FOR.nnnn)

    class Meta:
        ordering = ["cfd", "rank", "rome_code"]
        constraints = [models.UniqueConstraint(fields=["cfd", "rome_code"], name="formationjob_unique_cfd_rome")]

    def __str__(self) -> str:
        return f"{self.cfd} → {self.rome_code}"


class OnisepFormation(models.Model):
    """An Onisep Idéo-Formations record (May 2022, ODbL), with the CFDs Certif Info links to its FOR id."""

    ideo_id = models.CharField(max_length=12, unique=True)  # FOR.2246
    label = models.CharField(max_length=300)
    type_label = models.CharField(max_length=200, blank=True)
    duration = models.CharField(max_length=40, blank=True)
    level_label = models.CharField(max_length=80, blank=True)
    url = models.URLField(max_length=300)
    domains = models.CharField(max_length=500, blank=True)
    # CFDs Certif Info links to this FOR id, space-separated and padded (" 50022137 ") for a portable lookup.
    cfds = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return f"{self.ideo_id} {self.label}"


class Commune(models.Model):
    """A commune of the Code officiel géographique 2026 (current communes and Paris/Lyon/Marseille arrondissements)."""

    insee_code = models.CharField(max_length=5, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=30)  # commune-actuelle, arrondissement-municipal, commune-deleguee…
    departement_code = models.CharField(max_length=3, db_index=True)
    region_code = models.CharField(max_length=2)
    postal_codes = models.JSONField(default=list, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    folded_name = models.CharField(max_length=120, db_index=True)  # see places.place_key
    # The commune's point (`geo/communes_positions.csv`: the centroid of its outline), null when the file has none.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name", "insee_code"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="commune_position_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.departement_code})"


class PressureSource(models.TextChoices):
    AFFELNET_2022 = "affelnet_2022", "Affelnet 2022"
    PARCOURSUP_2024 = "parcoursup_2024", "Parcoursup 2024"


class WishKind(models.TextChoices):
    FIRST = "premiers_voeux", "premiers vœux"
    CONFIRMED = "voeux_confirmes", "vœux confirmés"


class AdmissionPressure(models.Model):
    """One row of an Affelnet / Parcoursup file as it is: places and wishes of one offer of one school.

    Never summed at import: a figure shown must be the one of its source row (`line` says which).
    """

    source = models.CharField(max_length=20, choices=PressureSource.choices)
    line = models.PositiveIntegerField()  # line number in the source file (header = 1)
    uai = models.CharField(max_length=8, db_index=True)
    mefstat11 = models.CharField(max_length=11)  # as the file gives it (Affelnet: entry year)
    final_mefstat11 = models.CharField(max_length=11, blank=True)  # the InserJeunes key of the scolaire voie
    cfd = models.CharField(max_length=8, db_index=True)
    voie = models.CharField(max_length=13)  # catalog.Voie values
    places = models.PositiveIntegerField(null=True, blank=True)
    wishes = models.PositiveIntegerField(null=True, blank=True)
    wish_kind = models.CharField(max_length=16, choices=WishKind.choices)
    label = models.CharField(max_length=300, blank=True)  # the row's own label (Parcoursup) or famille de métiers

    class Meta:
        ordering = ["uai", "cfd", "source", "line"]
        constraints = [models.UniqueConstraint(fields=["source", "line"], name="pressure_unique_source_line")]
        indexes = [models.Index(fields=["uai", "cfd", "voie"], name="pressure_uai_cfd_voie_idx")]

    def __str__(self) -> str:
        return f"{self.source}:{self.line} {self.uai} {self.cfd}"
