import json
import logging

import httpx
import pytest

from guidance.inserjeunes.client import default_user_agent
from guidance.inserjeunes.codes import parse_certification, parse_millesime, parse_region, parse_uai
from guidance.inserjeunes.errors import (
    BadRequest,
    NotFound,
    NotFoundReason,
    Unauthorized,
    Unavailable,
    UnavailableCause,
)
from guidance.inserjeunes.results import (
    CertificationFigures,
    FilieresFigures,
    RegionalFigures,
    SchoolFigures,
    UaiType,
)
from guidance.inserjeunes.routes import filieres_request, national_request, regional_request, school_request
from tests.inserjeunes.conftest import API_KEY, payload

CFD = parse_certification("CFD:40031212")
MEF = parse_certification("23830031212")
IDF = parse_region("11")
UAI = parse_uai("0755026P")


def ok(name: str, **headers) -> httpx.Response:
    return httpx.Response(200, json=payload(name), headers=headers)


def one_page() -> httpx.Response:
    body = payload("list_certifications_page2")
    body["pagination"] = {"page": 1, "items_par_page": 10, "nombre_de_page": 1, "total": 1}
    return httpx.Response(200, json=body)


class TestRoutes:
    def test_national_route_sends_the_prefixed_code_and_millesime(self, upstream, client):
        route = upstream.get("/api/inserjeunes/certifications/CFD:40031212", params={"millesime": "2023"}).mock(
            return_value=ok("national_apprentissage")
        )
        figures = client.national(CFD, parse_millesime("2023"))
        assert route.called
        assert isinstance(figures, CertificationFigures)
        assert figures.taux_en_emploi_6_mois == 40
        assert figures.salaire_12_mois_q2 == 1470

    def test_regional_route(self, upstream, client):
        upstream.get("/api/inserjeunes/regionales/11/certifications/MEFSTAT11:23830031212").mock(
            return_value=ok("regional")
        )
        figures = client.regional(MEF, IDF)
        assert isinstance(figures, RegionalFigures)
        assert figures.region.nom == "Île-de-France"
        assert figures.millesime == "2022_2023"

    def test_school_route(self, upstream, client):
        upstream.get("/api/inserjeunes/formations/0755026P-CFD:40031212").mock(return_value=ok("school_apprentissage"))
        figures = client.school(UAI, CFD)
        assert isinstance(figures, SchoolFigures)
        assert figures.uai_donnee_type is UaiType.FORMATEUR
        assert figures.figures_from_other_uai
        assert figures.academie.code == "01"

    def test_filieres_route_joins_sorted_codes_with_an_encoded_pipe(self, upstream, client):
        route = upstream.get(
            "/api/inserjeunes/certifications/CFD:40031212%7CMEFSTAT11:23830031212", params={"vue": "filieres"}
        ).mock(return_value=ok("filieres"))
        figures = client.filieres([MEF, CFD])
        assert route.called
        assert "%7C" in str(route.calls.last.request.url)
        assert isinstance(figures, FilieresFigures)
        assert figures.pro.nb_annee_term == 2314
        assert figures.apprentissage.nb_annee_term == 152

    def test_regional_filieres_route(self, upstream, client):
        upstream.get("/api/inserjeunes/regionales/11/certifications/CFD:40031212%7CMEFSTAT11:23830031212").mock(
            return_value=ok("filieres_regional")
        )
        figures = client.filieres([CFD, MEF], IDF)
        assert figures.region.code == "11"
        assert figures.pro.formation_fermee is None  # several CFDs: not given

    def test_canonical_keys_do_not_depend_on_order(self):
        assert filieres_request([CFD, MEF]).key == filieres_request([MEF, CFD, CFD]).key
        assert national_request(CFD).key == "/api/inserjeunes/certifications/CFD:40031212"
        assert regional_request(CFD, IDF, parse_millesime("2022_2023")).key.endswith("?millesime=2022_2023")
        assert school_request(UAI, MEF).key == "/api/inserjeunes/formations/0755026P-MEFSTAT11:23830031212"

    def test_public_routes_send_no_credentials_and_a_user_agent(self, upstream, client):
        route = upstream.get("/api/inserjeunes/certifications/CFD:40031212").mock(
            return_value=ok("national_apprentissage")
        )
        client.national(CFD)
        request = route.calls.last.request
        assert "x-api-key" not in request.headers
        assert request.headers["user-agent"] == default_user_agent()
        assert "et-apres" in default_user_agent()
        assert "apiKey" not in str(request.url)


class TestNotFound:
    @pytest.mark.parametrize(
        ("fixture", "reason"),
        [
            ("404_certification_inconnue", NotFoundReason.UNKNOWN_CERTIFICATION),
            ("404_certifications_inconnues", NotFoundReason.UNKNOWN_CERTIFICATIONS),
            ("404_formation_inconnue", NotFoundReason.UNKNOWN_FORMATION),
            ("404_etablissement_inconnu", NotFoundReason.UNKNOWN_SCHOOL),
            ("404_pas_de_donnees", NotFoundReason.NO_DATA),
        ],
    )
    def test_each_404_message_gives_its_reason(self, upstream, client, fixture, reason):
        upstream.get("/api/inserjeunes/certifications/CFD:40031212").mock(
            return_value=httpx.Response(404, json=payload(fixture))
        )
        with pytest.raises(NotFound) as excinfo:
            client.national(CFD)
        assert excinfo.value.reason is reason
        assert excinfo.value.payload == payload(fixture)

    def test_no_data_for_millesime_carries_the_available_ones_newest_first(self, upstream, client):
        upstream.get("/api/inserjeunes/certifications/CFD:40031212").mock(
            return_value=httpx.Response(404, json=payload("404_millesime"))
        )
        with pytest.raises(NotFound) as excinfo:
            client.national(CFD, parse_millesime("2019"))
        assert excinfo.value.reason is NotFoundReason.NO_DATA_FOR_MILLESIME
        assert excinfo.value.millesime == "2019"
        assert excinfo.value.available_millesimes == ("2023", "2022_2023", "2022", "2021_2022")

    def test_an_html_404_of_an_unknown_path_is_not_a_no_data_answer(self, upstream, client):
        upstream.get("/api/inserjeunes/certifications/CFD:40031212").mock(
            return_value=httpx.Response(404, text="<html><body>Cannot GET</body></html>")
        )
        with pytest.raises(Unavailable) as excinfo:
            client.national(CFD)
        assert excinfo.value.cause is UnavailableCause.UNEXPECTED


class TestFailures:
    def test_400_is_a_bad_request_with_its_details(self, upstream, client):
        upstream.get("/api/inserjeunes/certifications/CFD:40031212").mock(
            return_value=httpx.Response(400, json=payload("400_validation"))
        )
        with pytest.raises(BadRequest) as excinfo:
            client.national(CFD)
        assert excinfo.value.message == "Erreur de validation"
        assert excinfo.value.details[0]["type"] == "object.unknown"

    def test_401_is_unauthorized(self, upstream, client):
        upstream.get("/api/inserjeunes/certifications").mock(return_value=httpx.Response(401, json=payload("401")))
        with pytest.raises(Unauthorized):
            list(client.iter_certifications())

    @pytest.mark.parametrize("status", [500, 502, 504])
    def test_5xx_is_unavailable(self, upstream, client, status):
        upstream.get("/api/inserjeunes/certifications/CFD:40031212").mock(
            return_value=httpx.Response(status, json=payload("500"))
        )
        with pytest.raises(Unavailable) as excinfo:
            client.national(CFD)
        assert (excinfo.value.cause, excinfo.value.status) == (UnavailableCause.SERVER_ERROR, status)

    @pytest.mark.parametrize("status", [503, 429])
    def test_rate_limit_is_unavailable(self, upstream, client, status):
        upstream.get("/api/inserjeunes/certifications/CFD:40031212").mock(return_value=httpx.Response(status))
        with pytest.raises(Unavailable) as excinfo:
            client.national(CFD)
        assert excinfo.value.cause is UnavailableCause.RATE_LIMITED

    @pytest.mark.parametrize(
        ("exception", "cause"),
        [
            (httpx.ConnectTimeout, UnavailableCause.TIMEOUT),
            (httpx.ReadTimeout, UnavailableCause.TIMEOUT),
            (httpx.PoolTimeout, UnavailableCause.TIMEOUT),
            (httpx.ConnectError, UnavailableCause.CONNECT),
            (httpx.ReadError, UnavailableCause.CONNECT),
            (httpx.RemoteProtocolError, UnavailableCause.TRUNCATED),
        ],
    )
    def test_transport_errors_are_unavailable(self, upstream, client, exception, cause):
        upstream.get("/api/inserjeunes/certifications/CFD:40031212").mock(side_effect=exception("boom"))
        with pytest.raises(Unavailable) as excinfo:
            client.national(CFD)
        assert excinfo.value.cause is cause

    def test_malformed_json_is_unavailable(self, upstream, client):
        upstream.get("/api/inserjeunes/certifications/CFD:40031212").mock(
            return_value=httpx.Response(200, text="<!doctype html><p>Maintenance</p>")
        )
        with pytest.raises(Unavailable) as excinfo:
            client.national(CFD)
        assert excinfo.value.cause is UnavailableCause.MALFORMED

    def test_truncated_json_is_unavailable(self, upstream, client):
        body = json.dumps(payload("national_apprentissage"))
        upstream.get("/api/inserjeunes/certifications/CFD:40031212").mock(
            return_value=httpx.Response(200, text=body[: len(body) // 2], headers={"content-type": "application/json"})
        )
        with pytest.raises(Unavailable) as excinfo:
            client.national(CFD)
        assert excinfo.value.cause is UnavailableCause.TRUNCATED

    def test_json_of_the_wrong_shape_is_malformed(self, upstream, client):
        upstream.get("/api/inserjeunes/certifications/CFD:40031212").mock(
            return_value=httpx.Response(200, json={"millesime": "2023"})  # no code_certification, no filiere
        )
        with pytest.raises(Unavailable) as excinfo:
            client.national(CFD)
        assert excinfo.value.cause is UnavailableCause.MALFORMED

    def test_a_json_array_is_malformed(self, upstream, client):
        upstream.get("/api/inserjeunes/certifications/CFD:40031212").mock(return_value=httpx.Response(200, json=[]))
        with pytest.raises(Unavailable) as excinfo:
            client.national(CFD)
        assert excinfo.value.cause is UnavailableCause.MALFORMED

    def test_truncated_list_page_is_unavailable(self, upstream, client):
        body = json.dumps(payload("list_certifications_page1"))
        upstream.get("/api/inserjeunes/certifications").mock(return_value=httpx.Response(200, text=body[:-40]))
        with pytest.raises(Unavailable) as excinfo:
            list(client.iter_certifications())
        assert excinfo.value.cause is UnavailableCause.TRUNCATED


class TestConditionalRequests:
    def test_etag_is_returned_and_sent_back_and_304_is_not_modified(self, upstream, client):
        request = national_request(CFD)
        route = upstream.get(request.path)
        route.side_effect = [ok("national_apprentissage", etag='W/"5a1-abc"'), httpx.Response(304)]
        first = client.fetch(request)
        assert first.etag == 'W/"5a1-abc"'
        second = client.fetch(request, etag=first.etag)
        assert route.calls.last.request.headers["if-none-match"] == 'W/"5a1-abc"'
        assert second.not_modified
        assert second.payload is None
        assert second.etag == 'W/"5a1-abc"'


class TestAuthentication:
    def test_list_routes_send_the_api_key_header_and_paginate(self, upstream, client):
        route = upstream.get("/api/inserjeunes/certifications")
        route.side_effect = [ok("list_certifications_page1"), ok("list_certifications_page2")]
        figures = list(client.iter_certifications(millesimes=[parse_millesime("2023")], page_size=2))
        assert [f.code_certification for f in figures] == ["40031212", "40025214", "50022141"]
        assert route.call_count == 2
        first, second = (call.request for call in route.calls)
        assert first.headers["x-api-key"] == API_KEY
        assert first.url.params["page"] == "1"
        assert second.url.params["page"] == "2"
        assert first.url.params["items_par_page"] == "2"
        assert first.url.params["millesimes"] == "2023"
        assert "apiKey" not in str(first.url)

    def test_the_formations_iterator_uses_its_envelope(self, upstream, client):
        school = payload("school_pro")
        upstream.get("/api/inserjeunes/formations").mock(
            return_value=httpx.Response(
                200,
                json={
                    "formations": [school],
                    "pagination": {"page": 1, "items_par_page": 10, "nombre_de_page": 1, "total": 1},
                },
            )
        )
        assert [f.uai for f in client.iter_formations(uais=[parse_uai("0750508X")])] == ["0750508X"]


class TestLogging:
    def test_every_call_is_logged_with_route_status_and_duration_but_never_the_key(self, upstream, client, caplog):
        upstream.get("/api/inserjeunes/certifications").mock(return_value=one_page())
        upstream.get("/api/inserjeunes/certifications/CFD:40031212").mock(return_value=httpx.Response(500))
        with caplog.at_level(logging.DEBUG):
            list(client.iter_certifications())
            with pytest.raises(Unavailable):
                client.national(CFD)
        lines = [r.getMessage() for r in caplog.records if r.name == "guidance.inserjeunes"]
        assert any("/api/inserjeunes/certifications status=200 duration_ms=" in line for line in lines)
        assert any("/api/inserjeunes/certifications/CFD:40031212 status=500" in line for line in lines)
        assert API_KEY not in caplog.text

    def test_timeouts_are_explicit(self, client):
        assert (client.connect_timeout, client.read_timeout) == (0.5, 0.5)
        assert client.call_timeout == 10.0  # the whole call (see test_bounded_calls.py)


class TestOnlyParsedCodesReachAUrl:
    @pytest.mark.parametrize(
        "call",
        [
            lambda c: c.national("40031212"),
            lambda c: c.national(CFD, "2023"),
            lambda c: c.regional(CFD, "11"),
            lambda c: c.school("0755026P", CFD),
            lambda c: c.filieres(["CFD:40031212"]),
            lambda c: list(c.iter_formations(uais=["0755026P"])),
            lambda c: list(c.iter_certifications(certs=["40031212"])),
        ],
    )
    def test_raw_strings_are_refused(self, client, call):
        with pytest.raises(TypeError):
            call(client)

    def test_a_filieres_view_needs_codes(self):
        with pytest.raises(ValueError):
            filieres_request([])
