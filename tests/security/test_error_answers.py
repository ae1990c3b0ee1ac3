"""Error answers never fail and never lose the security headers (issue 20, finding 2): a disallowed `Host` is a
400 with X-Frame-Options and CSP, not a 500; the 400 and 404 pages fall back to `SITE_URL` for their links."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = ("X-Frame-Options", "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")


def _assert_secure(response) -> None:
    for header in SECURITY_HEADERS:
        assert header in response, header
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/", "/formations/?q=cuisine", "/etablissements/0000000Z/", "/nulle-part/"])
@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:8000@evil.example", "exa mple", "[::1", "a" * 300])
def test_a_disallowed_host_gets_a_400_page_with_the_security_headers(path, host):
    client = Client(raise_request_exception=False)
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 400, (path, host, response.status_code)
    _assert_secure(response)
    text = response.content.decode()
    assert "Demande incorrecte" in text
    assert "evil.example" not in text  # the links of the page are the configured site's, never the request's host
    assert 'rel="canonical" href="http://127.0.0.1:8000/' in text


def test_a_disallowed_host_behind_the_https_redirect_is_a_400_too(settings):
    """Production redirects plain HTTP to HTTPS first, asking the host before any other middleware runs."""
    settings.SECURE_SSL_REDIRECT = True
    client = Client(raise_request_exception=False)
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    _assert_secure(response)


def test_a_404_keeps_the_security_headers_and_names_the_site_s_own_address(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    _assert_secure(response)
    assert 'rel="canonical" href="http://testserver/nulle-part/"' in response.content.decode()
