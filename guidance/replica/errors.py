"""The API's error answers: Boom-shaped JSON (`{statusCode, error, message[, data][, details]}`) and Joi-style
validation details, so a client written against the real service sees the same bodies from the replica."""

import json
from urllib.parse import quote

from guidance.inserjeunes.codes import newest_first

CERTIFICATION_INCONNUE = "Certification inconnue"
CERTIFICATIONS_INCONNUES = "Certifications inconnues"
FORMATION_INCONNUE = "Formation inconnue"
ETABLISSEMENT_INCONNU = "Etablissement inconnu"
PAS_DE_DONNEES = "Pas de données disponibles"
PAS_DE_DONNEES_MILLESIME = "Pas de données pour le millésime"
DONNEES_NON_DISPONIBLES = "Données non disponibles"  # a `.svg` asked for a record without any rate to draw
NOT_AUTHORIZED = "Not authorized"
WRONG_CREDENTIALS = "Votre nom d'utilisateur ou votre mot de passe est invalide"
INTERNAL_ERROR = "An internal server error occurred"

REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class ApiError(Exception):
    """An error answer. `data` and `details` are added to the body when given."""

    def __init__(
        self, status: int, message: str, *, data: dict | None = None, details: list | None = None, name: str = ""
    ):
        super().__init__(message)
        self.name = name or "Error"  # the API's error class name, shown in certificationsTerminales entries
        self.status = status
        self.message = message
        self.data = data
        self.details = details

    def body(self) -> dict:
        payload: dict = {"statusCode": self.status, "error": REASONS[self.status], "message": self.message}
        if self.data is not None:
            payload["data"] = self.data
        if self.details is not None:
            payload["details"] = self.details
        return payload

    def encode(self) -> bytes:
        return json.dumps(self.body(), ensure_ascii=False, separators=(",", ":")).encode()


_NAMES = {
    CERTIFICATION_INCONNUE: "ErrorCertificationNotFound",
    CERTIFICATIONS_INCONNUES: "ErrorCertificationsNotFound",
    ETABLISSEMENT_INCONNU: "ErrorEtablissementNotExist",
    PAS_DE_DONNEES: "ErrorRegionaleNotFound",
    DONNEES_NON_DISPONIBLES: "ErrorNoDataAvailable",
}


def not_found(message: str, name: str = "") -> ApiError:
    return ApiError(404, message, name=name or _NAMES.get(message, "ErrorFormationNotExist"))


def no_data_for_millesime(millesime: str, available: list[str]) -> ApiError:
    """404 with the millésimes that do have figures, newest first (years and periods compare on their last year)."""
    ordered = newest_first(available)
    data = {"millesime": millesime, "millesimesDisponible": ordered}
    return ApiError(404, PAS_DE_DONNEES_MILLESIME, data=data, name="ErrorNoDataForMillesime")


def validation_error(details: list[dict]) -> ApiError:
    return ApiError(400, "Erreur de validation", details=details)


_NO_VALUE = object()


def detail(path: list, message: str, kind: str, value: object = _NO_VALUE, **context) -> dict:
    """One Joi-style detail: `{message, path, type, context: {…, label, value, key}}`. Without `value` the context
    has none, as Joi leaves it out for a missing key (`any.required`)."""
    label = path[0] if len(path) == 1 else f"{path[0]}" + "".join(f"[{part}]" for part in path[1:])
    context = {**context, "label": label}
    if value is not _NO_VALUE:
        context["value"] = value
    context["key"] = path[-1]
    return {"message": message.replace("{label}", f'"{label}"'), "path": path, "type": kind, "context": context}


# What Express's final handler shows of the path: the URL as sent, percent-encoding kept (`encodeurl`); WSGI hands
# the path decoded, so it is encoded again with the characters `encodeurl` leaves as they are.
_URL_SAFE = "!#$&'()*+,-./:;=?@[\\]^_|~"


def express_404(method: str, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """Express's own 404 for a path (or method) no route matches: an HTML page, not the API's JSON."""
    # After encoding, only `&` and `'` are left to escape (as `escape-html` writes them).
    shown = f"Cannot {method} {quote(path, safe=_URL_SAFE)}".replace("&", "&amp;").replace("'", "&#39;")
    html = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n'
        f"<body>\n<pre>{shown}</pre>\n</body>\n</html>\n"
    )
    headers = [
        ("Content-Security-Policy", "default-src 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("Content-Type", "text/html; charset=utf-8"),
    ]
    return 404, headers, html.encode()
