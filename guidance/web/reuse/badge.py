"""The SVG badge of a page's figures: the same `FigureChain`s the page shows, laid out as text an <img> can hold.

`badge(...)` computes every line and bar (coordinates in user units); `templates/embeds/badge.svg` writes them as
real `<text>` and `<rect>` elements. The badge names its figures in `<title>`/`<desc>` (what a screen reader says),
loads nothing (no font, no image: the font is the reader's own sans-serif), and writes every share as a number:
a share of 0 is "0 %", never a vanishing block; a missing figure is its cause in words.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from guidance.web.figures.models import EmbedEntry, FigurePanel
from guidance.web.figures.wording import ATTRIBUTION, BY_SPECIALITY
from guidance.web.templatetags.figures import number, percent

THEMES = ("dsfr", "light", "dark")
DIRECTIONS = ("horizontal", "vertical")

# (background, border, title, text, mention, track, emploi, formation, autres) per theme; DSFR's blue France.
_PALETTES = {
    "dsfr": ("#f5f5fe", "#000091", "#000091", "#161616", "#3a3a3a", "#e3e3fd", "#000091", "#6a6af4", "#666666"),
    "light": ("#ffffff", "#dddddd", "#161616", "#161616", "#3a3a3a", "#eeeeee", "#000091", "#6a6af4", "#666666"),
    "dark": ("#161616", "#3a3a3a", "#ffffff", "#ffffff", "#cecece", "#2a2a2a", "#8585f6", "#b1b1f9", "#929292"),
}
FONT = "Marianne, Arial, Helvetica, sans-serif"  # no web font: the reader's own, Marianne when installed
_WIDTHS = {"horizontal": 600, "vertical": 300}
_PAD = 16
_SIZES = {"title": 16, "voie": 13, "rate": 22, "label": 12, "small": 11}
_CHAR = 0.56  # average advance of a sans-serif glyph, in em (for wrapping)


@dataclass(frozen=True)
class Mark:
    """Where a drawn element stands (a bar's top-left corner, a line's baseline start), in user units."""

    x: float
    y: float


@dataclass(frozen=True)
class Line(Mark):
    text: str
    size: int
    fill: str
    bold: bool = False


@dataclass(frozen=True)
class Bar(Mark):
    width: float
    height: float
    fill: str


@dataclass(frozen=True)
class Badge:
    width: int
    height: int
    background: str
    border: str
    font: str
    title: str
    desc: str
    lines: tuple[Line, ...]
    bars: tuple[Bar, ...]


def _wrap(text: str, width: float, size: int) -> list[str]:
    return textwrap.wrap(text, max(12, int(width / (size * _CHAR)))) or [""]


def _facts(panel: FigurePanel) -> str:
    parts = [panel.source.leavers if panel.source else ""]
    if panel.cohort is not None:
        parts.append(f"{number(panel.cohort)} jeune{'s' if panel.cohort > 1 else ''} en dernière année")
    return " · ".join(part for part in parts if part)


def _spoken(entry: EmbedEntry) -> str:
    """The entry in one sentence, for `<desc>`."""
    if entry.chain is None:
        return f"{entry.label} : {entry.note}"
    chain = entry.chain
    panel = chain.shown
    words = [f"{entry.label}, {chain.asked.scope}"]
    if chain.is_fallback:
        words.append(f"{chain.asked.missing.title if chain.asked.missing else ''} ; {chain.fallback_note}".strip(" ;"))
    if panel.has_figures:
        words.append(", ".join(f"{s.label.lower()} : {percent(s.rate)}" for s in panel.shares) + " (6 mois après)")
        words.append(_facts(panel))
    elif panel.terminales:
        words.append(BY_SPECIALITY)
    elif panel.missing:
        words.append(f"{panel.missing.title}. {panel.missing.text}")
    return " ; ".join(w for w in words if w) + "."


def badge(
    title: str,
    entries: Sequence[EmbedEntry],
    *,
    theme: str = "dsfr",
    direction: str = "horizontal",
    attribution: str = ATTRIBUTION,
) -> Badge:
    """The badge of `entries` under `title` (a formation and a place). `theme` ∈ THEMES, `direction` ∈ DIRECTIONS;
    `attribution` the licence's mention of the figures' source (InserSup's for higher education)."""
    bg, border, title_fill, text, mention, track, *fills = _PALETTES[theme]
    colours = dict(zip(("emploi", "formation", "autres"), fills, strict=True))
    width = _WIDTHS[direction]
    inner = width - 2 * _PAD
    lines: list[Line] = []
    bars: list[Bar] = []
    y = float(_PAD)

    def write(value: str, size_key: str, fill: str, *, bold: bool = False, x: float = _PAD, room: float = inner):
        nonlocal y
        size = _SIZES[size_key]
        for part in _wrap(value, room, size):
            y += size * 1.25
            lines.append(Line(x, y, part, size, fill, bold))

    write(title, "title", title_fill, bold=True)
    for entry in entries:
        y += 10
        if entry.chain is None:
            write(entry.label, "voie", text, bold=True)
            write(entry.note, "small", mention)
            continue
        chain, panel = entry.chain, entry.chain.shown
        write(f"{entry.label} · {chain.asked.scope}", "voie", text, bold=True)
        if chain.is_fallback:
            if chain.asked.missing:
                write(chain.asked.missing.title, "small", mention)
            write(chain.fallback_note, "small", mention)
        if panel.has_figures:
            y += 4
            columns = len(panel.shares) if direction == "horizontal" else 1
            cell = inner / columns
            top = y
            for index, share in enumerate(panel.shares):
                column, row = (index, 0) if columns > 1 else (0, index)
                x = _PAD + column * cell
                y = top + row * 52
                lines.append(Line(x, y + _SIZES["rate"], percent(share.rate), _SIZES["rate"], text, True))
                lines.append(Line(x, y + _SIZES["rate"] + 16, share.label.lower(), _SIZES["label"], text))
                bar_width = cell - 12
                bars.append(Bar(x, y + _SIZES["rate"] + 24, bar_width, 6, track))
                if share.rate:
                    bars.append(
                        Bar(x, y + _SIZES["rate"] + 24, bar_width * min(share.rate, 100) / 100, 6, colours[share.key])
                    )
            rows = 1 if columns > 1 else len(panel.shares)
            y = top + rows * 52 + 6
            write("6 mois après la sortie · " + _facts(panel), "small", mention)
        elif panel.terminales:
            write(BY_SPECIALITY, "small", text)
        elif panel.missing:
            write(panel.missing.title, "label", text, bold=True)
            write(panel.missing.text, "small", mention)
    y += 10
    write(attribution, "small", mention)
    height = int(y + _PAD)
    desc = " ".join(_spoken(entry) for entry in entries) + f" {attribution}."
    return Badge(width, height, bg, border, FONT, title, desc, tuple(lines), tuple(bars))
