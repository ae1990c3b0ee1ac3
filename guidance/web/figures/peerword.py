"""A plain word for a formation's employment rate among leavers against comparable diplomas.

Comparable: the same diploma type (bac pro with bac pro), in the same region, the same voie and the same promotion,
each rate computed the same way (employed 6 months after ÷ young people who left, `answer.leavers_rate`'s rule),
from the service's regional list (`indicators.peers.regional_peers`). With fewer than `peers.MIN_PEERS` comparable
rates there is no word at all: a rank among a handful says nothing. The basis of the word is said on demand.
"""

from __future__ import annotations

from fractions import Fraction

from guidance.catalog.labels import DIPLOMA_TYPES
from guidance.indicators import peers
from guidance.inserjeunes.codes import Region
from guidance.web.figures.answer import PeerWord, share_of
from guidance.web.figures.wording import leavers_sentence

_FILIERES = {"scolaire": "pro", "apprentissage": "apprentissage"}
_VOIE_WORDS = {"scolaire": "de la voie scolaire", "apprentissage": "en apprentissage"}
HIGH, MIDDLE, LOW = "plutôt haut", "dans la moyenne", "plutôt bas"


def _leavers_rate(figure: peers.PeerFigure) -> int | None:
    return share_of(figure.nb_en_emploi_6_mois, figure.nb_sortant)


def word_for(lower: int, equal: int, higher: int) -> str:
    """The word of a position: above two thirds of the peers "plutôt haut", below one third "plutôt bas"."""
    total = lower + equal + higher
    below = Fraction(2 * lower + equal, 2 * total)
    if below >= Fraction(2, 3):
        return HIGH
    if below <= Fraction(1, 3):
        return LOW
    return MIDDLE


def _kind(diploma_type: str) -> str:
    label = DIPLOMA_TYPES.get(diploma_type, "") or "formations du même type"
    return label[:1].lower() + label[1:] if label[:1].isupper() and label[1:2].islower() else label


def peer_word(code: str, region: Region, voie: str, millesime: str) -> PeerWord | None:
    """The word for certification `code` in `region` and `voie` for the period `millesime`; None without enough
    comparable rates (or when the regional list does not answer)."""
    filiere = _FILIERES.get(voie)
    figures = peers.regional_peers(region.code, millesime) if filiere else None
    if not figures:
        return None
    own = next((f for f in figures if f.code == code and f.filiere == filiere), None)
    value = _leavers_rate(own) if own is not None else None
    if own is None or value is None:
        return None
    others = [
        rate
        for f in figures
        if f is not own and f.filiere == filiere and f.diploma_type == own.diploma_type
        if (rate := _leavers_rate(f)) is not None
    ]
    if len(others) < peers.MIN_PEERS:
        return None
    found = peers.position(value, others)
    basis = (
        f"Comparé aux {found.total} autres {_kind(own.diploma_type)} {_VOIE_WORDS[voie]} "
        f"{peers.region_words(region.code)} ({leavers_sentence(millesime)}) dont le chiffre est publié : "
        f"{found.lower} ont un taux plus bas, {found.equal} le même et {found.higher} un taux plus haut "
        f"({value} % ici). Chaque taux est calculé de la même façon : jeunes en emploi 6 mois après, divisés par "
        f"les jeunes sortis de formation. Sans au moins {peers.MIN_PEERS} formations comparables, aucun mot "
        "n’est donné."
    )
    return PeerWord(word_for(found.lower, found.equal, found.higher), basis)
