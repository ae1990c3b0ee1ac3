"""What the search indexes for each row, in sections (see `scoring.py`): `Formation.search_text`,
`School.search_text` and the words of the ROME job titles (`JobTitle.search_words`).

The catalogue and orientation store their own facts and know nothing of the search: after they write rows in bulk
(an import, the API sync) they send `catalog.signals.catalog_changed`, and `refresh_index()` (connected in
`apps.py`) derives the index from the rows as stored, writing only the rows whose indexed words changed.
"""

import re
from collections import defaultdict

from django.db import connection

from guidance.catalog.models import CodeType, Formation, Mef, School, SchoolKind
from guidance.catalog.sise_labels import ENGINEERING, MANAGEMENT
from guidance.inserjeunes.territories import DEPARTEMENTS
from guidance.orientation.models import JobTitle
from guidance.search import backends, jobs, query
from guidance.search.scoring import SECTION_SEPARATOR, diploma_token
from guidance.search.text import index_words, initials

# Higher-education diplomas named after their school (engineering, management): `named_diploma_parts`.
NAMED_TYPES = frozenset({ENGINEERING, MANAGEMENT})


def specialty_initials(specialty: str) -> list[str]:
    """Acronyms people use for a specialty: of the whole and of the part before its option
    ("Services informatiques aux organisations option A solutions d'infrastructure…" → sio, and siosisr-like)."""
    base = re.split(r"\b(?:option|opt\.?)\b|[:(]", specialty, maxsplit=1, flags=re.IGNORECASE)[0]
    found = [initials(base)]
    return [token for token in dict.fromkeys(found) if len(token) >= 2]


def formation_search_text(
    *,
    label: str,
    diploma_type: str,
    specialty: str,
    field_label: str = "",
    family_label: str = "",
    discipline_label: str = "",
    school: str = "",
    codes: tuple[str, ...] = (),
) -> str:
    primary = index_words(label)
    token = diploma_token(diploma_type)
    if token:
        primary.append(token)
    primary += specialty_initials(specialty)
    secondary = index_words(field_label) + index_words(family_label) + index_words(discipline_label)
    secondary += index_words(school) + [code.lower() for code in codes]
    return SECTION_SEPARATOR.join([" ".join(dict.fromkeys(primary)), " ".join(dict.fromkeys(secondary))])


def school_search_text(
    *, name: str, town: str, postal_code: str, departement_code: str, uai: str, kind_label: str
) -> str:
    rest = [postal_code] if postal_code else []
    if departement_code:
        # "31" and "031" both name Haute-Garonne; "2a" Corse-du-Sud.
        short = departement_code.lstrip("0").lower()
        rest += [short, departement_code.lower()]
        rest += index_words(DEPARTEMENTS.get(departement_code, ("",))[0])
    rest += [uai.lower(), *index_words(kind_label)]
    sections = [index_words(name), index_words(town), [word for word in rest if word]]
    return SECTION_SEPARATOR.join(" ".join(dict.fromkeys(section)) for section in sections)


def job_title_words(*labels: str) -> str:
    """Folded, stemmed words of a job title, both genders ("Plombier / Plombière" → "plombier plombiere")."""
    return " ".join(dict.fromkeys(word for label in labels for word in index_words(label)))


_SPECIALITY_RE = re.compile(r",\s*sp[ée]cialit[ée]\s+", re.IGNORECASE)


def named_diploma_parts(label: str) -> tuple[str, str]:
    """(what it teaches, the school it is named after) of a higher-education diploma named after its school
    ("Diplôme d'ingénieur de l'École X, spécialité mécanique"): its speciality is what a student searches for, the
    school's name ("… informatique, automatique, mécanique … de Valenciennes") only helps to find it. A label without
    a speciality is all the diploma says of itself: (label, "")."""
    match = _SPECIALITY_RE.search(label)
    if match is None:
        return label, ""
    return label[match.end() :], label[: match.start()]


def _specialty(label: str, diploma_type: str) -> str:
    """The label without the diploma type the catalogue puts before the specialty ("CAP Cuisine" → "Cuisine")."""
    prefix = f"{diploma_type} "
    return label[len(prefix) :] if diploma_type and label.startswith(prefix) else label


def _formation_texts() -> dict[int, str]:
    finals: dict[int, list[str]] = defaultdict(list)
    rows = Mef.objects.filter(is_final_year=True).order_by("mefstat11").values_list("formation_id", "mefstat11")
    for formation_id, mefstat11 in rows.iterator(chunk_size=5000):
        finals[formation_id].append(mefstat11)
    columns = ("pk", "cfd", "label", "diploma_type", "field_label", "family_label", "discipline_label", "code_type")
    texts = {}
    for pk, cfd, label, diploma_type, field_label, family_label, discipline, code_type in Formation.objects.values_list(
        *columns
    ).iterator(chunk_size=5000):
        school = ""
        if code_type == CodeType.SISE and diploma_type in NAMED_TYPES:
            specialty, school = named_diploma_parts(label)
            label = f"{diploma_type} {specialty}" if school else label
        texts[pk] = formation_search_text(
            label=label,
            diploma_type=diploma_type,
            specialty=_specialty(label, diploma_type),
            field_label=field_label,
            family_label=family_label,
            discipline_label=discipline,  # a higher-education diploma's SISE discipline ("Sciences juridiques")
            school=school,
            codes=(cfd, *finals[pk]),
        )
    return texts


def _school_texts() -> dict[int, str]:
    kinds = dict(SchoolKind.choices)
    columns = ("pk", "name", "town", "postal_code", "departement_code", "uai", "kind")
    return {
        pk: school_search_text(
            name=name,
            town=town,
            postal_code=postal_code,
            departement_code=departement_code,
            uai=uai,
            kind_label=kinds.get(kind, ""),
        )
        for pk, name, town, postal_code, departement_code, uai, kind in School.objects.values_list(*columns).iterator(
            chunk_size=5000
        )
    }


def _write(model, column: str, texts: dict[int, str]) -> int:
    """Write the texts that differ from the stored ones (one UPDATE per changed row, sent as one batch)."""
    stored = dict(model.objects.values_list("pk", column).iterator(chunk_size=5000))
    changed = [(text, pk) for pk, text in texts.items() if stored.get(pk) != text]
    if changed:
        quote = connection.ops.quote_name
        sql = f"UPDATE {quote(model._meta.db_table)} SET {quote(column)} = %s WHERE {quote(model._meta.pk.column)} = %s"
        with connection.cursor() as cursor:
            cursor.executemany(sql, changed)
    return len(changed)


def reindex() -> dict[str, int]:
    """Derive every indexed text from the rows as stored; returns how many rows changed, per model."""
    job_texts = {pk: job_title_words(label) for pk, label in JobTitle.objects.values_list("pk", "label")}
    return {
        "Formation": _write(Formation, "search_text", _formation_texts()),
        "School": _write(School, "search_text", _school_texts()),
        # The short label abbreviates ("Garçon / Serveuse…"): the long one is indexed.
        "JobTitle": _write(JobTitle, "search_words", job_texts),
    }


def refresh_index(**kwargs: object) -> dict[str, int]:
    """What follows any bulk write of the catalogue (receiver of `catalog_changed`): the SQLite full-text tables
    repaired if a migration dropped their triggers, the index derived again, the planner's statistics refreshed,
    and what this process memoised of the old catalogue (vocabulary, job titles) forgotten."""
    backends.ensure_sqlite_index()
    changed = reindex()
    backends.analyze_tables()
    query.forget_vocabulary()
    jobs.forget_index()
    return changed
