"""Parsers of the InserJeunes JSON bodies into the frozen dataclasses of `results.py`.

Each `parse_*` takes a decoded JSON body and returns its dataclass, or raises `PayloadError` when the body does not
have the documented shape. Small cohorts lose their salaries here (the API does not null them).

Strict where the figures are concerned (a rate that is not a number, or a millésime that is not `AAAA` or
`AAAA_AAAA`, is a malformed answer; so are figures that cannot be, see `check_figures`), lenient on what only
describes them: an unknown `donnee_source.type` (of any JSON
type), a `null` among `_meta.messages` or a `_meta` of another shape do not throw the figures away (see `_meta`,
`_donnee_source`). Only `PayloadError` leaves these parsers (tests/inserjeunes/test_parse_shapes.py).
"""

from __future__ import annotations

from typing import Any

from guidance.inserjeunes.codes import Filiere, has_millesime_form
from guidance.inserjeunes.results import (
    COUNT_FIELDS,
    FIGURE_FIELDS,
    RATE_FIELDS,
    SALARY_FIELDS,
    SMALL_COHORT_THRESHOLD,
    AcademieRef,
    CertificationFigures,
    Diplome,
    DonneeSource,
    DonneeSourceType,
    FamilleMetier,
    FiliereFigures,
    FilieresFigures,
    InserSupMeta,
    Meta,
    Page,
    PayloadError,
    RegionalFigures,
    RegionalList,
    RegionRef,
    SchoolFigures,
    TerminalError,
    UaiType,
)

JsonObject = dict[str, Any]


def _obj(data: object, what: str) -> JsonObject:
    if not isinstance(data, dict):
        raise PayloadError(f"{what}: object expected, got {type(data).__name__}")
    return data


def _str(data: JsonObject, key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise PayloadError(f"{key}: string expected")
    return str(value)


def _required_str(data: JsonObject, key: str) -> str:
    value = _str(data, key)
    if value is None:
        raise PayloadError(f"missing {key}")
    return value


def _millesime(data: JsonObject, default: str | None = None) -> str:
    """Which leavers the figures count: pages read its years (`codes.Millesime`), so another form is malformed."""
    value = _str(data, "millesime") or default
    if value is None:
        raise PayloadError("missing millesime")
    if not has_millesime_form(value):
        raise PayloadError(f"millesime: AAAA or AAAA_AAAA expected, got {value!r}")
    return value


def _strs(data: JsonObject, key: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PayloadError(f"{key}: list of strings expected")
    return tuple(value)


def _stats_kwargs(data: JsonObject, filiere: str | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    absent = set()
    for name in FIGURE_FIELDS:
        if name not in data:
            absent.add(name)
            values[name] = None
            continue
        value = data[name]
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise PayloadError(f"{name}: number or null expected")
        values[name] = value
    check_figures(values, filiere=filiere)
    nb = values["nb_annee_term"]
    small = nb is not None and nb < SMALL_COHORT_THRESHOLD
    if small:
        for name in SALARY_FIELDS:  # the API leaves them; a small cohort's salaries are not reliable either
            values[name] = None
    else:
        # Only a small cohort explains a null by "too few learners"; elsewhere (the filières view nulls the counts a
        # certification lacks, and the rates built on them) a null cannot be computed, like a missing field.
        absent.update(name for name in FIGURE_FIELDS if values[name] is None)
    values["absent_fields"] = frozenset(absent)
    values["meta"] = _meta(data.get("_meta"))
    return values


# The counts that are a part of the final-year learners (`nb_annee_term`), the whole every rate is computed on.
PART_FIELDS: tuple[str, ...] = (
    "nb_poursuite_etudes",
    "nb_sortant",
    "nb_diplome",
    "nb_en_emploi_6_mois",
    "nb_en_emploi_12_mois",
    "nb_en_emploi_18_mois",
    "nb_en_emploi_24_mois",
)


EMPLOYED_FIELDS: tuple[str, ...] = tuple(f"nb_en_emploi_{months}_mois" for months in (6, 12, 18, 24))


def check_figures(values: dict[str, Any], *, filiere: str | None = None) -> None:
    """Figures that cannot be make the whole answer malformed (`PayloadError`): a rate outside 0-100, a count or a
    salary below 0, a part of the final-year learners above their number. A page then says the figures are
    unavailable (and keeps the last good answer when it has one) rather than show -35 % or 180 %. InserSup (`filiere`
    superieur) adds two parts, those who leave and those who go on studying, within `nb_annee_term` (their sum
    nationally, the students enrolled per school), and counts its employed among those who left."""
    for name in RATE_FIELDS:
        value = values.get(name)
        if value is not None and not 0 <= value <= 100:
            raise PayloadError(f"{name}: {value} is outside 0-100")
    for name in (*COUNT_FIELDS, *SALARY_FIELDS):
        value = values.get(name)
        if value is not None and value < 0:
            raise PayloadError(f"{name}: {value} is below 0")
    whole = values.get("nb_annee_term")
    if whole is not None:
        for name in PART_FIELDS:
            part = values.get(name)
            if part is not None and part > whole:
                raise PayloadError(f"{name}: {part} is above nb_annee_term ({whole})")
    if filiere != Filiere.SUPERIEUR:
        return
    leavers, going_on = values.get("nb_sortant"), values.get("nb_poursuite_etudes")
    if whole is not None and leavers is not None and going_on is not None and leavers + going_on > whole:
        raise PayloadError(f"nb_sortant + nb_poursuite_etudes: {leavers + going_on} is above nb_annee_term ({whole})")
    for name in EMPLOYED_FIELDS:
        employed = values.get(name)
        if employed is not None and leavers is not None and employed > leavers:
            raise PayloadError(f"{name}: {employed} is above nb_sortant ({leavers})")


def _meta(data: object) -> Meta:
    """`_meta` only describes the figures: an odd one (not an object, `null` or non-text messages) is read as far as
    it goes, never a reason to throw the figures away."""
    if not isinstance(data, dict):
        return Meta()
    messages = data.get("messages")
    if isinstance(messages, str):
        messages = [messages]
    elif not isinstance(messages, list):
        messages = []
    return Meta(
        titre=str(data.get("titre") or data.get("title") or ""),
        details=str(data.get("details") or data.get("description") or ""),
        messages=tuple(m for m in messages if isinstance(m, str) and m),
        insersup=_insersup(data.get("insersup")),
    )


def _insersup(data: object) -> InserSupMeta | None:
    """`_meta.insersup` read as far as it goes (its texts only): it describes the diploma, never the figures."""
    if not isinstance(data, dict):
        return None

    def text(*keys: str) -> str:
        return next((str(data[key]) for key in keys if isinstance(data.get(key), str)), "")

    return InserSupMeta(
        type_diplome=text("type_diplome"),
        domaine=text("domaine", "domaine_disciplinaire"),
        discipline=text("discipline"),
        secteur=text("secteur", "secteur_disciplinaire"),
    )


def _ref[T: (RegionRef, AcademieRef)](data: object, cls: type[T]) -> T | None:
    if data is None:
        return None
    fields = _obj(data, cls.__name__)
    return cls(code=_required_str(fields, "code"), nom=_str(fields, "nom") or "")


def _uai_type(value: object) -> UaiType | None:
    if value is None:
        return None
    try:
        return UaiType(str(value))
    except ValueError:
        return UaiType.INCONNU


def _diplome(data: object) -> Diplome | None:
    """`diplome {code, libelle}`; `code` is the CFD's first character, `"0"` for a mention complémentaire."""
    if not data:
        return None
    data = _obj(data, "diplome")
    return Diplome(code=_str(data, "code") or "", libelle=_str(data, "libelle") or "")


_UPSTREAM_SOURCE_TYPES = {t.value for t in DonneeSourceType if t is not DonneeSourceType.OTHER}


def _donnee_source(data: object, own_code: str) -> DonneeSource | None:
    if data is None:
        return None
    data = _obj(data, "donnee_source")
    code = _str(data, "code_certification") or own_code
    raw_type = data.get("type")
    # Only a text can name a type (a list or an object here is no type at all, and is unhashable).
    if isinstance(raw_type, str) and raw_type in _UPSTREAM_SOURCE_TYPES:
        source_type = DonneeSourceType(raw_type)
    else:
        # A type missing or this client does not know: figures of the certification's own code are its own; figures
        # of another code are carried over from it, in a direction we cannot tell.
        source_type = DonneeSourceType.SELF if code == own_code else DonneeSourceType.OTHER
    return DonneeSource(code_certification=code, type=source_type)


def _certification_kwargs(data: JsonObject, *, defaults: dict[str, str] | None = None) -> dict[str, Any]:
    """The fields shared by national, regional and school records. `defaults` fills `millesime` and `filiere` of a
    `certificationsTerminales` entry that does not repeat them (its parent's)."""
    defaults = defaults or {}
    filiere = _str(data, "filiere") or defaults.get("filiere")
    kwargs = _stats_kwargs(data, filiere)
    code = _required_str(data, "code_certification")
    famille = data.get("familleMetier")
    if famille is not None:
        famille = _obj(famille, "familleMetier")
        famille = FamilleMetier(
            code=_str(famille, "code") or "",
            libelle=_str(famille, "libelle") or "",
            is_annee_commune=bool(famille.get("isAnneeCommune")),
        )
    terminales = data.get("certificationsTerminales")
    terminales = [] if terminales is None else terminales
    if not isinstance(terminales, list):
        raise PayloadError("certificationsTerminales: list expected")
    millesime = _millesime(data, defaults.get("millesime"))
    if filiere is None:
        raise PayloadError("missing filiere")
    own = {"millesime": millesime, "filiere": filiere}
    kwargs.update(
        millesime=millesime,
        code_certification=code,
        filiere=filiere,
        code_formation_diplome=_str(data, "code_formation_diplome"),
        libelle=_str(data, "libelle") or "",
        libelle_ancien=_str(data, "libelle_ancien"),
        diplome=_diplome(data.get("diplome")),
        date_fermeture=_str(data, "date_fermeture"),
        formation_fermee=bool(data.get("formation_fermee")),
        donnee_source=_donnee_source(data.get("donnee_source"), code),
        famille_metier=famille,
        certifications_terminales=tuple(_terminal(entry, own) for entry in terminales),
    )
    return kwargs


def _terminal(data: object, parent: dict[str, str]) -> CertificationFigures | TerminalError:
    """One `certificationsTerminales` entry: figures, an error `{error, millesimes, code_certification}`, or (older
    answers) a bare `{code_certification}` reference. Whatever its shape, the speciality keeps its code and name;
    figures that do not repeat the millésime or filière are their parent's."""
    data = _obj(data, "certificationsTerminales[]")
    is_reference = "millesime" not in data and not any(name in data for name in FIGURE_FIELDS)
    if "error" in data or is_reference:
        return TerminalError(
            code_certification=_required_str(data, "code_certification"),
            error=str(data.get("error") or ""),
            millesimes=_strs(data, "millesimes"),
            libelle=_str(data, "libelle") or "",
        )
    return CertificationFigures(**_certification_kwargs(data, defaults=parent))


def parse_certification(data: object) -> CertificationFigures:
    return CertificationFigures(**_certification_kwargs(_obj(data, "certification")))


def parse_regional(data: object) -> RegionalFigures:
    data = _obj(data, "regionale")
    return RegionalFigures(**_certification_kwargs(data), region=_ref(data.get("region"), RegionRef))


def parse_school(data: object) -> SchoolFigures:
    data = _obj(data, "formation")
    return SchoolFigures(
        **_certification_kwargs(data),
        uai=_required_str(data, "uai"),
        libelle_etablissement=_str(data, "libelle_etablissement"),
        region=_ref(data.get("region"), RegionRef),
        academie=_ref(data.get("academie"), AcademieRef),
        uai_type=_uai_type(data.get("uai_type")),
        uai_donnee=_str(data, "uai_donnee"),
        uai_donnee_type=_uai_type(data.get("uai_donnee_type")),
        uai_lieu_formation=_strs(data, "uai_lieu_formation"),
        uai_formateur=_strs(data, "uai_formateur"),
        uai_gestionnaire=_strs(data, "uai_gestionnaire"),
    )


def _filiere(data: object, name: str) -> FiliereFigures:
    data = _obj(data, name)
    return FiliereFigures(
        **_stats_kwargs(data),
        filiere=_str(data, "filiere") or name,
        millesime=_millesime(data),
        codes_certifications=_strs(data, "codes_certifications"),
        codes_formation_diplome=_strs(data, "codes_formation_diplome"),
        code_formation_diplome=_str(data, "code_formation_diplome"),
        libelle=_str(data, "libelle"),
        libelle_ancien=_str(data, "libelle_ancien"),
        diplome=_diplome(data.get("diplome")),
        date_fermeture=_str(data, "date_fermeture"),
        formation_fermee=fermee if isinstance(fermee := data.get("formation_fermee"), bool) else None,
        region=_ref(data.get("region"), RegionRef),
    )


def parse_filieres(data: object) -> FilieresFigures:
    data = _obj(data, "filieres")
    if not data or not set(data) <= {"pro", "apprentissage", "agricole", "superieur"}:
        raise PayloadError("filières view: keys pro/apprentissage expected")
    return FilieresFigures(
        pro=_filiere(data["pro"], "pro") if data.get("pro") else None,
        apprentissage=_filiere(data["apprentissage"], "apprentissage") if data.get("apprentissage") else None,
    )


def parse_regional_list(data: object) -> RegionalList:
    """One page of `/regionales/{region}`: every item read (and checked) as a regional record."""
    page = parse_page(data, "regionales")
    return RegionalList(
        items=tuple(parse_regional(item) for item in page.items),
        page=page.page,
        nombre_de_page=page.nombre_de_page,
        total=page.total,
    )


def parse_page(data: object, items_key: str) -> Page:
    data = _obj(data, "page")
    items = data.get(items_key)
    pagination = _obj(data.get("pagination"), "pagination")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise PayloadError(f"{items_key}: list of objects expected")
    try:
        return Page(
            items=tuple(items),
            page=int(pagination.get("page", 1)),
            items_par_page=int(pagination.get("items_par_page") or pagination.get("resultats_par_page") or len(items)),
            nombre_de_page=int(pagination.get("nombre_de_page", 1)),
            total=int(pagination.get("total", len(items))),
        )
    except (TypeError, ValueError):
        raise PayloadError("pagination: integers expected") from None


def looks_truncated(text: str) -> bool:
    """True when `text` reads as the beginning of a JSON document that stops early: a string or a bracket is
    still open at the end. (Streamed lists end mid-way when the upstream fails while sending.)"""
    text = text.strip()
    if not text.startswith(("{", "[")):
        return False
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth < 0:
                return False
    return in_string or depth > 0
