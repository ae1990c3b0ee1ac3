"""Higher-education diplomas in the catalogue: what tells them apart (`CodeType`, the voie `SUPERIEUR`) and which
school delivers one (`HigherEducationOffer`). Re-exported by `guidance.catalog.models`, where `Formation` lives."""

from django.db import models

from guidance.inserjeunes.codes import Certification, CodeKind, Filiere, InvalidCode, parse_certification

# The "voie" of a higher-education diploma: one set of figures per diploma (InserSup's), named by the API's filière.
# Not a `Voie`: school tracks and apprenticeship are the two ways to a CFD, pages list them side by side.
SUPERIEUR = Filiere.SUPERIEUR.value


class CodeType(models.TextChoices):
    """Which nomenclature a formation's code (`Formation.cfd`) belongs to."""

    CFD = "CFD", "CFD (Base centrale des nomenclatures)"
    SISE = "SISE", "SISE (diplômes de l’enseignement supérieur)"


class SiseDiploma:
    """What a `Formation` knows of being a higher-education diploma (mixed into it)."""

    cfd: str
    code_type: str

    @property
    def is_superieur(self) -> bool:
        """A higher-education diploma (SISE code, InserSup's figures)."""
        return self.code_type == CodeType.SISE

    @property
    def code_label(self) -> str:
        """The code as the API writes it when it is not a CFD (`SISE:2300030`), else the CFD."""
        return f"{CodeKind.SISE.value}:{self.cfd}" if self.is_superieur else self.cfd

    def sise_certification(self) -> Certification | None:
        """The InserSup key of a higher-education diploma (`SISE:<code>`), None for a CFD or a malformed code."""
        if not self.is_superieur:
            return None
        try:
            return parse_certification(self.code_label)
        except InvalidCode:
            return None


class HigherEducationOffer(models.Model):
    """A school (university, école) delivers a higher-education diploma, as the API's list routes say (InserSup has
    figures for the pair). Kept apart from `Offer`: no voie, no MEF, and the school lists of lycées and CFAs stay
    what they are. Region/département are copied from the school for indexed filters."""

    school = models.ForeignKey("catalog.School", on_delete=models.CASCADE, related_name="higher_offers")
    formation = models.ForeignKey("catalog.Formation", on_delete=models.CASCADE, related_name="higher_offers")
    region_code = models.CharField(max_length=2, blank=True)
    departement_code = models.CharField(max_length=3, blank=True)

    class Meta:
        verbose_name = "offre de l’enseignement supérieur"
        verbose_name_plural = "offres de l’enseignement supérieur"
        ordering = ["formation_id", "school_id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "formation"], name="higher_offer_unique_school_formation")
        ]
        indexes = [models.Index(fields=["formation", "region_code"], name="higher_offer_formation_idx")]

    def __str__(self) -> str:
        return f"{self.school_id} × {self.formation_id} (supérieur)"
