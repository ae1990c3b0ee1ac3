"""The client in gateway mode, against a mocked gateway (respx): the token request, Bearer on every route, the
token's cache, its renewal, the cool-down after a refusal, and credentials kept out of logs and errors."""

import json
import logging
import threading
import time
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from guidance.inserjeunes.client import InserJeunesClient
from guidance.inserjeunes.codes import parse_certification
from guidance.inserjeunes.errors import Forbidden, Unauthorized, Unavailable, UnavailableCause
from guidance.inserjeunes.gateway import COOL_DOWN, GatewayCredentials, TokenRefused
from guidance.inserjeunes.routes import national_request
from tests.inserjeunes.conftest import payload

ORIGIN = "https://gateway.test"
API = f"{ORIGIN}/exposition-inserjeunes-insersup"
TOKEN_URL = f"{ORIGIN}/auth/token"
CREDENTIALS = GatewayCredentials(TOKEN_URL, "site-client", "client-secret-never-shown", "omogen-key-never-shown")
CFD = parse_certification("CFD:40031212")
NATIONAL = "/exposition-inserjeunes-insersup/api/inserjeunes/certifications/CFD:40031212"
LIST = "/exposition-inserjeunes-insersup/api/inserjeunes/certifications"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def gateway():
    with respx.mock(base_url=ORIGIN, assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def client(clock):
    client = InserJeunesClient(API, gateway=CREDENTIALS, user_agent="tests", clock=clock)
    yield client
    client.close()


def _tokens(*values: str, expires_in: float = 3600) -> list[httpx.Response]:
    return [
        httpx.Response(200, json={"access_token": v, "expires_in": expires_in, "token_type": "Bearer"}) for v in values
    ]


def _page() -> httpx.Response:
    body = payload("list_certifications_page2")
    body["pagination"] = {"page": 1, "items_par_page": 10, "nombre_de_page": 1, "total": 1}
    return httpx.Response(200, json=body)


def test_the_token_request_and_bearer_on_every_route_public_ones_included(gateway, client):
    token = gateway.post("/auth/token")
    token.side_effect = _tokens("tok-1")
    national = gateway.get(NATIONAL).mock(return_value=httpx.Response(200, json=payload("national_apprentissage")))
    listing = gateway.get(LIST).mock(return_value=_page())

    assert client.national(CFD).taux_en_emploi_6_mois == 40
    assert len(list(client.iter_certifications())) == 1

    sent = token.calls.last.request
    assert sent.headers["x-omogen-api-key"] == CREDENTIALS.api_key
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(sent.content.decode()) == {
        "grant_type": ["client_credentials"],
        "client_id": ["site-client"],
        "client_secret": [CREDENTIALS.client_secret],
    }
    for route in (national, listing):
        request = route.calls.last.request
        assert request.headers["authorization"] == "Bearer tok-1"
        assert "x-api-key" not in request.headers and "x-omogen-api-key" not in request.headers
    assert client.mode == "gateway" and client.token_requests == 1


def test_one_token_serves_every_call_until_90_percent_of_its_lifetime(gateway, client, clock):
    token = gateway.post("/auth/token")
    token.side_effect = _tokens("tok-1", "tok-2", expires_in=100)
    national = gateway.get(NATIONAL).mock(return_value=httpx.Response(200, json=payload("national_apprentissage")))

    for _ in range(5):
        client.national(CFD)
    clock.now += 89  # before 90 % of 100 s: kept
    client.national(CFD)
    assert token.call_count == 1
    clock.now += 2  # past 90 %: renewed before use
    client.national(CFD)
    assert token.call_count == 2
    assert national.calls.last.request.headers["authorization"] == "Bearer tok-2"


def test_a_refused_token_is_renewed_once_and_the_call_retried(gateway, client):
    token = gateway.post("/auth/token")
    token.side_effect = _tokens("revoked", "fresh")
    national = gateway.get(NATIONAL)
    national.side_effect = [httpx.Response(401), httpx.Response(200, json=payload("national_apprentissage"))]

    assert client.national(CFD).code_certification == "40031212"
    assert token.call_count == 2
    assert [c.request.headers["authorization"] for c in national.calls] == ["Bearer revoked", "Bearer fresh"]


def test_a_second_refusal_of_a_new_token_is_unauthorized_without_more_tries(gateway, client):
    token = gateway.post("/auth/token")
    token.side_effect = _tokens("a", "b", "c")
    national = gateway.get(NATIONAL).mock(return_value=httpx.Response(401, json={"error": "invalid_token"}))

    with pytest.raises(Unauthorized):
        client.national(CFD)
    assert (token.call_count, national.call_count) == (2, 2)


@pytest.mark.parametrize("status", [400, 401, 403])
def test_after_a_refused_token_request_no_new_one_for_the_cool_down(gateway, client, clock, status):
    token = gateway.post("/auth/token").mock(return_value=httpx.Response(status, json={"error": "invalid_client"}))
    national = gateway.get(NATIONAL).mock(return_value=httpx.Response(200, json=payload("national_apprentissage")))

    for _ in range(5):
        with pytest.raises(TokenRefused):
            client.national(CFD)
        clock.now += 10
    assert token.call_count == 1 and national.call_count == 0  # 40 s later: still cooling down

    clock.now += COOL_DOWN  # the cool-down is over: one new try
    token.mock(side_effect=_tokens("tok"))
    assert client.national(CFD).code_certification == "40031212"
    assert token.call_count == 2


@pytest.mark.parametrize("answer", [httpx.Response(503), httpx.Response(500)])
def test_a_failing_token_endpoint_is_unavailable_and_tried_again_next_time(gateway, client, answer):
    token = gateway.post("/auth/token")
    token.side_effect = [answer, *_tokens("tok")]
    gateway.get(NATIONAL).mock(return_value=httpx.Response(200, json=payload("national_apprentissage")))

    with pytest.raises(Unavailable):
        client.national(CFD)
    assert client.national(CFD).code_certification == "40031212"  # no cool-down: that was no refusal
    assert token.call_count == 2


@pytest.mark.parametrize(
    "body",
    [
        {"access_token": "", "expires_in": 60, "token_type": "Bearer"},
        {"access_token": "t", "expires_in": 0, "token_type": "Bearer"},
        {"access_token": "t", "expires_in": "soon", "token_type": "Bearer"},
        {"access_token": "t", "expires_in": 60, "token_type": "MAC"},
        ["t"],
    ],
)
def test_a_token_answer_of_another_shape_is_malformed(gateway, client, body):
    gateway.post("/auth/token").mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(Unavailable) as excinfo:
        client.national(CFD)
    assert excinfo.value.cause is UnavailableCause.MALFORMED


def test_the_token_is_fetched_by_one_caller_at_a_time(gateway, client):
    def slow_token(request):
        time.sleep(0.3)
        return _tokens("shared")[0]

    token = gateway.post("/auth/token").mock(side_effect=slow_token)
    gateway.get(NATIONAL).mock(return_value=httpx.Response(200, json=payload("national_apprentissage")))
    errors = []

    def call():
        try:
            client.national(CFD)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == [] and token.call_count == 1


def test_no_credential_reaches_a_log_or_an_error(gateway, client, caplog):
    secrets = [CREDENTIALS.client_secret, CREDENTIALS.api_key, "tok-secret-1", "tok-secret-2"]
    gateway.post("/auth/token").mock(side_effect=_tokens("tok-secret-1", "tok-secret-2"))
    # A gateway echoing what it got in its error messages must not make our errors show it.
    echo = {"message": f"token tok-secret-1 refused for key {CREDENTIALS.api_key}"}
    gateway.get(NATIONAL).mock(side_effect=[httpx.Response(401, json=echo), httpx.Response(401, json=echo)])
    gateway.get(LIST).mock(return_value=httpx.Response(500, json={"message": f"secret {CREDENTIALS.client_secret}"}))

    raised = []
    with caplog.at_level(logging.DEBUG):
        for call in (lambda: client.national(CFD), lambda: list(client.iter_certifications())):
            with pytest.raises((Unauthorized, Unavailable)) as excinfo:
                call()
            raised.append(excinfo.value)
    shown = (
        caplog.text + " ".join(f"{e} {e.message} {e.route} {e!r}" for e in raised) + repr(CREDENTIALS) + repr(client)
    )
    assert "inserjeunes GET" in caplog.text and "POST /auth/token" in caplog.text
    assert not [secret for secret in secrets if secret in shown]


def test_the_token_endpoint_may_live_elsewhere(clock):
    elsewhere = GatewayCredentials("https://auth.other.test/oauth/token", "id", "secret", "key")
    client = InserJeunesClient(API, gateway=elsewhere, user_agent="tests", clock=clock)
    with respx.mock(assert_all_called=True) as mock:
        mock.post("https://auth.other.test/oauth/token").mock(side_effect=_tokens("tok"))
        mock.get(f"{ORIGIN}{NATIONAL}").mock(return_value=httpx.Response(200, json=payload("national_apprentissage")))
        assert client.fetch(national_request(CFD)).payload
    client.close()


def test_the_direct_mode_sends_its_key_on_authenticated_routes_only():
    client = InserJeunesClient("https://self-hosted.test", api_key="direct-key", user_agent="tests")
    with respx.mock(base_url="https://self-hosted.test") as mock:
        national = mock.get("/api/inserjeunes/certifications/CFD:40031212").mock(
            return_value=httpx.Response(200, json=payload("national_apprentissage"))
        )
        listing = mock.get("/api/inserjeunes/certifications").mock(return_value=_page())
        client.national(CFD)
        list(client.iter_certifications())
    assert "x-api-key" not in national.calls.last.request.headers
    assert listing.calls.last.request.headers["x-api-key"] == "direct-key"
    assert "authorization" not in listing.calls.last.request.headers
    assert client.mode == "direct" and json.loads(listing.calls.last.response.content)
    client.close()


class RecordingGuard:
    def __init__(self) -> None:
        self.log: list[str] = []

    def allow(self) -> bool:
        return True

    def record_success(self) -> None:
        self.log.append("success")

    def record_failure(self) -> None:
        self.log.append("failure")


def test_a_route_refused_with_403_is_forbidden_not_retried_and_no_sign_of_an_outage(gateway, clock):
    guard = RecordingGuard()
    client = InserJeunesClient(API, gateway=CREDENTIALS, user_agent="tests", clock=clock, guard=guard)
    token = gateway.post("/auth/token").mock(side_effect=_tokens("tok", "other"))
    listing = gateway.get(LIST).mock(return_value=httpx.Response(403, json={"error": "forbidden"}))
    gateway.get(NATIONAL).mock(return_value=httpx.Response(503))

    with pytest.raises(Forbidden):
        list(client.iter_certifications())
    with pytest.raises(Unavailable):
        client.national(CFD)
    assert (token.call_count, listing.call_count) == (1, 1)  # the token is good: not renewed for a 403
    assert guard.log == ["success", "failure"]  # only the 503 counts against the upstream
    client.close()
