"""The same replica in process, over a socket (threaded wsgiref), and as `manage.py serve_replica`."""

import logging
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from guidance.replica import app as app_module
from guidance.replica.app import create_app, get_default_app
from guidance.replica.management.commands.serve_replica import build_server
from tests.replica.support import API_KEY, PREFIX, client_for

PATHS = [
    f"{PREFIX}/certifications/23830023102",
    f"{PREFIX}/certifications/23810031211",
    f"{PREFIX}/certifications/40023102?vue=filieres",
    f"{PREFIX}/regionales/75001/certifications/23830023102?millesime=2021_2022",
    f"{PREFIX}/formations/0010001W-23830023102",
    f"{PREFIX}/certifications/00000000",
    f"{PREFIX}/certifications/23830023102?foo=1",
    f"{PREFIX}/certifications?items_par_page=3&apiKey={API_KEY}",
    "/nope",
    f"{PREFIX}/certifications/l'été",  # a non-ASCII path: PEP 3333 servers and httpx hand it over differently
]


def test_a_socket_server_answers_exactly_as_in_process(dataset):
    app = create_app(dataset, api_key=API_KEY)
    server = build_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base_url = f"http://127.0.0.1:{server.server_port}"
        with httpx.Client(base_url=base_url, timeout=10) as remote, client_for(app) as local:
            for path in PATHS:
                over_socket, in_process = remote.get(path), local.get(path)
                assert over_socket.status_code == in_process.status_code, path
                assert over_socket.content == in_process.content, path
                assert over_socket.headers["content-type"] == in_process.headers["content-type"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_serve_replica_command_serves_the_open_data(dataset):
    port = _free_port()
    manage = Path(settings.BASE_DIR) / "manage.py"
    env = {**os.environ, "REPLICA_API_KEY": API_KEY, "OPENDATA_DIR": settings.OPENDATA_DIR}
    process = subprocess.Popen(
        [sys.executable, str(manage), "serve_replica", "--port", str(port), "--latency-ms", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    try:
        banner = process.stdout.readline()
        assert f"127.0.0.1:{port}" in banner
        # The command serves OPENDATA_DIR alone: the school route (fed by test fixtures) is left out of the comparison.
        local_app = create_app(dataset, api_key=API_KEY)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as remote, client_for(local_app) as local:
            for path in PATHS[:4] + PATHS[5:]:
                assert remote.get(path).content == local.get(path).content, path
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_without_open_data_the_default_app_answers_the_apis_404s(monkeypatch, settings, tmp_path, caplog):
    monkeypatch.setattr(app_module, "_default_app", None)
    settings.OPENDATA_DIR = str(tmp_path / "absent")
    with caplog.at_level(logging.WARNING, logger="guidance.replica"):
        app = get_default_app()
    assert "OPENDATA_DIR" in caplog.text

    with client_for(app) as client:
        national = client.get(f"{PREFIX}/certifications/23830023102")
        regional = client.get(f"{PREFIX}/regionales/11/certifications/23830023102")
        school = client.get(f"{PREFIX}/formations/0010001W-23830023102")

    assert (national.status_code, national.json()["message"]) == (404, "Certification inconnue")
    assert (regional.status_code, regional.json()["message"]) == (404, "Formation inconnue")
    assert (school.status_code, school.json()["message"]) == (404, "Formation inconnue")


def test_the_default_app_is_built_once_across_threads(monkeypatch, settings, tmp_path):
    monkeypatch.setattr(app_module, "_default_app", None)
    settings.OPENDATA_DIR = str(tmp_path)
    settings.REPLICA_API_KEY = "k"
    built = []
    threads = [threading.Thread(target=lambda: built.append(get_default_app())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({id(app) for app in built}) == 1
    assert built[0].auth.api_key == "k"


@pytest.mark.parametrize("value", ["0.5"])
def test_the_default_app_takes_its_faults_from_the_environment(monkeypatch, settings, tmp_path, value):
    monkeypatch.setattr(app_module, "_default_app", None)
    monkeypatch.setenv("REPLICA_ERROR_RATE", value)
    settings.OPENDATA_DIR = str(tmp_path)

    assert get_default_app().faults.config.error_rate == float(value)


def test_serve_replica_gateway_puts_the_stand_in_gateway_in_front(dataset):
    port = _free_port()
    manage = Path(settings.BASE_DIR) / "manage.py"
    env = {**os.environ, "REPLICA_API_KEY": API_KEY, "OPENDATA_DIR": settings.OPENDATA_DIR}
    command = [sys.executable, str(manage), "serve_replica", "--port", str(port), "--gateway"]
    command += ["--client-id", "cli", "--client-secret", "sec", "--gateway-key", "gk", "--token-lifetime", "120"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    try:
        assert f"127.0.0.1:{port}" in process.stdout.readline()
        said = process.stdout.readline()  # what to give the site
        assert f"INSERJEUNES_API_URL=http://127.0.0.1:{port}/exposition-inserjeunes-insersup" in said
        assert "INSERJEUNES_CLIENT_ID=cli" in said
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as remote:
            path = f"/exposition-inserjeunes-insersup{PATHS[0]}"
            assert remote.get(path).status_code == 401
            token = remote.post(
                "/auth/token",
                data={"grant_type": "client_credentials", "client_id": "cli", "client_secret": "sec"},
                headers={"x-Omogen-api-key": "gk"},
            ).json()
            assert token["expires_in"] == 120
            answer = remote.get(path, headers={"Authorization": f"Bearer {token['access_token']}"})
            assert answer.status_code == 200 and answer.json()["code_certification"] == "23830023102"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
