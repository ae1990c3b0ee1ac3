import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from guidance.env import database_from_url, env_bool, env_float, env_int, env_list, env_url

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG") is expected


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG")


def test_env_int_refuses_a_word_and_a_value_below_its_minimum(monkeypatch):
    monkeypatch.setenv("TTL", "un jour")
    with pytest.raises(ImproperlyConfigured, match="TTL must be an integer"):
        env_int("TTL", 10)
    monkeypatch.setenv("TTL", "-5")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("TTL", 10, minimum=0)


def test_env_float_and_list_and_url(monkeypatch):
    monkeypatch.setenv("TIMEOUT", "2.5")
    monkeypatch.setenv("HOSTS", " a.org, b.org ,")
    monkeypatch.setenv("API", "https://api.example.org/")
    assert env_float("TIMEOUT", 1.0) == 2.5
    assert env_list("HOSTS", []) == ["a.org", "b.org"]
    assert env_url("API") == "https://api.example.org"
    monkeypatch.setenv("API", "ftp://nope")
    with pytest.raises(ImproperlyConfigured):
        env_url("API")


def test_database_url_sqlite_relative_and_absolute():
    assert database_from_url("sqlite:///db.sqlite3", base_dir=ROOT)["NAME"] == ROOT / "db.sqlite3"
    assert database_from_url("sqlite:////tmp/x.sqlite3", base_dir=ROOT)["NAME"] == Path("/tmp/x.sqlite3")


def test_database_url_postgres():
    config = database_from_url("postgres://me:s%40cret@db.example:5433/guidance?sslmode=require", base_dir=ROOT)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "me",
        "s@cret",
        "db.example",
        "5433",
    )
    assert config["NAME"] == "guidance"
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_database_url_refuses_unknown_scheme():
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        database_from_url("mysql://x/y", base_dir=ROOT)


def _check(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET_KEY", "ALLOWED_HOSTS"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_the_development_secret_key():
    result = _check({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = _check(
        {"DJANGO_ENV": "production", "ALLOWED_HOSTS": "example.org", "SECRET_KEY": secrets.token_urlsafe(60)}
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def _debug_with(env: dict) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from django.conf import settings; print(settings.DEBUG)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_debug_is_off_in_development_unless_django_debug_asks_for_it():
    # `make run` must show the site as visitors get it: styled 404/500, not Django's debug pages.
    assert _debug_with({"DJANGO_ENV": "development"}) == "False"
    assert _debug_with({"DJANGO_ENV": "development", "DJANGO_DEBUG": "1"}) == "True"


def _upstream_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "INSERJEUNES_"))}
    code = "from django.conf import settings as s; print(s.INSERJEUNES_TOKEN_URL, s.INSERJEUNES_PAGE_DEADLINE)"
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_token_url_defaults_to_the_api_urls_origin():
    gateway = "https://gw.example.org/exposition-inserjeunes-insersup"
    result = _upstream_settings(
        {
            "INSERJEUNES_API_URL": gateway,
            "INSERJEUNES_CLIENT_ID": "id",
            "INSERJEUNES_CLIENT_SECRET": "s",
            "INSERJEUNES_API_KEY": "k",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["https://gw.example.org/auth/token", "2.0"]


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"INSERJEUNES_CLIENT_ID": "id", "INSERJEUNES_API_URL": "https://gw.example.org"}, "INSERJEUNES_CLIENT_SECRET"),
        ({"INSERJEUNES_API_USERNAME": "site"}, "/auth/login were removed"),
        ({"INSERJEUNES_API_PASSWORD": "pw"}, "INSERJEUNES_CLIENT_ID"),
        ({"INSERJEUNES_PAGE_DEADLINE": "soon"}, "INSERJEUNES_PAGE_DEADLINE must be a number"),
        ({"INSERJEUNES_MAX_ANSWER_BYTES": "10"}, "at least 10000"),
        ({"INSERJEUNES_TOKEN_URL": "ftp://gw.example.org"}, "INSERJEUNES_TOKEN_URL must be an http(s) URL"),
    ],
)
def test_an_incomplete_or_obsolete_upstream_configuration_stops_start_up(env, said):
    result = _upstream_settings(env)
    assert result.returncode != 0
    assert said in result.stderr
