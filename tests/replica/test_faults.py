"""Fault injection: fixed at start (environment or options), never driven by a request."""

import json
import time

import pytest

from guidance.replica.faults import FaultConfig
from tests.replica.support import PREFIX, replica_client

URL = f"{PREFIX}/certifications/23830023102"


def test_the_configuration_is_read_from_the_environment():
    config = FaultConfig.from_env(
        {
            "REPLICA_LATENCY_MS": "25",
            "REPLICA_ERROR_RATE": "0.1",
            "REPLICA_TRUNCATE_RATE": "0.2",
            "REPLICA_FAULT_SEED": "3",
        }
    )

    assert (config.latency_ms, config.error_rate, config.truncate_rate, config.seed) == (25, 0.1, 0.2, 3)
    assert config.active
    assert not FaultConfig.from_env({}).active


@pytest.mark.parametrize(
    "environ", [{"REPLICA_ERROR_RATE": "lots"}, {"REPLICA_ERROR_RATE": "0.7", "REPLICA_HANG_RATE": "0.7"}]
)
def test_a_bad_configuration_is_refused(environ):
    with pytest.raises(ValueError, match="REPLICA_ERROR_RATE|rates"):
        FaultConfig.from_env(environ)


def test_an_error_rate_of_one_answers_500s_and_503s(dataset):
    with replica_client(faults=FaultConfig(error_rate=1.0, seed=7)) as client:
        statuses = {client.get(URL).status_code for _ in range(30)}
        body = client.get(URL).json()

    assert statuses == {500, 503}
    assert body["statusCode"] in {500, 503}


def test_malformed_answers_are_not_json(dataset):
    with replica_client(faults=FaultConfig(malformed_rate=1.0, seed=1)) as client:
        response = client.get(URL)

    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_truncated_answers_stop_before_their_announced_length(dataset):
    with replica_client(faults=FaultConfig(truncate_rate=1.0, seed=1)) as client:
        response = client.get(URL)

    assert int(response.headers["content-length"]) > len(response.content) > 0
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_latency_and_hangs_delay_the_answer(dataset):
    with replica_client(faults=FaultConfig(latency_ms=60)) as client:
        started = time.perf_counter()
        assert client.get(URL).status_code == 200
        assert time.perf_counter() - started >= 0.06
    with replica_client(faults=FaultConfig(hang_rate=1.0, hang_seconds=0.3, seed=1)) as client:
        started = time.perf_counter()
        client.get(URL)
        assert time.perf_counter() - started >= 0.3


def test_a_share_of_errors_is_roughly_that_share(dataset):
    with replica_client(faults=FaultConfig(error_rate=0.25, seed=11)) as client:
        failures = sum(client.get(URL).status_code >= 500 for _ in range(200))

    assert 25 <= failures <= 75


def test_a_request_cannot_switch_faults_on(client):
    assert client.get(URL, params={"error_rate": "1"}).status_code == 400
