"""The `.svg` form of the single routes: a small image drawn by the replica from the record's own rates.

The API draws its widgets from templates (themes `dsfr` and `lba`, `horizontal` or `vertical`); the replica draws
a plainer picture from the same three rates (employment 6 months after leaving, further studies, other
situations) with the same rules: no image without at least one non-zero of them (404 `Données non disponibles`),
an error image or an empty one instead of a 404 when `imageOnError` asks for it. Text is real text (with
`<title>`), nothing is fetched.
"""

from html import escape
from typing import TypeGuard

RATES = (
    ("taux_en_emploi_6_mois", "en emploi 6 mois après la sortie"),
    ("taux_en_formation", "en formation"),
    ("taux_autres_6_mois", "dans une autre situation"),
)
FILIERES = (("pro", "Voie scolaire"), ("apprentissage", "Apprentissage"))
SOURCE = "Source : InserJeunes (DEPP, DARES)"
THEMES = {
    "dsfr": {"accent": "#000091", "text": "#161616", "muted": "#666666", "track": "#e3e3fd", "font": "Marianne, Arial"},
    "lba": {"accent": "#6a11cb", "text": "#1e1e1e", "muted": "#5f5f5f", "track": "#ece4f8", "font": "Arial"},
}
# The API's `imageOnError=empty` image: one white pixel, so a page can hide the frame.
EMPTY_SVG = (
    '<svg version="1.1" width="1" height="1" viewBox="0 0 1 1" fill="none" style="background-color:white" '
    'xmlns="http://www.w3.org/2000/svg">\n</svg>'
)
_ITEM_WIDTH, _ITEM_HEIGHT, _HEADER = 210, 74, 62


def has_rates(record: dict | None) -> TypeGuard[dict]:
    """Whether the API would draw a widget: at least one of the three rates is there and not zero."""
    return record is not None and any(record.get(name) for name, _ in RATES)


def leavers(millesime: str) -> str:
    """Which leavers a millésime counts: `2023` → one cohort, `2022_2023` → two cumulated cohorts."""
    first, _, last = millesime.partition("_")
    return f"Jeunes sortis en {first} et {last}" if last else f"Jeunes sortis en {first}"


def _frame(width: int, height: int, theme: str, title: str, body: list[str]) -> str:
    colours = THEMES[theme]
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" font-family="{colours["font"]}, sans-serif">',
            f"<title>{escape(title)}</title>",
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
            *body,
            f'<text x="12" y="{height - 10}" font-size="11" fill="{colours["muted"]}">{escape(SOURCE)}</text>',
            "</svg>",
        ]
    )


def _rate(x: int, y: int, value: int, label: str, colours: dict) -> list[str]:
    bar = round((_ITEM_WIDTH - 24) * max(0, min(value, 100)) / 100)
    return [
        f'<text x="{x}" y="{y + 26}" font-size="24" font-weight="bold" fill="{colours["accent"]}">{value} %</text>',
        f'<rect x="{x}" y="{y + 34}" width="{_ITEM_WIDTH - 24}" height="8" rx="4" fill="{colours["track"]}"/>',
        f'<rect x="{x}" y="{y + 34}" width="{bar}" height="8" rx="4" fill="{colours["accent"]}"/>',
        f'<text x="{x}" y="{y + 58}" font-size="12" fill="{colours["text"]}">{escape(label)}</text>',
    ]


def _rates(record: dict, x: int, y: int, direction: str, colours: dict) -> tuple[list[str], int]:
    """The record's rates, side by side (horizontal) or one under the other; returns the parts and their count."""
    shown = [(record[name], label) for name, label in RATES if record.get(name) is not None]
    parts: list[str] = []
    for index, (value, label) in enumerate(shown):
        dx, dy = (index * _ITEM_WIDTH, 0) if direction == "horizontal" else (0, index * _ITEM_HEIGHT)
        parts += _rate(x + dx, y + dy, value, label, colours)
    return parts, len(shown)


def _header(record: dict, colours: dict) -> tuple[str, list[str]]:
    name = record.get("libelle") or record.get("code_certification") or ""
    where = (record.get("region") or {}).get("nom") or "France"
    if record.get("libelle_etablissement") or record.get("uai"):
        where = record.get("libelle_etablissement") or record["uai"]
    subtitle = f"{leavers(record.get('millesime', ''))} · {where}"
    return f"{name} : {subtitle}", [
        f'<text x="12" y="24" font-size="15" font-weight="bold" fill="{colours["text"]}">{escape(name)}</text>',
        f'<text x="12" y="44" font-size="12" fill="{colours["muted"]}">{escape(subtitle)}</text>',
    ]


def figures_svg(record: dict, *, theme: str = "dsfr", direction: str = "vertical") -> str:
    colours = THEMES[theme]
    title, parts = _header(record, colours)
    rates, count = _rates(record, 12, _HEADER, direction, colours)
    width = 12 + max(count, 1) * _ITEM_WIDTH if direction == "horizontal" else 12 + _ITEM_WIDTH + 120
    height = _HEADER + (_ITEM_HEIGHT if direction == "horizontal" else count * _ITEM_HEIGHT) + 24
    return _frame(max(width, 420), height, theme, title, parts + rates)


def filieres_svg(views: dict, *, theme: str = "dsfr", direction: str = "vertical") -> str:
    """The filières view: one block per voie, `Pas de données` for a voie the view lacks or cannot draw."""
    colours = THEMES[theme]
    first = views.get("pro") or views.get("apprentissage") or {}
    title, parts = _header(first, colours)
    y = _HEADER
    width = 420
    for key, name in FILIERES:
        parts.append(f'<text x="12" y="{y + 14}" font-size="13" font-weight="bold" fill="{colours["text"]}">')
        parts[-1] += f"{escape(name)}</text>"
        view = views.get(key)
        if not has_rates(view):
            parts.append(f'<text x="12" y="{y + 36}" font-size="12" fill="{colours["muted"]}">Pas de données</text>')
            y += 50
            continue
        rates, count = _rates(view, 12, y + 18, direction, colours)
        parts += rates
        y += 18 + (_ITEM_HEIGHT if direction == "horizontal" else count * _ITEM_HEIGHT)
        if direction == "horizontal":
            width = max(width, 12 + count * _ITEM_WIDTH)
    return _frame(width, y + 24, theme, title, parts)


def error_svg(*, theme: str = "dsfr", direction: str = "vertical", region: str = "") -> str:
    """What the API sends instead of a 404 when `imageOnError=true`: a notice that there is nothing to show."""
    colours = THEMES[theme]
    message = "Données non disponibles" + (f" pour la région {region}" if region else "")
    width, height = (640, 96) if direction == "horizontal" else (420, 120)
    body = [
        f'<text x="12" y="36" font-size="15" font-weight="bold" fill="{colours["text"]}">{escape(message)}</text>',
        f'<text x="12" y="58" font-size="12" fill="{colours["muted"]}">'
        "Pas assez de jeunes ou pas de chiffres publiés pour cette formation.</text>",
    ]
    return _frame(width, height, theme, message, body)
