"""The stand-in of the ministry's gateway in front of the replica: its token endpoint, Bearer on every route, tokens
that expire or are revoked, and the API behind it reached with the prefix taken off."""

import httpx
import pytest

from guidance.replica.app import create_app
from guidance.replica.gateway import GATEWAY_PREFIX, TOKEN_PATH, GatewayApp, StandInCredentials
from tests.replica.support import API_KEY, replica_dataset

CREDENTIALS = StandInCredentials("client", "secret", "omogen-key")
FORM = {"grant_type": "client_credentials", "client_id": "client", "client_secret": "secret"}
KEY = {"x-Omogen-api-key": "omogen-key"}
NATIONAL = f"{GATEWAY_PREFIX}/api/inserjeunes/certifications/40025214"
LIST = f"{GATEWAY_PREFIX}/api/inserjeunes/certifications"


class Clock:
    now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def gateway(dataset, clock):
    return GatewayApp(
        create_app(replica_dataset(), api_key=API_KEY),
        CREDENTIALS,
        backend_key=API_KEY,
        token_lifetime=600,
        clock=clock,
    )


@pytest.fixture
def http(gateway):
    with httpx.Client(transport=httpx.WSGITransport(app=gateway), base_url="http://gateway.local") as client:
        yield client


def _token(http) -> str:
    answer = http.post(TOKEN_PATH, data=FORM, headers=KEY)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["expires_in"], body["token_type"]) == (600, "Bearer")
    return body["access_token"]


def test_a_token_for_the_right_credentials_opens_every_route(http, gateway):
    token = _token(http)
    bearer = {"Authorization": f"Bearer {token}"}
    national = http.get(NATIONAL, headers=bearer)
    listing = http.get(LIST, headers=bearer, params={"items_par_page": 1})

    assert national.status_code == 200 and national.json()["code_certification"] == "40025214"
    # The private list routes too: the gateway holds the key of the API behind it.
    assert listing.status_code == 200 and len(listing.json()["certifications"]) == 1
    assert gateway.token_requests == 1


@pytest.mark.parametrize("path", [NATIONAL, LIST, f"{GATEWAY_PREFIX}/api"])
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic Y2xpZW50OnNlY3JldA=="])
def test_without_a_valid_bearer_token_every_route_is_401(http, path, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    answer = http.get(path, headers={**headers, "x-api-key": API_KEY})  # the API's own key is no way in here
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("form", "headers", "status"),
    [
        ({**FORM, "client_secret": "wrong"}, KEY, 401),
        ({**FORM, "client_id": "someone"}, KEY, 401),
        (FORM, {"x-Omogen-api-key": "wrong"}, 401),
        (FORM, {}, 401),
        ({**FORM, "grant_type": "password"}, KEY, 400),
    ],
)
def test_the_token_endpoint_refuses_wrong_credentials(http, gateway, form, headers, status):
    answer = http.post(TOKEN_PATH, data=form, headers=headers)
    assert answer.status_code == status
    assert "access_token" not in answer.json()
    assert gateway.token_requests == 1


def test_the_token_endpoint_takes_post_only(http):
    assert http.get(TOKEN_PATH).status_code == 405


def test_a_token_expires_and_can_be_revoked(http, gateway, clock):
    token = _token(http)
    bearer = {"Authorization": f"Bearer {token}"}
    clock.now += 599
    assert http.get(NATIONAL, headers=bearer).status_code == 200
    clock.now += 2
    assert http.get(NATIONAL, headers=bearer).status_code == 401

    fresh = {"Authorization": f"Bearer {_token(http)}"}
    assert http.get(NATIONAL, headers=fresh).status_code == 200
    gateway.revoke_tokens()
    assert http.get(NATIONAL, headers=fresh).status_code == 401


def test_paths_outside_the_prefix_are_not_found(http):
    token = _token(http)
    answer = http.get("/api/inserjeunes/certifications/40025214", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 404
