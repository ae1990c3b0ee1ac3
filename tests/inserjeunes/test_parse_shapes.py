"""Whatever shape an answer takes, the client ends with figures or one of its typed errors, never a crash.

Each field of each upstream answer (tests/inserjeunes/upstream/answers.json, from the API's own tests, and the
recorded bodies of tests/fixtures/inserjeunes) is replaced in turn by values of every JSON type. The parsers may
refuse the answer (`PayloadError`, which the client reports as MALFORMED) or read it; any other exception would
escape the client as a server error on our pages. Error bodies likewise always become one typed error.
"""

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from guidance.inserjeunes import parsing
from guidance.inserjeunes.codes import newest_first
from guidance.inserjeunes.errors import BadRequest, InserJeunesError, NotFound, error_for_status
from guidance.inserjeunes.results import CertificationFigures, FilieresFigures, PayloadError

HERE = Path(__file__).resolve().parent
CASES = json.loads((HERE / "upstream" / "answers.json").read_text(encoding="utf-8"))["cases"]
RECORDED = {
    path.stem: json.loads(path.read_text(encoding="utf-8"))
    for path in (HERE.parent / "fixtures" / "inserjeunes").glob("*.json")
}
ODD_VALUES = (None, True, 0, 1.5, "", "texte", "2024\n", [], ["texte"], [None], [1], {}, {"a": 1}, [{}], [[1]])
LISTS = ("certifications", "regionales", "formations")
MILLESIME_FORM = re.compile(r"[0-9]{4}(_[0-9]{4})?")


def _parser(body: dict):
    if "pagination" in body:
        key = next(key for key in LISTS if key in body)
        return lambda data: parsing.parse_page(data, key)
    if body and set(body) <= {"pro", "apprentissage"}:
        return parsing.parse_filieres
    if "uai" in body:
        return parsing.parse_school
    if "region" in body:
        return parsing.parse_regional
    return parsing.parse_certification


def _is_answer(body: dict) -> bool:
    return "statusCode" not in body and "token" not in body


ANSWERS = {f"case:{name}": case["body"] for name, case in CASES.items() if case.get("status", 200) == 200}
ANSWERS |= {f"recorded:{name}": body for name, body in RECORDED.items() if _is_answer(body)}
ERRORS = {name: body for name, body in RECORDED.items() if "statusCode" in body}
ERRORS |= {name: case["body"] for name, case in CASES.items() if case.get("status", 200) != 200}


def _paths(value: object, prefix: tuple = ()) -> Iterator[tuple]:
    if prefix:
        yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


def _replaced(body: dict, path: tuple, value: object) -> dict:
    changed = copy.deepcopy(body)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def test_the_shapes_cover_every_kind_of_answer():
    parsers = {_parser(body) for body in ANSWERS.values() if "pagination" not in body}
    assert parsers == {
        parsing.parse_certification,
        parsing.parse_regional,
        parsing.parse_school,
        parsing.parse_filieres,
    }
    assert any("pagination" in body for body in ANSWERS.values()) and ERRORS


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_every_answer_parses_as_sent(name):
    body = ANSWERS[name]
    parsed = _parser(body)(copy.deepcopy(body))
    if "millesime" in body:
        assert (parsed.millesime, parsed.filiere) == (body["millesime"], body["filiere"])


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_any_field_of_any_type_gives_figures_or_a_payload_error(name):
    body = ANSWERS[name]
    parse = _parser(body)
    read = refused = 0
    for path in _paths(body):
        for value in ODD_VALUES:
            try:
                parsed = parse(_replaced(body, path, value))
            except PayloadError:
                refused += 1
            else:
                read += 1
                # Pages read the years of what they show (`codes.Millesime`): only the API's form gets through.
                assert all(MILLESIME_FORM.fullmatch(m) for m in _millesimes_read(parsed)), (path, value)
    # Both outcomes occur: descriptions of the figures are read leniently, the figures strictly.
    assert read and refused


def _millesimes_read(parsed) -> list[str]:
    if isinstance(parsed, FilieresFigures):
        return [voie.millesime for voie in (parsed.pro, parsed.apprentissage) if voie]
    if isinstance(parsed, CertificationFigures):
        return [parsed.millesime, *(e.millesime for e in parsed.certifications_terminales if not e.is_error)]
    return []  # a list page: its items are read one by one, by the parsers above


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_any_error_body_gives_one_typed_error_with_well_formed_millesimes(name):
    body = ERRORS[name]
    status = body["statusCode"]
    for path in _paths(body):
        for value in ODD_VALUES:
            error = error_for_status(status, _replaced(body, path, value), route="/api/inserjeunes/certifications/x")
            assert isinstance(error, InserJeunesError) and error.status == status
            if isinstance(error, NotFound):
                offered = error.available_millesimes
                # Pages sort and link them by year (`codes.newest_first`): each must have the API's form.
                assert all(MILLESIME_FORM.fullmatch(m) for m in (*offered, error.millesime or "2024"))
                assert list(offered) == newest_first(offered)
            if isinstance(error, BadRequest):
                assert isinstance(error.details, tuple)
