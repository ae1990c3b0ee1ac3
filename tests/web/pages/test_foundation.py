import pytest
from django.db import DatabaseError


@pytest.mark.django_db
def test_home_page_is_french_with_dsfr_header_and_footer(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert 'class="fr-header"' in html
    assert 'class="fr-footer"' in html
    for link in ("Accessibilité", "Mentions légales", "Données personnelles", "Plan du site"):
        assert link in html


@pytest.mark.django_db
def test_home_page_sends_a_strict_content_security_policy(client):
    csp = client.get("/").headers["Content-Security-Policy"]

    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.django_db
def test_home_page_sends_security_headers(client):
    headers = client.get("/").headers

    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
def test_unknown_url_answers_the_styled_404(client):
    response = client.get("/cette-page-n-existe-pas/")

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert 'class="fr-header"' in response.content.decode()


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken_execute(self, *args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr(CursorWrapper, "execute", broken_execute)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_server_error_page_renders_without_database(rf, django_db_blocker):
    from guidance.web.http import server_error

    with django_db_blocker.block():
        response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Le site rencontre un problème" in response.content.decode()


@pytest.mark.django_db
def test_static_footer_pages_exist(client):
    for url in ("/accessibilite/", "/mentions-legales/", "/donnees-personnelles/", "/plan-du-site/"):
        assert client.get(url).status_code == 200, url


def test_favicon_ico_points_to_the_dsfr_favicon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("favicon.ico") and "/static/dsfr/" in response["Location"]
