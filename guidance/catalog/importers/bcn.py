"""Formations and MEFs from the BCN nomenclatures (`bcn/`), with InserJeunes coverage from `ij_region_data.csv`."""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.utils.text import slugify

from guidance.catalog.importers.base import Report, RowRejected, parse_bcn_mefstat11, read_dicts, upsert
from guidance.catalog.labels import DIPLOMA_TYPES, AccentRestorer, sentence_case
from guidance.catalog.models import Formation, Mef
from guidance.inserjeunes.codes import InvalidCode, parse_cfd, parse_mefstat11

# Acronyms kept in capitals inside labels (the rest of a BCN label goes to sentence case).
ACRONYMS = ("CAP", "BTS", "BP", "MC", "BEP", "BMA", "CFA", "SIO", "BTP", "TP", "BTSA", "CAPA", "QHSE", "PME", "TPE")
_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")


@dataclass
class MefRow:
    mefstat11: str
    mef: str
    cfd: str
    year: int | None
    duration: int | None
    label: str
    closed_on: date | None

    @property
    def is_final(self) -> bool:
        return self.year is not None and self.year == self.duration and self.year != 9


@dataclass
class BcnData:
    """The parsed BCN, kept for the other importers (MEF → CFD, final-year MEF of an entry MEF)."""

    mefs: dict[str, MefRow] = field(default_factory=dict)
    cfds: set[str] = field(default_factory=set)
    ij_mefstat11: set[str] = field(default_factory=set)
    ij_cfds: set[str] = field(default_factory=set)

    def final_year_mef(self, mefstat11: str) -> MefRow | None:
        """The final-year MEF of the cursus `mefstat11` belongs to (itself when it is the final year)."""
        mef = self.mefs.get(mefstat11)
        if mef is None or mef.is_final:
            return mef
        finals = [m for m in self.mefs_by_cfd.get(mef.cfd, []) if m.is_final]
        same_length = [m for m in finals if m.duration == mef.duration] or finals
        if not same_length:
            return None
        # Prefer the code InserJeunes publishes figures for, then an open one, then the smallest code.
        return min(
            same_length, key=lambda m: (m.mefstat11 not in self.ij_mefstat11, m.closed_on is not None, m.mefstat11)
        )

    @property
    def mefs_by_cfd(self) -> dict[str, list[MefRow]]:
        if not hasattr(self, "_by_cfd"):
            grouped = defaultdict(list)
            for mef in self.mefs.values():
                grouped[mef.cfd].append(mef)
            self._by_cfd = grouped
        return self._by_cfd


def parse_date(value: str, what: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        raise RowRejected(f"{what} invalide") from None


def _small_int(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def _rows(path: Path, report: Report, **kwargs):
    for number, row in read_dicts(path, **kwargs):
        if isinstance(row, RowRejected):
            report.reject(path.name, number, str(row))
            continue
        yield number, row


def read_ij_codes(path: Path, report: Report) -> tuple[set[str], set[str]]:
    """MEFSTAT11 (scolaire) and CFD (apprentissage) codes that have InserJeunes figures."""
    mefstat11s, cfds = set(), set()
    for number, row in _rows(path, report, encoding="utf-8"):
        try:
            if row["voie"] == "scolaire":
                mefstat11s.add(parse_mefstat11(row["mefstat11"]).code)
            elif row["voie"] == "apprentissage":
                cfds.add(parse_cfd(row["cfd"]).code)
            else:
                report.reject(path.name, number, "voie inconnue", row["voie"])
        except InvalidCode as error:
            report.reject(path.name, number, error.reason, error.value)
    return mefstat11s, cfds


def read_mefs(path: Path, report: Report) -> dict[str, MefRow]:
    mefs: dict[str, MefRow] = {}
    for number, row in _rows(path, report, encoding="utf-8"):
        try:
            code = parse_bcn_mefstat11(row["MEF_STAT_11"])
            cfd = parse_cfd(row["FORMATION_DIPLOME"]).code
            closed_on = parse_date(row["DATE_FERMETURE"], "DATE_FERMETURE")
        except (InvalidCode, RowRejected) as error:
            report.reject_error(path.name, number, error)
            continue
        mef = MefRow(
            code,
            row["MEF"],
            cfd,
            _small_int(row["ANNEE_DISPOSITIF"]),
            _small_int(row["DUREE_DISPOSITIF"]),
            row["LIBELLE_LONG"],
            closed_on,
        )
        previous = mefs.get(code)
        # One MEFSTAT11 may have two MEF rows; keep the open one.
        if previous is None or (previous.closed_on is not None and closed_on is None):
            mefs[code] = mef
    return mefs


def _readable_sources(root: Path) -> tuple[dict[str, str], list[str]]:
    """Readable specialty labels by CFD (diplomesProfessionnels) and every readable French text of the data."""
    texts: list[str] = []
    specialties: dict[str, str] = {}
    report = Report()  # these files only help labels; their own row problems are not the catalogue's
    path = root / "bcn" / "diplomesProfessionnels.csv"
    if path.exists():
        for _number, row in _rows(path, report, encoding="utf-8", progress=False):
            text = row.get("Intitulé de la spécialité (et options)", "")
            cfd = re.sub(r"[^0-9A-Z]", "", row.get("Code diplôme", "").upper())
            texts.append(text)
            if len(cfd) == 8 and text:
                specialties[cfd] = text
    for name, columns in (
        ("bcn/n_famille_metier_spec_pro.csv", ["LIBELLE_EDITION"]),
        ("bcn/familleMetiers.csv", ["FAMILLE", "SPECIALITE"]),
        ("offre_formation_affelnet_parcoursup/parcoursup_bts_attractivite_capacite_2024.csv", ["LIBELLÉFORMATION"]),
    ):
        path = root / name
        if path.exists():
            for _number, row in _rows(path, report, encoding="utf-8", progress=False):
                texts.extend(row.get(column, "") for column in columns)
    return specialties, texts


def _families(root: Path, report: Report) -> tuple[dict[str, str], set[str]]:
    """Famille de métiers label by CFD (common seconde and specialties), and the CFDs of secondes communes."""
    labels: dict[str, str] = {}
    communes: set[str] = set()
    path = root / "bcn" / "familleMetiers.csv"
    if not path.exists():
        return labels, communes
    for number, row in _rows(path, report, encoding="utf-8"):
        try:
            common = parse_cfd(row["CFD_COMMUN"]).code
            specialty = parse_cfd(row["CFD_SPECIALITE"]).code
        except InvalidCode as error:
            report.reject(path.name, number, error.reason, error.value)
            continue
        labels[common] = labels[specialty] = row["FAMILLE"]
        communes.add(common)
    return labels, communes


def _family_codes(root: Path, report: Report, mefs: dict[str, MefRow]) -> dict[str, str]:
    """BCN famille de métiers code (001…) by CFD, through the 10-character MEF of N_LIEN_MEF_FAMILLE_METIER."""
    cfd_by_mef = {mef.mef: mef.cfd for mef in mefs.values()}
    path = root / "bcn" / "n_lien_mef_famille_metier.csv"
    out: dict[str, str] = {}
    if not path.exists():
        return out
    for _number, row in _rows(path, report, encoding="utf-8"):
        # Codes like "018_temp" are provisional BCN codes: kept as they are, they only group specialties.
        cfd = cfd_by_mef.get(row["MEF"])
        if cfd and row["FAMILLE_METIER"] != "999":
            out.setdefault(cfd, row["FAMILLE_METIER"])
    return out


def _levels(root: Path, report: Report) -> dict[str, dict[str, str]]:
    levels = {}
    path = root / "bcn" / "nNiveauFormationDiplome_.csv"
    for _number, row in _rows(path, report, encoding="utf-8"):
        levels[row["NIVEAU_FORMATION_DIPLOME"]] = row
    return levels


def _fields(root: Path, report: Report, restore: AccentRestorer) -> dict[str, str]:
    path = root / "bcn" / "n_groupe_specialite_.csv"
    out = {}
    for _number, row in _rows(path, report, encoding="utf-8"):
        # LIBELLE_EDITION is the BCN's own readable label ("Animation culturelle, sportive et de loisirs"); the
        # upper-case LIBELLE_LONG is abbreviated to 40 characters ("ANIMATION CULTUREL.,SPORTIV.& DE LOISIRS").
        edition = (row.get("LIBELLE_EDITION") or "").strip()
        if edition:
            out[row["GROUPE_SPECIALITE"]] = edition
            continue
        label = re.sub(r"^DO\d+\s*:\s*", "", row["LIBELLE_LONG"])
        out[row["GROUPE_SPECIALITE"]] = sentence_case(label, restore, ACRONYMS)
    return out


def _continuity(root: Path, report: Report) -> dict[str, tuple[list[str], list[str]]]:
    """ANCIEN_DIPLOME_n / NOUVEAU_DIPLOME_n of N_FORMATION_DIPLOME (cp1252)."""
    path = root / "bcn" / "nFormationDiplome_.csv"
    out = {}
    for _number, row in _rows(path, report, encoding="cp1252"):
        former = [row[f"ANCIEN_DIPLOME_{i}"] for i in range(1, 8) if row.get(f"ANCIEN_DIPLOME_{i}")]
        new = [row[f"NOUVEAU_DIPLOME_{i}"] for i in range(1, 8) if row.get(f"NOUVEAU_DIPLOME_{i}")]
        out[row["FORMATION_DIPLOME"]] = (former, new)
    return out


def _diploma_type(level_row: dict[str, str] | None) -> str:
    if not level_row:
        return ""
    short = level_row["LIBELLE_COURT"].strip()
    if short in DIPLOMA_TYPES:
        return DIPLOMA_TYPES[short]
    if short.startswith("TH"):
        return "Titre certifié"
    return sentence_case(level_row["LIBELLE_100"], keep_upper=ACRONYMS)


def _specialty(row: dict[str, str], level_row: dict[str, str] | None) -> str:
    """The long label without its trailing "(BAC PRO)" / "(MC NIVEAU IV)" diploma mention."""
    long_label = row["LIBELLE_LONG_200"] or row["LIBELLE_STAT_33"]
    match = _TRAILING_PAREN.search(long_label)
    if match:
        inside = match.group(1).upper()
        shorts = {row["LIBELLE_COURT"].upper(), (level_row or {}).get("LIBELLE_COURT", "").upper()}
        shorts |= {re.sub(r"\d+$", "", short) for short in shorts}
        if any(short and short in inside for short in shorts):
            long_label = long_label[: match.start()]
    return long_label.strip()


def _duration(mefs: list[MefRow], ij_mefstat11: set[str]) -> int | None:
    """Length of the usual cursus: the one InserJeunes follows, else the most common among the cursus' final
    years (a CAP exists in 1, 2 and 3 years; the middle one is the usual path)."""
    finals = [m for m in mefs if m.is_final]
    published = sorted({m.duration for m in finals if m.mefstat11 in ij_mefstat11 and m.duration is not None})
    if published:
        return published[len(published) // 2]
    counts = Counter(m.duration for m in finals if m.closed_on is None) or Counter(m.duration for m in finals)
    if not counts:
        return None
    best = max(counts.values())
    candidates = sorted(duration for duration, count in counts.items() if count == best and duration is not None)
    return candidates[len(candidates) // 2] if candidates else None


def import_formations(root: Path, report: Report) -> BcnData:
    """Upsert every CFD of V_FORMATION_DIPLOME and every MEF of N_MEF; returns the parsed BCN for later stages."""
    data = BcnData()
    data.ij_mefstat11, data.ij_cfds = read_ij_codes(
        root / "inserjeunes_regional_par_formation" / "ij_region_data.csv", report
    )
    data.mefs = read_mefs(root / "bcn" / "nMef.csv", report)
    levels = _levels(root, report)
    continuity = _continuity(root, report)
    families, communes = _families(root, report)
    family_codes = _family_codes(root, report, data.mefs)
    specialties, readable = _readable_sources(root)
    restore = AccentRestorer(readable)
    fields = _fields(root, report, restore)

    final_cfd_with_figures = {data.mefs[m].cfd for m in data.ij_mefstat11 if m in data.mefs}
    path = root / "bcn" / "vFormationDiplome_.csv"
    formations: list[Formation] = []
    for number, row in _rows(path, report, encoding="utf-8"):
        try:
            cfd = parse_cfd(row["FORMATION_DIPLOME"]).code
            opened_on = parse_date(row["DATE_OUVERTURE"], "DATE_OUVERTURE")
            closed_on = parse_date(row["DATE_FERMETURE"], "DATE_FERMETURE")
        except (InvalidCode, RowRejected) as error:
            report.reject_error(path.name, number, error)
            continue
        level_row = levels.get(row["NIVEAU_FORMATION_DIPLOME"])
        diploma_type = _diploma_type(level_row)
        specialty = specialties.get(cfd) or sentence_case(_specialty(row, level_row), restore, ACRONYMS)
        readable_type = diploma_type in DIPLOMA_TYPES.values()
        if readable_type and not specialty.lower().startswith(diploma_type.lower()):
            label = f"{diploma_type} {specialty}"
        else:
            label = specialty
        rncp = (row["NIVEAU_QUALIFICATION_RNCP"] or (level_row or {}).get("NIVEAU_QUALIFICATION_RNCP", "")).lstrip("0")
        field_code = row["GROUPE_SPECIALITE"]
        mefs = data.mefs_by_cfd.get(cfd, [])
        former, new = continuity.get(cfd, ([], []))
        family = families.get(cfd, "")
        formations.append(
            Formation(
                cfd=cfd,
                label=label[:300],
                slug=slugify(label)[:120] or cfd.lower(),
                diploma_code=row["NIVEAU_FORMATION_DIPLOME"],
                diploma_type=diploma_type,
                level=rncp if rncp in {"3", "4", "5", "6", "7", "8"} else "",
                duration_years=_duration(mefs, data.ij_mefstat11),
                field_code=field_code,
                field_label=fields.get(field_code, ""),
                opened_on=opened_on,
                closed_on=closed_on,
                former_cfds=former,
                new_cfds=new,
                family_label=family,
                family_code=family_codes.get(cfd, "") if family else "",
                is_seconde_commune=cfd in communes or "2NDE COMMUNE" in row["LIBELLE_LONG_200"].upper(),
                has_figures_scolaire=cfd in final_cfd_with_figures,
                has_figures_apprentissage=cfd in data.ij_cfds,
                has_figures=cfd in final_cfd_with_figures or cfd in data.ij_cfds,
            )
        )
        data.cfds.add(cfd)
    # search_text is the search's to derive (guidance.search.indexing, after the import).
    kept = {"id", "cfd", "offer_count", "search_text"}
    update = [f.name for f in Formation._meta.concrete_fields if f.name not in kept]
    report.written["Formation"] += upsert(Formation, formations, ["cfd"], update)

    ids = dict(Formation.objects.values_list("cfd", "pk"))
    mef_objects = []
    for mef in data.mefs.values():
        if mef.cfd not in ids:
            report.reject("nMef.csv", None, "CFD absent de V_FORMATION_DIPLOME", mef.mefstat11)
            continue
        mef_objects.append(
            Mef(
                mefstat11=mef.mefstat11,
                mef=mef.mef,
                formation_id=ids[mef.cfd],
                year=mef.year,
                duration_years=mef.duration,
                is_final_year=mef.is_final or mef.mefstat11 in data.ij_mefstat11,
                label=sentence_case(mef.label, restore, ACRONYMS)[:200],
                closed_on=mef.closed_on,
            )
        )
    update = ["mef", "formation", "year", "duration_years", "is_final_year", "label", "closed_on"]
    report.written["Mef"] += upsert(Mef, mef_objects, ["mefstat11"], update)
    return data
