"""The contract both the real API (recorded payloads) and the replica must honour: keys, types, null rules, rates
consistent with counts, error shapes and messages. Each `check_*` raises AssertionError with the offending key."""

import math
import re

MILLESIME = re.compile(r"^[0-9]{4}(_[0-9]{4})?$")
UAI = re.compile(r"^[0-9]{7}[A-Z]$")
FILIERES = {"pro", "apprentissage", "agricole", "superieur"}
SOURCE_TYPES = {"self", "ancienne", "nouvelle"}
HORIZONS = (6, 12, 18, 24)
SMALL_COHORT_MESSAGE = (
    "Les taux ne peuvent pas être affichés car il n'y a pas assez d'élèves pour fournir une information fiable."
)
NOT_FOUND_MESSAGES = {
    "Certification inconnue",
    "Certifications inconnues",
    "Formation inconnue",
    "Etablissement inconnu",
    "Pas de données disponibles",
    "Pas de données pour le millésime",
    "Données non disponibles",  # a `.svg` asked for a record without any rate to draw (ErrorNoDataAvailable)
}
REASONS = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 500: "Internal Server Error"}
REASONS[503] = "Service Unavailable"


def kind_of(payload: dict) -> str:
    """Which contract a payload follows, from its shape (never from a file name)."""
    if "statusCode" in payload:
        return "error"
    if "token" in payload:
        return "login"
    if "pagination" in payload:
        return "list"
    if payload and set(payload) <= {"pro", "apprentissage"}:
        return "filieres"
    if "certificationsTerminales" in payload:
        return "certifications_terminales"
    return "figures"


def check(payload: dict) -> str:
    kind = kind_of(payload)
    {
        "error": check_error,
        "login": check_login,
        "list": check_list,
        "filieres": check_filieres,
        "certifications_terminales": check_certifications_terminales,
        "figures": check_figures,
    }[kind](payload)
    return kind


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_counts_and_rates(record: dict, *, lacking_is_null: bool = False) -> None:
    """Null rules and rates consistent with counts (whole percentages of nb_annee_term, rounded either way).

    `lacking_is_null` (filières views): a count no certification has is null, and so is a rate built on it only.
    """
    stats = {key: value for key, value in record.items() if key.startswith(("nb_", "taux_"))}
    for key, value in stats.items():
        assert value is None or _is_number(value), key
    total = record.get("nb_annee_term")
    assert total is None or (_is_number(total) and total >= 0), "nb_annee_term"
    if total is not None and total < 20:
        for key, value in stats.items():
            assert key == "nb_annee_term" or value is None, f"{key} must be null below 20 learners"
        return
    for key, value in stats.items():
        if lacking_is_null and value is None:
            continue
        assert value is not None, f"{key} is null although the cohort has {total} learners"
    for key in ("taux_en_formation", *(f"taux_{kind}_{h}_mois" for kind in ("en_emploi", "autres") for h in HORIZONS)):
        if record.get(key) is not None:
            assert 0 <= record[key] <= 100, key
    if not total:
        return

    def consistent(rate_key: str, count_key: str) -> None:
        if lacking_is_null and record.get(count_key, 0) is None:
            assert record.get(rate_key) is None, f"{rate_key} without {count_key}"
            return
        if count_key not in record:
            assert rate_key not in record, f"{rate_key} without {count_key}"
            return
        if record.get(rate_key) is not None:
            exact = 100 * record[count_key] / total
            assert abs(record[rate_key] - exact) <= 0.5 + 1e-9, f"{rate_key}={record[rate_key]} vs {exact:.2f}"

    consistent("taux_en_formation", "nb_poursuite_etudes")
    for horizon in HORIZONS:
        consistent(f"taux_en_emploi_{horizon}_mois", f"nb_en_emploi_{horizon}_mois")
        others = f"taux_autres_{horizon}_mois"
        employed = record.get(f"taux_en_emploi_{horizon}_mois")
        if others in record and employed is not None and record.get("taux_en_formation") is not None:
            assert record[others] == max(0, 100 - employed - record["taux_en_formation"]), others


def check_meta(meta: object, *, small: bool) -> None:
    assert isinstance(meta, dict), "_meta"
    for key in ("titre", "details"):
        if key in meta:
            assert isinstance(meta[key], str), f"_meta.{key}"
    messages = meta.get("messages", [])
    assert isinstance(messages, list) and all(isinstance(m, str) for m in messages), "_meta.messages"
    if small:
        assert SMALL_COHORT_MESSAGE in messages, "small cohort without its message"


def check_figures(record: dict, *, meta_required: bool = True) -> None:
    """One certification's figures (national, regional or per school)."""
    assert isinstance(record.get("millesime"), str) and MILLESIME.match(record["millesime"]), "millesime"
    assert isinstance(record.get("code_certification"), str) and record["code_certification"], "code_certification"
    assert record.get("filiere") in FILIERES, "filiere"
    for key in ("libelle", "libelle_ancien", "code_formation_diplome", "date_fermeture", "libelle_etablissement"):
        if key in record:
            assert isinstance(record[key], str), key
    if "formation_fermee" in record:
        assert isinstance(record["formation_fermee"], bool), "formation_fermee"
    if "donnee_source" in record:
        source = record["donnee_source"]
        assert isinstance(source.get("code_certification"), str), "donnee_source.code_certification"
        assert source.get("type") in SOURCE_TYPES, "donnee_source.type"
        if source["type"] == "self":
            assert source["code_certification"] == record["code_certification"], "donnee_source self"
    if "diplome" in record:
        assert isinstance(record["diplome"].get("code"), str) and isinstance(record["diplome"].get("libelle"), str)
    for key in ("region", "academie"):
        if key in record:
            assert isinstance(record[key].get("code"), str) and isinstance(record[key].get("nom"), str), key
    if "uai" in record:
        assert UAI.match(record["uai"]), "uai"
    for quartile in ("q1", "q2", "q3"):
        value = record.get(f"salaire_12_mois_{quartile}")
        assert value is None or _is_number(value), quartile
    check_counts_and_rates(record)
    total = record.get("nb_annee_term")
    if meta_required or "_meta" in record:
        check_meta(record.get("_meta"), small=total is not None and total < 20)


def check_filieres(payload: dict) -> None:
    assert payload and set(payload) <= {"pro", "apprentissage"}
    for filiere, record in payload.items():
        assert record["filiere"] == filiere
        assert isinstance(record.get("millesime"), str) and MILLESIME.match(record["millesime"]), "millesime"
        for key in ("codes_certifications", "codes_formation_diplome"):
            assert isinstance(record.get(key), list) and all(isinstance(c, str) for c in record[key]), key
        if "code_formation_diplome" in record:  # only when a single CFD is involved
            assert record["codes_formation_diplome"] == [record["code_formation_diplome"]]
        assert not any(key.startswith("salaire") for key in record), "no salaries in a filières view"
        check_counts_and_rates(record, lacking_is_null=True)
        if "_meta" in record:
            total = record.get("nb_annee_term")
            check_meta(record["_meta"], small=total is not None and total < 20)


def check_certifications_terminales(payload: dict) -> None:
    assert (
        payload.get("familleMetier", {}).get("isAnneeCommune") is True or len(payload["certificationsTerminales"]) > 1
    )
    assert not any(key.startswith("taux_") for key in payload), "a seconde commune has no rates of its own"
    assert isinstance(payload["certificationsTerminales"], list) and payload["certificationsTerminales"]
    for entry in payload["certificationsTerminales"]:
        if "error" in entry:
            assert isinstance(entry["error"], str) and isinstance(entry["code_certification"], str)
            assert isinstance(entry["millesimes"], list) and all(isinstance(m, str) for m in entry["millesimes"])
        else:
            check_figures(entry, meta_required=False)


def check_list(payload: dict) -> None:
    names = [name for name in ("certifications", "regionales", "formations") if name in payload]
    assert len(names) == 1, "one list per answer"
    items, pagination = payload[names[0]], payload["pagination"]
    for key in ("page", "items_par_page", "nombre_de_page", "total"):
        assert isinstance(pagination.get(key), int), f"pagination.{key}"
    assert len(items) <= pagination["items_par_page"]
    assert pagination["nombre_de_page"] == max(1, math.ceil(pagination["total"] / pagination["items_par_page"]))
    for item in items:
        check_figures(item, meta_required=False)


def check_login(payload: dict) -> None:
    assert isinstance(payload["token"], str) and payload["token"].count(".") == 2


def check_error(payload: dict) -> None:
    status = payload["statusCode"]
    assert payload["error"] == REASONS[status]
    assert isinstance(payload["message"], str) and payload["message"]
    if status == 400:
        assert payload["message"] == "Erreur de validation"
        assert payload["details"], "a 400 says what is wrong"
        for detail in payload["details"]:
            assert isinstance(detail["message"], str) and isinstance(detail["type"], str)
            assert isinstance(detail["path"], list) and isinstance(detail["context"], dict)
    if status == 401:
        assert payload["message"] in {"Not authorized", "Votre nom d'utilisateur ou votre mot de passe est invalide"}
    if status == 404:
        assert payload["message"] in NOT_FOUND_MESSAGES
        if payload["message"] == "Pas de données pour le millésime":
            data = payload["data"]
            assert MILLESIME.match(data["millesime"])
            years = [m[-4:] for m in data["millesimesDisponible"]]
            assert years == sorted(years, reverse=True), "millesimesDisponible newest first"
        else:
            assert "data" not in payload
    if status == 500:
        assert payload["message"] == "An internal server error occurred"
